"""Reads of the feedback app that depend on who asks. Anything the actor may not see is a 404.

Who sees what:
- a rating and its rectification: the staff of the handling organisation (and those above it,
  so a GOA leader sees every division's) and the supervising division's supervisors;
- a complaint, suggestion, praise or letter: whoever sees its case (the submitter, the handling
  organisation's staff, a receiver of a pending transfer), and the supervising division; an
  anonymous submitter sees only the one their tracking code and PIN open;
- the statistics dashboard: division heads, leaders and supervisors, for the organisations they
  see; the published figures of a service item and the published submissions: everyone.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from qinkuaiban.cases.models import Case, Channel, Status
from qinkuaiban.cases.prompts import CasePrompt
from qinkuaiban.cases.selectors import (
    cases_for_actor,
    get_case_by_tracking,
    get_case_for_actor,
    visible_org_ids,
)
from qinkuaiban.cases.timeline import TimelineEntry
from qinkuaiban.catalogue.models import ServiceItem
from qinkuaiban.core.dates import day_start, days_range
from qinkuaiban.core.errors import NotFound
from qinkuaiban.core.validators import mask_mobile
from qinkuaiban.feedback.conf import days
from qinkuaiban.feedback.models import (
    Evaluation,
    Feedback,
    FeedbackEvent,
    FeedbackReply,
    RatingInvitation,
    Rectification,
    RectificationEvent,
    ReplyTemplate,
    RoutingRule,
)
from qinkuaiban.feedback.permissions import (
    is_supervisor,
    may_call_back,
    rectification_parties,
)
from qinkuaiban.feedback.rules import (
    BAD_LEVELS,
    FEEDBACK_AWAITING_REPLY,
    GOOD_LEVELS,
    RECTIFIED_STATUSES,
    STAFF_AND_HEAD,
    AppealDecision,
    AppealGround,
    FeedbackAction,
    FeedbackKind,
    FeedbackStatus,
    Plan,
    RatedObject,
    RectificationAction,
    RectificationStatus,
    SystemStep,
    action_label,
    rectification_actions,
)
from qinkuaiban.feedback.services.evaluations import (
    is_rateable_kind,
    rating_window_end,
    staff_rateable,
)
from qinkuaiban.feedback.statistics import (
    FeedbackCounts,
    FeedbackFigures,
    RatingCounts,
    RatingFigures,
    feedback_figures,
    rating_figures,
)
from qinkuaiban.identity.models import Organisation, User
from qinkuaiban.identity.roles import Role
from qinkuaiban.identity.selectors import has_role

# --- ratings -----------------------------------------------------------------------------------


def get_rateable_case(*, actor: User, number: str) -> Case:
    """A case of the actor's own (as applicant) by number; NotFound for anyone else's."""
    case = (
        Case.objects.filter(number=number, applicant=actor)
        .select_related("item", "version", "handling_org", "responsible").first()
        if getattr(actor, "is_authenticated", False) else None
    )
    if case is None:
        raise NotFound(_("No such case."), code="case_not_found")
    return case


@dataclass(frozen=True)
class RatingState:
    """What the case page and the rating page show about rating one case."""

    case: Case
    invitation: RatingInvitation | None
    closes_on: dt.date | None
    item_rating: Evaluation | None
    staff_rating: Evaluation | None
    rates_staff: bool

    @property
    def is_open(self) -> bool:
        return (
            is_rateable_kind(self.case.kind) and self.case.status == Status.COMPLETED
            and self.closes_on is not None and timezone.localdate() <= self.closes_on
        )

    @property
    def may_rate_item(self) -> bool:
        return self.is_open and self.item_rating is None

    @property
    def may_rate_staff(self) -> bool:
        return self.is_open and self.rates_staff and self.staff_rating is None

    @property
    def may_rate(self) -> bool:
        return self.may_rate_item or self.may_rate_staff


def rating_state(*, case: Case) -> RatingState:
    """The rating window and the ratings given, for a case the caller already fetched."""
    return _rating_states([case])[case.pk]


def _rating_states(cases: Sequence[Case]) -> dict[int, RatingState]:
    """The rating state of each case, by id, in two queries however many cases there are (the
    invitations and the ratings given; a case completed without an invitation counts its window
    from completion)."""
    ids = [case.pk for case in cases]
    invitations = {invitation.case_id: invitation
                   for invitation in RatingInvitation.objects.filter(case_id__in=ids)}
    given: dict[int, dict[str, Evaluation]] = {}
    for rating in Evaluation.objects.filter(case_id__in=ids):
        given.setdefault(rating.case_id, {})[rating.rated_object] = rating
    states = {}
    for case in cases:
        invitation, ratings = invitations.get(case.pk), given.get(case.pk, {})
        states[case.pk] = RatingState(
            case=case, invitation=invitation, closes_on=rating_window_end(case, invitation),
            item_rating=ratings.get(RatedObject.ITEM),
            staff_rating=ratings.get(RatedObject.STAFF), rates_staff=staff_rateable(case),
        )
    return states


def cases_awaiting_rating(*, actor: User, cases: Iterable[Case]) -> set[int]:
    """The ids of the cases among `cases` (read through the cases selectors) that wait for the
    actor's rating as their applicant (待评价): by the rule of the rating page (RatingState)."""
    finished = [case for case in cases
                if case.applicant_id == actor.pk and case.status == Status.COMPLETED
                and is_rateable_kind(case.kind)]
    if not finished:
        return set()
    return {pk for pk, state in _rating_states(finished).items() if state.may_rate}


def rating_prompts(*, actor: User, cases: Sequence[Case]) -> dict[int, CasePrompt]:
    """待评价 beside each of the actor's cases waiting for their rating, with the link to its
    rating page (registered with the cases app's list of one's cases, apps.py)."""
    awaiting = cases_awaiting_rating(actor=actor, cases=cases)
    return {
        case.pk: CasePrompt(
            badge=_("Waiting for your rating"), link_text=_("Rate it now"),
            link_label=_("Rate it now: %(name)s, case %(number)s")
            % {"name": case.version.name, "number": case.number},
            url=reverse("feedback:rate", args=[case.number]),
        )
        for case in cases if case.pk in awaiting
    }


def evaluations_of_case(*, case: Case) -> QuerySet[Evaluation]:
    return Evaluation.objects.filter(case=case).select_related("staff", "organisation").order_by(
        "pk")


# --- rectifications ----------------------------------------------------------------------------


def rectifications_for_actor(*, actor: User) -> QuerySet[Rectification]:
    """Rectifications of the organisations the actor works in as staff (and below them); every
    one for the supervising division."""
    base = Rectification.objects.select_related(
        "organisation", "evaluation__case", "evaluation__item__current_version",
        "evaluation__staff", "evaluation__rater", "appeal",
    )
    if not getattr(actor, "is_authenticated", False):
        return base.none()
    if is_supervisor(actor):
        return base
    org_ids = visible_org_ids(actor)
    if not org_ids:
        return base.none()
    return base.filter(organisation_id__in=org_ids)


def rectification_list(
    *, actor: User, status: str = "", open_only: bool = False, appeals: bool = False
) -> QuerySet[Rectification]:
    """The actor's rectifications, soonest due first; filtered by status, open ones, or those
    with an appeal waiting."""
    found = rectifications_for_actor(actor=actor)
    if status:
        found = found.filter(status=status)
    if open_only:
        found = found.exclude(status__in=[RectificationStatus.CLOSED,
                                          RectificationStatus.EXCLUDED])
    if appeals:
        found = found.filter(appeal__isnull=False, appeal__decision="")
    return found.order_by("due_on", "pk")


def get_rectification_for_actor(*, actor: User, pk: int) -> Rectification:
    found = rectifications_for_actor(actor=actor).filter(pk=pk).first()
    if found is None:
        raise NotFound(_("No such rectification."), code="rectification_not_found")
    return found


def rectification_events(*, rectification: Rectification) -> QuerySet[RectificationEvent]:
    return RectificationEvent.objects.filter(rectification=rectification).select_related(
        "actor").order_by("created_at", "pk")


def available_rectification_actions(*, rectification: Rectification, actor: User) -> list[str]:
    """The steps open to the actor now (never the call-back for the staff member rated)."""
    appeal = getattr(rectification, "appeal", None)
    actions = rectification_actions(
        status=rectification.status,
        parties=rectification_parties(actor, rectification.organisation),
        appeal_pending=appeal is not None and appeal.is_pending, appealed=appeal is not None,
    )
    if not may_call_back(actor, rectification.evaluation):
        actions = [action for action in actions if action != RectificationAction.CALL_BACK]
    return actions


def call_back_left_to_others(*, rectification: Rectification, actor: User) -> bool:
    """The call-back is due and the actor, the staff member rated, may not record it."""
    return (rectification.status == RectificationStatus.AWAITING_CALL_BACK
            and not may_call_back(actor, rectification.evaluation))


@dataclass(frozen=True)
class RaterContact:
    """Who gave a bad rating and the number to reach them on (masked unless the reader works
    the rectification)."""

    name: str
    phone: str
    is_masked: bool


def rater_contact(*, rectification: Rectification, actor: User) -> RaterContact:
    """The rater's name and phone for 登记联系情况: their account's mobile, else the phone given
    with the case at the counter. In full for the handling organisation's staff who work the
    rectification, masked like every other phone number for anyone else (the supervisors)."""
    evaluation = rectification.evaluation
    case = evaluation.case
    rater = evaluation.rater
    phone = (
        (rater.mobile if rater is not None else "")
        or case.submitter_contact
        or str((case.form_data or {}).get("contact_phone") or "")
    ).strip()
    working = bool(rectification_parties(actor, rectification.organisation) & STAFF_AND_HEAD)
    masked = bool(phone) and not working
    return RaterContact(
        name=evaluation.rater_name or (str(rater) if rater is not None else ""),
        phone=mask_mobile(phone) if masked else phone, is_masked=masked,
    )


# --- complaints, suggestions, praise, letters -------------------------------------------------

FEEDBACK_RELATED = ("case__handling_org", "case__applicant", "case__version", "merged_into__case")


def feedback_for_actor(*, actor: User) -> QuerySet[Feedback]:
    """Every feedback whose case the actor sees; every one for the supervising division."""
    base = Feedback.objects.select_related(*FEEDBACK_RELATED)
    if not getattr(actor, "is_authenticated", False):
        return base.none()
    if is_supervisor(actor):
        return base
    return base.filter(case__in=cases_for_actor(actor=actor).values("pk"))


def get_feedback_for_actor(*, actor: User, number: str) -> Feedback:
    found = feedback_for_actor(actor=actor).filter(case__number=number).first()
    if found is None:
        raise NotFound(_("No such submission."), code="feedback_not_found")
    return found


def get_feedback_by_tracking(*, tracking_code: str, pin: str) -> Feedback:
    """Public: an anonymous submission by its tracking code and PIN; any mismatch is the same
    NotFound (the cases app's check, which spends the same time on unknown codes)."""
    try:
        case = get_case_by_tracking(reference=tracking_code, code=pin)
    except NotFound:
        raise NotFound(_("No submission matches this tracking code and PIN."),
                       code="feedback_not_found") from None
    if case.tracking_code != tracking_code.strip().upper():
        raise NotFound(_("No submission matches this tracking code and PIN."),
                       code="feedback_not_found")
    found = Feedback.objects.select_related(*FEEDBACK_RELATED).filter(case=case).first()
    if found is None:
        raise NotFound(_("No submission matches this tracking code and PIN."),
                       code="feedback_not_found")
    return found


def get_feedback_by_pk(*, pk: int) -> Feedback:
    """For a submitter already verified in this session (tracking code and PIN)."""
    found = Feedback.objects.select_related(*FEEDBACK_RELATED).filter(pk=pk).first()
    if found is None:
        raise NotFound(_("No such submission."), code="feedback_not_found")
    return found


def tracked_submission_by_key(*, idempotency_key: str, tracked: Iterable[int]
                              ) -> Feedback | None:
    """The anonymous submission filed with this key, if this browser already opened it with its
    tracking code and PIN (`tracked`, the session's list); None otherwise."""
    if not idempotency_key:
        return None
    return Feedback.objects.filter(
        case__registered_by__isnull=True, case__idempotency_key=idempotency_key,
        pk__in=list(tracked),
    ).first()


def may_open_case(*, actor: User, case: Case) -> bool:
    """Whether the case page admits the actor: the cases app's own selector decides, so a
    link to that page is shown only to those it would not answer with a 404."""
    if not case.number:
        return False
    try:
        get_case_for_actor(actor=actor, number=case.number)
    except NotFound:
        return False
    return True


def feedback_queue(
    *, actor: User, kind: str = "", status: str = "", waiting: bool = True
) -> QuerySet[Feedback]:
    """Feedback of the organisations the actor works in as staff, soonest due first."""
    org_ids = visible_org_ids(actor)
    if not org_ids and not is_supervisor(actor):
        return Feedback.objects.none()
    found = Feedback.objects.select_related(*FEEDBACK_RELATED)
    if not is_supervisor(actor):
        found = found.filter(Q(case__handling_org_id__in=org_ids) | Q(case__responsible=actor))
    if kind:
        found = found.filter(kind=kind)
    if status:
        found = found.filter(status=status)
    elif waiting:
        found = found.filter(status__in=[*FEEDBACK_AWAITING_REPLY, FeedbackStatus.MERGED])
    return found.order_by("due_on", "pk")


def feedback_replies(*, feedback: Feedback) -> QuerySet[FeedbackReply]:
    return FeedbackReply.objects.filter(feedback=feedback).select_related("author").order_by(
        "round")


def feedback_events(*, feedback: Feedback) -> QuerySet[FeedbackEvent]:
    return FeedbackEvent.objects.filter(feedback=feedback).select_related("actor").order_by(
        "created_at", "pk")


def merge_candidates(*, feedback: Feedback) -> QuerySet[Feedback]:
    """Other open submissions of the same kind and organisation (possible duplicates)."""
    return (
        Feedback.objects.filter(kind=feedback.kind, status=FeedbackStatus.OPEN,
                                case__handling_org_id=feedback.case.handling_org_id)
        .exclude(pk=feedback.pk).select_related("case").order_by("-created_at")[:50]
    )


def templates_for(*, feedback: Feedback) -> QuerySet[ReplyTemplate]:
    """Active templates for this kind: shared ones and those of the organisation or above."""
    from qinkuaiban.cases.permissions import ancestor_ids

    chain = ancestor_ids(feedback.case.handling_org)
    return ReplyTemplate.objects.filter(
        Q(organisation__isnull=True) | Q(organisation_id__in=chain), is_active=True,
    ).filter(Q(kind="") | Q(kind=feedback.kind)).order_by("title", "pk")


def templates_kept_by(*, actor: User) -> QuerySet[ReplyTemplate]:
    """Templates the actor may see on the templates page (shared, and their organisations')."""
    org_ids = visible_org_ids(actor)
    if not org_ids and not is_supervisor(actor):
        return ReplyTemplate.objects.none()
    return ReplyTemplate.objects.filter(
        Q(organisation__isnull=True) | Q(organisation_id__in=org_ids)
    ).select_related("organisation").order_by("organisation__name", "title")


def routing_rules() -> QuerySet[RoutingRule]:
    return RoutingRule.objects.select_related("target_org", "handling_org", "updated_by")


def published_feedback() -> QuerySet[Feedback]:
    """Published submissions (public: only the published title and texts are shown)."""
    return Feedback.objects.filter(published_at__isnull=False, consent_to_publish=True).order_by(
        "-published_at", "-pk")


def get_published_feedback(*, pk: int) -> Feedback:
    found = published_feedback().filter(pk=pk).first()
    if found is None:
        raise NotFound(_("No such publication."), code="publication_not_found")
    return found


# --- the case page's timeline ------------------------------------------------------------------


# The rectification steps the rater is told of. Their notes stay with the organisation except the
# fix made and the explanation, which are what the rater is told back (国办发〔2019〕51号).
RATER_SEES_STEP: frozenset[str] = frozenset({
    SystemStep.OPENED, RectificationAction.CONTACT, RectificationAction.RECTIFY,
    RectificationAction.EXPLAIN, RectificationAction.CALL_BACK,
})
RATER_SEES_NOTE: frozenset[str] = frozenset({
    RectificationAction.RECTIFY, RectificationAction.EXPLAIN,
})


def _shown_date(value: object) -> str:
    try:
        return date_format(dt.date.fromisoformat(str(value)))
    except ValueError:
        return str(value)


def _step_label(event: RectificationEvent, organisation: Organisation) -> str:
    """What one rectification step did, in the past tense."""
    data = event.data or {}
    if event.action == SystemStep.OPENED:
        return _("Bad rating: rectification assigned to %(organisation)s") % {
            "organisation": organisation.name}
    if event.action == RectificationAction.CONTACT:
        return _("The rater was contacted")
    if event.action == RectificationAction.VERIFY:
        return _("The rating was verified")
    if event.action == RectificationAction.RECTIFY:
        if data.get("plan") == Plan.BY_DEADLINE:
            return _("Rectification planned, to be done by %(date)s") % {
                "date": _shown_date(data.get("fix_due_on"))}
        if data.get("plan") == Plan.AT_ONCE:
            return _("Rectified at once")
        return _("Rectification done")
    if event.action == RectificationAction.EXPLAIN:
        return str(Plan.EXPLAINED.label)
    if event.action == RectificationAction.CALL_BACK:
        if data.get("satisfied"):
            return _("Called back: the rater is satisfied")
        return _("Called back: the rater is not satisfied")
    if event.action == RectificationAction.APPEAL and data.get("ground") in AppealGround.values:
        return _("Appeal filed: %(ground)s") % {"ground": AppealGround(data["ground"]).label}
    if (event.action == RectificationAction.DECIDE_APPEAL
            and data.get("decision") in AppealDecision.values):
        return str(AppealDecision(data["decision"]).label)
    return action_label(event.action)


def _rating_entries(*, case: Case, actor: User) -> list[TimelineEntry]:
    """The ratings, and each bad rating's rectification: in full for the staff of the rating's
    organisation and the supervising division; for the rater, their rating and what they are
    told of its rectification."""
    # Only a completed case is rated, and completion is final: open cases cost no query.
    if case.status != Status.COMPLETED:
        return []
    ratings = list(Evaluation.objects.filter(case=case).select_related(
        "staff", "rectification__organisation").order_by("created_at", "pk"))
    if not ratings:
        return []
    supervisor = is_supervisor(actor)
    org_ids = set() if supervisor else visible_org_ids(actor)
    entries: list[TimelineEntry] = []
    rectifications: dict[int, tuple[Rectification, bool]] = {}
    for rating in ratings:
        own = rating.rater_id == actor.pk
        as_staff = not own and (supervisor or rating.organisation_id in org_ids)
        if not as_staff and not own:
            continue
        if as_staff and not rating.is_real_name:
            # Beside the case's applicant, a rating not given under a real name would name its
            # rater: staff see it, and its rectification, in the feedback pages only.
            continue
        level = rating.get_level_display()
        if rating.rated_object == RatedObject.STAFF:
            label = _("Rating of staff member %(name)s: %(level)s") % {
                "name": str(rating.staff), "level": level}
        else:
            label = _("Rating of the service: %(level)s") % {"level": level}
        rater = rating.rater_name if rating.is_real_name else _("Anonymous")
        entries.append(TimelineEntry(at=rating.created_at, label=label, by=rater,
                                         text=rating.comment, badge=_("Service rating")))
        rectification = getattr(rating, "rectification", None)
        if rectification is not None:
            rectifications[rectification.pk] = (rectification, as_staff)
    if not rectifications:
        return entries
    badge = _("Rectification")
    steps = RectificationEvent.objects.filter(rectification_id__in=list(rectifications)
                                              ).select_related("actor").order_by("created_at",
                                                                                 "pk")
    for step in steps:
        rectification, as_staff = rectifications[step.rectification_id]
        if not as_staff and step.action not in RATER_SEES_STEP:
            continue
        # A fix planned by a deadline is told as its date; the plan's note and ledger entry
        # are the organisation's working papers.
        note_shown = as_staff or (step.action in RATER_SEES_NOTE
                                  and (step.data or {}).get("plan") != Plan.BY_DEADLINE)
        entries.append(TimelineEntry(
            at=step.created_at, label=_step_label(step, rectification.organisation),
            by=str(step.actor) if step.actor is not None else "",
            text=step.note if note_shown else "", badge=badge))
    return entries


def _submission_entries(*, case: Case, actor: User) -> list[TimelineEntry]:
    """Complaints, suggestions, praise and letters about the case, as far as the actor sees
    them (feedback_for_actor): the submission, the replies, adoption and the submitter's
    answers."""
    # Most cases have none: one plain query says so before visibility is worked out.
    about = list(Feedback.objects.filter(target_case=case).exclude(
        status=FeedbackStatus.MERGED).order_by().values_list("pk", flat=True))
    if not about:
        return []
    found = {f.pk: f for f in feedback_for_actor(actor=actor).filter(pk__in=about)}
    if not found:
        return []
    entries: list[TimelineEntry] = []

    def submitter(feedback: Feedback) -> str:
        if feedback.is_anonymous or feedback.case.applicant_id is None:
            return _("Anonymous")
        return feedback.case.applicant_display

    for feedback in found.values():
        badge = feedback.get_kind_display()
        entries.append(TimelineEntry(
            at=feedback.created_at, badge=badge, by=submitter(feedback),
            label=_("Filed as %(number)s: %(title)s") % {
                "number": feedback.number, "title": feedback.title},
            text=feedback.content))
        if feedback.is_adopted and feedback.adopted_at is not None:
            entries.append(TimelineEntry(
                at=feedback.adopted_at, label=str(FeedbackAction.ADOPTED.label),
                text=feedback.adoption_note, badge=badge))
    replies = FeedbackReply.objects.filter(feedback_id__in=list(found)).select_related(
        "author").order_by("feedback", "round")
    for reply in replies:
        feedback = found[reply.feedback_id]
        badge = feedback.get_kind_display()
        entries.append(TimelineEntry(at=reply.created_at, label=reply.get_round_display(),
                                         by=str(reply.author), text=reply.text, badge=badge))
        if reply.answered_at is not None:
            verdict = FeedbackAction.SATISFIED if reply.satisfied else FeedbackAction.UNSATISFIED
            entries.append(TimelineEntry(
                at=reply.answered_at, label=str(verdict.label), by=submitter(feedback),
                text=reply.answer_comment, badge=badge))
    return entries


def case_feedback_events(*, case: Case, actor: User) -> list[TimelineEntry]:
    """What the feedback app knows about a case, as the actor may see it, oldest first: the
    ratings, a bad rating's rectification, and complaints or suggestions about the case with
    their replies.
    The applicant sees their own rating and what they are told back, never staff notes; the
    handling organisation's staff and the supervising division see the rest as the
    rectification and feedback pages show it."""
    if not getattr(actor, "is_authenticated", False):
        return []
    entries = [*_rating_entries(case=case, actor=actor),
               *_submission_entries(case=case, actor=actor)]
    return sorted(entries, key=lambda entry: entry.at)


def case_feedback_public_steps(*, case: Case) -> list[TimelineEntry]:
    """For the public progress page: that the case was rated — nothing more."""
    # The code holder need not be the rater: no level, comment or name, and no rectification
    # (only a bad rating has one, so even its existence would tell the level).
    if case.status != Status.COMPLETED:
        return []
    first = (Evaluation.objects.filter(case=case).order_by("created_at", "pk")
             .values_list("created_at", flat=True).first())
    if first is None:
        return []
    return [TimelineEntry(at=first, label=_("The service was rated"),
                              badge=_("Service rating"))]


# --- statistics --------------------------------------------------------------------------------


def month_bounds(month: dt.date) -> tuple[dt.date, dt.date]:
    """The first and the last day of the month of `month`."""
    start = month.replace(day=1)
    end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    return start, end


def _rating_counts_by(
    key: str, *, start: dt.date, end: dt.date, item: ServiceItem | None = None,
    org_ids: set[int] | None = None,
) -> dict[int, RatingCounts]:
    """Counts per value of `key` ("item" or "organisation") over ratings given and cases
    completed from start to end (inclusive)."""
    since, until = days_range(start, end)
    ratings = Evaluation.objects.filter(created_at__gte=since, created_at__lt=until)
    completed = Case.objects.filter(status=Status.COMPLETED, completed_at__gte=since,
                                    completed_at__lt=until).exclude(
        kind__in=FeedbackKind.values)
    case_key = "item" if key == "item" else "handling_org"
    if item is not None:
        ratings, completed = ratings.filter(item=item), completed.filter(item=item)
    if org_ids is not None:
        ratings = ratings.filter(organisation_id__in=org_ids)
        completed = completed.filter(handling_org_id__in=org_ids)
    counted = Q(is_excluded=False)
    bad = counted & Q(level__in=BAD_LEVELS)
    rows = ratings.order_by().values(key).annotate(
        ratings=Count("pk", filter=counted),
        good=Count("pk", filter=counted & Q(level__in=GOOD_LEVELS)),
        bad=Count("pk", filter=bad),
        rectified=Count("pk", filter=bad & Q(rectification__status__in=RECTIFIED_STATUSES)),
        called_back=Count("pk", filter=bad & Q(rectification__called_back_at__isnull=False)),
        satisfied=Count("pk", filter=bad & Q(rectification__rater_satisfied=True)),
        excluded=Count("pk", filter=Q(is_excluded=True)),
    )
    counted_rating = Evaluation.objects.filter(case=OuterRef("pk"), is_excluded=False)
    cases = completed.order_by().values(case_key).annotate(
        completed=Count("pk"), rated=Count("pk", filter=Q(Exists(counted_rating))),
    )
    result: dict[int, RatingCounts] = {}
    for row in rows:
        result[row[key]] = RatingCounts(
            ratings=row["ratings"], good=row["good"], bad=row["bad"], rectified=row["rectified"],
            called_back=row["called_back"], satisfied_after_call_back=row["satisfied"],
            excluded=row["excluded"],
        )
    for row in cases:
        result[row[case_key]] = result.get(row[case_key], RatingCounts()) + RatingCounts(
            completed_cases=row["completed"], rated_cases=row["rated"])
    return result


def public_item_figures(*, item: ServiceItem, today: dt.date | None = None) -> tuple[
    RatingFigures, dt.date, dt.date
]:
    """The published figures of one service over the last 12 months (counts only, public)."""
    until = today or timezone.localdate()
    since = until - dt.timedelta(days=365)
    counts = _rating_counts_by("item", start=since, end=until, item=item).get(
        item.pk, RatingCounts())
    return rating_figures(counts, minimum=days("QKB_FEEDBACK_MIN_SAMPLE")), since, until


def may_see_dashboard(actor: User) -> bool:
    return has_role(actor, Role.DIVISION_HEAD, Role.LEADER) or is_supervisor(actor)


@dataclass(frozen=True)
class Row:
    label: str
    figures: RatingFigures


@dataclass(frozen=True)
class FeedbackRow:
    kind_label: str
    organisation: str
    figures: FeedbackFigures


@dataclass(frozen=True)
class Dashboard:
    start: dt.date
    end: dt.date
    total: RatingFigures
    by_organisation: list[Row]
    by_item: list[Row]
    feedback: list[FeedbackRow]
    feedback_total: FeedbackFigures


def _item_name(item: ServiceItem) -> str:
    version = item.current_version
    return version.name if version is not None else item.code


def dashboard_for(*, actor: User, month: dt.date) -> Dashboard:
    """Figures of one month for the organisations the actor sees (all of them for the
    supervising division): per organisation, per item, and complaints and suggestions."""
    start, end = month_bounds(month)
    minimum = days("QKB_FEEDBACK_MIN_SAMPLE")
    org_ids = None if is_supervisor(actor) else visible_org_ids(actor)
    by_org = _rating_counts_by("organisation", start=start, end=end, org_ids=org_ids)
    by_item = _rating_counts_by("item", start=start, end=end, org_ids=org_ids)
    orgs = Organisation.objects.in_bulk(list(by_org))
    items = ServiceItem.objects.select_related("current_version").in_bulk(list(by_item))
    total = RatingCounts()
    for counts in by_org.values():
        total = total + counts
    org_rows = sorted(
        (Row(orgs[pk].name, rating_figures(counts, minimum=minimum))
         for pk, counts in by_org.items() if pk in orgs), key=lambda row: row.label)
    item_rows = sorted(
        (Row(_item_name(items[pk]), rating_figures(counts, minimum=minimum))
         for pk, counts in by_item.items() if pk in items), key=lambda row: row.label)
    feedback_rows, feedback_total = _feedback_rows(start=start, end=end, org_ids=org_ids,
                                                   minimum=minimum)
    return Dashboard(start=start, end=end, total=rating_figures(total, minimum=minimum),
                     by_organisation=org_rows, by_item=item_rows, feedback=feedback_rows,
                     feedback_total=feedback_total)


def _feedback_rows(*, start: dt.date, end: dt.date, org_ids: set[int] | None,
                   minimum: int) -> tuple[list[FeedbackRow], FeedbackFigures]:
    since, until = days_range(start, end)
    submitted = Feedback.objects.filter(created_at__gte=since, created_at__lt=until)
    if org_ids is not None:
        submitted = submitted.filter(case__handling_org_id__in=org_ids)
    first = Q(replies__round=1)
    rows = submitted.order_by().values("kind", "case__handling_org__name").annotate(
        submitted=Count("pk", distinct=True),
        replied=Count("replies", filter=first),
        on_time=Count("replies", filter=first & Q(replies__is_on_time=True)),
        answers=Count("replies", filter=Q(replies__answered_at__isnull=False)),
        satisfied=Count("replies", filter=Q(replies__satisfied=True)),
        adopted=Count("pk", filter=Q(is_adopted=True), distinct=True),
    )
    result = []
    totals = FeedbackCounts()
    for row in sorted(rows, key=lambda r: (r["kind"], r["case__handling_org__name"])):
        suggestions = row["submitted"] if row["kind"] == FeedbackKind.SUGGESTION else 0
        counts = FeedbackCounts(
            submitted=row["submitted"], replied=row["replied"], replied_on_time=row["on_time"],
            answers=row["answers"], satisfied=row["satisfied"], suggestions=suggestions,
            adopted=row["adopted"],
        )
        totals = FeedbackCounts(*(a + b for a, b in zip(
            (totals.submitted, totals.replied, totals.replied_on_time, totals.answers,
             totals.satisfied, totals.suggestions, totals.adopted),
            (counts.submitted, counts.replied, counts.replied_on_time, counts.answers,
             counts.satisfied, counts.suggestions, counts.adopted), strict=True)))
        result.append(FeedbackRow(str(FeedbackKind(row["kind"]).label),
                                  row["case__handling_org__name"],
                                  feedback_figures(counts, minimum=minimum)))
    return result, feedback_figures(totals, minimum=minimum)


def window_cases_to_rate(*, actor: User) -> QuerySet[Case]:
    """Window cases the clerk's organisations completed today and that are not rated yet, for
    the counter page."""
    org_ids = visible_org_ids(actor)
    rated = Evaluation.objects.filter(case=OuterRef("pk"), rated_object=RatedObject.ITEM)
    return (
        Case.objects.filter(handling_org_id__in=org_ids, status=Status.COMPLETED,
                            channel=Channel.WINDOW,
                            completed_at__gte=day_start(timezone.localdate()))
        .exclude(Exists(rated)).exclude(kind__in=FeedbackKind.values)
        .select_related("version").order_by("-completed_at")
    )
