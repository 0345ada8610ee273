import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings

from qinkuaiban.audit.models import AuditEntry
from qinkuaiban.identity.models import Membership, Organisation, User
from qinkuaiban.identity.passwords import character_classes
from qinkuaiban.web.management.commands.seed_demo import generate_password

pytestmark = pytest.mark.django_db


def _seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def _counts() -> tuple[int, int, int]:
    return User.objects.count(), Organisation.objects.count(), Membership.objects.count()


def test_seeding_twice_creates_nothing_new_the_second_time(tmp_path: Path) -> None:
    with override_settings(VAR_DIR=tmp_path, QKB_DEMO_PASSWORD=""):
        first = _seed()
        counts, entries = _counts(), AuditEntry.objects.count()
        second = _seed()

    assert counts[0] == 9
    assert _counts() == counts
    assert AuditEntry.objects.count() == entries
    password = (tmp_path / "demo_password").read_text().strip()
    assert password in first and password in second
    assert User.objects.get(username="zhangsan").check_password(password)


def test_the_logins_table_names_every_member_of_the_cast(tmp_path: Path) -> None:
    with override_settings(VAR_DIR=tmp_path, QKB_DEMO_PASSWORD="Demo-Pass-2026"):
        output = _seed()

    for username, name in [("zhangsan", "张三"), ("lisi", "李四"), ("auditor", "郑审计")]:
        line = next(line for line in output.splitlines() if f" {username} " in f" {line} ")
        assert name in line
    assert "审计管理员" in output
    assert "Demo-Pass-2026" in output
    assert "QKB_DEMO_PASSWORD" in output
    assert "双因素" in output
    assert not (tmp_path / "demo_password").exists()


def test_other_apps_demo_seeders_run_after_the_cast(tmp_path: Path, monkeypatch) -> None:
    calls: list[int] = []

    def seed_demo_data(*, stdout: object) -> None:
        calls.append(User.objects.count())

    import qinkuaiban.web.management.commands.seed_demo as command

    fake = type("FakeDemo", (), {"seed_demo_data": staticmethod(seed_demo_data)})
    real = command.demo_module
    monkeypatch.setattr(
        command, "demo_module",
        lambda name: fake if name == "qinkuaiban.audit" else real(name),
    )
    with override_settings(VAR_DIR=tmp_path, QKB_DEMO_PASSWORD=""):
        _seed()

    assert calls == [9]


def test_generated_passwords_meet_the_password_policy() -> None:
    for _ in range(20):
        password = generate_password()
        assert len(password) >= 8
        assert character_classes(password) >= 3
