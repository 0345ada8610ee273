"""`manage.py backup` and `restore`: a backup restored into an empty database has the same
cases, an intact audit chain of the same length, and attachments with the same checksums."""

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from qinkuaiban.audit.models import AuditEntry
from qinkuaiban.audit.verification import verify_chain
from qinkuaiban.cases import services
from qinkuaiban.cases.models import Attachment, Case
from qinkuaiban.cases.tests.factories import submit
from qinkuaiban.catalogue.models import ServiceItem
from qinkuaiban.core import backups
from qinkuaiban.core.backups import sha256_of
from qinkuaiban.identity.models import User
from tests.reliability.conftest import manage, query

pytestmark = pytest.mark.django_db(transaction=True)


class Output:
    """Collects what a command writes."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def write(self, text: str) -> None:
        self.parts.append(text)

    def flush(self) -> None:
        return None

    def __str__(self) -> str:
        return "".join(self.parts)


@pytest.fixture
def cases(item: ServiceItem, zhangsan: User, zhaoliu: User, lisi: User) -> list[Case]:
    made = [submit(item, zhangsan) for _i in range(3)] + [submit(item, zhaoliu)]
    services.accept(case=made[0], actor=lisi)
    return made


def backup_of(tmp_path: Path, media_root: Path) -> Path:
    output = tmp_path / "backup"
    call_command("backup", output=output, media_root=media_root, stdout=Output())
    return output


def test_a_backup_restored_into_an_empty_database_has_the_same_cases_chain_and_files(
    cases: list[Case], media_root: Path, tmp_path: Path, empty_database: dict[str, Any]
) -> None:
    chain = verify_chain()
    originals = {str(a.file): sha256_of(media_root / str(a.file))
                 for a in Attachment.objects.all()}
    numbers = sorted(str(n) for n in Case.objects.values_list("number", flat=True))
    output = backup_of(tmp_path, media_root)
    restored_media = tmp_path / "restored-media"

    restored = manage("restore", str(output), database=empty_database, media=restored_media)

    assert restored.returncode == 0, restored.stderr
    assert chain.ok and chain.checked > 0
    assert f"{chain.checked}" in restored.stdout.splitlines()[-1]  # the chain, verified
    restored_numbers = [row[0] for row in query(empty_database,
                                                 "SELECT number FROM cases_case")]
    assert sorted(restored_numbers) == numbers and len(numbers) == 4
    assert query(empty_database, "SELECT COUNT(*) FROM audit_auditentry")[0][0] == chain.checked
    assert len(originals) == 8
    assert {name: sha256_of(restored_media / name) for name in originals} == originals
    assert dict(query(empty_database, "SELECT file, sha256 FROM cases_attachment")) == originals
    verified = manage("verify_audit_trail", database=empty_database, media=restored_media)
    assert verified.returncode == 0, verified.stderr
    assert str(chain.checked) in verified.stdout


def test_the_manifest_names_the_vendor_the_counts_the_chain_head_and_every_checksum(
    cases: list[Case], media_root: Path, tmp_path: Path
) -> None:
    output = backup_of(tmp_path, media_root)

    manifest = json.loads((output / "manifest.json").read_text())

    assert manifest["database"]["vendor"] == connection.vendor
    assert manifest["counts"]["cases_case"] == 4
    assert manifest["counts"]["cases_attachment"] == 8
    assert manifest["audit"]["sequence"] == AuditEntry.objects.count()
    assert manifest["media"]["files"] == 8
    assert set(manifest["files"]) == {manifest["database"]["file"], "media.tar"}
    for name, described in manifest["files"].items():
        assert sha256_of(output / name) == described["sha256"]
    assert manifest["migrations"]["cases"].startswith("0")


def test_the_backup_prints_its_progress_and_refuses_a_directory_that_is_not_empty(
    cases: list[Case], media_root: Path, tmp_path: Path
) -> None:
    out = Output()
    output = tmp_path / "backup"
    call_command("backup", output=output, media_root=media_root, stdout=out)

    assert str(output) in str(out)
    assert len(str(out).splitlines()) >= 6
    with pytest.raises(CommandError, match="backup"):
        call_command("backup", output=output, media_root=media_root, stdout=Output())


def test_restore_refuses_a_database_that_is_not_empty_unless_forced(
    cases: list[Case], media_root: Path, tmp_path: Path
) -> None:
    output = backup_of(tmp_path, media_root)

    with pytest.raises(CommandError, match="--force"):
        call_command("restore", output, media_root=tmp_path / "other-media", stdout=Output())

    assert Case.objects.count() == 4


def test_restore_refuses_a_damaged_backup_before_touching_anything(
    cases: list[Case], media_root: Path, tmp_path: Path, empty_database: dict[str, Any]
) -> None:
    output = backup_of(tmp_path, media_root)
    archive = output / "media.tar"
    data = bytearray(archive.read_bytes())
    data[600] ^= 0xFF
    archive.write_bytes(bytes(data))
    restored_media = tmp_path / "restored-media"

    restored = manage("restore", str(output), database=empty_database, media=restored_media)

    assert restored.returncode == 1
    assert "media.tar" in restored.stderr
    assert not restored_media.exists()
    tables = ("SELECT name FROM sqlite_master WHERE type = 'table'"
              if connection.vendor == "sqlite" else
              "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    assert query(empty_database, tables) == []


def test_restore_refuses_a_directory_without_a_manifest(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"manifest\.json"):
        call_command("restore", tmp_path, stdout=Output())


def test_missing_postgresql_tools_are_named_with_what_to_install(monkeypatch) -> None:
    monkeypatch.setattr(backups.shutil, "which", lambda name: None)

    with pytest.raises(backups.BackupError, match=r"pg_dump.*postgresql-client"):
        backups._pg_tool("pg_dump")
