"""Backup and restore of the whole platform: the database, the uploaded files and a manifest.

A backup is a directory holding the database (SQLite: a copy made with the online backup API;
PostgreSQL: `pg_dump -Fc`), `media.tar` (every file under MEDIA_ROOT) and `manifest.json`
(time, vendor, rows per table, the audit chain's head, sha256 of each file). The manifest is
written last, so a directory without one is an interrupted backup. Secrets (SECRET_KEY,
QKB_FIELD_KEY) are deliberately not included: they are kept apart from the data they protect.
"""

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.apps import apps
from django.db import connections, models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone
from django.utils.translation import gettext as _

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MEDIA_ARCHIVE = "media.tar"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.dump"}
CHUNK = 1024 * 1024
SQLITE_PAGES_PER_STEP = 4096

Progress = Callable[[str], None]


class BackupError(Exception):
    """The backup or restore cannot go on; the message says why and what to do."""


@dataclass
class MediaCheck:
    """Files referenced by the database, checked against what is on disk."""

    checked: int = 0
    missing: list[str] = field(default_factory=list)
    mismatched: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.missing and not self.mismatched


@dataclass
class RestoreReport:
    counts: dict[str, int]
    count_differences: dict[str, tuple[int, int]]
    audit_head: dict[str, Any]
    media: MediaCheck


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}"


def _audit_head_table() -> str:
    return str(apps.get_model("audit", "AuditChainHead")._meta.db_table)


# --- counting rows ---------------------------------------------------------------------------


def _count_tables(cursor: Any, tables: list[str], quote: Callable[[str], str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608 - introspected names
        counts[table] = int(cursor.fetchone()[0])
    return counts


def _audit_head(cursor: Any, quote: Callable[[str], str]) -> dict[str, Any]:
    cursor.execute(
        f"SELECT sequence, last_hash FROM {quote(_audit_head_table())} WHERE id = 1"  # noqa: S608
    )
    row = cursor.fetchone()
    return {"sequence": int(row[0]), "last_hash": row[1]} if row else {"sequence": 0,
                                                                         "last_hash": ""}


def _sqlite_quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# --- the database ----------------------------------------------------------------------------


def _pg_environment(connection: BaseDatabaseWrapper) -> dict[str, str]:
    """libpq's variables for the client tools, from the Django connection's settings."""
    params = connection.settings_dict
    env = dict(os.environ)
    for variable, value in (
        ("PGHOST", params.get("HOST")), ("PGPORT", params.get("PORT")),
        ("PGUSER", params.get("USER")), ("PGPASSWORD", params.get("PASSWORD")),
        ("PGDATABASE", params.get("NAME")),
        ("PGSSLMODE", (params.get("OPTIONS") or {}).get("sslmode")),
    ):
        if value:
            env[variable] = str(value)
    return env


def _pg_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            _("%(tool)s was not found. Install the PostgreSQL client tools of the server's major "
              "version (Debian: apt-get install postgresql-client) and try again.")
            % {"tool": name}
        )
    return path


def _run_tool(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(
            _("%(tool)s failed (exit %(code)s): %(detail)s")
            % {"tool": Path(command[0]).name, "code": result.returncode,
               "detail": result.stderr.strip()[-2000:]}
        )


def _backup_sqlite(
    connection: BaseDatabaseWrapper, target: Path, progress: Progress
) -> tuple[dict[str, int], dict[str, Any]]:
    connection.ensure_connection()
    source = connection.connection

    def report(status: int, remaining: int, total: int) -> None:
        if total:
            progress(_("  database: %(done)s of %(total)s pages")
                     % {"done": total - remaining, "total": total})

    copy = sqlite3.connect(target)
    try:
        # The online backup API copies a consistent state while the platform keeps running.
        source.backup(copy, pages=SQLITE_PAGES_PER_STEP, progress=report)
        cursor = copy.cursor()
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
        tables = [row[0] for row in cursor.fetchall()]
        # Counted in the copy itself, so the manifest describes exactly what was saved.
        return _count_tables(cursor, tables, _sqlite_quote), _audit_head(cursor, _sqlite_quote)
    finally:
        copy.close()


PG_TABLES = """
    SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p') AND n.nspname = ANY(current_schemas(false))
"""


def _table_names(connection: BaseDatabaseWrapper, cursor: Any) -> list[str]:
    if connection.vendor == "postgresql":
        cursor.execute(PG_TABLES)
        return [row[0] for row in cursor.fetchall()]
    return list(connection.introspection.table_names(cursor))


def _backup_postgresql(
    connection: BaseDatabaseWrapper, target: Path, progress: Progress
) -> tuple[dict[str, int], dict[str, Any]]:
    pg_dump = _pg_tool("pg_dump")
    # A connection of its own: the snapshot's transaction must begin with nothing before it.
    raw = connection.get_new_connection(connection.get_connection_params())
    try:
        raw.autocommit = True
        with raw.cursor() as cursor:
            # One snapshot for the dump and the counts: the manifest describes exactly the
            # dump, even while people keep submitting cases.
            cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            progress(_("  database: pg_dump is writing %(file)s") % {"file": target.name})
            _run_tool(
                [pg_dump, "--format=custom", "--no-password", f"--snapshot={snapshot}",
                 f"--file={target}"],
                _pg_environment(connection),
            )
            tables = _table_names(connection, cursor)
            quote = connection.ops.quote_name
            counts, head = _count_tables(cursor, tables, quote), _audit_head(cursor, quote)
            cursor.execute("COMMIT")
        return counts, head
    finally:
        raw.close()


def _applied_migrations(connection: BaseDatabaseWrapper) -> dict[str, str]:
    latest: dict[str, str] = {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        for app, name in cursor.fetchall():
            latest[app] = name
    return latest


# --- media -----------------------------------------------------------------------------------


def _media_files(root: Path) -> Iterator[Path]:
    if not root.is_dir():
        return
    for directory, _dirs, files in os.walk(root):
        for name in sorted(files):
            path = Path(directory) / name
            if path.is_file() and not path.is_symlink():
                yield path


def _archive_media(root: Path, target: Path, progress: Progress) -> dict[str, int]:
    count = size = 0
    with tarfile.open(target, "w") as archive:
        for path in _media_files(root):
            archive.add(path, arcname=str(path.relative_to(root)), recursive=False)
            count += 1
            size += path.stat().st_size
            if count % 1000 == 0:
                progress(_("  media: %(count)s files") % {"count": count})
    return {"files": count, "bytes": size}


# --- backup ----------------------------------------------------------------------------------


def create_backup(
    *, output: Path, media_root: Path, using: str = "default", progress: Progress = print
) -> dict[str, Any]:
    """Write a backup of the database and the media files into `output` (new or empty)."""
    if output.exists() and any(output.iterdir()):
        raise BackupError(
            _("%(path)s is not empty; give a new directory for each backup.") % {"path": output}
        )
    connection = connections[using]
    vendor = connection.vendor
    if vendor not in DATABASE_FILES:
        raise BackupError(_("Backups of %(vendor)s databases are not supported.")
                          % {"vendor": vendor})
    output.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    created_at = timezone.now()
    database_file = output / DATABASE_FILES[vendor]
    progress(_("Backing up the %(vendor)s database…") % {"vendor": vendor})
    if vendor == "sqlite":
        counts, audit_head = _backup_sqlite(connection, database_file, progress)
    else:
        counts, audit_head = _backup_postgresql(connection, database_file, progress)
    progress(_("  database: %(tables)s tables, %(rows)s rows, %(size)s MB")
             % {"tables": len(counts), "rows": sum(counts.values()),
                "size": _megabytes(database_file.stat().st_size)})
    # After the database, so every file a saved row refers to is already on disk.
    progress(_("Archiving the media files in %(path)s…") % {"path": media_root})
    media = _archive_media(media_root, output / MEDIA_ARCHIVE, progress)
    progress(_("  media: %(count)s files, %(size)s MB")
             % {"count": media["files"], "size": _megabytes(media["bytes"])})
    progress(_("Computing checksums…"))
    files = {
        path.name: {"sha256": sha256_of(path), "bytes": path.stat().st_size}
        for path in (database_file, output / MEDIA_ARCHIVE)
    }
    manifest = {
        "format": FORMAT_VERSION,
        "created_at": created_at.isoformat(),
        "database": {"vendor": vendor, "file": database_file.name,
                     "name": str(connection.settings_dict.get("NAME") or "")},
        "migrations": _applied_migrations(connection),
        "counts": counts,
        "audit": audit_head,
        "media": {"file": MEDIA_ARCHIVE, **media},
        "files": files,
        "seconds": round(time.monotonic() - started, 1),
    }
    partial = output / (MANIFEST + ".partial")
    partial.write_text(json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True))
    partial.replace(output / MANIFEST)
    return manifest


# --- restore ---------------------------------------------------------------------------------


def read_manifest(directory: Path) -> dict[str, Any]:
    """The backup's manifest after checking every file against its checksum."""
    path = directory / MANIFEST
    if not path.is_file():
        raise BackupError(
            _("%(path)s holds no manifest.json: it is not a backup, or the backup was "
              "interrupted.") % {"path": directory}
        )
    try:
        manifest: dict[str, Any] = json.loads(path.read_text())
    except ValueError as exc:
        raise BackupError(_("The manifest is not valid JSON: %(error)s") % {"error": exc}) from exc
    if manifest.get("format") != FORMAT_VERSION:
        raise BackupError(_("Unknown backup format %(format)s.")
                          % {"format": manifest.get("format")})
    for name, expected in sorted(manifest.get("files", {}).items()):
        file = directory / name
        if not file.is_file():
            raise BackupError(_("%(file)s is missing from the backup.") % {"file": name})
        if sha256_of(file) != expected["sha256"]:
            raise BackupError(
                _("%(file)s does not match its checksum in the manifest: the backup is damaged "
                  "or was altered. Nothing was restored.") % {"file": name}
            )
    return manifest


def _restore_sqlite(connection: BaseDatabaseWrapper, source: Path, progress: Progress) -> None:
    connection.ensure_connection()

    def report(status: int, remaining: int, total: int) -> None:
        if total:
            progress(_("  database: %(done)s of %(total)s pages")
                     % {"done": total - remaining, "total": total})

    backup = sqlite3.connect(source)
    try:
        # Copying into the open connection replaces the whole database, WAL included.
        backup.backup(connection.connection, pages=SQLITE_PAGES_PER_STEP, progress=report)
    finally:
        backup.close()


def _restore_postgresql(
    connection: BaseDatabaseWrapper, source: Path, *, force: bool, progress: Progress
) -> None:
    pg_restore = _pg_tool("pg_restore")
    command = [pg_restore, "--no-password", "--exit-on-error", "--single-transaction",
               # The restoring role owns what it creates, as after `migrate`; grants for a
               # separate application role are applied afterwards (docs/operations.md).
               "--no-owner", "--no-privileges",
               f"--dbname={connection.settings_dict['NAME']}"]
    if force:
        command += ["--clean", "--if-exists"]
    connection.close()
    progress(_("  database: pg_restore is loading %(file)s") % {"file": source.name})
    _run_tool([*command, str(source)], _pg_environment(connection))


def _media_root_has_files(root: Path) -> bool:
    return next(_media_files(root), None) is not None


def _extract_media(archive: Path, root: Path, progress: Progress) -> int:
    root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive) as tar:
        members = tar.getmembers()
        # The "data" filter refuses absolute paths, `..`, links out of the tree and devices.
        tar.extractall(root, members=members, filter="data")
    progress(_("  media: %(count)s files restored into %(path)s")
             % {"count": len(members), "path": root})
    return len(members)


def check_media(*, media_root: Path, using: str = "default") -> MediaCheck:
    """Every file the database refers to exists under `media_root`; where a model keeps the
    file's sha256 next to it (case attachments), the content matches."""
    check = MediaCheck()
    for model in apps.get_models():
        file_fields = [f for f in model._meta.get_fields() if isinstance(f, models.FileField)]
        if not file_fields:
            continue
        has_digest = len(file_fields) == 1 and any(
            f.name == "sha256" for f in model._meta.get_fields()
        )
        names = [f.name for f in file_fields]
        rows = model._default_manager.using(using).values_list(
            *names, *(["sha256"] if has_digest else [])
        )
        for row in rows.iterator():
            for name in row[: len(names)]:
                if not name:
                    continue
                check.checked += 1
                path = media_root / name
                if not path.is_file():
                    check.missing.append(name)
                elif has_digest and sha256_of(path) != row[-1]:
                    check.mismatched.append(name)
    return check


def restore_backup(
    *, directory: Path, media_root: Path, using: str = "default", force: bool = False,
    progress: Progress = print,
) -> RestoreReport:
    """Restore a backup into an empty database (or any, with `force`) and check the result."""
    progress(_("Checking the backup in %(path)s…") % {"path": directory})
    manifest = read_manifest(directory)
    connection = connections[using]
    vendor = manifest["database"]["vendor"]
    if vendor != connection.vendor:
        raise BackupError(
            _("This is a backup of a %(backup)s database; the target database is %(target)s.")
            % {"backup": vendor, "target": connection.vendor}
        )
    with connection.cursor() as cursor:
        existing = _table_names(connection, cursor)
    if existing and not force:
        raise BackupError(
            _("The target database is not empty (%(count)s tables). Restore into an empty "
              "database, or pass --force to replace its contents.") % {"count": len(existing)}
        )
    if _media_root_has_files(media_root) and not force:
        raise BackupError(
            _("%(path)s already holds files. Restore into an empty media directory, or pass "
              "--force to add the backup's files to it.") % {"path": media_root}
        )
    progress(_("Restoring the %(vendor)s database (backup of %(time)s)…")
             % {"vendor": vendor, "time": manifest["created_at"]})
    source = directory / manifest["database"]["file"]
    if vendor == "sqlite":
        _restore_sqlite(connection, source, progress)
    else:
        _restore_postgresql(connection, source, force=force, progress=progress)
    progress(_("Restoring the media files…"))
    _extract_media(directory / manifest["media"]["file"], media_root, progress)
    progress(_("Comparing the restored data with the manifest…"))
    with connection.cursor() as cursor:
        tables = _table_names(connection, cursor)
        counts = _count_tables(cursor, tables, connection.ops.quote_name)
        audit_head = _audit_head(cursor, connection.ops.quote_name)
    expected: dict[str, int] = manifest["counts"]
    differences = {
        table: (expected.get(table, 0), counts.get(table, 0))
        for table in sorted(set(expected) | set(counts))
        if expected.get(table, 0) != counts.get(table, 0)
    }
    return RestoreReport(counts=counts, count_differences=differences, audit_head=audit_head,
                         media=check_media(media_root=media_root, using=using))


def default_backup_name(now: dt.datetime | None = None) -> str:
    """`qkb-backup-YYYYmmdd-HHMMSS`, in local time."""
    moment = timezone.localtime(now or timezone.now())
    return moment.strftime("qkb-backup-%Y%m%d-%H%M%S")
