"""Uploads: content decides the type; executables, renamed files, other zips and oversized
files are refused with a clear message and nothing is written."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from qinkuaiban.cases import services
from qinkuaiban.cases.models import Attachment
from qinkuaiban.cases.tests.factories import PNG_BYTES, docx, pdf, submit
from qinkuaiban.cases.uploads import inspect_upload, safe_original_name
from qinkuaiban.core.errors import InvalidInput


def files_in(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()]


@pytest.mark.parametrize(("upload", "content_type"), [
    (lambda: pdf("申请.pdf"), "application/pdf"),
    (lambda: SimpleUploadedFile("照片.PNG", PNG_BYTES), "image/png"),
    (lambda: SimpleUploadedFile("照片.jpeg", b"\xff\xd8\xff\xe0" + b"\x00" * 20), "image/jpeg"),
    (lambda: docx("清单.docx"),
     "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    (lambda: docx("表.xlsx", main_part="xl/workbook.xml"),
     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
])
def test_accepted_types_are_recognised_by_their_content(upload, content_type):
    assert inspect_upload(upload()).file_type.content_type == content_type


@pytest.mark.parametrize(("upload", "code"), [
    (lambda: SimpleUploadedFile("合同.pdf", b"MZ\x90\x00" + b"\x00" * 60), "file_executable"),
    (lambda: SimpleUploadedFile("run.pdf", b"\x7fELF\x02\x01" + b"\x00" * 20), "file_executable"),
    (lambda: SimpleUploadedFile("照片.png", b"%PDF-1.4\n"), "file_extension_mismatch"),
    (lambda: docx("archive.zip", main_part="other.txt"), "file_type_not_allowed"),
    (lambda: SimpleUploadedFile("说明.txt", b"hello"), "file_type_not_allowed"),
    (lambda: SimpleUploadedFile("空.pdf", b""), "file_empty"),
])
def test_bad_files_are_refused_with_a_clear_code(upload, code):
    with pytest.raises(InvalidInput) as refused:
        inspect_upload(upload())
    assert refused.value.code == code
    assert refused.value.message


def test_a_renamed_executable_is_refused_and_nothing_is_written(item, zhangsan, lisi,
                                                                media_root):
    case = submit(item, zhangsan)
    before = files_in(media_root)
    with pytest.raises(InvalidInput) as refused:
        services.add_attachment(case=case, actor=lisi,
                                file=SimpleUploadedFile("发票.pdf", b"MZ" + b"\x00" * 100))
    assert "发票.pdf" in refused.value.message
    assert files_in(media_root) == before
    assert Attachment.objects.filter(case=case).count() == 2


def test_an_oversized_file_is_refused_and_nothing_is_written(item, zhangsan, lisi, media_root,
                                                             settings):
    settings.QKB_UPLOAD_MAX_BYTES = 1024
    case = submit(item, zhangsan)
    before = files_in(media_root)
    big = SimpleUploadedFile("大.pdf", b"%PDF-1.4\n" + b"0" * 4096)
    with pytest.raises(InvalidInput) as refused:
        services.add_attachment(case=case, actor=lisi, file=big)
    assert refused.value.code == "file_too_large"
    assert files_in(media_root) == before


def test_stored_files_get_random_names_and_a_checksum(item, zhangsan, media_root):
    case = submit(item, zhangsan)
    attachment = Attachment.objects.filter(case=case).first()
    assert attachment is not None and case.submitted_at is not None
    assert str(attachment.file.name).startswith(f"cases/{case.submitted_at.year}/")
    assert "申请函" not in str(attachment.file.name) and len(attachment.sha256) == 64
    assert (media_root / str(attachment.file.name)).exists()


def test_the_client_name_never_carries_a_path():
    assert safe_original_name("../../etc/passwd") == "passwd"
    assert safe_original_name("C:\\temp\\a.pdf") == "a.pdf"


def test_uploads_are_written_by_the_lean_new_file_write_after_a_directory_s_first(
    item, zhangsan, media_root, monkeypatch
):
    from qinkuaiban.core.storage import MediaStorage

    through_save: list[str] = []
    save = MediaStorage.save

    def counted_save(self, name, content, max_length=None):
        through_save.append(name)
        return save(self, name, content, max_length=max_length)

    monkeypatch.setattr(MediaStorage, "save", counted_save)
    first, second = submit(item, zhangsan), submit(item, zhangsan)
    written = list(Attachment.objects.filter(case__in=[first, second]).values_list("file",
                                                                               flat=True))
    assert len(written) >= 2 and all((media_root / name).exists() for name in written)
    assert len(through_save) == 1  # only the first file, which made cases/<year>/
