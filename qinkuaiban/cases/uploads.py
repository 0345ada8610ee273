"""Checking and storing uploaded materials.

The type is decided by the file's first bytes, never by its name or the browser's claim: PDF,
JPEG, PNG, OFD (GB/T 33190, a zip with OFD.xml at its root), and DOCX / XLSX (zips with their
main part). Other zips, zip bombs (archives declaring far more content than a document holds),
executables (MZ, ELF, Mach-O, scripts) and anything whose extension disagrees with its content
are refused before a byte is written. Stored names are random, under
MEDIA_ROOT/cases/<year>/, so nothing the client sends reaches the path.

A file written inside a transaction is deleted again when that transaction, or the savepoint
it was written in, rolls back (`delete_on_rollback`); what a crash leaves behind is found by
`orphan_uploads` for the periodic `manage.py prune_orphan_uploads`.
"""

import datetime as dt
import hashlib
import logging
import os
import secrets
import weakref
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.core.files.storage import Storage, default_storage
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qinkuaiban.cases.models import Attachment, Intake, IntakeStatus
from qinkuaiban.core.errors import InvalidInput

logger = logging.getLogger(__name__)
UPLOAD_ROOT = "cases"

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
    """Write the checked file under a random name, gone again if its transaction rolls back;
    return its storage name."""
    name = f"{UPLOAD_ROOT}/{year:04d}/{secrets.token_hex(16)}.{inspected.file_type.extension}"
    file.seek(0)
    # A random name is new by construction: the lean write where the storage has one.
    save_new = getattr(default_storage, "save_new", None)
    stored = save_new(name, file) if save_new is not None else default_storage.save(name, file)
    delete_on_rollback(stored)
    return stored


# --- files written inside a transaction ------------------------------------------------------


class _CommitMarker:
    """Set by Django when the outermost transaction commits; shared by its written files."""

    def __init__(self) -> None:
        self.committed = False

    def __call__(self) -> None:
        self.committed = True


def _commit_marker(using: str) -> _CommitMarker:
    connection = connections[using]
    for entry in connection.run_on_commit:
        if isinstance(entry[1], _CommitMarker):
            return entry[1]
    marker = _CommitMarker()
    # First in the queue, so it has run before any other hook can fail and stop the rest; and
    # with no savepoint ids, so only the whole transaction's rollback discards it. Entries are
    # (savepoint ids, callback, robust) since Django 4.2; django-stubs still lists two.
    connection.run_on_commit.insert(0, (set(), marker, False))  # type: ignore[arg-type]
    return marker


def _delete_unless_committed(marker: _CommitMarker, storage: Storage, name: str) -> None:
    if not marker.committed:
        delete_stored(name, storage=storage)


def delete_stored(name: str, *, storage: Storage = default_storage) -> None:
    """Delete a file whose row was not written; never raises (it is called while a failure
    is already on its way up), prune_orphan_uploads removes what it could not."""
    try:
        storage.delete(name)
    except Exception:
        logger.warning("Could not delete %s after its row was not written", name,
                       exc_info=True)


def delete_on_rollback(
    name: str, *, storage: Storage = default_storage, using: str = DEFAULT_DB_ALIAS
) -> None:
    """Delete the stored file `name` again if the transaction it was written in does not commit.

    Django has `on_commit` but no on-rollback hook, so this uses the one thing Django already
    does exactly right: it keeps each `on_commit` callback together with the savepoints active
    when it was registered, and throws the callback away when one of those savepoints, or the
    whole transaction, rolls back (`savepoint_rollback`, `rollback`, `close`). Each file gets
    a callback of its own that nothing else refers to, with a `weakref.finalize` on it: the
    moment Django drops it, the file is deleted, unless the transaction's commit marker says
    the transaction committed. The marker is queued first with no savepoint ids, so a
    savepoint rolled back inside a committed transaction drops exactly its own files, and a
    later `on_commit` hook that fails cannot make a committed file look rolled back.

    Outside a transaction (autocommit) there is nothing to roll back and the file stays; the
    same in manual transaction management, which this project does not use. A crash between
    the write and the commit (kill -9) leaves the file: `manage.py prune_orphan_uploads`.
    """
    connection = connections[using]
    if not connection.in_atomic_block:
        return
    marker = _commit_marker(using)

    def written() -> None:
        """The file is part of the committed transaction: nothing to do."""

    finalizer = weakref.finalize(written, _delete_unless_committed, marker, storage, name)
    # At interpreter exit the connection is gone and the database rolls back by itself; the
    # periodic prune removes such a file, so no storage call runs during shutdown.
    finalizer.atexit = False
    transaction.on_commit(written, using=using)


# --- files no attachment refers to -----------------------------------------------------------


def _stored_names(storage: Storage, directory: str) -> Iterator[str]:
    try:
        directories, files = storage.listdir(directory)
    except FileNotFoundError:
        return
    for file_name in sorted(files):
        yield f"{directory}/{file_name}"
    for child in sorted(directories):
        yield from _stored_names(storage, f"{directory}/{child}")


@dataclass(frozen=True)
class StoredUpload:
    name: str
    is_referenced: bool
    is_recent: bool

    @property
    def is_orphan(self) -> bool:
        return not self.is_referenced and not self.is_recent


def stored_uploads(
    *, older_than: dt.timedelta, storage: Storage = default_storage, batch_size: int = 500,
    now: dt.datetime | None = None,
) -> Iterator[StoredUpload]:
    """Every file under cases/ in storage, whether an attachment or a received application not
    registered yet (queued intake) refers to it, and whether it is younger than `older_than`
    (a transaction may still be about to commit it)."""
    cutoff = (now or timezone.now()) - older_than
    batch: list[str] = []
    waiting = {
        entry["file"]
        for files in Intake.objects.exclude(status=IntakeStatus.REGISTERED)
        .values_list("files", flat=True)
        for entry in files
    }

    def judge(names: list[str]) -> Iterator[StoredUpload]:
        referenced = waiting | set(
            Attachment.objects.filter(file__in=names).values_list("file", flat=True)
        )
        for name in names:
            if name in referenced:
                yield StoredUpload(name, is_referenced=True, is_recent=False)
                continue
            try:
                modified = storage.get_modified_time(name)
            except FileNotFoundError:
                continue  # deleted since it was listed (a rollback, another prune run)
            yield StoredUpload(name, is_referenced=False, is_recent=modified > cutoff)

    for name in _stored_names(storage, UPLOAD_ROOT):
        batch.append(name)
        if len(batch) >= batch_size:
            yield from judge(batch)
            batch = []
    if batch:
        yield from judge(batch)
