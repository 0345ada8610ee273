"""Reads of the catalogue. The published guide is public; drafts and editing are for the
handling division's head and the leaders above it."""

from typing import Any, TypeVar

from django.core.cache import caches
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import F, Model, Prefetch, Q, QuerySet
from django.db.models.base import ModelState
from django.utils.translation import gettext as _

from qinkuaiban.catalogue.models import (
    ITEM_CODE,
    Category,
    ItemStatus,
    Material,
    ServiceItem,
    ServiceItemVersion,
)
from qinkuaiban.catalogue.search import search_terms
from qinkuaiban.core import rows
from qinkuaiban.core.errors import NotFound
from qinkuaiban.identity.models import Organisation, User
from qinkuaiban.identity.roles import Role
from qinkuaiban.identity.selectors import has_role, organisation_ids_for

PUBLISHED_VERSION_KEY = "qkb:published-version"
PUBLISHED_VERSION_SECONDS = 3600
PUBLISHED_ITEM_KEY = "qkb:published-item"
# How long another server process may go on with a published item as it read it, after a new
# version is published, the item retired or switched: a second, so that the guide's busiest
# page costs no query and an application one less on the peak morning.
PUBLISHED_ITEM_SECONDS = 1

_M = TypeVar("_M", ServiceItem, ServiceItemVersion)


def _ancestor_ids(organisation: Organisation) -> set[int]:
    ids: set[int] = set()
    node: Organisation | None = organisation
    while node is not None:
        ids.add(node.pk)
        node = node.parent
    return ids


def can_edit_items_of(user: User, organisation: Organisation) -> bool:
    """Catalogue content is business: the division's head, or a leader of it or above it."""
    if has_role(user, Role.DIVISION_HEAD, organisation=organisation):
        return True
    leader_of = organisation_ids_for(user, [Role.LEADER])
    return bool(leader_of and leader_of & _ancestor_ids(organisation))


def editable_organisations(user: User) -> QuerySet[Organisation]:
    """Divisions whose catalogue the user may edit."""
    heads = organisation_ids_for(user, [Role.DIVISION_HEAD])
    leaders = organisation_ids_for(user, [Role.LEADER])
    return Organisation.objects.filter(
        Q(pk__in=heads) | Q(pk__in=leaders) | Q(parent_id__in=leaders)
        | Q(parent__parent_id__in=leaders)
    ).order_by("sort_order", "name")


def published_items(*, query: str = "") -> QuerySet[ServiceItem]:
    """Items in the public guide, matching every term of `query` in Chinese or pinyin."""
    items = ServiceItem.objects.filter(status=ItemStatus.PUBLISHED).select_related(
        "current_version", "handling_org"
    )
    for term in search_terms(query):
        items = items.filter(
            Q(current_version__search_text__icontains=term) | Q(code__icontains=term)
        )
    return items.order_by("category", "sort_order", "code")


def _with_materials(versions: QuerySet[ServiceItemVersion]) -> QuerySet[ServiceItemVersion]:
    return versions.select_related("item", "item__handling_org").prefetch_related(
        Prefetch("materials", queryset=Material.objects.order_by("position", "id"))
    )


def _published_item_sql(connection: BaseDatabaseWrapper) -> str:
    item, org = _ITEM, _HANDLING_ORG
    return (
        f"SELECT {item.columns(connection)}, {org.columns(connection)} "  # noqa: S608 (names only)
        f"FROM {item.ref(connection)} INNER JOIN {org.ref(connection)} "
        f"ON {org.col(connection, 'id')} = {item.col(connection, 'handling_org')} "
        f"WHERE {item.col(connection, 'code')} = %s AND {item.col(connection, 'status')} = %s"
    )


_ITEM = rows.Table(ServiceItem, "i")
_HANDLING_ORG = rows.Table(Organisation, "o")
_PUBLISHED_ITEM_SQL = rows.Sql(_published_item_sql)


def current_version_id(*, code: str) -> int | None:
    """The id of a published item's current version, for cache keys (None: not published).
    Asked on every view of the guide's busiest page, even when the page comes from the cache."""
    item = _kept_item(code)  # only an id is read: no copy needed
    return item.current_version_id if item is not None else None


def get_published_item(*, code: str) -> ServiceItem:
    """One item of the public guide with its current version and its checklist; anything else
    is NotFound."""
    item = _published_item(code)
    if item is None or item.current_version_id is None:
        raise NotFound(_not_found_message(), code="service_not_found")
    version = published_version(item.current_version_id)
    version.item = item
    item.current_version = version
    return item


def _published_item(code: str) -> ServiceItem | None:
    """The published item with its handling division (a copy of its own for each caller).

    Every guide page, application and API submission asks, and on the peak morning the same
    few items are asked for a thousand times a second: so the answer is kept
    PUBLISHED_ITEM_SECONDS in the process's cache, and forgotten at once in the process that
    publishes, retires, restores or switches the item (`forget_published_item`). Another
    server process may go on with what it read for that long — a service retired this second
    may still take an application that second. Read hand-written (core/rows.py)."""
    item = _kept_item(code)
    return _own_copy(item) if item is not None else None


def _kept_item(code: str) -> ServiceItem | None:
    """The cached original itself: read it, never change it (callers get `_own_copy`)."""
    if ITEM_CODE.fullmatch(code) is None:
        return None  # no item has such a code (and it would make a bad cache key)
    key = f"{PUBLISHED_ITEM_KEY}:{code}"
    item: ServiceItem | None = caches["objects"].get(key)
    if item is None:
        item = _read_published_item(code)
        # Only what is in the guide: made-up codes must not push the guide out of the cache.
        if item is not None:
            caches["objects"].set(key, item, PUBLISHED_ITEM_SECONDS)
    return item


def _read_published_item(code: str) -> ServiceItem | None:
    connection = rows.read_connection(ServiceItem)
    found = rows.fetch(connection, _PUBLISHED_ITEM_SQL, [code, ItemStatus.PUBLISHED.value])
    if not found:
        return None
    row = found[0]
    item = _ITEM.instance(connection, row, 0)
    assert item is not None
    item.handling_org = _HANDLING_ORG.instance(connection, row, _ITEM.width)  # type: ignore[assignment]
    return item


def forget_published_item(code: str) -> None:
    """The item changed (its version, status or switches): read it again at the next ask."""
    caches["objects"].delete(f"{PUBLISHED_ITEM_KEY}:{code}")


def published_version(pk: int) -> ServiceItemVersion:
    """A published version with its checklist, from the process's cache: a published version
    never changes (ImmutableVersionError), and it is a wide row (the whole guide) that every
    application, guide page and API submission reads. Each caller gets its own copy."""
    key = f"{PUBLISHED_VERSION_KEY}:{pk}"
    version: ServiceItemVersion | None = caches["objects"].get(key)
    if version is None:
        version = ServiceItemVersion.objects.prefetch_related(
            Prefetch("materials", queryset=Material.objects.order_by("position", "id"))
        ).get(pk=pk)
        if not version.is_published:
            return version
        version.field_specs  # noqa: B018 — parsed once, cached with the version
        caches["objects"].set(key, version, PUBLISHED_VERSION_SECONDS)
    return _own_copy(version)


def _own_copy(instance: _M) -> _M:
    """A cached instance for one caller: its own fields, related objects and prefetched rows
    (each pointing back at this copy), so setting an attribute or a relation anywhere on it
    changes nothing for the next caller. The values inside are shared — the form declaration
    (a tuple of frozen specs), strings, the JSON fields of a version that never changes. About
    17 µs, where unpickling a deep copy cost 87 µs on every application."""
    clone = _copy_fields(instance)
    clone._state.fields_cache = {
        name: None if related is None else _copy_fields(related)
        for name, related in instance._state.fields_cache.items()
    }
    prefetched = instance.__dict__.get("_prefetched_objects_cache")
    if prefetched is not None:
        clone._prefetched_objects_cache = {
            name: _own_rows(queryset, original=instance, owner=clone)
            for name, queryset in prefetched.items()
        }
    return clone


def _copy_fields(instance: Model) -> Any:
    clone = instance.__class__.__new__(instance.__class__)
    clone.__dict__.update(instance.__dict__)
    clone._state = state = ModelState()
    state.db, state.adding = instance._state.db, instance._state.adding
    state.fields_cache = dict(instance._state.fields_cache)
    return clone


def _own_rows(queryset: QuerySet[Any], *, original: Model, owner: Model) -> QuerySet[Any]:
    """A prefetched list as Django keeps it (an evaluated query set), of copied rows whose
    relation back to the original points at the caller's copy instead."""
    copies = []
    for row in queryset:
        copy = _copy_fields(row)
        copy._state.fields_cache = {
            name: owner if related is original else related
            for name, related in copy._state.fields_cache.items()
        }
        copies.append(copy)
    own = queryset.all()  # a clone of the query, without its rows
    own._result_cache = copies
    own._prefetch_done = True  # type: ignore[attr-defined]
    return own


def get_version(*, code: str, number: int, actor: User | None = None) -> ServiceItemVersion:
    """A published version of any item (cases cite them for good); a draft only for its editors."""
    version = _with_materials(
        ServiceItemVersion.objects.filter(item__code=code, number=number)
    ).first()
    if version is None or (
        not version.is_published
        and (actor is None or not can_edit_items_of(actor, version.item.handling_org))
    ):
        raise NotFound(_not_found_message(), code="version_not_found")
    return version


def items_for_editor(*, actor: User) -> QuerySet[ServiceItem]:
    """Items of the divisions the actor may edit, with their current version."""
    return (
        ServiceItem.objects.filter(handling_org__in=editable_organisations(actor))
        .select_related("current_version", "handling_org")
        .order_by("handling_org__sort_order", "category", "sort_order", "code")
    )


def get_item_for_editor(*, actor: User, code: str) -> ServiceItem:
    """One item the actor may edit; any other is NotFound, so codes reveal nothing."""
    item = ServiceItem.objects.filter(code=code).select_related(
        "handling_org__parent", "current_version"
    ).first()
    if item is None or not can_edit_items_of(actor, item.handling_org):
        raise NotFound(_not_found_message(), code="service_not_found")
    return item


def draft_of(item: ServiceItem) -> ServiceItemVersion | None:
    return item.versions.filter(published_at__isnull=True).first()


def _not_found_message() -> str:
    return _("No such service in the guide.")


def draft_numbers(items: list[ServiceItem]) -> dict[int, int]:
    """Item id → number of its open draft, in one query."""
    return dict(
        ServiceItemVersion.objects.filter(item__in=items, published_at__isnull=True)
        .values_list("item_id", "number")
    )


def published_versions() -> list[ServiceItemVersion]:
    """The current version of every item in the public guide, in guide order, with materials."""
    versions = _with_materials(
        ServiceItemVersion.objects.filter(
            item__status=ItemStatus.PUBLISHED, item__current_version=F("pk")
        )
    )
    # The order of the Category choices, as on the guide's home page.
    order = {value: index for index, value in enumerate(Category.values)}
    return sorted(
        versions, key=lambda v: (order.get(v.item.category, 99), v.item.sort_order, v.item.code)
    )
