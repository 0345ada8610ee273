import pytest
from django.db import DatabaseError, connection, transaction

from qinkuaiban.audit.models import AppendOnlyError, AuditEntry
from qinkuaiban.audit.tests.factories import AuditEntryFactory
from qinkuaiban.audit.verification import verify_chain

pytestmark = pytest.mark.django_db


def test_saving_an_existing_entry_is_refused() -> None:
    entry = AuditEntryFactory.create()
    entry.action = "test.rewritten"

    with pytest.raises(AppendOnlyError):
        entry.save()
    assert AuditEntry.objects.get(pk=entry.pk).action != "test.rewritten"


def test_deleting_an_entry_is_refused() -> None:
    entry = AuditEntryFactory.create()

    with pytest.raises(AppendOnlyError):
        entry.delete()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_queryset_update_and_delete_are_refused() -> None:
    AuditEntryFactory.create_batch(2)

    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().update(action="test.rewritten")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(action__startswith="test.").delete()
    assert AuditEntry.objects.count() == 2


def test_a_raw_update_is_refused_by_the_database_trigger() -> None:
    entry = AuditEntryFactory.create()

    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditentry SET action = %s WHERE id = %s", ["test.rewritten", entry.pk]
        )
    assert AuditEntry.objects.get(pk=entry.pk).action == entry.action
    assert verify_chain().ok


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite's test flush deletes rows, so there DELETE is refused by the model layer only",
)
def test_a_raw_delete_is_refused_by_the_database_trigger_on_postgresql() -> None:
    entry = AuditEntryFactory.create()

    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [entry.pk])
    assert AuditEntry.objects.filter(pk=entry.pk).exists()
