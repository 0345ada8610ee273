"""Reads of the catalogue. The published guide is public; drafts and editing are for the
handling division's head and the leaders above it."""

from django.db.models import F, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from qinkuaiban.catalogue.models import (
    Category,
    ItemStatus,
    Material,
    ServiceItem,
    ServiceItemVersion,
)
from qinkuaiban.catalogue.search import search_terms
from qinkuaiban.core.errors import NotFound
from qinkuaiban.identity.models import Organisation, User
from qinkuaiban.identity.roles import Role
from qinkuaiban.identity.selectors import has_role, organisation_ids_for


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


def current_version_id(*, code: str) -> int | None:
    """The id of a published item's current version, for cache keys (None: not published)."""
    if "\x00" in code:
        return None
    return (ServiceItem.objects.filter(code=code, status=ItemStatus.PUBLISHED)
            .values_list("current_version_id", flat=True).first())


def get_published_item(*, code: str, with_materials: bool = True) -> ServiceItem:
    """One item of the public guide with its current version (and its checklist, unless the
    caller reads it from a cached fragment); anything else is NotFound."""
    # No code holds a NUL, and PostgreSQL would refuse it in the query.
    item = None if "\x00" in code else (
        ServiceItem.objects.filter(code=code, status=ItemStatus.PUBLISHED)
        .select_related("handling_org").first()
    )
    if item is None or item.current_version_id is None:
        raise NotFound(_not_found_message(), code="service_not_found")
    # The version (a wide row: the whole guide) is read once, with its checklist.
    versions = ServiceItemVersion.objects.filter(pk=item.current_version_id)
    if with_materials:
        versions = versions.prefetch_related(
            Prefetch("materials", queryset=Material.objects.order_by("position", "id")))
    version = versions.get()
    version.item = item
    item.current_version = version
    return item


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
