"""Hand-written SELECTs for the few reads every signed-in API call makes, and the INSERT of the
one row the peak morning writes per application, with the models' own columns and value
converters.

Compiling a QuerySet costs more Python than PostgreSQL spends on the one-row query it produces
(ADR 0005): a token lookup or a case read by its number compiles three or four relations on
every request. These reads keep their joins and conditions in a constant SQL text — which
PostgreSQL prepares once per connection when `DB_PREPARED_STATEMENTS` is on (not behind a
transaction-pooling PgBouncer) — and take their column lists and converters from the
models, so a field added to a model is read without touching any SQL, and the instances are
those the ORM would build (`Model.from_db`, every concrete field loaded).
"""

import weakref
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from django.db import connections, models, router
from django.db.backends.base.base import BaseDatabaseWrapper

M = TypeVar("M", bound=models.Model)
Converter = Callable[[Any, Any, BaseDatabaseWrapper], Any]


class Table(Generic[M]):
    """One model under an alias in a hand-written SELECT."""

    def __init__(self, model: type[M], alias: str) -> None:
        self.model = model
        self.alias = alias
        self.fields = list(model._meta.concrete_fields)
        self.attnames = [field.attname for field in self.fields]
        self.width = len(self.fields)
        self.pk_index = self.attnames.index(model._meta.pk.attname)
        self._converters: weakref.WeakKeyDictionary[
            BaseDatabaseWrapper, list[tuple[int, list[Converter], Any]]
        ] = weakref.WeakKeyDictionary()

    def ref(self, connection: BaseDatabaseWrapper) -> str:
        """`table alias`, for the FROM and JOIN clauses."""
        qn = connection.ops.quote_name
        return f"{qn(self.model._meta.db_table)} {qn(self.alias)}"

    def col(self, connection: BaseDatabaseWrapper, name: str) -> str:
        """One field's column (by field name), for conditions."""
        field = self.model._meta.get_field(name)
        assert isinstance(field, models.Field) and field.column
        qn = connection.ops.quote_name
        return f"{qn(self.alias)}.{qn(field.column)}"

    def columns(self, connection: BaseDatabaseWrapper) -> str:
        """Every concrete column, in the model's field order."""
        qn = connection.ops.quote_name
        return ", ".join(f"{qn(self.alias)}.{qn(str(field.column))}" for field in self.fields)

    def _converters_for(
        self, connection: BaseDatabaseWrapper
    ) -> list[tuple[int, list[Converter], Any]]:
        # The same converters the SQL compiler applies: the backend's, then the field's.
        found = self._converters.get(connection)
        if found is None:
            found = []
            for index, field in enumerate(self.fields):
                expression = field.get_col(self.alias)
                converters = (connection.ops.get_db_converters(expression)
                              + expression.get_db_converters(connection))
                if converters:
                    found.append((index, converters, expression))
            self._converters[connection] = found
        return found

    def instance(
        self, connection: BaseDatabaseWrapper, row: Sequence[Any], start: int
    ) -> M | None:
        """The instance in `row[start:start + width]`; None for the NULLs of an outer join."""
        values = list(row[start:start + self.width])
        if values[self.pk_index] is None:
            return None
        for index, converters, expression in self._converters_for(connection):
            value = values[index]
            for converter in converters:
                value = converter(value, expression, connection)
            values[index] = value
        return self.model.from_db(connection.alias, self.attnames, values)


def prep(connection: BaseDatabaseWrapper, model: type[models.Model], name: str,
         value: Any) -> Any:
    """A parameter as the ORM would send it for this field (aware datetimes for SQLite, …)."""
    return model._meta.get_field(name).get_db_prep_value(  # type: ignore[union-attr]
        value, connection, prepared=False)


class Sql:
    """A constant SQL text, built once per database vendor (quoting differs between them)."""

    def __init__(self, build: Callable[[BaseDatabaseWrapper], str]) -> None:
        self._build = build
        self._texts: dict[str, str] = {}

    def text(self, connection: BaseDatabaseWrapper) -> str:
        text = self._texts.get(connection.vendor)
        if text is None:
            text = self._texts[connection.vendor] = self._build(connection)
        return text


def read_connection(model: type[models.Model]) -> BaseDatabaseWrapper:
    """The connection the ORM would read `model` through."""
    return connections[router.db_for_read(model)]


def fetch(connection: BaseDatabaseWrapper, sql: Sql, params: Sequence[Any]) -> list[Any]:
    """The rows of a hand-written SELECT."""
    with connection.cursor() as cursor:
        cursor.execute(sql.text(connection), params)
        return list(cursor.fetchall())


class Insert(Generic[M]):
    """`INSERT … RETURNING id` of one instance, every concrete field but the primary key, each
    value prepared by its field as `Model.save` would (`pre_save`, `get_db_prep_save`).

    For a model written on the hot path whose saves need nothing else `Model.save` does: no
    signal receivers (pre_save and post_save are not sent), no parent tables, no field filled
    by the database. `Model.save` compiles the statement on every call; this builds it once
    per vendor."""

    def __init__(self, model: type[M]) -> None:
        meta = model._meta
        assert not meta.parents, "multi-table inheritance needs Model.save"
        self.model = model
        self.fields = [f for f in meta.concrete_fields if not f.primary_key]
        assert meta.pk is not None
        self.table, self.pk_column = meta.db_table, str(meta.pk.column)
        self._sql = Sql(self._build)

    def _build(self, connection: BaseDatabaseWrapper) -> str:
        quote = connection.ops.quote_name
        columns = ", ".join(quote(str(field.column)) for field in self.fields)
        marks = ", ".join(["%s"] * len(self.fields))
        text = f"INSERT INTO {quote(self.table)} ({columns}) VALUES ({marks})"  # noqa: S608 (names only; values are parameters)
        if connection.features.can_return_columns_from_insert:
            text += f" RETURNING {quote(self.pk_column)}"
        return text

    def save(self, instance: M) -> None:
        """Write `instance` as a new row and set its primary key."""
        using = router.db_for_write(self.model, instance=instance)
        connection = connections[using]
        params = [field.get_db_prep_save(field.pre_save(instance, True), connection)
                  for field in self.fields]
        with connection.cursor() as cursor:
            cursor.execute(self._sql.text(connection), params)
            if connection.features.can_return_columns_from_insert:
                instance.pk = cursor.fetchone()[0]
            else:
                instance.pk = connection.ops.last_insert_id(cursor, self.table, self.pk_column)
        instance._state.adding = False
        instance._state.db = using
