"""The feedback API, three routers mounted by the API root:

- `router` at `/api/v1/feedback`: submit (public; signed in with a bearer token, or
  anonymously), follow an anonymous submission by tracking code and PIN (public, rate-limited,
  404 on a wrong PIN), answer its reply; for staff the queue, one submission, reply, transfer
  and merge;
- `rectifications_router` at `/api/v1/rectifications`: the caller's organisations'
  rectifications and their steps;
- `evaluation_router` at `/api/v1/cases`: `POST /{number}/evaluation`, rating a completed case.

Each endpoint fetches through a selector, checks the shape of the input and calls a service; the
API root turns DomainError into `{"code", "detail"}` with its status.
"""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Header, Query, Router, Schema, Status
from ninja.pagination import paginate

from qinkuaiban.cases import ratelimit
from qinkuaiban.cases.models import Case
from qinkuaiban.core.errors import InvalidInput, NotFound
from qinkuaiban.core.pagination import BoundedPageNumberPagination
from qinkuaiban.core.schemas import ErrorOut
from qinkuaiban.feedback import selectors, services
from qinkuaiban.feedback.models import Evaluation, Feedback, Rectification
from qinkuaiban.feedback.rules import RatedObject, TargetType
from qinkuaiban.feedback.views._common import client_address
from qinkuaiban.identity.auth import bearer_auth
from qinkuaiban.identity.models import Organisation, User

# API keys never meet the pages' one-time form tokens ("web:…").
API_KEY_PREFIX = "api:"

router = Router(tags=["feedback"])
rectifications_router = Router(tags=["feedback"])
evaluation_router = Router(tags=["feedback"])


class _Anyone:
    """The last authenticator of the public endpoints: lets the request in without a user, so
    a bearer token is used when given and an anonymous submission is made otherwise. Session
    cookies are not read here, so a foreign page cannot submit in a signed-in user's name."""

    def __call__(self, request: HttpRequest) -> Any:
        return _ANONYMOUS


_ANONYMOUS = object()


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined]


def _optional_user(request: HttpRequest) -> User | None:
    auth = getattr(request, "auth", None)
    return auth if isinstance(auth, User) else None


# --- ratings ---------------------------------------------------------------------------------


class EvaluationIn(Schema):
    level: int = Field(..., description="1 非常不满意 … 5 非常满意 (整体满意度).")
    scores: dict[str, int] = Field(
        default_factory=dict,
        description="Every indicator of the case's set, 1–5. Online: efficiency, "
        "guide_accuracy, convenience, platform_usability. On site (and the staff member): "
        "service_efficiency, service_level, service_attitude.",
    )
    comment: str = Field("", description="Required, at least 3 characters, for level 1 or 2 "
                                         "(差评): what went wrong. At most 1000 characters.")
    rated_object: str = Field(RatedObject.ITEM, description="item, or staff (window cases).")


class EvaluationOut(Schema):
    id: int
    case: str
    rated_object: str
    channel: str
    level: int
    scores: dict[str, int]
    comment: str
    created_at: dt.datetime
    rectification: int | None
    is_excluded: bool


def _evaluation_out(evaluation: Evaluation) -> dict[str, Any]:
    rectification = Rectification.objects.filter(evaluation=evaluation).values_list(
        "pk", flat=True).first()
    return {
        "id": evaluation.pk, "case": evaluation.case.number, "rated_object":
        evaluation.rated_object, "channel": evaluation.channel, "level": evaluation.level,
        "scores": evaluation.scores, "comment": evaluation.comment,
        "created_at": evaluation.created_at, "rectification": rectification,
        "is_excluded": evaluation.is_excluded,
    }


@evaluation_router.post("/{number}/evaluation", response={
    201: EvaluationOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut})
def evaluate_case(request: HttpRequest, number: str, payload: EvaluationIn) -> Status[Any]:
    """Rate a completed case of your own (好差评). 409 when already rated or not completed,
    404 for a case that is not yours, 422 for a bad level or scores."""
    actor = _user(request)
    case = selectors.get_rateable_case(actor=actor, number=number)
    evaluation = services.rate_case(case=case, actor=actor, level=payload.level,
                                    scores=payload.scores, comment=payload.comment,
                                    rated_object=payload.rated_object)
    return Status(201, _evaluation_out(evaluation))


# --- rectifications ---------------------------------------------------------------------------


class AppealOut(Schema):
    ground: str
    reason: str
    filed_at: dt.datetime
    due_on: dt.date
    decision: str
    decision_reason: str
    decided_at: dt.datetime | None


class RectificationOut(Schema):
    id: int
    case: str
    service_name: str
    organisation: str
    level: int
    comment: str
    status: str
    status_label: str
    due_on: dt.date | None
    warning: str
    plan: str
    ledger_entry: str
    fix_due_on: dt.date | None
    rater_satisfied: bool | None
    is_excluded: bool
    appeal: AppealOut | None
    available_actions: list[str]


def _rectification_out(rectification: Rectification, actor: User) -> dict[str, Any]:
    evaluation = rectification.evaluation
    appeal = getattr(rectification, "appeal", None)
    version = evaluation.item.current_version
    return {
        "id": rectification.pk, "case": evaluation.case.number,
        "service_name": version.name if version else evaluation.item.code,
        "organisation": rectification.organisation.code, "level": evaluation.level,
        "comment": evaluation.comment, "status": rectification.status,
        "status_label": rectification.get_status_display(), "due_on": rectification.due_on,
        "warning": rectification.warning, "plan": rectification.plan,
        "ledger_entry": rectification.ledger_entry, "fix_due_on": rectification.fix_due_on,
        "rater_satisfied": rectification.rater_satisfied, "is_excluded": evaluation.is_excluded,
        "appeal": None if appeal is None else {
            "ground": appeal.ground, "reason": appeal.reason, "filed_at": appeal.filed_at,
            "due_on": appeal.due_on, "decision": appeal.decision,
            "decision_reason": appeal.decision_reason, "decided_at": appeal.decided_at,
        },
        "available_actions": selectors.available_rectification_actions(
            rectification=rectification, actor=actor),
    }


class _Lazy:
    """Pages are sliced before serialising, so only one page is turned into dicts."""

    def __init__(self, found: Any, out: Any) -> None:
        self.found, self.out = found, out

    def __len__(self) -> int:
        return int(self.found.count())

    def __getitem__(self, index: slice) -> list[dict[str, Any]]:
        return [self.out(row) for row in self.found[index]]


@rectifications_router.get("", response=list[RectificationOut])
@paginate(BoundedPageNumberPagination, page_size=20)
def list_rectifications(
    request: HttpRequest, status: str = "", open_only: bool = False, appeals: bool = False
) -> Any:
    """Rectifications of the caller's organisations (all, for the supervising division),
    soonest due first; `open_only`, or `appeals` waiting for a decision."""
    actor = _user(request)
    found = selectors.rectification_list(actor=actor, status=status, open_only=open_only,
                                         appeals=appeals)
    return _Lazy(found, lambda r: _rectification_out(r, actor))


@rectifications_router.get("/{rectification_id}", response={200: RectificationOut,
                                                            404: ErrorOut})
def get_rectification(request: HttpRequest, rectification_id: int) -> dict[str, Any]:
    actor = _user(request)
    return _rectification_out(
        selectors.get_rectification_for_actor(actor=actor, pk=rectification_id), actor)


class RectificationActionIn(Schema):
    action: str = Field(..., description="contact, verify, rectify, explain, call_back, "
                                         "appeal or decide_appeal.")
    note: str = Field("", description="What was done or found; the reasons of an appeal or "
                                      "a decision.")
    plan: str = Field("", description="rectify from verified: at_once or by_deadline.")
    ledger_entry: str = ""
    fix_due_on: dt.date | None = None
    satisfied: bool | None = Field(None, description="call_back: is the rater satisfied?")
    ground: str = Field("", description="appeal: mistaken or malicious.")
    decision: str = Field("", description="decide_appeal: upheld or rejected.")


@rectifications_router.post("/{rectification_id}/actions", response={
    200: RectificationOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut})
def act_on_rectification(request: HttpRequest, rectification_id: int,
                         payload: RectificationActionIn) -> dict[str, Any]:
    """Take one step; 409 when the status does not allow it, 403 for a party that may not."""
    actor = _user(request)
    rectification = selectors.get_rectification_for_actor(actor=actor, pk=rectification_id)
    data = payload.dict(exclude={"action", "note"}, exclude_none=True)
    services.act_on_rectification(
        rectification=rectification, action=payload.action, actor=actor, note=payload.note,
        **{key: value for key, value in data.items() if value != ""})
    return _rectification_out(
        selectors.get_rectification_for_actor(actor=actor, pk=rectification_id), actor)


# --- complaints, suggestions, praise, letters -------------------------------------------------


class FeedbackIn(Schema):
    kind: str = Field(..., description="complaint, suggestion, praise or leader_mailbox.")
    title: str
    content: str
    anonymous: bool = Field(False, description="Without a bearer token every submission is "
                                               "anonymous.")
    contact: str = ""
    case_number: str | None = Field(None, description="The case it concerns.")
    organisation: str | None = Field(None, description="Code of the organisation it concerns.")
    consent_to_publish: bool = False


class ReceiptOut(Schema):
    number: str
    tracking_code: str | None
    pin: str | None = Field(None, description="Shown once: only its hash is kept.")


def _target(payload: FeedbackIn) -> services.Target:
    if payload.case_number:
        case = Case.objects.filter(number=payload.case_number.strip().upper()).select_related(
            "handling_org").first()
        if case is None:
            raise InvalidInput(_("No case has this number."), code="unknown_case",
                               field="case_number")
        return services.Target(type=TargetType.CASE, case=case)
    if payload.organisation:
        organisation = Organisation.objects.filter(code=payload.organisation.strip(),
                                                   is_active=True).first()
        if organisation is None:
            raise InvalidInput(_("No such organisation."), code="unknown_organisation",
                               field="organisation")
        return services.Target(type=TargetType.ORGANISATION, organisation=organisation)
    return services.Target()


@router.post("", auth=[bearer_auth, _Anyone()], response={
    200: ReceiptOut, 201: ReceiptOut, 403: ErrorOut, 409: ErrorOut, 422: ErrorOut,
    429: ErrorOut})
def submit_feedback(
    request: HttpRequest, payload: FeedbackIn,
    idempotency_key: str = Header("", alias="Idempotency-Key"),
) -> Status[Any]:
    """Submit a complaint, suggestion, praise or letter to the leadership. Anonymous
    submissions answer with a tracking code and a PIN, shown this once. The same
    `Idempotency-Key` again answers 200 with the first submission (signed in) or 409
    `already_submitted` (anonymous: its PIN is never shown twice)."""
    ratelimit.hit(key=f"feedback-submit:{client_address(request)}")
    actor = _optional_user(request)
    receipt = services.submit_feedback(
        kind=payload.kind, title=payload.title, content=payload.content, actor=actor,
        anonymous=payload.anonymous or actor is None, contact=payload.contact,
        target=_target(payload), consent_to_publish=payload.consent_to_publish,
        idempotency_key=API_KEY_PREFIX + idempotency_key.strip() if idempotency_key.strip()
        else "",
    )
    return Status(200 if receipt.replayed else 201, {
        "number": receipt.feedback.number, "tracking_code": receipt.tracking_code,
        "pin": receipt.pin})


class ReplyOut(Schema):
    round: int
    text: str
    created_at: dt.datetime
    satisfied: bool | None
    answered_at: dt.datetime | None


class PublicFeedbackOut(Schema):
    number: str
    kind: str
    title: str
    content: str
    status: str
    status_label: str
    due_on: dt.date | None
    submitted_at: dt.datetime | None
    handling_org: str
    is_adopted: bool
    adoption_note: str
    replies: list[ReplyOut]


class FeedbackOut(PublicFeedbackOut):
    tracking_code: str | None
    is_anonymous: bool
    contact: str
    target_type: str
    merged_into: str | None
    extension_days: int


def _public_out(feedback: Feedback) -> dict[str, Any]:
    return {
        "number": feedback.number, "kind": feedback.kind, "title": feedback.title,
        "content": feedback.content, "status": feedback.status,
        "status_label": feedback.get_status_display(), "due_on": feedback.due_on,
        "submitted_at": feedback.case.submitted_at,
        "handling_org": feedback.case.handling_org.name, "is_adopted": feedback.is_adopted,
        "adoption_note": feedback.adoption_note,
        "replies": [{"round": r.round, "text": r.text, "created_at": r.created_at,
                     "satisfied": r.satisfied, "answered_at": r.answered_at}
                    for r in sorted(feedback.replies.all(), key=lambda reply: reply.round)],
    }


def _feedback_out(feedback: Feedback) -> dict[str, Any]:
    return {
        **_public_out(feedback), "tracking_code": feedback.case.tracking_code,
        "is_anonymous": feedback.is_anonymous, "contact": feedback.contact,
        "target_type": feedback.target_type,
        "merged_into": feedback.merged_into.number if feedback.merged_into else None,
        "extension_days": feedback.extension_days,
    }


@router.get("", response=list[FeedbackOut])
@paginate(BoundedPageNumberPagination, page_size=20)
def feedback_queue(request: HttpRequest, kind: str = "", status: str = "") -> Any:
    """Staff: submissions of the caller's organisations waiting for a reply (or in `status`)."""
    found = selectors.feedback_queue(actor=_user(request), kind=kind, status=status)
    return _Lazy(found.prefetch_related("replies"), _feedback_out)


def _tracked(request: HttpRequest, tracking_code: str, pin: str) -> Feedback:
    ratelimit.hit(key=f"feedback-track:{client_address(request)}")
    return selectors.get_feedback_by_tracking(tracking_code=tracking_code, pin=pin)


@router.get("/{tracking_code}", auth=None,
            response={200: PublicFeedbackOut, 404: ErrorOut, 429: ErrorOut})
def track_feedback(request: HttpRequest, tracking_code: str,
                   pin: str = Query(..., min_length=1, max_length=16)) -> dict[str, Any]:
    """An anonymous submission, its replies and status, for the holder of its tracking code
    and PIN. Limited per address; 404 on a wrong PIN."""
    return _public_out(_tracked(request, tracking_code, pin))


class AnswerIn(Schema):
    satisfied: bool
    comment: str = ""


class TrackedAnswerIn(AnswerIn):
    pin: str


@router.post("/{tracking_code}/answer", auth=None, response={
    200: PublicFeedbackOut, 404: ErrorOut, 409: ErrorOut, 429: ErrorOut})
def answer_tracked(request: HttpRequest, tracking_code: str,
                   payload: TrackedAnswerIn) -> dict[str, Any]:
    """The anonymous submitter says whether the reply satisfied them (with the PIN)."""
    feedback = _tracked(request, tracking_code, payload.pin)
    services.answer_reply(feedback=feedback, satisfied=payload.satisfied,
                          comment=payload.comment, with_pin=True)
    return _public_out(selectors.get_feedback_by_pk(pk=feedback.pk))


@router.get("/items/{number}", response={200: FeedbackOut, 404: ErrorOut})
def get_feedback(request: HttpRequest, number: str) -> dict[str, Any]:
    """One submission the caller may see (their own, or as staff)."""
    return _feedback_out(selectors.get_feedback_for_actor(actor=_user(request), number=number))


@router.post("/items/{number}/answer", response={
    200: FeedbackOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut})
def answer_own(request: HttpRequest, number: str, payload: AnswerIn) -> dict[str, Any]:
    """The signed-in submitter's verdict on the latest reply."""
    actor = _user(request)
    feedback = selectors.get_feedback_for_actor(actor=actor, number=number)
    services.answer_reply(feedback=feedback, actor=actor, satisfied=payload.satisfied,
                          comment=payload.comment)
    return _feedback_out(selectors.get_feedback_for_actor(actor=actor, number=number))


class ReplyIn(Schema):
    text: str
    template: int | None = None


@router.post("/items/{number}/reply", response={
    200: FeedbackOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut})
def reply(request: HttpRequest, number: str, payload: ReplyIn) -> dict[str, Any]:
    """Staff: answer (round 1 completes the case; merged duplicates get the same answer)."""
    actor = _user(request)
    feedback = selectors.get_feedback_for_actor(actor=actor, number=number)
    template = services.template_for(template_id=payload.template, feedback=feedback) \
        if payload.template is not None else None
    services.reply_to_feedback(feedback=feedback, actor=actor, text=payload.text,
                               template=template)
    return _feedback_out(selectors.get_feedback_for_actor(actor=actor, number=number))


class TransferIn(Schema):
    to_org: str = Field(..., description="Code of the organisation to transfer to.")
    reason: str


@router.post("/items/{number}/transfer", response={
    200: FeedbackOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut})
def transfer(request: HttpRequest, number: str, payload: TransferIn) -> dict[str, Any]:
    """Staff: hand the submission to another organisation (首问负责: the sender stays
    responsible until it is taken over)."""
    actor = _user(request)
    feedback = selectors.get_feedback_for_actor(actor=actor, number=number)
    to_org = Organisation.objects.filter(code=payload.to_org.strip(), is_active=True).first()
    if to_org is None:
        raise InvalidInput(_("No such organisation."), code="unknown_organisation",
                           field="to_org")
    services.transfer_feedback(feedback=feedback, actor=actor, to_org=to_org,
                               reason=payload.reason)
    return _feedback_out(selectors.get_feedback_for_actor(actor=actor, number=number))


class MergeIn(Schema):
    duplicate: str = Field(..., description="Number of the duplicate to merge into this one.")


@router.post("/items/{number}/merge", response={
    200: FeedbackOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut})
def merge(request: HttpRequest, number: str, payload: MergeIn) -> dict[str, Any]:
    """Staff: merge a duplicate into this submission; its submitter gets this reply."""
    actor = _user(request)
    primary = selectors.get_feedback_for_actor(actor=actor, number=number)
    try:
        duplicate = selectors.get_feedback_for_actor(actor=actor, number=payload.duplicate)
    except NotFound as exc:
        raise InvalidInput(exc.message, code="unknown_duplicate", field="duplicate") from exc
    services.merge_feedback(primary=primary, duplicate=duplicate, actor=actor)
    return _feedback_out(selectors.get_feedback_for_actor(actor=actor, number=number))
