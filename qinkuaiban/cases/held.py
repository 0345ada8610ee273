"""Files an applicant chose that survive a form sent back with an error.

A browser cannot put a chosen file back into a file input, so the application page keeps it on
the server instead: each chosen file that passes the upload checks on its own is written to the
usual uploads folder (`uploads.store_upload`) and the page carries one signed token per file,
ticked to keep it. The token is all the server knows of it, and nothing in it is trusted without
the signature: it names the applicant, the material, the stored name, the original name, the
size and the checksum, and lasts `QKB_HELD_FILE_MAX_AGE_SECONDS` (4 hours by default).

A kept token comes back as an uploaded file in its material's list, so it passes through the
one path of new uploads (every check runs again and the service writes its own copy); the held
copy is deleted once the application is saved, or when the applicant unticks it; a token whose
file is gone is therefore spent and ignored, so a form sent twice (a second click, the back
button) gets the first answer again from the service's idempotency key. No row refers to a held
copy: one the applicant walks away from is an orphan that `prune_orphan_uploads` deletes after
its grace period. Keep that grace (24 hours by default) longer than a token lives: a shorter one
would take held files whose tokens still count.
"""

import hashlib
import re
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import InMemoryUploadedFile, UploadedFile
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone

from qinkuaiban.cases.conf import setting
from qinkuaiban.cases.uploads import (
    ACCEPTED_TYPES,
    CHUNK,
    UPLOAD_ROOT,
    delete_stored,
    inspect_upload,
    store_upload,
)
from qinkuaiban.identity.models import User

SALT = "qinkuaiban.cases.held.file"
# The form's names: every held file shown on the page, and the ones still ticked.
SHOWN_NAME = "materials-held"
KEEP_NAME = "materials-keep"
# What `store_upload` writes, and nothing else: a token naming any other path (another folder,
# "..", an attachment's directory tree) is refused even with a valid signature.
STORED_NAME = re.compile(
    rf"^{re.escape(UPLOAD_ROOT)}/\d{{4}}/[0-9a-f]{{32}}\.(?P<extension>"
    + "|".join(sorted(t.extension for t in ACCEPTED_TYPES)) + r")$"
)
CONTENT_TYPES = {t.extension: t.content_type for t in ACCEPTED_TYPES}


@dataclass(frozen=True)
class HeldFile:
    """One file kept on the server for the applicant's next attempt, with its signed token."""

    token: str
    material_id: int | None
    name: str
    original_name: str
    size: int
    sha256: str


@dataclass
class Returned:
    """The held files a POST sent back: kept (with the upload each becomes), unticked, and how
    many ticked tokens were refused (forged, another user's, expired, or their file changed)."""

    kept: list[tuple[HeldFile, UploadedFile]] = field(default_factory=list)
    dropped: list[HeldFile] = field(default_factory=list)
    lost: int = 0

    @property
    def kept_files(self) -> list[HeldFile]:
        return [held for held, _upload in self.kept]


def max_age() -> int:
    """How long a token is honoured, in seconds."""
    return int(setting("QKB_HELD_FILE_MAX_AGE_SECONDS"))


def hold(file: Any, *, actor: User, material_id: int | None) -> HeldFile:
    """Check one chosen file as the service will and write it to storage; raise InvalidInput
    (the applicant's message) for a file the service would refuse, which is not kept."""
    inspected = inspect_upload(file)
    # A large upload Django spooled to disk is moved, not copied, by the storage: the service
    # may already have moved it and then deleted it with its rolled-back transaction. The open
    # file still reads, so it is written from there.
    source = File(file.file, name=file.name) if hasattr(file, "temporary_file_path") else file
    name = store_upload(source, inspected, year=timezone.localdate().year)
    payload = {"u": actor.pk, "m": material_id, "n": name, "o": inspected.original_name,
               "s": inspected.size, "h": inspected.sha256}
    return HeldFile(signing.dumps(payload, salt=SALT, compress=True), material_id, name,
                    inspected.original_name, inspected.size, inspected.sha256)


def verify(token: str, *, actor: User, material_ids: Iterable[int]) -> HeldFile | None:
    """The held file a token names, or None unless it is signed, fresh, the actor's, for a
    material of this checklist (or none) and names a file `hold` wrote."""
    try:
        payload = signing.loads(token, salt=SALT, max_age=max_age())
    except signing.BadSignature:  # SignatureExpired is one too
        return None
    if not isinstance(payload, dict) or payload.get("u") != actor.pk:
        return None
    material_id, name = payload.get("m"), payload.get("n")
    if material_id is not None and material_id not in set(material_ids):
        return None
    if not isinstance(name, str) or not STORED_NAME.fullmatch(name):
        return None
    try:
        return HeldFile(token, material_id, name, str(payload["o"]), int(payload["s"]),
                        str(payload["h"]))
    except (KeyError, TypeError, ValueError):
        return None


def reopen(held: HeldFile) -> UploadedFile | None:
    """The held file as an upload with its original name, or None when it is not (or no
    longer) the file the token was signed for. Copied in chunks, as Django receives an upload:
    in memory up to FILE_UPLOAD_MAX_MEMORY_SIZE, in an unnamed temporary file beyond (which
    the storage copies rather than moves, and the system removes once it is closed)."""
    match = STORED_NAME.fullmatch(held.name)
    if match is None:
        return None
    # The upload owns the file from here: closed by whoever consumes it, or on error below.
    sink = tempfile.SpooledTemporaryFile(max_size=settings.FILE_UPLOAD_MAX_MEMORY_SIZE)  # noqa: SIM115
    upload = InMemoryUploadedFile(sink, None, held.original_name,
                                  CONTENT_TYPES[match["extension"]], held.size, None)
    digest = hashlib.sha256()
    size = 0
    try:
        with default_storage.open(held.name, "rb") as stored:
            for chunk in iter(lambda: stored.read(CHUNK), b""):
                size += len(chunk)
                if size > held.size:
                    break
                digest.update(chunk)
                sink.write(chunk)
    except OSError:
        upload.close()
        return None
    if size != held.size or digest.hexdigest() != held.sha256:
        upload.close()
        return None
    sink.seek(0)
    return upload


def returned(data: QueryDict, *, actor: User, material_ids: Sequence[int],
             chosen_anew: int = 0) -> Returned:
    """Read the held files a POST sent back. A token repeated counts once; a ticked one that
    fails `verify`, or whose file is no longer the one it was signed for, is lost (the
    applicant must choose that file again); an unticked one that fails is simply gone. With
    the files chosen anew, no more are kept than one request may upload
    (DATA_UPLOAD_MAX_NUMBER_FILES): a small form cannot make the server read more files than
    a large one could carry; the rest are lost too."""
    result = Returned()
    room = max(0, settings.DATA_UPLOAD_MAX_NUMBER_FILES - chosen_anew)
    kept_tokens = set(data.getlist(KEEP_NAME))
    for token in dict.fromkeys([*data.getlist(SHOWN_NAME), *kept_tokens]):
        keep = token in kept_tokens
        held = verify(token, actor=actor, material_ids=material_ids)
        if held is None:
            result.lost += keep
            continue
        if not keep:
            result.dropped.append(held)
            continue
        if len(result.kept) >= room:
            result.lost += 1
            continue
        if not default_storage.exists(held.name):
            # Spent: sent with a form already saved (a second click, the back button) or
            # unticked before. Sent again, the service answers with what the first request
            # made; nothing else deletes a held file while its token lives (see the module).
            continue
        upload = reopen(held)
        if upload is None:
            result.lost += 1
        else:
            result.kept.append((held, upload))
    return result


def discard(files: Iterable[HeldFile]) -> None:
    """Delete held copies once the current transaction commits (at once outside one). Only
    names `hold` wrote reach here: the service stores its own copy of every attachment, so
    this never deletes an attached file."""
    names = [held.name for held in files]

    def delete() -> None:
        for name in names:
            delete_stored(name)

    if names:
        transaction.on_commit(delete)
