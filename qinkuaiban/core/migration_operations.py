"""Index operations for migrations that run while the platform serves.

On PostgreSQL an index is built and dropped CONCURRENTLY: the table takes writes throughout
(a plain CREATE INDEX on cases_case blocks every submission until it is done). Elsewhere
(SQLite, the embedded default) they are Django's AddIndex and RemoveIndex. A migration that
uses them sets `atomic = False`, since PostgreSQL builds concurrently only outside a
transaction. Should a concurrent build fail, PostgreSQL leaves the index INVALID: drop it
(`DROP INDEX CONCURRENTLY name`) and run the migration again."""

from typing import Any

from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db.migrations.operations import AddIndex, RemoveIndex


class _Online:
    """On PostgreSQL the concurrent operation (the next class in the MRO), elsewhere `plain`."""

    plain: Any

    def database_forwards(self, *args: Any) -> None:
        self._run("database_forwards", *args)

    def database_backwards(self, *args: Any) -> None:
        self._run("database_backwards", *args)

    def _run(self, method: str, app_label: str, schema_editor: Any, from_state: Any,
             to_state: Any) -> None:
        if _on_postgresql(schema_editor):
            getattr(super(), method)(app_label, schema_editor, from_state, to_state)
        else:
            getattr(self.plain, method)(self, app_label, schema_editor, from_state, to_state)


def _on_postgresql(schema_editor: Any) -> bool:
    return bool(schema_editor.connection.vendor == "postgresql")


class AddIndexOnline(_Online, AddIndexConcurrently):
    plain = AddIndex


class RemoveIndexOnline(_Online, RemoveIndexConcurrently):
    plain = RemoveIndex
