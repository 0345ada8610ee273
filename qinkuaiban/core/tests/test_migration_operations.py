import pytest
from django.apps import apps
from django.db import connection, models
from django.db.migrations.state import ProjectState

from qinkuaiban.core.migration_operations import AddIndexOnline, RemoveIndexOnline

pytestmark = pytest.mark.django_db(transaction=True)  # CONCURRENTLY runs outside a transaction


def _sql(operation, before, after, *, backwards=False):
    with connection.schema_editor(collect_sql=True, atomic=False) as editor:
        if backwards:
            operation.database_backwards("cases", editor, before, after)
        else:
            operation.database_forwards("cases", editor, before, after)
    return " ".join(editor.collected_sql)


def test_indexes_are_built_and_dropped_concurrently_on_postgresql_only():
    index = models.Index(fields=["due_on"], name="cases_test_online_idx")
    without = ProjectState.from_apps(apps)
    add = AddIndexOnline(model_name="case", index=index)
    with_index = without.clone()
    add.state_forwards("cases", with_index)
    remove = RemoveIndexOnline(model_name="case", name="cases_test_online_idx")

    built = _sql(add, without, with_index)
    dropped = _sql(remove, with_index, without)
    undone = _sql(add, without, with_index, backwards=True)

    concurrently = connection.vendor == "postgresql"
    assert "cases_test_online_idx" in built and "cases_test_online_idx" in dropped
    for sql in (built, dropped, undone):
        assert ("CONCURRENTLY" in sql) is concurrently
