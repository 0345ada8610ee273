"""好差评: the invitation on completion and the rating itself. A bad rating opens its
rectification in the same transaction."""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qinkuaiban.audit.services import record
from qinkuaiban.cases.models import Case, Channel, Status
from qinkuaiban.core.errors import Conflict, DomainError, InvalidInput, NotPermitted
from qinkuaiban.feedback import notifying
from qinkuaiban.feedback.conf import days
from qinkuaiban.feedback.models import Evaluation, RatingInvitation
from qinkuaiban.feedback.rules import (
    FeedbackKind,
    RatedObject,
    RatingChannel,
    rating_errors,
    reason_error,
)
from qinkuaiban.feedback.services._common import deadline, refuse_admin, today, too_long
from qinkuaiban.feedback.services.rectifications import open_rectification
from qinkuaiban.identity.models import User
from qinkuaiban.workdays.rules import Deadline

COMMENT_LIMIT = 1000


def rating_channel(case: Case) -> str:
    """Online cases use the online indicator set; window, phone and on-site ones the on-site set."""
    return RatingChannel.ONLINE if case.channel == Channel.ONLINE else RatingChannel.ON_SITE


def is_rateable_kind(kind: str) -> bool:
    """Complaints and suggestions are answered and judged through their reply, not rated."""
    return kind not in FeedbackKind.values


def staff_rateable(case: Case) -> bool:
    """Window-handled cases rate the staff member who handled them besides the service."""
    return case.channel == Channel.WINDOW and case.responsible_id is not None


@transaction.atomic
def invite_rating(*, case: Case) -> RatingInvitation | None:
    """Open the rating window of a completed case (once) and, for an online case, ask the
    applicant by message and SMS; window cases are rated at the counter."""
    if not is_rateable_kind(case.kind) or case.status != Status.COMPLETED:
        return None
    existing = RatingInvitation.objects.filter(case=case).first()
    if existing is not None:
        return existing
    due = _window_from_completion(case)
    invitation = RatingInvitation.objects.create(
        case=case, channel=rating_channel(case), invited_at=timezone.now(), expires_on=due.date,
        expires_provisional=due.provisional,
    )
    record(action="feedback.rating_invited", target=case, organisation=case.handling_org_id,
           changes={"channel": invitation.channel, "expires_on": due.date})
    if case.channel == Channel.ONLINE:
        notifying.rating_invited(case=case)
    return invitation


def rating_closes_on(case: Case) -> dt.date | None:
    """The last day the case may be rated (the invitation's, else counted from completion)."""
    return rating_window_end(case, RatingInvitation.objects.filter(case=case).first())


def rating_window_end(case: Case, invitation: RatingInvitation | None) -> dt.date | None:
    """`rating_closes_on` for a case whose invitation (or its absence) was read already."""
    if invitation is not None:
        return invitation.expires_on
    if case.completed_at is None:
        return None
    return _window_from_completion(case).date


def _window_from_completion(case: Case) -> Deadline:
    """The rating window's last day, counted in working days from the day the case was
    completed (today for a case without a completion time)."""
    start = timezone.localdate(case.completed_at) if case.completed_at else today()
    return deadline(start, days("QKB_FEEDBACK_RATING_WINDOW_DAYS"))


def _check_rating(case: Case, *, rated_object: str, level: Any, scores: Any) -> str:
    if not is_rateable_kind(case.kind):
        raise Conflict(_("Complaints and suggestions are judged through their reply."),
                       code="not_rateable")
    if case.status != Status.COMPLETED:
        raise Conflict(_("A case can be rated once it is completed."), code="not_completed")
    closes_on = rating_closes_on(case)
    if closes_on is None or today() > closes_on:
        raise Conflict(_("The time to rate this case has ended."), code="rating_closed")
    if rated_object not in RatedObject.values:
        raise InvalidInput(_("Rate the service or the staff member."), code="invalid_object",
                           field="rated_object")
    channel = rating_channel(case)
    if rated_object == RatedObject.STAFF:
        if not staff_rateable(case):
            raise Conflict(_("Only cases handled at a window rate the staff member."),
                           code="no_staff_to_rate")
        channel = RatingChannel.ON_SITE
    errors = rating_errors(channel=channel, level=level, scores=scores)
    if errors:
        field, message = next(iter(errors.items()))
        raise InvalidInput(message, code=f"invalid_{field}", field=field)
    return channel


@transaction.atomic
def rate_case(
    *,
    case: Case,
    actor: User | None,
    level: int,
    scores: Mapping[str, int],
    comment: str = "",
    rated_object: str = RatedObject.ITEM,
    at_counter: bool = False,
) -> Evaluation:
    """One rating of a completed case by its applicant (signed in, or at the counter with the
    token the clerk showed). Conflict when already rated, not completed or the window closed."""
    # Lock the case: two submissions of the same form race to the unique constraint otherwise.
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("item", "handling_org", "responsible", "applicant", "version")
        .get(pk=case.pk)
    )
    refuse_admin(actor)
    if not at_counter and (actor is None or case.applicant_id != actor.pk):
        raise NotPermitted(_("Only the applicant may rate this case."), code="not_applicant")
    channel = _check_rating(case, rated_object=rated_object, level=level, scores=scores)
    if Evaluation.objects.filter(case=case, rated_object=rated_object).exists():
        raise Conflict(_("You have already rated this."), code="already_rated")
    comment = (comment or "").strip()
    if len(comment) > COMMENT_LIMIT:
        raise too_long(field="comment", limit=COMMENT_LIMIT)
    reason = reason_error(level=level, comment=comment)
    if reason is not None:
        raise InvalidInput(reason, code="reason_required", field="comment")
    try:
        with transaction.atomic():
            evaluation = Evaluation.objects.create(
                case=case, item=case.item, organisation=case.handling_org,
                rated_object=rated_object,
                staff=case.responsible if rated_object == RatedObject.STAFF else None,
                channel=channel, level=level, scores=dict(scores), comment=comment,
                rater=case.applicant, rater_name=case.applicant_display[:60],
                is_real_name=case.applicant_id is not None or not case.tracking_code,
                at_counter=at_counter,
            )
    except IntegrityError:
        raise Conflict(_("You have already rated this."), code="already_rated") from None
    record(action="feedback.case_rated", actor=actor, target=evaluation,
           organisation=case.handling_org,
           changes={"case": case.number, "rated_object": rated_object, "level": level,
                    "scores": dict(scores), "at_counter": at_counter})
    if evaluation.is_bad:
        open_rectification(evaluation=evaluation)
    return evaluation


@dataclass(frozen=True)
class RatingInput:
    """One part of a rating given on one page: its level, indicator scores and comment."""

    level: int
    scores: Mapping[str, int] = field(default_factory=dict)
    comment: str = ""


@transaction.atomic
def rate_visit(
    *,
    case: Case,
    actor: User | None,
    ratings: Mapping[str, RatingInput],
    at_counter: bool = False,
) -> list[Evaluation]:
    """The service and, at a window, the staff member rated together: every part is saved or
    none is. The service rating is the one every case gets, so a staff rating alone is refused
    while the service is unrated. A refusal names its part in `field` ("staff.comment")."""
    Case.objects.select_for_update(of=("self",)).filter(pk=case.pk).first()
    if not ratings:
        raise InvalidInput(_("Rate the service."), code="service_rating_required",
                           field=RatedObject.ITEM)
    unknown = set(ratings) - set(RatedObject.values)
    if unknown:
        raise InvalidInput(_("Rate the service or the staff member."), code="invalid_object",
                           field="rated_object")
    if RatedObject.ITEM not in ratings and not Evaluation.objects.filter(
            case=case, rated_object=RatedObject.ITEM).exists():
        # Source: 国办发〔2019〕51号 — every service is rated (一事一评); the staff rating at the
        # window is given beside it, never instead of it.
        raise InvalidInput(_("Rate the service as well: rating the staff member is optional, "
                             "rating the service is not."), code="service_rating_required",
                           field=RatedObject.ITEM)
    given = []
    for rated_object in (RatedObject.ITEM, RatedObject.STAFF):
        part = ratings.get(rated_object)
        if part is None:
            continue
        try:
            given.append(rate_case(case=case, actor=actor, level=part.level,
                                   scores=part.scores, comment=part.comment,
                                   rated_object=rated_object, at_counter=at_counter))
        except DomainError as exc:
            where = f"{rated_object}.{exc.field}" if exc.field else str(rated_object)
            raise type(exc)(exc.message, code=exc.code, field=where) from exc
    return given
