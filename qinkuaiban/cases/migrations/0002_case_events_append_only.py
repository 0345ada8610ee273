"""Database triggers that refuse changing or removing case events, as for the audit trail.

PostgreSQL refuses UPDATE and DELETE row by row (TRUNCATE stays with the table owner, which the
test runner's flush uses). SQLite refuses UPDATE; its DELETE is refused by the model layer,
because Django's test flush empties SQLite tables with DELETE."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

SQLITE_CREATE = [
    """CREATE TRIGGER cases_caseevent_no_update BEFORE UPDATE ON cases_caseevent
       BEGIN SELECT RAISE(ABORT, 'case events are append-only'); END;""",
]
SQLITE_DROP = ["DROP TRIGGER IF EXISTS cases_caseevent_no_update;"]
POSTGRES_CREATE = [
    """CREATE OR REPLACE FUNCTION cases_caseevent_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'case events are append-only'; END;
       $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER cases_caseevent_append_only
       BEFORE UPDATE OR DELETE ON cases_caseevent
       FOR EACH ROW EXECUTE FUNCTION cases_caseevent_append_only();""",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS cases_caseevent_append_only ON cases_caseevent;",
    "DROP FUNCTION IF EXISTS cases_caseevent_append_only();",
]


def _run(schema_editor: BaseDatabaseSchemaEditor, statements: dict[str, list[str]]) -> None:
    for sql in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


def create_triggers(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _run(schema_editor, {"sqlite": SQLITE_CREATE, "postgresql": POSTGRES_CREATE})


def drop_triggers(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _run(schema_editor, {"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP})


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_cases_history_clock_transfers_numbering")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
