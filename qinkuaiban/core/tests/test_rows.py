"""Hand-written SELECTs build the same instances the ORM builds, on SQLite and PostgreSQL."""

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper

from qinkuaiban.core import rows
from qinkuaiban.identity.models import Membership, Organisation, User

USER, MEMBERSHIP = rows.Table(User, "u"), rows.Table(Membership, "m")


def _sql(db: BaseDatabaseWrapper) -> str:
    u, m = USER, MEMBERSHIP
    return (
        f"SELECT {u.columns(db)}, {m.columns(db)} FROM {u.ref(db)} "
        f"LEFT OUTER JOIN {m.ref(db)} ON {m.col(db, 'user')} = {u.col(db, 'id')} "
        f"ORDER BY {u.col(db, 'id')}, {m.col(db, 'id')}"
    )


SQL = rows.Sql(_sql)


def _values(instance: object) -> dict[str, object]:
    return {f.attname: getattr(instance, f.attname)
            for f in type(instance)._meta.concrete_fields}  # type: ignore[attr-defined]


def test_every_cast_member_read_by_hand_equals_the_orms_instance(
    cast: dict[str, User], orgs: dict[str, Organisation]
) -> None:
    connection = connections[DEFAULT_DB_ALIAS]
    with connection.cursor() as cursor:
        cursor.execute(SQL.text(connection), [])
        found = cursor.fetchall()
    users = {}
    memberships = []
    for row in found:
        user = USER.instance(connection, row, 0)
        assert user is not None and not user._state.adding
        users[user.pk] = user
        membership = MEMBERSHIP.instance(connection, row, USER.width)
        if membership is not None:
            memberships.append(membership)

    assert {pk: _values(u) for pk, u in users.items()} == {
        u.pk: _values(u) for u in User.objects.all()}
    assert [_values(m) for m in memberships] == [
        _values(m) for m in Membership.objects.order_by("user_id", "pk")]


def test_a_member_without_a_role_gets_none_for_the_outer_join(cast: dict[str, User]) -> None:
    connection = connections[DEFAULT_DB_ALIAS]
    bare = User.objects.create(username="no_roles", real_name="无角色")
    with connection.cursor() as cursor:
        cursor.execute(SQL.text(connection), [])
        row = next(r for r in cursor.fetchall() if r[USER.pk_index] == bare.pk)
    assert MEMBERSHIP.instance(connection, row, USER.width) is None


def test_parameters_are_prepared_as_the_orm_prepares_them(db: None) -> None:
    connection = connections[DEFAULT_DB_ALIAS]
    from django.utils import timezone

    now = timezone.now()
    expected = User._meta.get_field("last_login").get_db_prep_value(now, connection)
    assert rows.prep(connection, User, "last_login", now) == expected
