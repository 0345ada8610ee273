import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from qinkuaiban.audit.chain import GENESIS_HASH
from qinkuaiban.audit.models import AuditEntry
from qinkuaiban.audit.services import MASK, record
from qinkuaiban.audit.tests.factories import AuditEntryFactory
from qinkuaiban.audit.verification import verify_chain

pytestmark = pytest.mark.django_db


def _allow_raw_changes() -> None:
    """What an attacker with database access would do: switch the append-only trigger off."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "ALTER TABLE audit_auditentry DISABLE TRIGGER audit_auditentry_append_only"
            )
        else:
            cursor.execute("DROP TRIGGER audit_auditentry_no_update")


def test_record_links_each_entry_to_the_one_before() -> None:
    first = record(action="test.first_recorded")
    second = record(action="test.second_recorded")

    assert second.sequence == first.sequence + 1
    assert second.prev_hash == first.entry_hash
    assert first.entry_hash != second.entry_hash


def test_the_first_entry_of_an_empty_trail_links_to_the_genesis_hash() -> None:
    assert not AuditEntry.objects.exists()
    first = record(action="test.first_recorded")

    assert first.sequence == 1
    assert first.prev_hash == GENESIS_HASH


def test_an_intact_chain_verifies_and_the_command_exits_zero(capsys) -> None:
    AuditEntryFactory.create_batch(5)

    assert verify_chain().ok
    call_command("verify_audit_trail")
    assert "5" in capsys.readouterr().out


def test_a_row_changed_by_raw_sql_is_named_by_the_command() -> None:
    entries = AuditEntryFactory.create_batch(4)
    victim = entries[2]
    _allow_raw_changes()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditentry SET action = %s WHERE sequence = %s",
            ["test.innocent_looking", victim.sequence],
        )

    report = verify_chain()
    assert report.broken_sequence == victim.sequence
    assert report.problem == "content altered"
    with pytest.raises(CommandError, match=f"#{victim.sequence}"):
        call_command("verify_audit_trail")


def test_a_deleted_row_is_named_by_the_command() -> None:
    entries = AuditEntryFactory.create_batch(4)
    victim = entries[1]
    _allow_raw_changes()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE sequence = %s", [victim.sequence])

    report = verify_chain()
    assert report.broken_sequence == victim.sequence
    assert report.problem == "entry missing"
    with pytest.raises(CommandError, match=f"#{victim.sequence}"):
        call_command("verify_audit_trail")


def test_removing_the_newest_rows_is_detected_through_the_chain_head() -> None:
    entries = AuditEntryFactory.create_batch(3)
    _allow_raw_changes()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE sequence = %s", [entries[-1].sequence])

    assert verify_chain().broken_sequence == entries[-1].sequence


def test_secrets_in_changes_are_masked_at_any_depth_before_they_are_stored() -> None:
    entry = record(action="test.secrets_recorded", changes={
        "password": "Hunter2!",
        "username": "zhangsan",
        "nested": {"api_token": "abc", "otp_secret": "JBSWY3DP", "note": "kept"},
        "devices": [{"key": "k1", "name": "phone"}],
        "id_number": "11010519491231002X",
    })
    stored = AuditEntry.objects.get(pk=entry.pk).changes

    assert stored == {
        "password": MASK,
        "username": "zhangsan",
        "nested": {"api_token": MASK, "otp_secret": MASK, "note": "kept"},
        "devices": [{"key": MASK, "name": "phone"}],
        "id_number": MASK,
    }
    assert verify_chain().ok
