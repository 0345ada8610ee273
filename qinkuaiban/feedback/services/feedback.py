"""Complaints, suggestions, praise and letters to the leadership. Each is a case of a feedback
kind, submitted through the cases services (the clock, transfers, history and notices are the
service hall's); the Feedback row adds routing, replies, the submitter's verdict, merging,
adoption and publication.

Routing happens in the kind's on_submit hook, inside the submission's transaction, so the staff
told of the new case are those of the organisation the rules chose.
"""

import datetime as dt
from collections.abc import Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from qinkuaiban.audit.services import record
from qinkuaiban.cases import services as case_services
from qinkuaiban.cases.models import Case, Outcome, Status
from qinkuaiban.cases.permissions import parties_for
from qinkuaiban.cases.workflow import OPEN_STATUSES, Party
from qinkuaiban.catalogue.models import ItemStatus, ServiceItem
from qinkuaiban.core.errors import Conflict, InvalidInput, NotFound, NotPermitted
from qinkuaiban.core.validators import is_valid_mobile
from qinkuaiban.feedback import notifying
from qinkuaiban.feedback.conf import days
from qinkuaiban.feedback.models import (
    Feedback,
    FeedbackEvent,
    FeedbackReply,
    ReplyTemplate,
    RoutingRule,
)
from qinkuaiban.feedback.permissions import is_head_of, is_staff_of, is_supervisor, may_reply
from qinkuaiban.feedback.rules import (
    REPLY_DAYS_SETTING,
    ROUND_FOR_STATUS,
    DeadlineWarning,
    FeedbackAction,
    FeedbackKind,
    FeedbackStatus,
    ReplyRound,
    TargetType,
    after_answer,
    may_publish,
    redact,
)
from qinkuaiban.feedback.services._common import (
    deadline,
    refuse_admin,
    required_text,
    today,
    too_long,
)
from qinkuaiban.identity.models import Organisation, User
from qinkuaiban.identity.roles import STAFF_ROLES

TITLE_LIMIT = 200
CONTENT_LIMIT = 2000
REPLY_LIMIT = 5000
# Form fields of the feedback items that carry the title, the text, the person or unit
# complained about, and a phone number.
TITLE_FIELDS = ("title", "subject", "topic")
CONTENT_FIELDS = ("content", "question")
TARGET_TEXT_FIELDS = ("respondent",)
PHONE_FIELDS = ("contact_phone",)


@dataclass(frozen=True)
class Target:
    """What a submission is about (a complaint may point at a case, item, unit or person)."""

    type: str = TargetType.NONE
    case: Case | None = None
    item: ServiceItem | None = None
    organisation: Organisation | None = None
    staff: User | None = None
    text: str = ""


@dataclass(frozen=True)
class Submission:
    kind: str
    title: str
    content: str
    contact: str
    target: Target
    consent_to_publish: bool


@dataclass(frozen=True)
class FeedbackReceipt:
    """What the submitter is shown once: the number, and for an anonymous submission the
    tracking code and PIN (only the PIN's hash is kept)."""

    feedback: Feedback
    tracking_code: str | None = None
    pin: str | None = None
    # True when the idempotency key named a submission made before: nothing new was filed.
    replayed: bool = False


# The details of a submission in progress, for the on_submit hook of the same call.
_submission: ContextVar[Submission | None] = ContextVar("feedback_submission", default=None)


def feedback_item(kind: str) -> ServiceItem:
    """The published service item that receives this kind of feedback."""
    item = (
        ServiceItem.objects.filter(kind=kind, status=ItemStatus.PUBLISHED)
        .select_related("current_version", "handling_org").order_by("sort_order", "code")
        .first()
    )
    if item is None:
        raise Conflict(_("This kind of submission is not open at the moment."),
                       code="kind_not_open")
    return item


def _form_for(item: ServiceItem, submission: Submission) -> dict[str, Any]:
    assert item.current_version is not None
    form: dict[str, Any] = {}
    for spec in item.current_version.form_fields:
        name = spec["name"]
        if name in TITLE_FIELDS:
            form[name] = submission.title
        elif name in CONTENT_FIELDS:
            form[name] = submission.content
        elif name in TARGET_TEXT_FIELDS and submission.target.text:
            form[name] = submission.target.text
        elif name in PHONE_FIELDS and is_valid_mobile(submission.contact):
            form[name] = submission.contact
    return form


def _clean_submission(
    *, kind: str, title: str, content: str, contact: str, target: Target, consent: bool
) -> Submission:
    if kind not in FeedbackKind.values:
        raise InvalidInput(_("Choose a complaint, suggestion, praise or letter."),
                           code="invalid_kind", field="kind")
    title = required_text(title, field="title", message=_("Give a short title."),
                          limit=TITLE_LIMIT)
    content = required_text(content, field="content", message=_("Write what it is about."),
                            limit=CONTENT_LIMIT)
    contact = (contact or "").strip()
    if len(contact) > 120:
        raise too_long(field="contact", limit=120)
    if target.type not in TargetType.values:
        raise InvalidInput(_("Unknown target."), code="invalid_target", field="target")
    if len(target.text) > 100:
        raise too_long(field="respondent", limit=100)
    return Submission(kind=kind, title=title, content=content, contact=contact,
                      target=target, consent_to_publish=consent)


@transaction.atomic
def submit_feedback(
    *,
    kind: str,
    title: str,
    content: str,
    actor: User | None,
    anonymous: bool,
    contact: str = "",
    target: Target | None = None,
    consent_to_publish: bool = False,
    idempotency_key: str = "",
) -> FeedbackReceipt:
    """Anyone submits: signed in under their name, or anonymously (a tracking code and a PIN
    shown once)."""
    submission = _clean_submission(kind=kind, title=title, content=content, contact=contact,
                                   target=target or Target(), consent=consent_to_publish)
    if not anonymous and actor is None:
        raise NotPermitted(_("Sign in to submit under your name, or submit anonymously."),
                           code="sign_in_required")
    refuse_admin(actor)
    item = feedback_item(kind)
    form = _form_for(item, submission)
    token = _submission.set(submission)
    try:
        if anonymous:
            receipt = case_services.submit_anonymous(
                item=item, form=form, submitter_name=_("Anonymous"),
                submitter_contact=submission.contact or _("Not given"),
                idempotency_key=idempotency_key,
            )
            return FeedbackReceipt(feedback=Feedback.objects.get(case=receipt.case),
                                   tracking_code=receipt.tracking_code, pin=receipt.pin)
        assert actor is not None
        case = case_services.submit_case(actor=actor, item=item, form=form,
                                         idempotency_key=idempotency_key)
        return FeedbackReceipt(feedback=Feedback.objects.get(case=case),
                               replayed=bool(getattr(case, "replayed", False)))
    finally:
        _submission.reset(token)


def _from_form(case: Case) -> Submission:
    """A feedback case submitted through the generic application page: what its form says."""
    data = case.form_data

    def first(names: tuple[str, ...]) -> str:
        return next((str(data[name]) for name in names if data.get(name)), "")

    content = first(CONTENT_FIELDS)
    title = first(TITLE_FIELDS) or content[:40] or case.version.name
    return Submission(kind=case.kind, title=title[:TITLE_LIMIT], content=content or title,
                      contact=first(PHONE_FIELDS) or case.submitter_contact,
                      target=Target(type=TargetType.NONE, text=first(TARGET_TEXT_FIELDS)),
                      consent_to_publish=False)


def target_organisation(target: Target) -> Organisation | None:
    """The organisation a target belongs to (a staff member: where they work as staff)."""
    if target.type == TargetType.CASE and target.case is not None:
        return target.case.handling_org
    if target.type == TargetType.ITEM and target.item is not None:
        return target.item.handling_org
    if target.type == TargetType.ORGANISATION:
        return target.organisation
    if target.type == TargetType.STAFF and target.staff is not None:
        membership = target.staff.memberships.filter(role__in=STAFF_ROLES).select_related(
            "organisation").first()
        return membership.organisation if membership else None
    return None


def route(kind: str, target: Target) -> tuple[Organisation | None, RoutingRule | None]:
    """The handling organisation the most specific active rule names (None: keep the item's)."""
    from qinkuaiban.cases.permissions import ancestor_ids

    concerned = target_organisation(target)
    chain = ancestor_ids(concerned) if concerned is not None else []
    rules = list(RoutingRule.objects.filter(kind=kind, is_active=True)
                 .select_related("handling_org", "target_org").order_by("pk"))

    def rank(rule: RoutingRule) -> int | None:
        if rule.target_type == target.type and rule.target_org_id is not None:
            return chain.index(rule.target_org_id) if rule.target_org_id in chain else None
        if rule.target_type == target.type and target.type != TargetType.NONE:
            return 100
        if rule.target_type == TargetType.NONE:
            return 200
        return None

    ranked = sorted(((rank(rule), rule.pk, rule) for rule in rules if rank(rule) is not None),
                    key=lambda entry: (entry[0], entry[1]))
    for _rank, _pk, rule in ranked:
        handling = rule.handling_org or concerned
        if handling is not None and handling.is_active:
            return handling, rule
    return None, None


def register_feedback(*, case: Case, actor: User | None) -> None:
    """on_submit hook of the feedback kinds: route the case and open its Feedback."""
    if Feedback.objects.filter(case=case).exists():
        return
    submission = _submission.get()
    if submission is None or submission.kind != case.kind:
        submission = _from_form(case)
    organisation, rule = route(case.kind, submission.target)
    if organisation is not None and organisation.pk != case.handling_org_id:
        case.handling_org = organisation
        case.save(update_fields=["handling_org", "updated_at"])
    due = deadline(today(), days(REPLY_DAYS_SETTING[case.kind]))
    target = submission.target
    feedback = Feedback.objects.create(
        case=case, kind=case.kind, title=submission.title, content=submission.content,
        is_anonymous=case.applicant_id is None, contact=submission.contact,
        target_type=target.type, target_case=target.case, target_item=target.item,
        target_org=target.organisation, target_staff=target.staff,
        target_text=target.text[:100], first_due_on=due.date, due_on=due.date,
        due_provisional=due.provisional,
        consent_to_publish=submission.consent_to_publish,
    )
    FeedbackEvent.objects.create(
        feedback=feedback, action=FeedbackAction.ROUTED, to_status=feedback.status,
        actor=actor if getattr(actor, "pk", None) else None,
        data={"organisation": case.handling_org.code, "rule": rule.pk if rule else None,
              "due_on": due.date.isoformat()},
    )
    record(action="feedback.feedback_submitted", actor=actor, target=feedback,
           organisation=case.handling_org,
           changes={"number": case.number, "kind": case.kind, "anonymous": feedback.is_anonymous,
                    "target_type": target.type, "routed_to": case.handling_org.code,
                    "rule": rule.pk if rule else None})


# --- the reply loop --------------------------------------------------------------------------


def _lock(feedback: Feedback) -> Feedback:
    return (
        Feedback.objects.select_for_update(of=("self",))
        .select_related("case__handling_org", "case__applicant", "case__version")
        .get(pk=feedback.pk)
    )


def _event(feedback: Feedback, action: str, *, actor: User | None, from_status: str,
           note: str = "", data: Mapping[str, Any] | None = None) -> None:
    FeedbackEvent.objects.create(
        feedback=feedback, action=action, from_status=from_status, to_status=feedback.status,
        actor=actor, note=note, data=dict(data or {}),
    )


def _set_due(feedback: Feedback, due: Any) -> list[str]:
    feedback.due_on = due.date if due is not None else None
    feedback.due_provisional = bool(due is not None and due.provisional)
    feedback.warning = DeadlineWarning.NORMAL
    return ["due_on", "due_provisional", "warning"]


def _complete_case(case: Case, actor: User, text: str) -> None:
    """The first reply is the case's result (办结): accept it first when still unaccepted."""
    if case.status == Status.SUBMITTED:
        if not parties_for(case, actor) & {Party.WINDOW_CLERK, Party.HANDLER}:
            raise Conflict(_("A window clerk or handler must accept this case before the "
                             "reply."), code="accept_first")
        case = case_services.accept(case=case, actor=actor)
    case_services.complete(case=case, actor=actor, outcome=Outcome.APPROVED, reason=text)


def _give_reply(feedback: Feedback, *, round_: int, text: str, template: ReplyTemplate | None,
                actor: User, day: dt.date) -> None:
    from_status = feedback.status
    was_due = feedback.due_on
    FeedbackReply.objects.create(
        feedback=feedback, round=round_, text=text, template=template, author=actor,
        due_on=was_due, is_on_time=was_due is None or day <= was_due,
    )
    if round_ == ReplyRound.FIRST and feedback.case.status in OPEN_STATUSES:
        _complete_case(feedback.case, actor, text)
    feedback.status = FeedbackStatus.REPLIED
    fields = ["status", *_set_due(feedback, deadline(day, days("QKB_FEEDBACK_SATISFACTION_DAYS")))]
    feedback.save(update_fields=[*fields, "updated_at"])
    _event(feedback, FeedbackAction.REPLIED, actor=actor, from_status=from_status, note=text,
           data={"round": round_, "template": template.pk if template else None,
                 "on_time": was_due is None or day <= was_due})
    record(action="feedback.feedback_replied", actor=actor, target=feedback,
           organisation=feedback.case.handling_org_id,
           changes={"round": round_, "on_time": was_due is None or day <= was_due})
    notifying.feedback_replied(feedback=feedback, case=feedback.case, actor=actor)


@transaction.atomic
def reply_to_feedback(
    *, feedback: Feedback, actor: User, text: str, template: ReplyTemplate | None = None
) -> Feedback:
    """Answer a feedback: round 1 by the handling organisation's staff (the case is completed
    with the reply as its result; merged duplicates get the same answer), round 2 by its head
    after an unsatisfied verdict, round 3 by a leader after an escalation."""
    feedback = _lock(feedback)
    refuse_admin(actor)
    if feedback.status == FeedbackStatus.MERGED:
        raise Conflict(_("This submission was merged; reply to the one it was merged into."),
                       code="merged")
    round_ = ROUND_FOR_STATUS.get(feedback.status)
    if round_ is None:
        raise Conflict(_("This submission is not waiting for a reply."), code="not_awaiting")
    case = feedback.case
    allowed = (
        bool(parties_for(case, actor) & {Party.HANDLER, Party.DIVISION_HEAD})
        if round_ == ReplyRound.FIRST else may_reply(actor, case.handling_org, round_)
    )
    if not allowed:
        raise NotPermitted(_("You may not give this reply."), code="reply_not_permitted")
    if round_ == ReplyRound.FIRST and case.status not in OPEN_STATUSES:
        raise Conflict(_("The case of this submission is closed."), code="case_closed")
    text = required_text(text, field="text", message=_("Write the reply."), limit=REPLY_LIMIT)
    day = today()
    targets = [feedback]
    if round_ == ReplyRound.FIRST:
        targets += list(
            Feedback.objects.select_for_update(of=("self",))
            .filter(merged_into=feedback, status=FeedbackStatus.MERGED)
            .select_related("case__handling_org", "case__applicant", "case__version")
            .order_by("pk")
        )
    for target in targets:
        _give_reply(target, round_=round_, text=text, template=template, actor=actor, day=day)
    return feedback


@transaction.atomic
def answer_reply(
    *, feedback: Feedback, satisfied: bool, comment: str = "", actor: User | None = None,
    with_pin: bool = False,
) -> Feedback:
    """The submitter's verdict on the latest reply (signed in, or holding the tracking code and
    PIN): unsatisfied reopens once for the division head, then escalates to a leader."""
    feedback = _lock(feedback)
    if not with_pin and (actor is None or feedback.case.applicant_id != actor.pk):
        raise NotPermitted(_("Only the submitter may answer."), code="not_submitter")
    if feedback.status != FeedbackStatus.REPLIED:
        raise Conflict(_("There is no reply waiting for your answer."), code="not_replied")
    reply = (FeedbackReply.objects.select_for_update().filter(feedback=feedback)
             .order_by("-round").first())
    if reply is None or reply.answered_at is not None:
        raise Conflict(_("There is no reply waiting for your answer."), code="not_replied")
    comment = (comment or "").strip()[:1000]
    now = timezone.now()
    reply.satisfied, reply.answered_at, reply.answer_comment = satisfied, now, comment
    reply.save(update_fields=["satisfied", "answered_at", "answer_comment"])
    from_status = feedback.status
    feedback.status = after_answer(round_=reply.round, satisfied=satisfied)
    fields = ["status"]
    day = today()
    organisation = feedback.case.handling_org
    if feedback.status == FeedbackStatus.CLOSED:
        feedback.closed_at = now
        fields += ["closed_at", *_set_due(feedback, None)]
    elif feedback.status == FeedbackStatus.REOPENED:
        fields += _set_due(feedback, deadline(day, days("QKB_FEEDBACK_SECOND_REPLY_DAYS")))
        notifying.feedback_needs_reply(
            feedback=feedback, case=feedback.case, recipients=notifying.heads_of(organisation),
            title=_("Submission %(number)s reopened") % {"number": feedback.number},
            body=_("The submitter is not satisfied with the reply. A second reply by the "
                   "division head is due by %(due)s.") % {"due": feedback.due_on})
    else:
        fields += _set_due(feedback, deadline(day, days("QKB_FEEDBACK_LEADER_REPLY_DAYS")))
        notifying.feedback_needs_reply(
            feedback=feedback, case=feedback.case,
            recipients=notifying.leaders_above(organisation),
            title=_("Submission %(number)s escalated to the leadership")
            % {"number": feedback.number},
            body=_("The submitter is still not satisfied after the second reply. A leader's "
                   "reply is due by %(due)s.") % {"due": feedback.due_on})
    feedback.save(update_fields=[*fields, "updated_at"])
    _event(feedback, FeedbackAction.SATISFIED if satisfied else FeedbackAction.UNSATISFIED,
           actor=actor, from_status=from_status, note=comment, data={"round": reply.round})
    if feedback.status in (FeedbackStatus.REOPENED, FeedbackStatus.ESCALATED):
        action = (FeedbackAction.REOPENED if feedback.status == FeedbackStatus.REOPENED
                  else FeedbackAction.ESCALATED)
        _event(feedback, action, actor=None, from_status=feedback.status,
               data={"due_on": feedback.due_on.isoformat() if feedback.due_on else None})
    record(action="feedback.reply_answered", actor=actor, target=feedback,
           organisation=organisation,
           changes={"round": reply.round, "satisfied": satisfied, "to": feedback.status,
                    "with_pin": with_pin})
    return feedback


@transaction.atomic
def close_unanswered(*, feedback: Feedback, on: dt.date | None = None) -> bool:
    """The submitter did not answer within the time: close without inventing a verdict."""
    feedback = _lock(feedback)
    if feedback.status != FeedbackStatus.REPLIED or feedback.due_on is None:
        return False
    if (on or today()) <= feedback.due_on:
        return False
    from_status = feedback.status
    feedback.status, feedback.closed_at = FeedbackStatus.CLOSED, timezone.now()
    fields = ["status", "closed_at", *_set_due(feedback, None)]
    feedback.save(update_fields=[*fields, "updated_at"])
    _event(feedback, FeedbackAction.CLOSED_UNANSWERED, actor=None, from_status=from_status)
    record(action="feedback.feedback_closed_unanswered", target=feedback,
           organisation=feedback.case.handling_org_id, changes={"from": from_status})
    return True


# --- extension, merging, adoption, publication, transfer ---------------------------------------


@transaction.atomic
def extend_reply(*, feedback: Feedback, actor: User, days_: int, reason: str) -> Feedback:
    """Extend the first reply's deadline once, with a reason, by the division head."""
    feedback = _lock(feedback)
    refuse_admin(actor)
    if not is_head_of(actor, feedback.case.handling_org):
        raise NotPermitted(_("Only the head of the handling division may extend the deadline."),
                           code="not_head")
    if feedback.status != FeedbackStatus.OPEN:
        raise Conflict(_("Only a deadline still waiting for the first reply can be extended."),
                       code="not_open")
    if feedback.extension_days:
        raise Conflict(_("The deadline has already been extended once."), code="already_extended")
    most = days("QKB_FEEDBACK_MAX_EXTENSION_DAYS")
    if isinstance(days_, bool) or not isinstance(days_, int) or not 1 <= days_ <= most:
        raise InvalidInput(ngettext("Extend by at most %(most)s working day.",
                                    "Extend by at most %(most)s working days.", most)
                           % {"most": most},
                           code="invalid_days", field="days")
    reason = required_text(reason, field="reason", message=_("Give a reason."), limit=1000)
    before = feedback.due_on or feedback.first_due_on
    due = deadline(before, days_)
    feedback.extension_days, feedback.extension_reason = days_, reason
    feedback.first_due_on = due.date
    fields = ["extension_days", "extension_reason", "first_due_on", *_set_due(feedback, due)]
    feedback.save(update_fields=[*fields, "updated_at"])
    _event(feedback, FeedbackAction.EXTENDED, actor=actor, from_status=feedback.status,
           note=reason, data={"days": days_, "due_before": before.isoformat(),
                              "due_on": due.date.isoformat()})
    record(action="feedback.reply_extended", actor=actor, target=feedback,
           organisation=feedback.case.handling_org,
           changes={"days": days_, "due_before": before, "due_on": due.date, "reason": reason})
    return feedback


@transaction.atomic
def merge_feedback(*, primary: Feedback, duplicate: Feedback, actor: User) -> Feedback:
    """Merge a duplicate into a primary of the same kind and organisation; the duplicate's
    submitter gets the primary's reply."""
    if primary.pk == duplicate.pk:
        raise InvalidInput(_("Choose another submission to merge."), code="same_feedback",
                           field="duplicate")
    # Lock both rows in primary-key order, so two merges in opposite directions cannot deadlock.
    locked = {f.pk: f for f in Feedback.objects.select_for_update(of=("self",))
              .filter(pk__in=[primary.pk, duplicate.pk]).select_related("case__handling_org")
              .order_by("pk")}
    primary, duplicate = locked[primary.pk], locked[duplicate.pk]
    refuse_admin(actor)
    if not is_staff_of(actor, primary.case.handling_org):
        raise NotPermitted(_("You may not merge these submissions."), code="not_staff")
    if primary.status != FeedbackStatus.OPEN or duplicate.status != FeedbackStatus.OPEN:
        raise Conflict(_("Only submissions still waiting for their first reply can be merged."),
                       code="not_open")
    if primary.kind != duplicate.kind or (
        primary.case.handling_org_id != duplicate.case.handling_org_id
    ):
        raise Conflict(_("Only submissions of the same kind and handling organisation can be "
                         "merged."), code="not_mergeable")
    if Feedback.objects.filter(merged_into=duplicate).exists():
        raise Conflict(_("Other submissions were merged into this one; merge the other way."),
                       code="has_duplicates")
    duplicate.status, duplicate.merged_into = FeedbackStatus.MERGED, primary
    fields = ["status", "merged_into", *_set_due(duplicate, None)]
    duplicate.save(update_fields=[*fields, "updated_at"])
    _event(duplicate, FeedbackAction.MERGED, actor=actor, from_status=FeedbackStatus.OPEN,
           data={"into": primary.number})
    _event(primary, FeedbackAction.MERGED_IN, actor=actor, from_status=primary.status,
           data={"duplicate": duplicate.number})
    record(action="feedback.feedback_merged", actor=actor, target=duplicate,
           organisation=primary.case.handling_org,
           changes={"into": primary.number, "duplicate": duplicate.number})
    return primary


@transaction.atomic
def adopt_suggestion(*, feedback: Feedback, actor: User, note: str) -> Feedback:
    """采纳: the handling division's head records what changes because of a suggestion."""
    feedback = _lock(feedback)
    refuse_admin(actor)
    if feedback.kind != FeedbackKind.SUGGESTION:
        raise Conflict(_("Only suggestions are adopted."), code="not_a_suggestion")
    if not is_head_of(actor, feedback.case.handling_org):
        raise NotPermitted(_("Only the head of the handling division may adopt a suggestion."),
                           code="not_head")
    if feedback.is_adopted:
        raise Conflict(_("This suggestion is already adopted."), code="already_adopted")
    if feedback.status == FeedbackStatus.MERGED:
        raise Conflict(_("Adopt the submission it was merged into."), code="merged")
    note = required_text(note, field="note", message=_("Say what changes."), limit=2000)
    feedback.is_adopted, feedback.adoption_note = True, note
    feedback.adopted_at = timezone.now()
    feedback.save(update_fields=["is_adopted", "adoption_note", "adopted_at", "updated_at"])
    _event(feedback, FeedbackAction.ADOPTED, actor=actor, from_status=feedback.status, note=note)
    record(action="feedback.suggestion_adopted", actor=actor, target=feedback,
           organisation=feedback.case.handling_org, changes={"note": note})
    return feedback


@transaction.atomic
def set_publication_consent(
    *, feedback: Feedback, consent: bool, actor: User | None = None, with_pin: bool = False
) -> Feedback:
    """The submitter gives or withdraws consent to publication; withdrawing unpublishes."""
    feedback = _lock(feedback)
    if not with_pin and (actor is None or feedback.case.applicant_id != actor.pk):
        raise NotPermitted(_("Only the submitter may decide this."), code="not_submitter")
    feedback.consent_to_publish = consent
    fields = ["consent_to_publish"]
    if not consent and feedback.published_at is not None:
        feedback.published_at = None
        fields.append("published_at")
    feedback.save(update_fields=[*fields, "updated_at"])
    record(action="feedback.publication_consent_changed", actor=actor, target=feedback,
           organisation=feedback.case.handling_org_id, changes={"consent": consent})
    return feedback


@transaction.atomic
def publish_feedback(
    *, feedback: Feedback, actor: User, title: str, text: str, reply: str
) -> Feedback:
    """Publish an adopted suggestion or an answered complaint, with consent, in words the
    publisher checked; phone numbers, ID numbers and e-mail addresses are removed anyway."""
    feedback = _lock(feedback)
    refuse_admin(actor)
    if not (is_head_of(actor, feedback.case.handling_org) or is_supervisor(actor)):
        raise NotPermitted(_("Only the handling division's head or the supervising division "
                             "may publish."), code="not_permitted")
    has_reply = FeedbackReply.objects.filter(feedback=feedback).exists()
    if not may_publish(kind=feedback.kind, is_adopted=feedback.is_adopted, has_reply=has_reply,
                       consent=feedback.consent_to_publish):
        raise Conflict(_("Only adopted suggestions and answered complaints whose submitter "
                         "consented can be published."), code="not_publishable")
    feedback.public_title = redact(required_text(title, field="title",
                                                 message=_("Give a title."), limit=TITLE_LIMIT))
    feedback.public_text = redact(required_text(text, field="text",
                                                message=_("Give the text."), limit=CONTENT_LIMIT))
    feedback.public_reply = redact(required_text(reply, field="reply",
                                                 message=_("Give the answer."),
                                                 limit=REPLY_LIMIT))
    feedback.published_at = timezone.now()
    feedback.save(update_fields=["public_title", "public_text", "public_reply", "published_at",
                                 "updated_at"])
    _event(feedback, FeedbackAction.PUBLISHED, actor=actor, from_status=feedback.status)
    record(action="feedback.feedback_published", actor=actor, target=feedback,
           organisation=feedback.case.handling_org, changes={"title": feedback.public_title})
    return feedback


def transfer_feedback(
    *, feedback: Feedback, actor: User, to_org: Organisation, reason: str
) -> Feedback:
    """首问负责: hand the case over with the cases app's transfer (the sender stays responsible
    until it is taken over; the feedback follows its case)."""
    case_services.transfer(case=feedback.case, actor=actor, to_org=to_org, reason=reason)
    feedback.refresh_from_db()
    return feedback


def template_for(*, template_id: int | None, feedback: Feedback) -> ReplyTemplate | None:
    """A reply template offered for this feedback, or None; NotFound for anything else."""
    if template_id is None:
        return None
    from qinkuaiban.feedback.selectors import templates_for

    template = templates_for(feedback=feedback).filter(pk=template_id).first()
    if template is None:
        raise NotFound(_("No such reply template."), code="template_not_found")
    return template
