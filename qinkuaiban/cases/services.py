"""Every write to a case. `transition_case` is the one place a workflow action happens: it locks
the row, checks the table, the actor's parties and the guards, writes, appends the history,
records the audit entry and writes the notifications, all in one transaction. The per-action
functions below validate their extra data and call it inside the same transaction."""

import datetime as dt
import secrets
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from qinkuaiban.audit.services import record, record_many
from qinkuaiban.cases import clock, legal, notifying
from qinkuaiban.cases.codes import (
    PIN_LENGTH,
    TRACKING_CODE_LENGTH,
    VERIFICATION_CODE_LENGTH,
    random_code,
)
from qinkuaiban.cases.conf import setting
from qinkuaiban.cases.events import DATED, SystemEvent, append_event, new_event
from qinkuaiban.cases.kinds import CaseKind, UnknownCaseKind, get_kind, takes_online_applications
from qinkuaiban.cases.models import (
    ONE_RELATED,
    WARNING_ORDER,
    Attachment,
    Case,
    CaseEvent,
    Channel,
    ClockStop,
    ClockStopKind,
    DoorToDoorVisit,
    DoorVisitStatus,
    Outcome,
    RejectGround,
    SpecialProcedure,
    SupplementRequest,
    Transfer,
    TransferStatus,
    Visit,
    WarningLevel,
)
from qinkuaiban.cases.numbering import issue_number
from qinkuaiban.cases.permissions import (
    REGISTERING_ROLES,
    case_roles_in,
    is_staff,
    parties_for,
    pending_transfer,
    satisfied_guards,
)
from qinkuaiban.cases.uploads import inspect_upload, store_upload
from qinkuaiban.cases.workflow import (
    CLOCK_RUNNING_STATUSES,
    OPEN_STATUSES,
    TRANSITIONS,
    Action,
    Guard,
    Status,
)
from qinkuaiban.catalogue.forms_spec import (
    date_bound_errors,
    missing_required,
    validate_form_data,
)
from qinkuaiban.catalogue.models import (
    ItemStatus,
    Material,
    Medium,
    Necessity,
    ServiceItem,
)
from qinkuaiban.core import crypto
from qinkuaiban.core.dates import parse_iso_date
from qinkuaiban.core.errors import Conflict, InvalidInput, NotPermitted
from qinkuaiban.core.validators import mask_id_number
from qinkuaiban.identity.models import Organisation, User
from qinkuaiban.identity.roles import ADMIN_ROLES, Role
from qinkuaiban.identity.selectors import memberships_for
from qinkuaiban.workdays.rules import WorkCalendar
from qinkuaiban.workdays.selectors import load_calendar

# Audit names (`cases.<event in the past tense>`) of the workflow actions.
AUDIT_NAMES: dict[str, str] = {
    Action.SUBMIT: "cases.case_submitted",
    Action.REQUEST_SUPPLEMENT: "cases.supplement_requested",
    Action.SUPPLEMENT: "cases.materials_supplemented",
    Action.SUPPLY_DEFERRED: "cases.deferred_materials_supplied",
    Action.ACCEPT: "cases.case_accepted",
    Action.ACCEPT_DEFERRED: "cases.case_accepted_deferred",
    Action.REJECT: "cases.case_rejected",
    Action.START_SPECIAL: "cases.special_procedure_started",
    Action.END_SPECIAL: "cases.special_procedure_ended",
    Action.EXTEND: "cases.limit_extended",
    Action.COMPLETE: "cases.case_completed",
    Action.INSTANT: "cases.case_handled_at_once",
    Action.WITHDRAW: "cases.case_withdrawn",
    Action.VOID: "cases.case_voided",
    Action.TERMINATE: "cases.case_terminated",
    Action.TRANSFER: "cases.transfer_requested",
    Action.ACCEPT_TRANSFER: "cases.transfer_accepted",
    Action.REFUSE_TRANSFER: "cases.transfer_refused",
    Action.RECORD_VISIT: "cases.visit_recorded",
    Action.PROPOSE_DOOR_VISIT: "cases.door_visit_proposed",
    Action.CONFIRM_DOOR_VISIT: "cases.door_visit_confirmed",
    Action.RECORD_DOOR_VISIT: "cases.door_visit_recorded",
    Action.CANCEL_DOOR_VISIT: "cases.door_visit_cancelled",
}


@dataclass(frozen=True)
class AnonymousReceipt:
    """What an anonymous submitter is shown once: the tracking code and the PIN."""

    case: Case
    tracking_code: str
    pin: str


# A file for one material of the checklist (material id) or for no material (None).
MaterialFile = tuple[int | None, Any]


def _today() -> dt.date:
    return timezone.localdate()


def _calendar(*dates: dt.date) -> WorkCalendar:
    return load_calendar(start=min(dates), end=max(dates))


def _kind_of(item: ServiceItem) -> CaseKind:
    try:
        return get_kind(item.kind)
    except UnknownCaseKind as exc:
        raise Conflict(
            _("The service %(code)s is handled by the case kind \"%(kind)s\", which is not "
              "installed on this platform. Please tell the system administrator.")
            % {"code": item.code, "kind": item.kind},
            code="unknown_case_kind",
        ) from exc


def _lock(case: Case) -> Case:
    # Lock first, then check: two handlers clicking at once must not both pass the check.
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related(*ONE_RELATED)
        .get(pk=case.pk)
    )


def _refuse_admin(actor: User | None) -> None:
    if actor is not None and any(m.role in ADMIN_ROLES for m in memberships_for(actor)):
        # Source: GB/T 22239-2019 三员分立 — an administrator account has no business rights.
        raise NotPermitted(_("Administrator accounts cannot take part in cases."),
                           code="admin_has_no_business_rights")


# --- form data -----------------------------------------------------------------------------


def _protect(specs: Sequence[Any], clean: Mapping[str, Any]) -> dict[str, Any]:
    """Form data as stored: ID numbers encrypted with a masked copy (domain.md §8)."""
    stored: dict[str, Any] = {}
    types = {spec.name: spec.type for spec in specs}
    for name, value in clean.items():
        if types.get(name) == "id_number":
            stored[name] = {"masked": mask_id_number(value), "encrypted": crypto.encrypt(value)}
        elif types.get(name) == "file":
            continue
        else:
            stored[name] = value
    return stored


def _validate_form(
    kind: CaseKind, version: Any, form: Mapping[str, Any], *, partial: bool = False
) -> tuple[list[Any], dict[str, Any]]:
    """The form checked against the version's declaration; a draft (`partial`) may leave
    required fields blank until it is submitted, and the kind checks only a complete form."""
    specs = version.field_specs
    clean, errors = validate_form_data(specs, form, partial=partial)
    if kind.validate_form is not None and not errors and not partial:
        for name, messages in kind.validate_form(version, clean).items():
            errors.setdefault(name, []).extend(messages)
    if errors:
        raise _form_errors(specs, errors)
    return specs, clean


def _form_errors(specs: Sequence[Any], errors: Mapping[str, list[str]]) -> InvalidInput:
    """Every error of the form at once, each named by its field's label."""
    labels = {spec.name: spec.label for spec in specs}
    detail = "; ".join(
        _("%(field)s: %(message)s") % {"field": labels.get(name, name), "message": message}
        for name, messages in errors.items() for message in messages
    )
    return InvalidInput(detail, code="invalid_form", field=next(iter(errors)))


def _version_material(version: Any, material_id: int | None) -> Material | None:
    if material_id is None:
        return None
    # The checklist is usually prefetched with the version: no query per file.
    material = next((m for m in version.materials.all() if m.pk == material_id), None)
    if material is None:
        raise InvalidInput(_("This material is not on the service's checklist."),
                           code="unknown_material", field="material")
    return material


def _store_files(
    *, case: Case, files: Iterable[MaterialFile], actor: User | None, round_: int,
    at: dt.datetime | None = None,
) -> list[Attachment]:
    checked = [
        (_version_material(case.version, material_id), file, inspect_upload(file))
        for material_id, file in files
    ]
    return [attach_stored(case=case, entry=stored_file(material, file, inspected),
                          actor=actor, round_=round_, at=at)
            for material, file, inspected in checked]


def stored_file(material: Material | None, file: Any, inspected: Any) -> dict[str, Any]:
    """Write a checked upload (deleted again if the transaction rolls back) and describe it as
    an attachment row will: {"material", "file", "original_name", "content_type", "size",
    "sha256"}."""
    return {
        "material": material.pk if material is not None else None,
        "file": store_upload(file, inspected, year=timezone.localdate().year),
        "original_name": inspected.original_name,
        "content_type": inspected.file_type.content_type, "size": inspected.size,
        "sha256": inspected.sha256,
    }


def attach_stored(*, case: Case, entry: Mapping[str, Any], actor: User | None,
                  round_: int, at: dt.datetime | None = None) -> Attachment:
    """The attachment row of a file `stored_file` wrote, dated when it was handed in (`at`)."""
    return Attachment.objects.create(
        case=case, material_id=entry["material"], file=entry["file"],
        original_name=entry["original_name"], content_type=entry["content_type"],
        size=entry["size"], sha256=entry["sha256"], uploaded_by=actor, round=round_,
        uploaded_at=at or timezone.now(),
    )


def _missing_required(case: Case) -> list[Material]:
    supplied = set(
        Attachment.objects.filter(case=case, material__isnull=False)
        .values_list("material_id", flat=True)
    )
    return required_not_supplied(case.version, supplied)


def required_not_supplied(version: Any, supplied: set[int]) -> list[Material]:
    """The required materials of the version's checklist that must be uploaded and are not."""
    return [
        material for material in version.materials.all()
        # A paper-only original is checked at the window (the one visit), not uploaded.
        if material.necessity == Necessity.REQUIRED and material.medium != Medium.PAPER
        and material.pk not in supplied
    ]


def materials_missing_error(missing: Sequence[Material]) -> InvalidInput:
    return InvalidInput(
        _("Attach the required materials: %(names)s.")
        % {"names": "、".join(m.name for m in missing)},
        code="materials_missing", field="files",
    )


# --- submission ----------------------------------------------------------------------------


def _check_submitter(
    *, actor: User, item: ServiceItem, kind: CaseKind, channel: str, applicant: User | None
) -> None:
    _refuse_admin(actor)
    on_behalf = channel != Channel.ONLINE or (applicant is not None and applicant != actor)
    if not on_behalf:
        _require_online(item.kind, item.current_version)
        return
    if kind.registered_by_any_staff and is_staff(actor):
        return
    if not case_roles_in(actor, item.handling_org) & REGISTERING_ROLES:
        raise NotPermitted(
            _("Only the window staff of the handling division may register a case on behalf "
              "of an applicant."),
            code="not_window_staff",
        )


def _require_online(kind_slug: str, version: Any) -> None:
    """An applicant's own application goes online only to a service that takes it online."""
    if not takes_online_applications(kind_slug, getattr(version, "channels", None)):
        raise Conflict(
            _("This service does not take applications online: its guide says where and how "
              "to apply."),
            code="not_online",
        )


def _replay(*, actor: User | None, idempotency_key: str) -> Case | None:
    if not idempotency_key:
        return None
    found = Case.objects.filter(registered_by=actor, idempotency_key=idempotency_key).first()
    if found is not None:
        found.replayed = True
    return found


@transaction.atomic
def submit_case(
    *,
    actor: User,
    item: ServiceItem,
    form: Mapping[str, Any],
    files: Iterable[MaterialFile] = (),
    idempotency_key: str = "",
    submit: bool = True,
    channel: str = Channel.ONLINE,
    applicant: User | None = None,
    submitter_name: str = "",
    submitter_contact: str = "",
    at: dt.datetime | None = None,
) -> Case:
    """Create a case (a draft, or submitted at once) under the item's current version.

    Idempotent: the same non-empty key from the same submitter returns the case it created
    (with `replayed` set). Staff register on behalf of an applicant with another channel and
    either `applicant` or `submitter_name`. `at` dates the submission earlier than now (the demo
    seeding; see `_transition`).
    """
    idempotency_key = idempotency_key.strip()[:80]
    existing = _replay(actor=actor, idempotency_key=idempotency_key)
    if existing is not None:
        return existing
    if item.status != ItemStatus.PUBLISHED or item.current_version_id is None:
        raise Conflict(_("This service is not open for applications."), code="item_not_published")
    if channel not in Channel.values:
        raise InvalidInput(_("Unknown channel."), code="invalid_channel", field="channel")
    kind = _kind_of(item)
    _check_submitter(actor=actor, item=item, kind=kind, channel=channel, applicant=applicant)
    version = item.current_version
    specs, clean = _validate_form(kind, version, form, partial=not submit)
    on_behalf = channel != Channel.ONLINE
    person = applicant if on_behalf else actor
    if person is None and not submitter_name.strip():
        raise InvalidInput(_("Name the applicant or the person the case is registered for."),
                           code="applicant_required", field="submitter_name")
    case = new_case(
        item=item, version=version, applicant=person, registered_by=actor, channel=channel,
        form_data=_protect(specs, clean), idempotency_key=idempotency_key,
        submitter_name=submitter_name, submitter_contact=submitter_contact,
        responsible=actor if on_behalf and is_staff(actor) else None,
    )
    try:
        # A savepoint: the same key racing in from a second request loses here, and gets the
        # winner's case once that commits.
        with transaction.atomic():
            case.save()
    except IntegrityError:
        again = _replay(actor=actor, idempotency_key=idempotency_key)
        if again is None:
            raise
        return again
    if channel == Channel.WINDOW:
        # The applicant came to the window in person: their first visit (只跑一次).
        _add_visit(case, on=timezone.localdate(at) if at else _today(), actor=actor,
                   purpose=_("Registered the application at the service window"))
        case.save(update_fields=["visits"])
    form_files = [(None, clean[spec.name]) for spec in specs
                  if spec.type == "file" and spec.name in clean]
    _store_files(case=case, files=[*files, *form_files], actor=actor, round_=0, at=at)
    append_event(case=case, action=SystemEvent.CREATED, actor=actor, to_status=Status.DRAFT,
                 data={"channel": channel, **({DATED: at.isoformat()} if at else {})})
    if submit:
        # The row was inserted by this transaction: nobody else can see it to race for it, so
        # it is not read back and locked again. The submission's audit entry names the item.
        return _transition(case=case, action=Action.SUBMIT, actor=actor, reason="", data={},
                           transfer=None, audit={"item": item.code, "channel": channel},
                           form_checked=True, at=at)
    record(action="cases.draft_created", actor=actor, target=case,
           organisation=case.handling_org, changes={"item": item.code, "channel": channel})
    return case


def new_case(
    *, item: ServiceItem, version: Any, applicant: User | None, registered_by: User | None,
    channel: str, form_data: dict[str, Any], idempotency_key: str, submitter_name: str = "",
    submitter_contact: str = "", responsible: User | None = None,
) -> Case:
    """A case of the item's version, not saved yet: the one shape every way in builds."""
    return Case(
        item=item, version=version, kind=item.kind, applicant=applicant,
        applicant_org=_applicant_org(applicant), submitter_name=submitter_name.strip()[:60],
        submitter_contact=submitter_contact.strip()[:120],
        verification_code=random_code(VERIFICATION_CODE_LENGTH), registered_by=registered_by,
        channel=channel, form_data=form_data, handling_org=item.handling_org,
        responsible=responsible, idempotency_key=idempotency_key,
    )


def _applicant_org(person: User | None) -> Organisation | None:
    if person is None:
        return None
    for membership in memberships_for(person):
        if membership.role == Role.APPLICANT:
            return membership.organisation
    return None


def create_draft(
    *, actor: User, item: ServiceItem, form: Mapping[str, Any],
    files: Iterable[MaterialFile] = (), idempotency_key: str = "",
    channel: str = Channel.ONLINE,
) -> Case:
    """A draft the applicant completes and submits later."""
    return submit_case(actor=actor, item=item, form=form, files=files,
                       idempotency_key=idempotency_key, submit=False, channel=channel)


@transaction.atomic
def update_draft(
    *, case: Case, actor: User, form: Mapping[str, Any], files: Iterable[MaterialFile] = ()
) -> Case:
    """Change the form of a draft (its creator only)."""
    case = _lock(case)
    if case.status != Status.DRAFT:
        raise Conflict(_("Only a draft can be edited."), code="not_a_draft")
    if case.registered_by_id != actor.pk:
        raise NotPermitted(_("You may not edit this draft."), code="not_your_draft")
    specs, clean = _validate_form(_kind_of(case.item), case.version, form, partial=True)
    case.form_data = _protect(specs, clean)
    case.save(update_fields=["form_data", "updated_at"])
    form_files = [(None, clean[spec.name]) for spec in specs
                  if spec.type == "file" and spec.name in clean]
    _store_files(case=case, files=[*files, *form_files], actor=actor, round_=0)
    append_event(case=case, action=SystemEvent.DRAFT_UPDATED, actor=actor,
                 from_status=Status.DRAFT)
    record(action="cases.draft_updated", actor=actor, target=case,
           organisation=case.handling_org, changes={"fields": sorted(case.form_data)})
    return case


@transaction.atomic
def submit_anonymous(
    *,
    item: ServiceItem,
    form: Mapping[str, Any],
    submitter_name: str,
    submitter_contact: str,
    files: Iterable[MaterialFile] = (),
    idempotency_key: str = "",
) -> AnonymousReceipt:
    """A case from someone without an account, for kinds that allow it; the tracking code and
    PIN are returned once (only the PIN's hash is kept)."""
    kind = _kind_of(item)
    if not kind.meta.get("allows_anonymous"):
        raise NotPermitted(_("This service needs you to sign in."), code="sign_in_required")
    if not submitter_name.strip() or not submitter_contact.strip():
        raise InvalidInput(_("Give your name and a way to reach you."),
                           code="submitter_required", field="submitter_name")
    idempotency_key = idempotency_key.strip()[:80]
    existing = _replay(actor=None, idempotency_key=idempotency_key)
    if existing is not None:
        raise Conflict(_("This submission was already received; use its tracking code."),
                       code="already_submitted")
    if item.status != ItemStatus.PUBLISHED or item.current_version_id is None:
        raise Conflict(_("This service is not open for applications."), code="item_not_published")
    version = item.current_version
    assert version is not None  # a published item has a current version (a DB constraint)
    specs, clean = _validate_form(kind, version, form)
    pin = "".join(secrets.choice("0123456789") for _i in range(PIN_LENGTH))
    tracking_code = random_code(TRACKING_CODE_LENGTH)
    case = Case.objects.create(
        item=item, version=version, kind=item.kind, submitter_name=submitter_name.strip()[:60],
        submitter_contact=submitter_contact.strip()[:120], tracking_code=tracking_code,
        pin_hash=make_password(pin), verification_code=random_code(VERIFICATION_CODE_LENGTH),
        channel=Channel.ONLINE, form_data=_protect(specs, clean),
        handling_org=item.handling_org, idempotency_key=idempotency_key,
    )
    _store_files(case=case, files=files, actor=None, round_=0)
    append_event(case=case, action=SystemEvent.CREATED, actor=None, to_status=Status.DRAFT,
                 data={"channel": Channel.ONLINE, "anonymous": True})
    case = transition_case(case=case, action=Action.SUBMIT, actor=None, anonymous=True)
    return AnonymousReceipt(case=case, tracking_code=tracking_code, pin=pin)


# --- the one transition function -----------------------------------------------------------


@dataclass
class Step:
    """What one action changed, for the save, the history and the audit entry."""

    case: Case
    actor: User | None
    reason: str
    data: dict[str, Any]
    today: dt.date
    now: dt.datetime
    transfer: Transfer | None
    fields: set[str]
    event: dict[str, Any]
    after: list[Callable[[], None]]
    # Submitted in the transaction that checked the whole form: no second check.
    form_checked: bool = False


def _guard_message(guard: str) -> str:
    messages: dict[str, str] = {
        Guard.INSTANT_ITEM: _("Only services handled at once can be handled at once."),
        Guard.PROMISED_ITEM: _("This service is handled at once; use \"Handle at once\"."),
        Guard.NO_PENDING_TRANSFER: _("A transfer of this case is waiting to be taken over."),
        Guard.PENDING_TRANSFER: _("No transfer of this case is waiting."),
        Guard.DEFERRED_PENDING: _("No deferred material is outstanding."),
        Guard.NO_DEFERRED_PENDING: _("Materials accepted as deferred are still outstanding."),
        Guard.NOT_EXTENDED: _("The time limit has already been extended once."),
        Guard.DOOR_TO_DOOR_ITEM: _("This service offers no door-to-door handling."),
        Guard.NO_OPEN_DOOR_VISIT: _("A door-to-door visit is already planned."),
        Guard.DOOR_VISIT_PROPOSED: _("No door-to-door visit is waiting for confirmation."),
        Guard.DOOR_VISIT_CONFIRMED: _("No confirmed door-to-door visit."),
        Guard.DOOR_VISIT_OPEN: _("No door-to-door visit is planned."),
    }
    return str(messages[guard])


@transaction.atomic
def transition_case(
    *, case: Case, action: str, actor: User | None, reason: str = "",
    at: dt.datetime | None = None, **data: Any
) -> Case:
    """Apply one workflow action and append it to the case's history.

    `actor` None is the system (the periodic sweep). `at` dates the step earlier than now (see
    `_transition`). Errors: NotPermitted when the actor may never take the action on this case,
    Conflict when the status or the case's state does not allow it now, InvalidInput when the
    data is wrong.
    """
    if action not in TRANSITIONS:
        raise InvalidInput(_("Unknown action."), code="unknown_action", field="action")
    anonymous = bool(data.pop("anonymous", False))
    case = _lock(case)
    return _transition(case=case, action=action, actor=actor, reason=reason, data=data,
                       transfer=pending_transfer(case), anonymous=anonymous, at=at)


def _transition(
    *, case: Case, action: str, actor: User | None, reason: str, data: dict[str, Any],
    transfer: Transfer | None, anonymous: bool = False, audit: dict[str, Any] | None = None,
    form_checked: bool = False, at: dt.datetime | None = None,
) -> Case:
    """`transition_case` on a case this transaction has locked (or created).

    `at` dates the step earlier than now: an application registered from the queued intake is
    received when it was queued, and the demo's overdue case was submitted and accepted days
    ago. The case's own dates and its clock follow `at` (submitted, received, accepted, due);
    its history entry, its audit entry and the messages it sends carry the moment they are
    written, as an append-only record must, and the entry says when the step happened
    (`events.DATED`, which the timelines show)."""
    row = TRANSITIONS[action]
    parties = parties_for(case, actor, transfer=transfer)
    if anonymous and actor is None and action == Action.SUBMIT and case.applicant_id is None:
        parties = {"applicant"}
    if not parties & row.parties:
        raise NotPermitted(_("You may not take this action on this case."),
                           code="action_not_permitted")
    if case.status not in row.sources:
        raise Conflict(
            _("\"%(action)s\" is not possible while the case is %(status)s.")
            % {"action": Action(action).label, "status": case.get_status_display()},
            code="invalid_transition",
        )
    missing = row.guards - satisfied_guards(case, transfer=transfer)
    if missing:
        raise Conflict(_guard_message(sorted(missing)[0]), code="action_not_available")
    reason = (reason or "").strip()
    if row.reason_required and not reason:
        raise InvalidInput(_("Give a reason."), code="reason_required", field="reason")
    from_status = case.status
    now = at or timezone.now()
    step = Step(case=case, actor=actor, reason=reason, data=data, today=timezone.localdate(now),
                now=now, transfer=transfer, fields=set(), event={}, after=[],
                form_checked=form_checked)
    APPLY[action](step)
    if at is not None:
        step.event[DATED] = at.isoformat()
    if row.target is not None and row.target != case.status:
        case.status = row.target
        step.fields.add("status")
    if case.status not in OPEN_STATUSES and from_status in OPEN_STATUSES:
        _close(step)
    if step.fields:
        case.save(update_fields=sorted(step.fields | {"updated_at"}))
    append_event(case=case, action=action, actor=actor, from_status=from_status,
                 to_status=case.status, reason=reason, data=step.event)
    entry: dict[str, Any] = {"action": AUDIT_NAMES[action], "actor": actor, "target": case,
                             "organisation": case.handling_org,
                             "changes": {"from": from_status, "to": case.status,
                                         "reason": reason, **step.event, **(audit or {})}}
    if not step.after:
        # The audit entry last: the chain head stays locked from there until commit, and every
        # audited write of the platform queues on it.
        notifying.case_changed(case=case, action=action, actor=actor, reason=reason)
        record(**entry)
        return case
    # Hooks may take further actions (auto-acceptance): this action's entry comes first in the
    # trail, and the notification tells the state after them.
    record(**entry)
    for callback in step.after:
        callback()
    notifying.case_changed(case=case, action=action, actor=actor, reason=reason)
    return case


def _close(step: Step) -> None:
    """A case that ends: the clock stops, a pending transfer lapses, warnings clear."""
    case = step.case
    case.closed_at = step.now
    ClockStop.objects.filter(case=case, ended_on__isnull=True).update(ended_on=step.today)
    Transfer.objects.filter(case=case, status=TransferStatus.PENDING).update(
        status=TransferStatus.CANCELLED, responded_at=step.now
    )
    DoorToDoorVisit.objects.filter(
        case=case, status__in=[DoorVisitStatus.PROPOSED, DoorVisitStatus.CONFIRMED]
    ).update(status=DoorVisitStatus.CANCELLED)
    case.warning = WarningLevel.NORMAL
    step.fields |= {"closed_at", "warning"}


# --- the clock -----------------------------------------------------------------------------


def refresh_clock(case: Case, *, calendar: WorkCalendar | None = None,
                  today: dt.date | None = None) -> set[str]:
    """Recompute the due date and warning of an accepted case; return the changed fields."""
    if case.accepted_at is None:
        return set()
    today = today or _today()
    accepted_on = timezone.localdate(case.accepted_at)
    calendar = calendar or _calendar(accepted_on, today)
    deadline = clock.due_date(calendar, accepted_on=accepted_on, limit_days=case.limit_days,
                              stops=clock.stops_of(case), today=today)
    changed: set[str] = set()
    if (case.due_on, case.due_provisional) != (deadline.date, deadline.provisional):
        case.due_on, case.due_provisional = deadline.date, deadline.provisional
        changed |= {"due_on", "due_provisional"}
    level = current_warning(case, calendar=calendar, today=today)
    if level != case.warning:
        case.warning = level
        changed.add("warning")
    return changed


def current_warning(case: Case, *, calendar: WorkCalendar, today: dt.date) -> str:
    """The warning level of the case today; normal unless its clock is running."""
    if case.status not in CLOCK_RUNNING_STATUSES or case.due_on is None:
        return WarningLevel.NORMAL
    return clock.warning_level(
        calendar, due_on=case.due_on, limit_days=case.limit_days, today=today,
        yellow_days_left=setting("QKB_CASE_YELLOW_DAYS_LEFT"),
        yellow_used_percent=setting("QKB_CASE_YELLOW_USED_PERCENT"),
    )


def _start_clock(step: Step) -> None:
    """Acceptance: the promised limit starts the working day after; 首办 takes responsibility."""
    case = step.case
    received_on = case.received_on or step.today
    calendar = _calendar(received_on, step.today)
    if clock.is_deemed_accepted(calendar, received_on=received_on, today=step.today):
        # No notice within 5 working days: accepted from receipt (legal.py names the basis).
        case.accepted_at = _start_of(received_on) if case.supplement_round else case.submitted_at
        case.is_deemed_accepted = True
        step.event["deemed_accepted_from"] = received_on.isoformat()
    else:
        case.accepted_at = step.now
    case.promised_days = case.version.promised_days
    if case.responsible_id is None and step.actor is not None:
        case.responsible = step.actor
    # The clock runs from here, so the warning is computed for an accepted case.
    case.status = Status.ACCEPTED
    step.fields |= {"status", "accepted_at", "is_deemed_accepted", "promised_days",
                    "responsible"}
    step.fields |= refresh_clock(case, calendar=calendar, today=step.today)
    step.fields |= {"due_on", "due_provisional"}
    step.event["due_on"] = case.due_on.isoformat() if case.due_on else None
    kind = _kind_of(case.item)
    if kind.on_accept is not None:
        hook = kind.on_accept
        step.after.append(lambda: hook(case=case, actor=step.actor))


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


# --- per-action appliers (called by transition_case with the row locked) --------------------


def _check_complete_form(case: Case, *, today: dt.date) -> None:
    """A draft was saved with blanks allowed: at submission (on `today`, the step's day) the
    form must be complete, and the kind checks it (receiving the stored values: ID numbers in
    their protected form)."""
    specs = case.version.field_specs
    missing = missing_required(specs, case.form_data)
    if missing:
        raise InvalidInput(
            _("Fill in before submitting: %(fields)s.")
            % {"fields": "、".join(spec.label for spec in missing)},
            code="form_incomplete", field=missing[0].name,
        )
    # A date valid when the draft was saved may have passed since ("from today on").
    stale = date_bound_errors(specs, case.form_data, today=today)
    if stale:
        raise _form_errors(specs, stale)
    kind = _kind_of(case.item)
    if kind.validate_form is not None:
        errors = kind.validate_form(case.version, dict(case.form_data))
        if errors:
            raise _form_errors(specs, errors)


def _apply_submit(step: Step) -> None:
    case = step.case
    if not step.form_checked:
        _check_complete_form(case, today=step.today)
    if case.channel == Channel.ONLINE and case.applicant_id is not None:
        if case.applicant_id == case.registered_by_id and not step.form_checked:
            # A draft saved while the service still took online applications.
            _require_online(case.kind, case.version)
        missing = _missing_required(case)
        if missing:
            raise materials_missing_error(missing)
    case.submitted_at = step.now
    case.received_on = step.today
    case.number = issue_number(on=step.today)
    step.fields |= {"submitted_at", "received_on", "number"}
    kind = _kind_of(case.item)
    if kind.on_submit is not None:
        hook = kind.on_submit
        step.after.append(lambda: hook(case=case, actor=step.actor))
    if kind.accepted_on_submit and not case.version.is_instant:
        step.after.append(lambda: _auto_accept(case, step.actor))


def _auto_accept(case: Case, actor: User | None) -> None:
    """Kinds accepted on submission start their clock at once when staff registered them."""
    if actor is None or not is_staff(actor):
        return
    accepted = transition_case(case=case, action=Action.ACCEPT, actor=actor)
    for name in ("status", "accepted_at", "promised_days", "due_on", "due_provisional",
                 "responsible_id", "warning"):
        setattr(case, name, getattr(accepted, name))


def _apply_request_supplement(step: Step) -> None:
    """一次性告知: every missing or deficient material, named at once."""
    case = step.case
    entries = _supplement_entries(case, step.data.get("materials") or [])
    named = {entry["material"] for entry in entries if entry["material"]}
    if case.supplement_round == 0:
        missing = [m for m in _missing_required(case) if m.pk not in named]
        if missing:
            raise Conflict(
                _("The one-time notice must name every missing material at once; also name: "
                  "%(names)s.") % {"names": "、".join(m.name for m in missing)},
                code="one_time_notice_incomplete",
            )
    else:
        last_round = set(
            Attachment.objects.filter(case=case, round=case.supplement_round,
                                      material__isnull=False)
            .values_list("material_id", flat=True)
        )
        extra = [entry["name"] for entry in entries
                 if entry["material"] is None or entry["material"] not in last_round]
        if extra:
            raise Conflict(
                _("Everything missing was to be named in the first notice (一次性告知). A new "
                  "request may only name materials supplied in the last round that are "
                  "deficient, not: %(names)s.") % {"names": "、".join(extra)},
                code="one_time_notice_violated",
            )
    case.supplement_round += 1
    SupplementRequest.objects.create(
        case=case, round=case.supplement_round, items=entries, note=step.reason,
        requested_by=step.actor, requested_at=step.now,
    )
    ClockStop.objects.create(case=case, kind=ClockStopKind.SUPPLEMENT, started_on=step.today,
                             reason=step.reason)
    step.fields.add("supplement_round")
    step.event.update(round=case.supplement_round, materials=entries)


def _supplement_entries(case: Case, raw: Any) -> list[dict[str, Any]]:
    if not isinstance(raw, list) or not raw:
        raise InvalidInput(_("Name at least one material and what is wrong with it."),
                           code="materials_required", field="materials")
    by_id = {m.pk: m for m in case.version.materials.all()}
    entries: list[dict[str, Any]] = []
    for item in raw:
        if not isinstance(item, Mapping):
            raise InvalidInput(_("Each material is an object with a material and a problem."),
                               code="invalid_materials", field="materials")
        material_id = item.get("material")
        problem = str(item.get("problem") or "").strip()
        if material_id is not None:
            material = by_id.get(material_id) if isinstance(material_id, int) else None
            if material is None:
                raise InvalidInput(_("A named material is not on the service's checklist."),
                                   code="unknown_material", field="materials")
            name = material.name
        else:
            name = str(item.get("name") or "").strip()
        if not name or not problem:
            raise InvalidInput(_("Name each material and say what is missing or wrong."),
                               code="invalid_materials", field="materials")
        entries.append({"material": material_id, "name": name[:200], "problem": problem[:500]})
    ids = [entry["material"] for entry in entries if entry["material"]]
    if len(ids) != len(set(ids)):
        raise InvalidInput(_("A material is named twice."), code="invalid_materials",
                           field="materials")
    return entries


def _apply_supplement(step: Step) -> None:
    case = step.case
    request = SupplementRequest.objects.select_for_update().get(
        case=case, supplied_at__isnull=True
    )
    supplied = set(
        Attachment.objects.filter(case=case, round=request.round, material__isnull=False)
        .values_list("material_id", flat=True)
    )
    missing = [entry["name"] for entry in request.items
               if entry["material"] and entry["material"] not in supplied]
    if missing and case.channel == Channel.ONLINE:
        raise Conflict(
            _("Upload the requested materials first: %(names)s.") % {"names": "、".join(missing)},
            code="materials_missing",
        )
    request.supplied_at = step.now
    request.save(update_fields=["supplied_at"])
    ClockStop.objects.filter(case=case, ended_on__isnull=True).update(ended_on=step.today)
    # The 5-day notice period runs again from the day the supplement was received.
    case.received_on = step.today
    step.fields.add("received_on")
    step.event["round"] = request.round


def _apply_supply_deferred(step: Step) -> None:
    case = step.case
    supplied = set(Attachment.objects.filter(case=case).values_list("material_id", flat=True))
    missing = [entry["name"] for entry in case.deferred_materials
               if entry.get("material") not in supplied]
    if missing and case.channel == Channel.ONLINE:
        raise Conflict(
            _("Upload the deferred materials first: %(names)s.") % {"names": "、".join(missing)},
            code="materials_missing",
        )
    case.deferred_due_on = None
    step.fields.add("deferred_due_on")


def _apply_accept(step: Step) -> None:
    _start_clock(step)


def _apply_accept_deferred(step: Step) -> None:
    """容缺受理: main materials complete, secondary ones to follow by a date."""
    case = step.case
    raw = step.data.get("missing") or []
    by_id = {m.pk: m for m in case.version.materials.all()}
    if not isinstance(raw, list) or not raw:
        raise InvalidInput(_("Name the materials that may follow."), code="missing_required",
                           field="missing")
    chosen = [by_id.get(value) if isinstance(value, int) else None for value in raw]
    if any(m is None or m.necessity != Necessity.DEFERRABLE for m in chosen):
        raise InvalidInput(
            _("Only materials the guide marks as deferrable (容缺) may follow later."),
            code="not_deferrable", field="missing",
        )
    _start_clock(step)
    due_on = _as_date(step.data.get("due_on"), field="due_on")
    if due_on < step.today or (case.due_on is not None and due_on > case.due_on):
        raise InvalidInput(
            _("The deadline for the deferred materials must be between today and the case's due "
              "date (%(due)s).") % {"due": case.due_on.isoformat() if case.due_on else ""},
            code="invalid_deferred_due", field="due_on",
        )
    case.deferred_materials = [{"material": m.pk, "name": m.name} for m in chosen if m]
    case.deferred_due_on = due_on
    step.fields |= {"deferred_materials", "deferred_due_on"}
    step.event.update(missing=case.deferred_materials, deferred_due_on=due_on.isoformat())


def _apply_reject(step: Step) -> None:
    """不予受理 with a statutory ground (行政许可法 第三十二条)."""
    case = step.case
    ground = str(step.data.get("ground") or "")
    if ground not in RejectGround.values:
        raise InvalidInput(_("Choose the statutory ground for not accepting."),
                           code="ground_required", field="ground")
    agency = str(step.data.get("competent_agency") or "").strip()
    if ground == RejectGround.NOT_OUR_REMIT and not agency:
        raise InvalidInput(_("Name the competent agency the applicant should turn to."),
                           code="competent_agency_required", field="competent_agency")
    case.reject_ground, case.competent_agency = ground, agency[:120]
    case.decision_reason = step.reason
    case.remedies = str(step.data.get("remedies") or "").strip()
    step.fields |= {"reject_ground", "competent_agency", "decision_reason", "remedies"}
    step.event.update(ground=ground, competent_agency=agency)


def _apply_start_special(step: Step) -> None:
    procedure = str(step.data.get("procedure") or "")
    if procedure not in SpecialProcedure.values:
        raise InvalidInput(_("Choose the special procedure."), code="procedure_required",
                           field="procedure")
    ClockStop.objects.create(case=step.case, kind=ClockStopKind.SPECIAL_PROCEDURE,
                             procedure=procedure, started_on=step.today, reason=step.reason)
    step.case.warning = WarningLevel.NORMAL
    step.fields.add("warning")
    step.event["procedure"] = procedure


def _apply_end_special(step: Step) -> None:
    ClockStop.objects.filter(case=step.case, ended_on__isnull=True).update(ended_on=step.today)
    step.case.status = Status.ACCEPTED
    step.fields |= refresh_clock(step.case, today=step.today) | {"status"}
    step.event["due_on"] = step.case.due_on.isoformat() if step.case.due_on else None


def _apply_extend(step: Step) -> None:
    """One extension, approved by the division head (行政许可法 第四十二条)."""
    case = step.case
    days = step.data.get("days")
    most = int(setting("QKB_CASE_MAX_EXTENSION_DAYS"))
    if isinstance(days, bool) or not isinstance(days, int) or days < 1:
        raise InvalidInput(_("Give the extension in whole working days."), code="days_required",
                           field="days")
    # The promise never exceeds the legal limit (catalogue_promised_within_legal), so the
    # extension's own ceiling is the only one to check.
    if days > most:
        raise Conflict(
            ngettext("This case may be extended by at most %(most)s working day.",
                     "This case may be extended by at most %(most)s working days.", most)
            % {"most": most},
            code="extension_too_long",
        )
    before = case.due_on
    case.extension_days = days
    step.fields |= refresh_clock(case, today=step.today) | {"extension_days"}
    step.event.update(days=days, due_before=before.isoformat() if before else None,
                      due_on=case.due_on.isoformat() if case.due_on else None)


def _decide(step: Step, *, default_outcome: str = "") -> None:
    case = step.case
    outcome = str(step.data.get("outcome") or default_outcome)
    if outcome not in Outcome.values:
        raise InvalidInput(_("Choose the outcome."), code="outcome_required", field="outcome")
    remedies = str(step.data.get("remedies") or "").strip()
    if outcome == Outcome.NOT_APPROVED and (not step.reason or not remedies):
        raise InvalidInput(legal.remedies_required_message(case.version.item_type),
                           code="reason_and_remedies_required", field="remedies")
    case.outcome, case.completed_at = outcome, step.now
    case.decision_reason, case.remedies = step.reason, remedies
    step.fields |= {"outcome", "completed_at", "decision_reason", "remedies"}
    step.event["outcome"] = outcome
    kind = _kind_of(case.item)
    if kind.on_complete is not None:
        hook = kind.on_complete
        step.after.append(lambda: hook(case=case, actor=step.actor, outcome=outcome))


def _apply_complete(step: Step) -> None:
    _decide(step)


def _apply_instant(step: Step) -> None:
    """马上就办: accepted and completed in one step, the same day."""
    case = step.case
    case.accepted_at, case.promised_days = step.now, 0
    # A zero-day limit on a day off falls due on the next working day (workdays.rules).
    deadline = _calendar(step.today).add_workdays(step.today, 0)
    case.due_on, case.due_provisional = deadline.date, deadline.provisional
    if case.responsible_id is None and step.actor is not None:
        case.responsible = step.actor
    step.fields |= {"accepted_at", "promised_days", "due_on", "due_provisional", "responsible"}
    _decide(step, default_outcome=Outcome.APPROVED)


def _apply_closing(step: Step) -> None:
    step.case.decision_reason = step.reason
    step.fields.add("decision_reason")


def _apply_transfer(step: Step) -> None:
    case = step.case
    to_org = step.data.get("to_org")
    if not isinstance(to_org, Organisation) or not to_org.is_active:
        raise InvalidInput(_("Choose the organisation to transfer to."), code="to_org_required",
                           field="to_org")
    if to_org.pk == case.handling_org_id:
        raise InvalidInput(_("The case is already with this organisation."),
                           code="same_organisation", field="to_org")
    days = int(setting("QKB_CASE_TRANSFER_DAYS"))
    deadline = _calendar(step.today).add_workdays(step.today, days)
    transfer = Transfer.objects.create(
        case=case, from_org=case.handling_org, to_org=to_org, reason=step.reason,
        requested_by=step.actor, requested_at=step.now, due_on=deadline.date,
        due_provisional=deadline.provisional,
    )
    case.transfer_count += 1
    step.fields.add("transfer_count")
    step.event.update(to_org=to_org.code, transfer_due_on=deadline.date.isoformat(),
                      transfer=transfer.pk)
    step.after.append(lambda: notifying.transfer_requested(case=case, to_org=to_org,
                                                           actor=step.actor, days=days))
    if case.transfer_count >= int(setting("QKB_CASE_ESCALATE_AT_TRANSFER")):
        reason = ngettext("The case has been transferred %(count)s time.",
                          "The case has been transferred %(count)s times.",
                          case.transfer_count) % {"count": case.transfer_count}
        step.after.append(lambda: _escalate(transfer, reason))


def _escalate(transfer: Transfer, reason: str) -> None:
    escalate_transfer(transfer=transfer, reason=reason)


def _answer_transfer(step: Step, *, accepted: bool) -> None:
    transfer = step.transfer
    assert transfer is not None  # guaranteed by the PENDING_TRANSFER guard
    transfer.status = TransferStatus.ACCEPTED if accepted else TransferStatus.REFUSED
    transfer.responded_by, transfer.responded_at = step.actor, step.now
    transfer.response_reason = step.reason
    transfer.save(update_fields=["status", "responded_by", "responded_at", "response_reason"])
    case = step.case
    if accepted:
        # 首问负责 ends here: the receiving organisation and its staff member take over.
        case.handling_org, case.responsible = transfer.to_org, step.actor
        step.fields |= {"handling_org", "responsible"}
    step.event.update(transfer=transfer.pk, to_org=transfer.to_org.code)
    requested_by = transfer.requested_by
    step.after.append(lambda: notifying.transfer_answered(
        case=case, requested_by=requested_by, actor=step.actor, accepted=accepted))


def _apply_record_visit(step: Step) -> None:
    case = step.case
    visited_on = _as_date(step.data.get("visited_on") or step.today, field="visited_on")
    purpose = str(step.data.get("purpose") or "").strip()
    if not purpose:
        raise InvalidInput(_("Say why the applicant had to come."), code="purpose_required",
                           field="purpose")
    _add_visit(case, on=visited_on, actor=step.actor, purpose=purpose)
    step.fields.add("visits")
    step.event.update(visited_on=visited_on.isoformat(), purpose=purpose,
                      over_promise=case.visits > case.version.visits)


def _add_visit(case: Case, *, on: dt.date, actor: User | None, purpose: str) -> None:
    """A visit the applicant made in person: its record, and the count on the case (saved by
    the caller)."""
    Visit.objects.create(case=case, visited_on=on, purpose=purpose[:200], recorded_by=actor)
    case.visits += 1


def _apply_propose_door_visit(step: Step) -> None:
    start = step.data.get("slot_start")
    end = step.data.get("slot_end")
    address = str(step.data.get("address") or "").strip()
    if not isinstance(start, dt.datetime) or not isinstance(end, dt.datetime) or end <= start:
        raise InvalidInput(_("Give the start and end of the visit, the end after the start."),
                           code="invalid_slot", field="slot_start")
    if not address:
        raise InvalidInput(_("Give the address."), code="address_required", field="address")
    visit = DoorToDoorVisit.objects.create(case=step.case, slot_start=start, slot_end=end,
                                           address=address[:200], proposed_by=step.actor)
    step.event.update(visit=visit.pk, slot_start=start.isoformat(), address=address)


def _open_door_visit(step: Step) -> DoorToDoorVisit:
    return DoorToDoorVisit.objects.select_for_update().get(
        case=step.case, status__in=[DoorVisitStatus.PROPOSED, DoorVisitStatus.CONFIRMED]
    )


def _apply_confirm_door_visit(step: Step) -> None:
    visit = _open_door_visit(step)
    visit.status, visit.confirmed_by = DoorVisitStatus.CONFIRMED, step.actor
    visit.save(update_fields=["status", "confirmed_by"])
    step.event["visit"] = visit.pk


def _apply_record_door_visit(step: Step) -> None:
    visit = _open_door_visit(step)
    visit.status, visit.recorded_by = DoorVisitStatus.DONE, step.actor
    visit.notes = str(step.data.get("notes") or step.reason).strip()
    visit.save(update_fields=["status", "recorded_by", "notes"])
    step.event["visit"] = visit.pk


def _apply_cancel_door_visit(step: Step) -> None:
    visit = _open_door_visit(step)
    visit.status, visit.notes = DoorVisitStatus.CANCELLED, step.reason
    visit.save(update_fields=["status", "notes"])
    step.event["visit"] = visit.pk


def _as_date(value: Any, *, field: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return parse_iso_date(str(value).strip())
    except ValueError:
        raise InvalidInput(_("Enter a date as YYYY-MM-DD."), code="invalid_date",
                           field=field) from None


APPLY: dict[str, Callable[[Step], None]] = {
    Action.SUBMIT: _apply_submit,
    Action.REQUEST_SUPPLEMENT: _apply_request_supplement,
    Action.SUPPLEMENT: _apply_supplement,
    Action.SUPPLY_DEFERRED: _apply_supply_deferred,
    Action.ACCEPT: _apply_accept,
    Action.ACCEPT_DEFERRED: _apply_accept_deferred,
    Action.REJECT: _apply_reject,
    Action.START_SPECIAL: _apply_start_special,
    Action.END_SPECIAL: _apply_end_special,
    Action.EXTEND: _apply_extend,
    Action.COMPLETE: _apply_complete,
    Action.INSTANT: _apply_instant,
    Action.WITHDRAW: _apply_closing,
    Action.VOID: _apply_closing,
    Action.TERMINATE: _apply_closing,
    Action.TRANSFER: _apply_transfer,
    Action.ACCEPT_TRANSFER: lambda step: _answer_transfer(step, accepted=True),
    Action.REFUSE_TRANSFER: lambda step: _answer_transfer(step, accepted=False),
    Action.RECORD_VISIT: _apply_record_visit,
    Action.PROPOSE_DOOR_VISIT: _apply_propose_door_visit,
    Action.CONFIRM_DOOR_VISIT: _apply_confirm_door_visit,
    Action.RECORD_DOOR_VISIT: _apply_record_door_visit,
    Action.CANCEL_DOOR_VISIT: _apply_cancel_door_visit,
}


# --- per-action functions (typed entry points for pages and the API) -------------------------


def request_supplement(
    *, case: Case, actor: User, materials: Sequence[Mapping[str, Any]], reason: str
) -> Case:
    """补正 notice: `materials` = [{"material": id or None, "name": ..., "problem": ...}]."""
    return transition_case(case=case, action=Action.REQUEST_SUPPLEMENT, actor=actor,
                           reason=reason, materials=list(materials))


def supplement(*, case: Case, actor: User, reason: str = "") -> Case:
    """The applicant has supplied what was asked: after a 补正 notice, or deferred materials."""
    action = Action.SUPPLY_DEFERRED if case.status != Status.AWAITING_SUPPLEMENT else (
        Action.SUPPLEMENT
    )
    return transition_case(case=case, action=action, actor=actor, reason=reason)


def accept(
    *, case: Case, actor: User, reason: str = "", at: dt.datetime | None = None
) -> Case:
    """受理: the promised time limit starts the working day after (`at`: see `_transition`)."""
    return transition_case(case=case, action=Action.ACCEPT, actor=actor, reason=reason, at=at)


def accept_deferred(
    *, case: Case, actor: User, missing: Sequence[int], due_on: dt.date, reason: str = ""
) -> Case:
    """容缺受理: accept now; the deferrable materials `missing` follow by `due_on`."""
    return transition_case(case=case, action=Action.ACCEPT_DEFERRED, actor=actor, reason=reason,
                           missing=list(missing), due_on=due_on)


def reject(
    *, case: Case, actor: User, ground: str, reason: str, competent_agency: str = "",
    remedies: str = "",
) -> Case:
    """不予受理 on a statutory ground; "not our remit" names the competent agency."""
    return transition_case(case=case, action=Action.REJECT, actor=actor, reason=reason,
                           ground=ground, competent_agency=competent_agency, remedies=remedies)


def start_special(*, case: Case, actor: User, procedure: str, reason: str) -> Case:
    return transition_case(case=case, action=Action.START_SPECIAL, actor=actor, reason=reason,
                           procedure=procedure)


def end_special(*, case: Case, actor: User, reason: str = "") -> Case:
    return transition_case(case=case, action=Action.END_SPECIAL, actor=actor, reason=reason)


def extend(*, case: Case, actor: User, days: int, reason: str) -> Case:
    """延期: once, by the division head, with a reason, within the legal ceiling."""
    return transition_case(case=case, action=Action.EXTEND, actor=actor, reason=reason,
                           days=days)


def complete(
    *, case: Case, actor: User, outcome: str, reason: str = "", remedies: str = ""
) -> Case:
    """办结; not approved needs the reason and the remedies (legal.py: 复议/诉讼 for every item
    but a public service)."""
    return transition_case(case=case, action=Action.COMPLETE, actor=actor, reason=reason,
                           outcome=outcome, remedies=remedies)


def handle_instantly(
    *, case: Case, actor: User, outcome: str = Outcome.APPROVED, reason: str = "",
    remedies: str = "",
) -> Case:
    """马上就办: accept and complete a 即办件 at once."""
    return transition_case(case=case, action=Action.INSTANT, actor=actor, reason=reason,
                           outcome=outcome, remedies=remedies)


def withdraw(*, case: Case, actor: User, reason: str = "") -> Case:
    return transition_case(case=case, action=Action.WITHDRAW, actor=actor, reason=reason)


def void(*, case: Case, actor: User, reason: str) -> Case:
    return transition_case(case=case, action=Action.VOID, actor=actor, reason=reason)


def terminate(*, case: Case, actor: User | None, reason: str) -> Case:
    return transition_case(case=case, action=Action.TERMINATE, actor=actor, reason=reason)


def transfer(*, case: Case, actor: User, to_org: Organisation, reason: str) -> Case:
    """首问负责: hand the case to `to_org`; the sender stays responsible until it is taken."""
    return transition_case(case=case, action=Action.TRANSFER, actor=actor, reason=reason,
                           to_org=to_org)


def accept_transfer(*, case: Case, actor: User, reason: str = "") -> Case:
    return transition_case(case=case, action=Action.ACCEPT_TRANSFER, actor=actor, reason=reason)


def refuse_transfer(*, case: Case, actor: User, reason: str) -> Case:
    return transition_case(case=case, action=Action.REFUSE_TRANSFER, actor=actor, reason=reason)


def record_visit(
    *, case: Case, actor: User, purpose: str, visited_on: dt.date | None = None
) -> Case:
    return transition_case(case=case, action=Action.RECORD_VISIT, actor=actor,
                           purpose=purpose, visited_on=visited_on)


def propose_door_visit(
    *, case: Case, actor: User, slot_start: dt.datetime, slot_end: dt.datetime, address: str
) -> Case:
    return transition_case(case=case, action=Action.PROPOSE_DOOR_VISIT, actor=actor,
                           slot_start=slot_start, slot_end=slot_end, address=address)


def confirm_door_visit(*, case: Case, actor: User) -> Case:
    return transition_case(case=case, action=Action.CONFIRM_DOOR_VISIT, actor=actor)


def record_door_visit(*, case: Case, actor: User, notes: str = "") -> Case:
    return transition_case(case=case, action=Action.RECORD_DOOR_VISIT, actor=actor, notes=notes)


def cancel_door_visit(*, case: Case, actor: User, reason: str) -> Case:
    return transition_case(case=case, action=Action.CANCEL_DOOR_VISIT, actor=actor,
                           reason=reason)


# --- attachments ---------------------------------------------------------------------------


@transaction.atomic
def add_attachment(
    *, case: Case, actor: User, file: Any, material_id: int | None = None
) -> Attachment:
    """Upload one file to a case: the applicant while it waits for them (draft, 补正, 容缺),
    the handling staff while it is open."""
    case = _lock(case)
    _refuse_admin(actor)
    parties = parties_for(case, actor)
    staff = bool(parties & {Role.WINDOW_CLERK, Role.HANDLER, Role.DIVISION_HEAD})
    own = case.applicant_id == actor.pk or (
        case.status == Status.DRAFT and case.registered_by_id == actor.pk
    )
    if not staff and not own:
        raise NotPermitted(_("You may not add files to this case."), code="not_permitted")
    waiting_for_applicant = case.status in (Status.DRAFT, Status.AWAITING_SUPPLEMENT) or (
        case.deferred_due_on is not None and case.status in OPEN_STATUSES
    )
    if not (waiting_for_applicant or (staff and case.status in OPEN_STATUSES)):
        raise Conflict(_("Files can no longer be added to this case."),
                       code="attachments_closed")
    round_ = case.supplement_round if case.status == Status.AWAITING_SUPPLEMENT else (
        0 if case.status == Status.DRAFT else case.supplement_round
    )
    (attachment,) = _store_files(case=case, files=[(material_id, file)], actor=actor,
                                 round_=round_)
    append_event(case=case, action=SystemEvent.ATTACHMENT_ADDED, actor=actor,
                 from_status=case.status,
                 data={"attachment": attachment.pk, "name": attachment.original_name,
                       "material": material_id, "round": round_})
    record(action="cases.attachment_added", actor=actor, target=case,
           organisation=case.handling_org,
           changes={"attachment": attachment.pk, "sha256": attachment.sha256,
                    "size": attachment.size})
    return attachment


# --- escalation, deemed acceptance and the batch clock work -------------------------------


def supervision_org() -> Organisation | None:
    return Organisation.objects.filter(code=setting("QKB_CASE_SUPERVISION_ORG")).first()


@transaction.atomic
def escalate_transfer(*, transfer: Transfer, reason: str) -> bool:
    """Tell the supervising division about a stuck or repeated transfer, once per transfer."""
    transfer = Transfer.objects.select_for_update().select_related("case").get(pk=transfer.pk)
    if transfer.escalated_at is not None:
        return False
    transfer.escalated_at = timezone.now()
    transfer.save(update_fields=["escalated_at"])
    case = Case.objects.select_related("version", "handling_org").get(pk=transfer.case_id)
    supervision = supervision_org()
    append_event(case=case, action=SystemEvent.TRANSFER_ESCALATED, actor=None,
                 from_status=case.status, reason=reason,
                 data={"transfer": transfer.pk,
                       "supervision": supervision.code if supervision else None})
    record(action="cases.transfer_escalated", target=case, organisation=case.handling_org,
           changes={"transfer": transfer.pk, "reason": reason})
    notifying.escalated(case=case, supervision=supervision, reason=reason)
    return True


@transaction.atomic
def deem_accepted(*, case: Case) -> Case:
    """No notice within 5 working days: accepted from the day of receipt (legal.py)."""
    case = _lock(case)
    if case.status != Status.SUBMITTED or case.received_on is None:
        return case
    today = _today()
    calendar = _calendar(case.received_on, today)
    if not clock.is_deemed_accepted(calendar, received_on=case.received_on, today=today):
        return case
    step = Step(case=case, actor=None, reason="", data={}, today=today, now=timezone.now(),
                transfer=None, fields=set(), event={}, after=[])
    _start_clock(step)
    case.status = Status.ACCEPTED
    case.save(update_fields=sorted(step.fields | {"status", "updated_at"}))
    reason = legal.deemed_acceptance_reason(case.version.item_type,
                                            received_on=case.received_on)
    append_event(case=case, action=SystemEvent.DEEMED_ACCEPTED, actor=None,
                 from_status=Status.SUBMITTED, to_status=Status.ACCEPTED, reason=reason,
                 data=step.event)
    record(action="cases.case_deemed_accepted", target=case, organisation=case.handling_org,
           changes={"received_on": case.received_on, **step.event})
    for callback in step.after:
        callback()
    notifying.case_changed(case=case, action=SystemEvent.DEEMED_ACCEPTED, actor=None,
                           reason=reason)
    return case


@transaction.atomic
def notify_warning(*, case: Case) -> bool:
    """Notify a warning level once: only when it is higher than any already notified."""
    case = _lock(case)
    if WARNING_ORDER.index(case.warning) <= WARNING_ORDER.index(case.warning_notified):
        return False
    case.warning_notified = case.warning
    case.save(update_fields=["warning_notified", "updated_at"])
    append_event(case=case, action=SystemEvent.WARNING_RAISED, actor=None,
                 from_status=case.status, data={"level": case.warning,
                                                "due_on": case.due_on})
    notifying.warning_raised(case=case, level=case.warning)
    return True


def recompute_due_dates(*, start: dt.date, end: dt.date, batch_size: int | None = None) -> int:
    """Recompute the due dates of open accepted cases whose count may run through start..end,
    in batches (each its own transaction); return how many changed."""
    batch_size = batch_size or int(setting("QKB_CASE_SWEEP_BATCH"))
    today = _today()
    candidates = (
        Case.objects.filter(status__in=[Status.ACCEPTED, Status.SPECIAL_PROCEDURE],
                            accepted_at__date__lte=end, due_on__gte=start)
        .order_by("pk").values_list("pk", flat=True)
    )
    calendar = _calendar(start, end, today)
    changed = 0
    last_pk = 0
    while True:
        ids = list(candidates.filter(pk__gt=last_pk)[:batch_size])
        if not ids:
            return changed
        last_pk = ids[-1]
        changed += _recompute_batch(ids, calendar=calendar, today=today)


@transaction.atomic
def _recompute_batch(ids: list[int], *, calendar: WorkCalendar, today: dt.date) -> int:
    # One statement per kind of row for the whole batch (cases, history, audit trail): a
    # correction touching 10,000 open cases costs a few hundred statements, not 70,000.
    cases = list(
        Case.objects.select_for_update(of=("self",)).filter(pk__in=ids).order_by("pk")
        .prefetch_related("clock_stops")
    )
    now = timezone.now()
    updated: list[Case] = []
    events: list[CaseEvent] = []
    entries: list[dict[str, Any]] = []
    for case in cases:
        before = case.due_on
        fields = refresh_clock(case, calendar=calendar, today=today)
        if not fields:
            continue
        case.updated_at = now
        updated.append(case)
        if "due_on" in fields:
            events.append(new_event(case=case, action=SystemEvent.DUE_RECOMPUTED, actor=None,
                                    from_status=case.status,
                                    data={"due_before": before, "due_on": case.due_on,
                                          "provisional": case.due_provisional}))
            entries.append({"action": "cases.due_date_recomputed", "target": case,
                            "organisation": case.handling_org_id,
                            "changes": {"due_before": before, "due_on": case.due_on}})
    Case.objects.bulk_update(updated, ["due_on", "due_provisional", "warning", "updated_at"])
    CaseEvent.objects.bulk_create(events)
    record_many(entries)
    return len(events)
