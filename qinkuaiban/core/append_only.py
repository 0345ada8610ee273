"""Append-only tables: histories and trails that are written once and never changed.

Three layers refuse a change: the model (`save` of an existing row, `delete`), its queryset
(`update`, `delete`), and a database trigger installed by `trigger_operation` in the table's
migration, so not even raw SQL from the application can rewrite history.

PostgreSQL refuses UPDATE and DELETE row by row; TRUNCATE stays with the table owner (the test
runner's flush uses it; production runs the application under a role that does not own the
tables, docs/deploy.md). SQLite refuses UPDATE; its DELETE is refused by the model layer only,
because Django's test flush empties SQLite tables with DELETE.
"""

from typing import Any, NoReturn

from django.conf import settings
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """Raised on any attempt to change or remove a row of an append-only table."""


class AppendOnlyQuerySet(models.QuerySet[Any]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError(f"{self.model._meta.verbose_name_plural} cannot be changed")

    def delete(self) -> NoReturn:
        raise AppendOnlyError(f"{self.model._meta.verbose_name_plural} cannot be deleted")


class AppendOnlyModel(models.Model):
    """Base for rows that are inserted once and then only read."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError(f"{self._meta.verbose_name} cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError(f"{self._meta.verbose_name} cannot be deleted")


class HistoryStep(AppendOnlyModel):
    """Base of the histories (case events, feedback steps, rectification steps): who took the
    step and when, with its details. Each history adds its subject, its action and statuses."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("actor"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    data = models.JSONField(_("data"), default=dict, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["created_at", "id"]


def _statements(table: str) -> dict[str, tuple[list[str], list[str]]]:
    """(create, drop) statements per database vendor for the table's append-only trigger."""
    message = f"{table} is append-only"
    return {
        "sqlite": (
            [f"""CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
                 BEGIN SELECT RAISE(ABORT, '{message}'); END;"""],
            [f"DROP TRIGGER IF EXISTS {table}_no_update;"],
        ),
        "postgresql": (
            [
                f"""CREATE OR REPLACE FUNCTION {table}_append_only() RETURNS trigger AS $$
                    BEGIN RAISE EXCEPTION '{message}'; END; $$ LANGUAGE plpgsql;""",
                f"""CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
                    FOR EACH ROW EXECUTE FUNCTION {table}_append_only();""",
            ],
            [
                f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};",
                f"DROP FUNCTION IF EXISTS {table}_append_only();",
            ],
        ),
    }


def trigger_operation(table: str) -> migrations.RunPython:
    """A migration operation installing (and on reverse removing) the table's trigger."""

    def run(schema_editor: BaseDatabaseSchemaEditor, index: int) -> None:
        statements = _statements(table).get(schema_editor.connection.vendor)
        for sql in statements[index] if statements else []:
            schema_editor.execute(sql)

    def create(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
        run(schema_editor, 0)

    def drop(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
        run(schema_editor, 1)

    return migrations.RunPython(create, drop)
