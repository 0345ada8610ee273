"""Every write to the catalogue. A published version is never edited: editing starts a new
draft (a copy of the current version), and publishing makes it current — each step audited."""

from collections.abc import Mapping, Sequence
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from qinkuaiban.audit.services import record
from qinkuaiban.catalogue import selectors
from qinkuaiban.catalogue.models import ItemStatus, Material, ServiceItem, ServiceItemVersion
from qinkuaiban.catalogue.selectors import can_edit_items_of
from qinkuaiban.core.errors import Conflict, InvalidInput, NotPermitted
from qinkuaiban.identity.models import Organisation, User

# The content of a version: everything the guide says, copied into each new draft.
CONTENT_FIELDS: tuple[str, ...] = (
    "name", "keywords", "item_type", "summary", "legal_basis", "implementation_basis",
    "agency_name", "agency_credit_code", "co_handling_orgs", "service_objects", "conditions",
    "quantity_limits", "process_steps", "special_steps", "legal_days", "promised_days",
    "is_instant", "is_charged", "fee_basis", "fee_standard", "channels", "visits",
    "has_appointment", "place", "hours", "consultation_phone", "complaint_phone", "result_name",
    "result_delivery", "result_sample", "faq", "form_fields",
)
EDITABLE_FIELDS: tuple[str, ...] = ("change_note", *CONTENT_FIELDS)
MATERIAL_FIELDS: tuple[str, ...] = (
    "name", "original_or_copy", "medium", "copies", "necessity", "source", "notes",
    "blank_form", "sample",
)


def _invalid(exc: ValidationError, *, code: str) -> InvalidInput:
    if hasattr(exc, "error_dict"):
        field, errors = next(iter(exc.error_dict.items()))
        messages = [m for e in errors for m in e.messages]
        return InvalidInput(" ".join(messages), code=code, field=field)
    return InvalidInput(" ".join(exc.messages), code=code)


def _require_editor(actor: User | None, organisation: Organisation) -> None:
    # actor None is the demo seed and the data import, which run as the platform itself.
    if actor is not None and not can_edit_items_of(actor, organisation):
        raise NotPermitted(
            _("Only the handling division's head or a leader may edit this service."),
            code="catalogue_edit_not_permitted",
        )


def _apply_content(version: ServiceItemVersion, content: Mapping[str, Any]) -> list[str]:
    unknown = sorted(set(content) - set(EDITABLE_FIELDS))
    if unknown:
        raise InvalidInput(
            _("Unknown guide elements: %(names)s.") % {"names": ", ".join(unknown)},
            code="unknown_fields",
        )
    changed = [name for name, value in content.items() if getattr(version, name) != value]
    for name, value in content.items():
        setattr(version, name, value)
    try:
        version.full_clean(exclude=["item", "created_by", "published_by"])
    except ValidationError as exc:
        raise _invalid(exc, code="invalid_guide") from exc
    return changed


def _build_materials(
    version: ServiceItemVersion, materials: Sequence[Mapping[str, Any]]
) -> list[Material]:
    built = []
    for position, data in enumerate(materials, start=1):
        unknown = sorted(set(data) - set(MATERIAL_FIELDS))
        if unknown:
            raise InvalidInput(
                _("Unknown material elements: %(names)s.") % {"names": ", ".join(unknown)},
                code="unknown_fields",
            )
        material = Material(version=version, position=position, **data)
        try:
            material.full_clean(exclude=["version"])
        except ValidationError as exc:
            raise _invalid(exc, code="invalid_material") from exc
        built.append(material)
    return built


def _replace_materials(
    version: ServiceItemVersion, materials: Sequence[Mapping[str, Any]]
) -> None:
    built = _build_materials(version, materials)
    # Bulk writes skip Material.save's published check; the caller holds a locked draft.
    Material.objects.filter(version=version).delete()
    Material.objects.bulk_create(built)


@transaction.atomic
def create_item(
    *,
    actor: User | None,
    code: str,
    kind: str,
    category: str,
    handling_org: Organisation,
    content: Mapping[str, Any],
    materials: Sequence[Mapping[str, Any]] = (),
    basic_code: str = "",
    sort_order: int = 0,
) -> ServiceItemVersion:
    """Add a service to the catalogue as a draft (version 1), to be published when ready."""
    _require_editor(actor, handling_org)
    code = code.strip().upper()
    if ServiceItem.objects.filter(code=code).exists():
        raise Conflict(_("A service with this code already exists."), code="code_taken")
    item = ServiceItem(
        code=code, kind=kind, category=category, handling_org=handling_org,
        basic_code=basic_code, sort_order=sort_order,
    )
    try:
        item.full_clean(exclude=["current_version"])
    except ValidationError as exc:
        raise _invalid(exc, code="invalid_item") from exc
    item.save()
    version = ServiceItemVersion(item=item, number=1, created_by=actor)
    _apply_content(version, content)
    version.save()
    _replace_materials(version, materials)
    record(action="catalogue.item_created", actor=actor, target=item, organisation=handling_org,
           changes={"code": code, "kind": kind, "category": category, "name": version.name})
    return version


@transaction.atomic
def start_new_version(*, actor: User | None, item: ServiceItem) -> ServiceItemVersion:
    """Copy the current version (materials included) into a new draft for editing."""
    # Lock the item: the version number is issued under it, and only one draft may exist.
    item = _locked_item_for_editor(actor, item)
    if item.versions.filter(published_at__isnull=True).exists():
        raise Conflict(_("This service already has a draft being edited."), code="draft_exists")
    source = item.current_version or item.versions.order_by("-number").first()
    if source is None:
        raise Conflict(_("This service has no version to start from."), code="no_version")
    number = (item.versions.aggregate(last=Max("number"))["last"] or 0) + 1
    draft = ServiceItemVersion(item=item, number=number, created_by=actor)
    for name in CONTENT_FIELDS:
        setattr(draft, name, getattr(source, name))
    draft.save()
    Material.objects.bulk_create(
        Material(version=draft, position=m.position, **{f: getattr(m, f) for f in MATERIAL_FIELDS})
        for m in source.materials.order_by("position", "id")
    )
    record(action="catalogue.version_started", actor=actor, target=draft,
           organisation=item.handling_org,
           changes={"code": item.code, "number": number, "from_number": source.number})
    return draft


def _locked_item_for_editor(actor: User | None, item: ServiceItem) -> ServiceItem:
    """The item's row, locked, with its division; NotPermitted unless the actor edits it."""
    item = (
        ServiceItem.objects.select_for_update(of=("self",))
        .select_related("handling_org")
        .get(pk=item.pk)
    )
    _require_editor(actor, item.handling_org)
    return item


def _locked_draft(version: ServiceItemVersion) -> ServiceItemVersion:
    locked = (
        ServiceItemVersion.objects.select_for_update(of=("self",))
        .select_related("item__handling_org")
        .get(pk=version.pk)
    )
    if locked.is_published:
        raise Conflict(
            _("A published version cannot be changed; start a new version."),
            code="version_published",
        )
    return locked


@transaction.atomic
def update_draft(
    *,
    actor: User | None,
    version: ServiceItemVersion,
    content: Mapping[str, Any],
    materials: Sequence[Mapping[str, Any]] | None = None,
) -> ServiceItemVersion:
    """Change a draft's guide content and, when given, replace its materials in order."""
    version = _locked_draft(version)
    _require_editor(actor, version.item.handling_org)
    changed = _apply_content(version, content)
    version.save()
    if materials is not None:
        _replace_materials(version, materials)
        changed.append("materials")
    record(action="catalogue.draft_updated", actor=actor, target=version,
           organisation=version.item.handling_org,
           changes={"code": version.item.code, "number": version.number, "fields": changed})
    return version


def _guide_changed(code: str) -> None:
    """Forget the published item in this process now (a rollback only costs a query) and again
    once committed (a read in between may have cached it as it was)."""
    selectors.forget_published_item(code)
    transaction.on_commit(partial(selectors.forget_published_item, code))


@transaction.atomic
def publish_version(*, actor: User | None, version: ServiceItemVersion) -> ServiceItemVersion:
    """Make a draft the item's current version; from now on it never changes."""
    item = (
        # Lock only the item row: PostgreSQL refuses FOR UPDATE on the nullable side of the
        # outer join to current_version.
        ServiceItem.objects.select_for_update(of=("self",))
        .select_related("handling_org", "current_version")
        .get(pk=version.item_id)
    )
    version = _locked_draft(version)
    _require_editor(actor, item.handling_org)
    try:
        version.full_clean(exclude=["item", "created_by", "published_by"])
    except ValidationError as exc:
        raise _invalid(exc, code="invalid_guide") from exc
    previous = item.current_version
    version.published_at = timezone.now()
    version.published_by = actor
    version.save(update_fields=["published_at", "published_by", "updated_at"])
    item.current_version = version
    item.status = ItemStatus.PUBLISHED
    item.save(update_fields=["current_version", "status", "updated_at"])
    record(action="catalogue.version_published", actor=actor, target=version,
           organisation=item.handling_org,
           changes={"code": item.code, "number": version.number,
                    "previous_number": previous.number if previous else None,
                    "legal_days": version.legal_days, "promised_days": version.promised_days})
    _guide_changed(item.code)
    return version


@transaction.atomic
def discard_draft(*, actor: User | None, version: ServiceItemVersion) -> None:
    """Throw away a draft that was never published."""
    version = _locked_draft(version)
    item = version.item
    _require_editor(actor, item.handling_org)
    if not item.versions.exclude(pk=version.pk).exists():
        raise Conflict(
            _("The first version of a service cannot be discarded; edit it instead."),
            code="only_version",
        )
    record(action="catalogue.draft_discarded", actor=actor, target=version,
           organisation=item.handling_org, changes={"code": item.code, "number": version.number})
    Material.objects.filter(version=version).delete()
    version.delete()


@transaction.atomic
def retire_item(*, actor: User | None, item: ServiceItem) -> ServiceItem:
    """Take a service out of the public guide; its versions stay for the cases citing them."""
    item = _locked_item_for_editor(actor, item)
    if item.status != ItemStatus.PUBLISHED:
        raise Conflict(_("Only a published service can be retired."), code="not_published")
    item.status = ItemStatus.RETIRED
    item.save(update_fields=["status", "updated_at"])
    record(action="catalogue.item_retired", actor=actor, target=item,
           organisation=item.handling_org, changes={"code": item.code})
    _guide_changed(item.code)
    return item


@transaction.atomic
def restore_item(*, actor: User | None, item: ServiceItem) -> ServiceItem:
    """Put a retired service back in the public guide under its last published version."""
    item = _locked_item_for_editor(actor, item)
    if item.status != ItemStatus.RETIRED or item.current_version_id is None:
        raise Conflict(_("Only a retired service can be put back in the guide."),
                       code="not_retired")
    item.status = ItemStatus.PUBLISHED
    item.save(update_fields=["status", "updated_at"])
    record(action="catalogue.item_restored", actor=actor, target=item,
           organisation=item.handling_org, changes={"code": item.code})
    _guide_changed(item.code)
    return item


@transaction.atomic
def set_queued_intake(*, actor: User | None, item: ServiceItem, enabled: bool) -> ServiceItem:
    """Receive this service's applications through the queued intake (peak days), or not."""
    item = _locked_item_for_editor(actor, item)
    if item.queued_intake == enabled:
        return item
    item.queued_intake = enabled
    item.save(update_fields=["queued_intake", "updated_at"])
    record(action="catalogue.queued_intake_changed", actor=actor, target=item,
           organisation=item.handling_org, changes={"code": item.code, "enabled": enabled})
    _guide_changed(item.code)
    return item
