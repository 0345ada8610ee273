"""Hostile uploads through the page and the API: wrong magic bytes, zip bombs (small archives
declaring huge content, DOCX-shaped ones too), oversized files and path names. Each is refused
with a clear message, and nothing lands in MEDIA_ROOT."""

import io
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.security.world import PDF_BYTES, World

GIB = 1024 ** 3


def _zip(members: dict[str, bytes], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression, compresslevel=9) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _declaring(data: bytes, size: int) -> bytes:
    """The archive with every member claiming `size` unpacked bytes (a crafted bomb: the
    directory lies, so it stays tiny however large the claim)."""
    patched = bytearray(data)
    start = 0
    while (at := patched.find(b"PK\x01\x02", start)) != -1:
        struct.pack_into("<I", patched, at + 24, min(size, 0xFFFFFFFE))
        start = at + 4
    return bytes(patched)


DOCX_PARTS = {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"}
BAD_FILES: dict[str, tuple[str, bytes, str]] = {
    # name → (file name, content, error code)
    "gif named pdf": ("照片.pdf", b"GIF89a" + b"\x00" * 64, "file_type_not_allowed"),
    "html named pdf": ("说明.pdf", b"<html><script>alert(1)</script></html>",
                       "file_type_not_allowed"),
    "png named pdf": ("扫描件.pdf", b"\x89PNG\r\n\x1a\n" + b"\x00" * 32,
                      "file_extension_mismatch"),
    "windows program": ("申请表.pdf", b"MZ\x90\x00" + b"\x00" * 64, "file_executable"),
    "shell script": ("run.pdf", b"#!/bin/sh\nrm -rf /\n", "file_executable"),
    "empty": ("空.pdf", b"", "file_empty"),
    "plain zip": ("材料.docx", _zip({"a.txt": b"hello"}), "file_type_not_allowed"),
    "docx declaring 4 GB": ("申请.docx", _declaring(_zip(DOCX_PARTS), 4 * GIB),
                            "file_archive_bomb"),
    "xlsx declaring 4 GB": ("清单.xlsx", _declaring(_zip({
        "[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"}), 4 * GIB),
        "file_archive_bomb"),
    "ofd declaring 4 GB": ("公文.ofd", _declaring(_zip({"OFD.xml": b"<ofd/>"}), 4 * GIB),
                           "file_archive_bomb"),
    "docx of 60 MB of zeros": ("报告.docx", _zip({
        **DOCX_PARTS, "word/media/image1.bin": b"\x00" * (60 * 1024 * 1024)}),
        "file_archive_bomb"),
    "docx of 6000 parts": ("目录.docx", _zip(
        {**DOCX_PARTS, **{f"word/p{i}.xml": b"" for i in range(6000)}},
        compression=zipfile.ZIP_STORED), "file_archive_bomb"),
}
CHINESE_MESSAGE_PARTS = {
    "file_type_not_allowed": "PDF",
    "file_extension_mismatch": "扩展名",
    "file_executable": "程序",
    "file_empty": "空",
    "file_archive_bomb": "解压",
    "file_too_large": "MB",
}


def _files(root: Path) -> set[Path]:
    return {path for path in root.rglob("*") if path.is_file()}


@pytest.mark.parametrize(("name", "content", "code"), list(BAD_FILES.values()),
                         ids=list(BAD_FILES))
def test_a_bad_file_is_refused_by_the_api_and_nothing_is_written(
    name: str, content: bytes, code: str, world: World, media_root: Path,
) -> None:
    before = _files(media_root)
    response = Client().post(
        f"/api/v1/cases/{world.values['case_a']}/attachments",
        {"file": SimpleUploadedFile(name, content)},
        headers={"Authorization": f"Bearer {world.tokens['lisi']}"},
    )
    assert response.status_code == 422
    assert response.json()["code"] == code
    assert _files(media_root) == before


@pytest.mark.parametrize(("name", "content", "code"), list(BAD_FILES.values()),
                         ids=list(BAD_FILES))
def test_a_bad_file_is_refused_on_the_page_with_a_chinese_message(
    name: str, content: bytes, code: str, world: World, media_root: Path,
    client_for: Callable[[str], Client],
) -> None:
    before = _files(media_root)
    response = client_for("lisi").post(f"/cases/{world.values['case_a']}/attachments/",
                                       {"upload-file": SimpleUploadedFile(name, content)})
    assert response.status_code == 422
    body = response.content.decode()
    assert CHINESE_MESSAGE_PARTS[code] in body
    assert _files(media_root) == before


def test_an_oversized_file_is_refused_and_nothing_is_written(
    world: World, media_root: Path, client_for: Callable[[str], Client],
) -> None:
    big = PDF_BYTES + b"0" * settings.QKB_UPLOAD_MAX_BYTES
    before = _files(media_root)
    api = Client().post(f"/api/v1/cases/{world.values['case_a']}/attachments",
                        {"file": SimpleUploadedFile("大文件.pdf", big)},
                        headers={"Authorization": f"Bearer {world.tokens['lisi']}"})
    assert api.status_code == 422
    assert api.json()["code"] == "file_too_large"
    page = client_for("lisi").post(f"/cases/{world.values['case_a']}/attachments/",
                                   {"upload-file": SimpleUploadedFile("大文件.pdf", big)})
    assert page.status_code == 422
    assert "MB" in page.content.decode()
    assert _files(media_root) == before


def test_an_oversized_application_is_refused_whole(
    world: World, media_root: Path, client_for: Callable[[str], Client],
) -> None:
    """A draft whose second file is too big keeps none of its files."""
    before = _files(media_root)
    response = Client().post(
        f"/api/v1/cases/drafts/{world.values['draft_a']}/attachments",
        {"file": SimpleUploadedFile("大.pdf", PDF_BYTES + b"0" * settings.QKB_UPLOAD_MAX_BYTES)},
        headers={"Authorization": f"Bearer {world.tokens['zhangsan']}"})
    assert response.status_code == 422
    assert _files(media_root) == before


@pytest.mark.parametrize("name", ["../../../etc/passwd.pdf", "..\\..\\boot.pdf",
                                  "/var/lib/qkb/secret_key.pdf", "材\x00料.pdf", "....pdf"])
def test_path_names_never_reach_the_disk(name: str, world: World, media_root: Path) -> None:
    """Only the last part of a name is kept, for display; the stored file has a random name
    under MEDIA_ROOT/cases/<year>/."""
    before = _files(media_root)
    response = Client().post(f"/api/v1/cases/{world.values['case_a']}/attachments",
                             {"file": SimpleUploadedFile(name, PDF_BYTES)},
                             headers={"Authorization": f"Bearer {world.tokens['lisi']}"})
    assert response.status_code in (201, 422)
    written = _files(media_root) - before
    if response.status_code == 422:
        assert not written
        return
    shown: Any = response.json()["original_name"]
    assert "/" not in shown and "\\" not in shown and "\x00" not in shown and shown != ".."
    (stored,) = written
    assert stored.resolve().is_relative_to((media_root / "cases").resolve())
    assert stored.suffix == ".pdf" and len(stored.stem) == 32
