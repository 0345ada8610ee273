import os
import stat

import pytest
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile

from qinkuaiban.core.storage import MediaStorage


@pytest.fixture
def storage(tmp_path):
    return MediaStorage(location=tmp_path, file_permissions_mode=0o640)


def test_a_new_file_is_written_with_the_configured_permissions(storage, tmp_path):
    assert storage.save_new("cases/2026/a.pdf", ContentFile(b"%PDF-1.4 one")) == "cases/2026/a.pdf"
    assert storage.save_new("cases/2026/b.pdf", ContentFile(b"%PDF-1.4 two")) == "cases/2026/b.pdf"
    for name, content in (("a.pdf", b"%PDF-1.4 one"), ("b.pdf", b"%PDF-1.4 two")):
        path = tmp_path / "cases" / "2026" / name
        assert path.read_bytes() == content
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o640


def test_an_existing_file_is_never_overwritten(storage):
    storage.save_new("cases/2026/a.pdf", ContentFile(b"first"))
    with pytest.raises(FileExistsError):
        storage.save_new("cases/2026/a.pdf", ContentFile(b"second"))
    with storage.open("cases/2026/a.pdf") as kept:
        assert kept.read() == b"first"


def test_a_name_outside_the_storage_is_refused(storage, tmp_path):
    with pytest.raises(SuspiciousFileOperation):
        storage.save_new("../outside.pdf", ContentFile(b"x"))
    assert not (tmp_path.parent / "outside.pdf").exists()


def test_a_failed_write_leaves_no_half_file(storage, tmp_path):
    storage.save_new("cases/2026/first.pdf", ContentFile(b"x"))

    class Broken(SimpleUploadedFile):
        def chunks(self, chunk_size=None):
            yield b"half"
            raise OSError("disk gone")

    with pytest.raises(OSError, match="disk gone"):
        storage.save_new("cases/2026/broken.pdf", Broken("broken.pdf", b"whole"))
    assert not (tmp_path / "cases" / "2026" / "broken.pdf").exists()


def test_a_large_upload_spooled_to_disk_is_moved_not_copied(storage, tmp_path):
    spooled = TemporaryUploadedFile("big.pdf", "application/pdf", 5, None)
    spooled.write(b"%PDF-")
    spooled.seek(0)
    source = spooled.temporary_file_path()
    assert storage.save_new("cases/2026/big.pdf", spooled) == "cases/2026/big.pdf"
    assert (tmp_path / "cases" / "2026" / "big.pdf").read_bytes() == b"%PDF-"
    assert not os.path.exists(source)
    spooled.close()  # as Django does at the end of the request


def test_text_content_is_written_as_utf8(storage, tmp_path):
    storage.save_new("cases/2026/first.txt", ContentFile(b"x"))
    storage.save_new("cases/2026/note.txt", ContentFile("一次性告知"))
    assert (tmp_path / "cases" / "2026" / "note.txt").read_text(encoding="utf-8") == "一次性告知"


@pytest.mark.skipif(os.name != "posix" or os.geteuid() != 0,
                    reason="giving a file another group needs root")
def test_a_new_file_takes_the_group_of_the_storage_location(storage, tmp_path):
    storage.save_new("cases/2026/first.pdf", ContentFile(b"x"))  # makes the directory
    os.chown(tmp_path, -1, 1)
    storage.save_new("cases/2026/second.pdf", ContentFile(b"y"))
    assert os.stat(tmp_path / "cases" / "2026" / "second.pdf").st_gid == 1


def test_bytes_like_chunks_are_written_as_they_are(storage, tmp_path):
    class Chunks(ContentFile):
        def chunks(self, chunk_size=None):
            yield bytearray(b"%PDF-")
            yield memoryview(b"1.4")

    storage.save_new("cases/2026/first.pdf", ContentFile(b"x"))
    storage.save_new("cases/2026/chunks.pdf", Chunks(b""))
    assert (tmp_path / "cases" / "2026" / "chunks.pdf").read_bytes() == b"%PDF-1.4"
