"""`/api/v1/cases` and `/api/v1/public/cases`. The names are a contract with the provincial
mobile app: keep them. Each endpoint fetches through a selector, checks the shape of the input
and calls a service; the API root turns DomainError into `{"code", "detail"}`.

`POST /api/v1/cases` answers 201 with a new case and 200 with the case an earlier request with
the same `Idempotency-Key` header created; `POST /api/v1/cases/with-files` does the same with
the materials attached in one multipart request (one transaction: all or nothing).

A service on the queued intake (peak days) answers a submission with 202 and a receipt instead
— the same receipt for a repeated key; `GET /api/v1/intakes/{receipt}` gives the case number
once the application is registered, normally within seconds."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Header, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate
from pydantic import model_validator

from qinkuaiban.cases import intake, ratelimit, selectors, services
from qinkuaiban.cases.audience import public_event_label
from qinkuaiban.cases.events import happened_at
from qinkuaiban.cases.kinds import UnknownCaseKind, get_kind
from qinkuaiban.cases.models import Case, Intake
from qinkuaiban.cases.permissions import with_action_data
from qinkuaiban.cases.timeline import TimelineEntry
from qinkuaiban.cases.workflow import TRANSITIONS, Action
from qinkuaiban.catalogue.selectors import get_published_item
from qinkuaiban.core.errors import Conflict, InvalidInput, NotPermitted
from qinkuaiban.core.pagination import BoundedPageNumberPagination
from qinkuaiban.core.schemas import ErrorOut
from qinkuaiban.core.validators import PlainText, reject_null_characters
from qinkuaiban.identity.models import Organisation, User

router = Router(tags=["cases"])
public_router = Router(tags=["cases"])
intakes_router = Router(tags=["cases"])


class OrganisationOut(Schema):
    code: str
    name: str


class TextIn(Schema):
    """An input body whose strings, however deeply nested, hold no NUL (422 instead of a
    database error)."""

    @model_validator(mode="after")
    def _no_null_characters(self) -> "TextIn":
        reject_null_characters(self.model_dump())
        return self


class CaseIn(TextIn):
    service_code: str
    form: dict[str, Any] = Field(default_factory=dict)
    submit: bool = True


class CaseOut(Schema):
    number: str | None
    draft_id: int | None = Field(None, description="Only for drafts, which have no number yet.")
    service_code: str
    service_name: str
    status: str
    outcome: str
    submitted_at: dt.datetime | None
    accepted_at: dt.datetime | None
    completed_at: dt.datetime | None
    due_on: dt.date | None
    due_provisional: bool
    warning: str
    handling_org: OrganisationOut
    visits: int
    verification_code: str | None
    available_actions: list[str]


class TimelineEntryOut(Schema):
    """One line of the case's timeline, as the case page shows it to the caller."""

    at: dt.datetime
    label: str = Field(description="What happened, in the caller's language.")
    by: str | None = Field(description="Who did it, as shown to the caller; null when unnamed.")
    text: str = Field(description="The reason, note or comment given with it, if any.")
    badge: str = Field(description="The topic of another app's entry (a service rating, a "
                                   "rectification, a complaint); empty for the case's own "
                                   "history.")


class CaseDetailOut(CaseOut):
    timeline: list[TimelineEntryOut] | None = Field(
        None, description="With `?timeline=true`: the case's history merged, oldest first, with "
                          "what the caller may see of its rating, rectification and complaints; "
                          "null otherwise.")


class IntakeOut(Schema):
    receipt: str
    status: str = Field(description="queued, registered or failed")
    service_code: str
    service_name: str
    received_at: dt.datetime
    case_number: str | None = Field(None, description="Once registered.")


def intake_out(received: Intake) -> dict[str, Any]:
    return {
        "receipt": received.receipt, "status": received.status,
        "service_code": received.item.code, "service_name": received.version.name,
        "received_at": received.received_at,
        "case_number": received.case.number if received.case_id and received.case else None,
    }


class EventOut(Schema):
    action: str
    label: str
    from_status: str
    to_status: str
    actor: str | None
    reason: str
    data: dict[str, Any]
    created_at: dt.datetime


class DayOut(Schema):
    date: dt.date
    kind: str
    counted: int | None
    description: str
    provisional: bool


class StopOut(Schema):
    kind: str
    label: str
    started_on: dt.date
    ended_on: dt.date | None


class ClockOut(Schema):
    accepted_on: dt.date | None
    deemed_accepted: bool
    promised_days: int
    extension_days: int
    due_on: dt.date | None
    provisional: bool
    running: bool
    stops: list[StopOut]
    days: list[DayOut]


class ActionIn(TextIn):
    action: str
    reason: str = ""
    materials: list[dict[str, Any]] | None = None
    missing: list[int] | None = None
    due_on: dt.date | None = None
    ground: str = ""
    competent_agency: str = ""
    remedies: str = ""
    outcome: str = ""
    days: int | None = None
    to_org: str = Field("", description="Code of the organisation to transfer to.")
    procedure: str = ""
    purpose: str = ""
    visited_on: dt.date | None = None
    slot_start: dt.datetime | None = None
    slot_end: dt.datetime | None = None
    address: str = ""
    notes: str = ""


class AttachmentOut(Schema):
    id: int
    material: int | None
    original_name: str
    content_type: str
    size: int
    sha256: str
    round: int
    uploaded_at: dt.datetime


class PublicCaseOut(Schema):
    number: str | None
    service_name: str
    status: str
    status_label: str
    outcome: str
    submitted_at: dt.datetime | None
    accepted_at: dt.datetime | None
    completed_at: dt.datetime | None
    due_on: dt.date | None
    handling_org: str
    events: list[dict[str, Any]]


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined]


def case_out(case: Case, actor: User) -> dict[str, Any]:
    """The case schema for a caller who may see the case (applicant or staff)."""
    return {
        "number": case.number,
        "draft_id": case.pk if case.number is None else None,
        "service_code": case.item.code,
        "service_name": case.version.name,
        "status": case.status,
        "outcome": case.outcome,
        "submitted_at": case.submitted_at,
        "accepted_at": case.accepted_at,
        "completed_at": case.completed_at,
        "due_on": case.due_on,
        "due_provisional": case.due_provisional,
        "warning": case.warning,
        "handling_org": {"code": case.handling_org.code, "name": case.handling_org.name},
        "visits": case.visits,
        "verification_code": case.verification_code,
        "available_actions": selectors.available_actions(case=case, actor=actor),
    }


def _apply(actor: User, payload: CaseIn, files: list[services.MaterialFile],
           idempotency_key: str) -> Status[dict[str, Any]]:
    item = get_published_item(code=payload.service_code.strip().upper())
    if intake.uses_queued_intake(item, submit=payload.submit):
        received = intake.receive_application(actor=actor, item=item, form=payload.form,
                                              files=files, idempotency_key=idempotency_key)
        return Status(202, intake_out(received))
    case = services.submit_case(actor=actor, item=item, form=payload.form, files=files,
                                idempotency_key=idempotency_key, submit=payload.submit)
    return Status(200 if case.replayed else 201, case_out(case, actor))


APPLY_RESPONSES: dict[int, Any] = {
    200: CaseOut, 201: CaseOut, 202: IntakeOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut,
    404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


@router.post("", response=APPLY_RESPONSES)
def create_case(
    request: HttpRequest, payload: CaseIn,
    idempotency_key: str = Header("", alias="Idempotency-Key"),
) -> Status[dict[str, Any]]:
    """Apply for a service: submitted at once, or a draft with `"submit": false`; 202 with a
    receipt when the service is on the queued intake."""
    return _apply(_user(request), payload, [], idempotency_key)


@router.post("/with-files", response=APPLY_RESPONSES)
def create_case_with_files(
    request: HttpRequest,
    data: Form[str],
    file: File[list[UploadedFile]] = None,  # type: ignore[assignment]
    material: Form[list[int]] = None,  # type: ignore[assignment]
    idempotency_key: str = Header("", alias="Idempotency-Key"),
) -> Status[dict[str, Any]]:
    """Apply with the materials in one multipart request: `data` is the JSON body of
    `POST /api/v1/cases`, each `file` part one upload, and the `material` parts, when given,
    the checklist id of each file in the same order (0 for a file outside the checklist)."""
    actor = _user(request)
    try:
        payload = CaseIn.model_validate_json(data)
    except ValueError as exc:
        raise InvalidInput(_("The data part is not a valid application: %(error)s")
                           % {"error": str(exc).splitlines()[0]},
                           code="invalid_data", field="data") from exc
    files = list(file or [])
    materials = list(material or [])
    if materials and len(materials) != len(files):
        raise InvalidInput(_("Give one material id per file, in the same order, or none."),
                           code="materials_mismatch", field="material")
    pairs: list[services.MaterialFile] = [(materials[i] or None if materials else None, upload)
                                          for i, upload in enumerate(files)]
    return _apply(actor, payload, pairs, idempotency_key)


@intakes_router.get("/{receipt}", response={200: IntakeOut, 401: ErrorOut, 404: ErrorOut})
def get_intake(request: HttpRequest, receipt: str) -> dict[str, Any]:
    """A received application (queued intake) — the caller's own, or one of their division
    as its window staff: its status and, once registered, its case number."""
    return intake_out(selectors.get_intake_for_actor(actor=_user(request), receipt=receipt))


@router.get("", response={200: list[CaseOut], 401: ErrorOut, 422: ErrorOut})
@paginate(BoundedPageNumberPagination, page_size=20)
def list_cases(
    request: HttpRequest, status: PlainText = "", warning: PlainText = "", service: PlainText = ""
) -> list[dict[str, Any]] | Any:
    """Cases the caller may see, newest first; filter by status, warning or service code."""
    actor = _user(request)
    cases = selectors.cases_for_actor(actor=actor)
    if status:
        cases = cases.filter(status=status)
    if warning:
        cases = cases.filter(warning=warning)
    if service:
        cases = cases.filter(item__code=service.strip().upper())
    return _LazyCases(cases.order_by("-created_at", "-pk"), actor)


class _LazyCases:
    """Pages are sliced before serialising, so only one page computes its actions."""

    def __init__(self, cases: Any, actor: User) -> None:
        self.cases, self.actor = cases, actor

    def __len__(self) -> int:
        return int(self.cases.count())

    def __getitem__(self, index: slice) -> list[dict[str, Any]]:
        return [case_out(case, self.actor) for case in with_action_data(self.cases)[index]]


def _timeline_entry_out(entry: TimelineEntry) -> dict[str, Any]:
    return {"at": entry.at, "label": entry.label, "by": entry.by or None, "text": entry.text,
            "badge": entry.badge}


@router.get("/{number}", response={200: CaseDetailOut, 401: ErrorOut, 404: ErrorOut,
                                    422: ErrorOut})
def get_case(
    request: HttpRequest, number: str,
    timeline: bool = Query(False, description="Add the case's timeline, as the case page "
                                              "shows it to the caller."),
) -> dict[str, Any]:
    """One case the caller may see; with `?timeline=true` also its timeline."""
    actor = _user(request)
    case = selectors.get_case_for_actor(actor=actor, number=number)
    out = case_out(case, actor)
    # Only when asked: without it this is the busiest read, two statements (ADR 0005), and
    # the timeline reads the history and every app's entries besides.
    if timeline:
        out["timeline"] = [_timeline_entry_out(entry)
                           for entry in selectors.case_timeline_for_actor(case=case, actor=actor)]
    return out


@router.get("/{number}/events", response={200: list[EventOut], 401: ErrorOut, 404: ErrorOut})
def case_events(request: HttpRequest, number: str) -> list[dict[str, Any]]:
    """The case's history, oldest first, as the case page shows it to the caller (an applicant
    does not see the office's internal steps)."""
    actor = _user(request)
    case = selectors.get_case_for_actor(actor=actor, number=number)
    return [
        {"action": event.action, "label": label, "from_status": event.from_status,
         "to_status": event.to_status, "actor": str(event.actor) if event.actor else None,
         "reason": event.reason, "data": event.data, "created_at": event.created_at}
        for event, label in selectors.case_events_for_actor(case=case, actor=actor)
    ]


@router.get("/{number}/clock", response={200: ClockOut, 401: ErrorOut, 404: ErrorOut})
def case_clock(request: HttpRequest, number: str) -> dict[str, Any]:
    """The due date explained day by day: counted days, weekends, holidays, clock stops."""
    case = selectors.get_case_for_actor(actor=_user(request), number=number)
    explanation = selectors.clock_explanation(case=case)
    return {
        "accepted_on": explanation.accepted_on,
        "deemed_accepted": explanation.is_deemed_accepted,
        "promised_days": explanation.promised_days,
        "extension_days": explanation.extension_days,
        "due_on": explanation.due_on,
        "provisional": explanation.provisional,
        "running": explanation.running,
        "stops": [{"kind": s.kind, "label": s.label, "started_on": s.started_on,
                   "ended_on": s.ended_on} for s in explanation.stops],
        "days": [{"date": d.date, "kind": str(d.kind), "counted": d.counted,
                  "description": d.describe(), "provisional": d.provisional}
                 for d in explanation.days],
    }


def _organisation(code: str) -> Organisation:
    organisation = Organisation.objects.filter(code=code.strip(), is_active=True).first()
    if organisation is None:
        raise InvalidInput(_("No such organisation."), code="unknown_organisation",
                           field="to_org")
    return organisation


def _perform(case: Case, actor: User, payload: ActionIn) -> Case:
    action, reason = payload.action, payload.reason
    if action == Action.REQUEST_SUPPLEMENT:
        return services.request_supplement(case=case, actor=actor, reason=reason,
                                           materials=payload.materials or [])
    if action in (Action.SUPPLEMENT, Action.SUPPLY_DEFERRED):
        return services.supplement(case=case, actor=actor, reason=reason)
    if action == Action.ACCEPT_DEFERRED:
        if payload.due_on is None:
            raise InvalidInput(_("Give the deadline for the deferred materials."),
                               code="due_on_required", field="due_on")
        return services.accept_deferred(case=case, actor=actor, reason=reason,
                                        missing=payload.missing or [], due_on=payload.due_on)
    if action == Action.TRANSFER:
        return services.transfer(case=case, actor=actor, reason=reason,
                                 to_org=_organisation(payload.to_org))
    if action in TRANSITIONS:
        data = payload.dict(exclude={"action", "reason", "to_org", "materials", "missing"},
                            exclude_none=True)
        return services.transition_case(case=case, action=action, actor=actor, reason=reason,
                                        **{k: v for k, v in data.items() if v != ""})
    try:
        kind = get_kind(case.kind)
    except UnknownCaseKind:
        kind = None
    extra = next((e for e in (kind.extra_actions if kind else ()) if e.slug == action), None)
    if extra is None:
        raise InvalidInput(_("Unknown action."), code="unknown_action", field="action")
    if not extra.is_available(case, actor):
        raise NotPermitted(_("You may not take this action on this case."),
                           code="action_not_permitted")
    return extra.perform(case=case, actor=actor, reason=reason,
                         data=payload.dict(exclude={"action", "reason"}, exclude_none=True))


@router.post("/{number}/actions", response={200: CaseOut, 400: ErrorOut, 401: ErrorOut,
                                             403: ErrorOut, 404: ErrorOut, 409: ErrorOut,
                                             422: ErrorOut})
def take_action(request: HttpRequest, number: str, payload: ActionIn) -> dict[str, Any]:
    """Take one workflow action; 409 when the status does not allow it, 403 for a role that
    may not take it."""
    actor = _user(request)
    case = selectors.get_case_for_actor(actor=actor, number=number)
    case = _perform(case, actor, payload)
    return case_out(selectors.get_case_for_actor(actor=actor, number=case.number or number),
                    actor)


def _attachment_out(attachment: Any) -> dict[str, Any]:
    return {
        "id": attachment.pk, "material": attachment.material_id,
        "original_name": attachment.original_name, "content_type": attachment.content_type,
        "size": attachment.size, "sha256": attachment.sha256, "round": attachment.round,
        "uploaded_at": attachment.uploaded_at,
    }


@router.get("/{number}/attachments",
            response={200: list[AttachmentOut], 401: ErrorOut, 404: ErrorOut})
def list_attachments(request: HttpRequest, number: str) -> list[dict[str, Any]]:
    case = selectors.get_case_for_actor(actor=_user(request), number=number)
    return [_attachment_out(a) for a in selectors.case_attachments(case=case)]


@router.post("/{number}/attachments", response={201: AttachmentOut, 401: ErrorOut,
                                                 403: ErrorOut, 404: ErrorOut, 409: ErrorOut,
                                                 422: ErrorOut})
def upload_attachment(
    request: HttpRequest, number: str, file: File[UploadedFile],
    material: Form[int | None] = None,
) -> Status[dict[str, Any]]:
    """Upload one file (multipart `file`, optional `material` id from the checklist)."""
    actor = _user(request)
    case = selectors.get_case_for_actor(actor=actor, number=number)
    attachment = services.add_attachment(case=case, actor=actor, file=file, material_id=material)
    return Status(201, _attachment_out(attachment))


@router.post("/drafts/{draft_id}/attachments",
             response={201: AttachmentOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut,
                       409: ErrorOut, 422: ErrorOut})
def upload_draft_attachment(
    request: HttpRequest, draft_id: int, file: File[UploadedFile],
    material: Form[int | None] = None,
) -> Status[dict[str, Any]]:
    """Upload a file to a draft (drafts have no number until they are submitted)."""
    actor = _user(request)
    case = selectors.get_draft_for_actor(actor=actor, pk=draft_id)
    attachment = services.add_attachment(case=case, actor=actor, file=file, material_id=material)
    return Status(201, _attachment_out(attachment))


@router.post("/drafts/{draft_id}/submit",
             response={200: CaseOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut,
                       409: ErrorOut, 422: ErrorOut})
def submit_draft(request: HttpRequest, draft_id: int) -> dict[str, Any]:
    """Submit a draft; it receives its number."""
    actor = _user(request)
    case = selectors.get_draft_for_actor(actor=actor, pk=draft_id)
    case = services.transition_case(case=case, action=Action.SUBMIT, actor=actor)
    return case_out(case, actor)


def _client_address(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR") or "unknown")


@public_router.get("/{number}", auth=None,
                   response={200: PublicCaseOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut,
                             429: ErrorOut})
def public_case(
    request: HttpRequest, number: str, code: str = Query(..., min_length=1, max_length=16)
) -> dict[str, Any]:
    """Progress of a case for anyone holding its number and verification code (or an anonymous
    tracking code and PIN), without signing in. Limited per address; 404 on a wrong code."""
    ratelimit.hit(key=f"public-case:{_client_address(request)}")
    case = selectors.get_case_by_tracking(reference=number, code=code)
    if case.status == "draft":
        raise Conflict(_("This case has not been submitted."), code="not_submitted")
    return {
        "number": case.number,
        "service_name": case.version.name,
        "status": case.status,
        "status_label": case.get_status_display(),
        "outcome": case.outcome,
        "submitted_at": case.submitted_at,
        "accepted_at": case.accepted_at,
        "completed_at": case.completed_at,
        "due_on": case.due_on,
        "handling_org": case.handling_org.name,
        # The same steps, in the same words, as the public progress page.
        "events": [
            {"label": label, "to_status": e.to_status, "created_at": happened_at(e)}
            for e in selectors.case_events(case=case)
            if (label := public_event_label(e)) is not None
        ],
    }
