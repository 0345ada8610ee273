"""The platform's file storage: Django's file system storage, plus a write for new files.

`FileSystemStorage.save` is made for names several writers may want at once: it looks for a
free name, creates the directory, locks the file while writing, then sets its permissions by
path — fifteen system calls for one uploaded file, each one a trip into the file system's
locks, paid on every application of the peak morning. An uploaded file is written once under
a name with 128 random bits in it (`cases.uploads.store_upload`), which no other file can
hold: `save_new` opens it exclusively, writes it, and sets its permissions and group (that of
the storage's location, as `save` does) on the open file: six system calls. Everything else
(reading, deleting, listing, URLs) is Django's."""

import contextlib
import os

from django.core.files import File
from django.core.files.storage import FileSystemStorage
from django.core.files.utils import validate_file_name

_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)


class MediaStorage(FileSystemStorage):
    def save_new(self, name: str, content: File) -> str:
        """Write `content` as the new file `name` and return the name. The name must be new:
        an existing file is never overwritten (FileExistsError). A file Django spooled to disk
        (a large upload) is moved by `save`, and so is the first file of a directory, which
        `save` creates with the configured permissions."""
        if hasattr(content, "temporary_file_path"):
            return self.save(name, content)
        validate_file_name(name, allow_relative_path=True)
        path = self.path(name)  # refuses a name outside the storage's location
        try:
            descriptor = os.open(path, _NEW_FILE, 0o666)
        except FileNotFoundError:
            return self.save(name, content)
        try:
            try:
                for chunk in content.chunks():
                    rest = memoryview(chunk.encode() if isinstance(chunk, str) else chunk)
                    while rest:
                        rest = rest[os.write(descriptor, rest):]
                if self.file_permissions_mode is not None:
                    os.fchmod(descriptor, self.file_permissions_mode)
                self._take_location_group(descriptor)
            finally:
                os.close(descriptor)
        except BaseException:
            os.unlink(path)  # no half-written file under a name a row may refer to
            raise
        return name

    def _take_location_group(self, descriptor: int) -> None:
        """The file belongs to the storage location's group, as `save` makes it (Django 5.2)."""
        if os.name != "posix":
            return
        group = os.stat(self.location).st_gid
        if os.fstat(descriptor).st_gid != group:
            with contextlib.suppress(PermissionError):
                os.fchown(descriptor, -1, group)
