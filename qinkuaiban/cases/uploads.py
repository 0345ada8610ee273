"""Checking and storing uploaded materials.

The type is decided by the file's first bytes, never by its name or the browser's claim: PDF,
JPEG, PNG, OFD (GB/T 33190, a zip with OFD.xml at its root), and DOCX / XLSX (zips with their
main part). Other zips, zip bombs (archives declaring far more content than a document holds),
executables (MZ, ELF, Mach-O, scripts) and anything whose extension disagrees with its content
are refused before a byte is written. Stored names are random, under
MEDIA_ROOT/cases/<year>/, so nothing the client sends reaches the path.
"""

import hashlib
import os
import secrets
import zipfile
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _

from qinkuaiban.core.errors import InvalidInput

HEAD_BYTES = 16
NAME_MAX_LENGTH = 200
CHUNK = 64 * 1024


@dataclass(frozen=True)
class FileType:
    content_type: str
    extension: str
    extensions: frozenset[str]


PDF = FileType("application/pdf", "pdf", frozenset({"pdf"}))
JPEG = FileType("image/jpeg", "jpg", frozenset({"jpg", "jpeg"}))
PNG = FileType("image/png", "png", frozenset({"png"}))
OFD = FileType("application/ofd", "ofd", frozenset({"ofd"}))
DOCX = FileType(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx",
    frozenset({"docx"}),
)
XLSX = FileType(
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx",
    frozenset({"xlsx"}),
)
ACCEPTED_TYPES = (PDF, JPEG, PNG, OFD, DOCX, XLSX)
EXECUTABLE_MAGIC = (b"MZ", b"\x7fELF", b"\xcf\xfa\xed\xfe", b"\xfe\xed\xfa\xce", b"#!")
ZIP_MAGIC = b"PK\x03\x04"
# OFD, DOCX and XLSX are zips the handler's office suite unpacks: refuse archives that declare
# far more content than any real document (zip bombs), before anything is written.
MAX_ARCHIVE_MEMBERS = 5000
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
RATIO_CHECKED_ABOVE = 10 * 1024 * 1024
ARCHIVE_TYPES = frozenset({"ofd", "docx", "xlsx"})


@dataclass(frozen=True)
class InspectedFile:
    original_name: str
    file_type: FileType
    size: int
    sha256: str


def safe_original_name(name: str) -> str:
    """The client's file name without any directory part, for display only."""
    base = os.path.basename(name.replace("\\", "/")).strip().replace("\x00", "")
    if len(base) > NAME_MAX_LENGTH:
        # Shorten the stem, not the extension, so a long name still says what type it is.
        stem, dot, extension = base.rpartition(".")
        if dot and stem and len(extension) <= 10:
            return stem[:NAME_MAX_LENGTH - len(extension) - 1] + dot + extension
    return base[:NAME_MAX_LENGTH] or "file"


def _refuse(message: str, code: str) -> InvalidInput:
    return InvalidInput(message, code=code, field="file")


def _zip_type(file: IO[bytes]) -> FileType | None:
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if "OFD.xml" in names:
        return OFD
    if "[Content_Types].xml" in names and "word/document.xml" in names:
        return DOCX
    if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
        return XLSX
    return None


def is_zip_bomb(file: IO[bytes]) -> bool:
    """True when the archive's own directory declares too many members, too many unpacked
    bytes, or a compression ratio no real document reaches. Nothing is decompressed."""
    size = file.seek(0, os.SEEK_END)
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return True
    finally:
        file.seek(0)
    unpacked = sum(member.file_size for member in members)
    return (
        len(members) > MAX_ARCHIVE_MEMBERS
        or unpacked > MAX_UNPACKED_BYTES
        or (unpacked > RATIO_CHECKED_ABOVE and unpacked > MAX_COMPRESSION_RATIO * size)
    )


def sniff(file: IO[bytes]) -> FileType | None:
    """The accepted type the content is, or None (executables and unknown content)."""
    file.seek(0)
    head = file.read(HEAD_BYTES)
    file.seek(0)
    if any(head.startswith(magic) for magic in EXECUTABLE_MAGIC):
        return None
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(ZIP_MAGIC):
        found = _zip_type(file)
        file.seek(0)
        return found
    return None


def inspect_upload(file: Any) -> InspectedFile:
    """Check one uploaded file; raise InvalidInput with a message the applicant understands."""
    limit: int = settings.QKB_UPLOAD_MAX_BYTES
    name = safe_original_name(getattr(file, "name", "") or "")
    size = getattr(file, "size", None)
    if size is not None and size > limit:
        raise _refuse(
            _("The file %(name)s is larger than %(size)s MB.")
            % {"name": name, "size": limit // (1024 * 1024)},
            "file_too_large",
        )
    if size == 0:
        raise _refuse(_("The file %(name)s is empty.") % {"name": name}, "file_empty")
    file.seek(0)
    head = file.read(HEAD_BYTES)
    file.seek(0)
    if any(head.startswith(magic) for magic in EXECUTABLE_MAGIC):
        raise _refuse(
            _("The file %(name)s is a program, which cannot be uploaded.") % {"name": name},
            "file_executable",
        )
    file_type = sniff(file)
    if file_type is None:
        raise _refuse(
            _("The file %(name)s is not a PDF, JPEG, PNG, OFD, Word (.docx) or Excel (.xlsx) "
              "file.") % {"name": name},
            "file_type_not_allowed",
        )
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in file_type.extensions:
        raise _refuse(
            _("The file %(name)s does not match its extension: its content is %(type)s.")
            % {"name": name, "type": file_type.extension.upper()},
            "file_extension_mismatch",
        )
    if file_type.extension in ARCHIVE_TYPES and is_zip_bomb(file):
        raise _refuse(
            _("The file %(name)s would unpack to far more data than a real document holds, "
              "so it cannot be uploaded.") % {"name": name},
            "file_archive_bomb",
        )
    digest = hashlib.sha256()
    counted = 0
    for chunk in iter(lambda: file.read(CHUNK), b""):
        counted += len(chunk)
        if counted > limit:
            raise _refuse(
                _("The file %(name)s is larger than %(size)s MB.")
                % {"name": name, "size": limit // (1024 * 1024)},
                "file_too_large",
            )
        digest.update(chunk)
    file.seek(0)
    return InspectedFile(name, file_type, counted, digest.hexdigest())


def store_upload(file: Any, inspected: InspectedFile, *, year: int) -> str:
    """Write the checked file under a random name; return its storage name."""
    name = f"cases/{year:04d}/{secrets.token_hex(16)}.{inspected.file_type.extension}"
    file.seek(0)
    return default_storage.save(name, file)
