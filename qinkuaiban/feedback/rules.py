"""The rules of 好差评 and of complaints and suggestions, as data: rating levels and indicator
sets, the rectification and feedback workflow tables, and the warning level of a deadline. Pure:
no database, so a policy owner can read it and a test can walk it.

Source: 国办发〔2019〕51号 (every item, every channel rated; 差评 rectified and called back,
real-name 差评 called back 100 %; an appeal path for mistaken and malicious ratings); the five
levels and the indicator sets as published by the provincial platforms (domain.md §4).
"""

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qinkuaiban.workdays.rules import WorkCalendar

# --- ratings (好差评) ---------------------------------------------------------------------------


class Level(models.IntegerChoices):
    VERY_SATISFIED = 5, _("Very satisfied")
    SATISFIED = 4, _("Satisfied")
    FAIRLY_SATISFIED = 3, _("Fairly satisfied")
    DISSATISFIED = 2, _("Dissatisfied")
    VERY_DISSATISFIED = 1, _("Very dissatisfied")


GOOD_LEVELS: frozenset[int] = frozenset({Level.VERY_SATISFIED, Level.SATISFIED})
# 不满意 and 非常不满意 are 差评: each opens a rectification.
BAD_LEVELS: frozenset[int] = frozenset({Level.DISSATISFIED, Level.VERY_DISSATISFIED})


class RatingChannel(models.TextChoices):
    """Which indicator set applies: 网上 "一事一评" or 现场 "一次一评"."""

    ONLINE = "online", _("Online")
    ON_SITE = "on_site", _("On site")


class Indicator(models.TextChoices):
    EFFICIENCY = "efficiency", _("Efficiency of handling")
    GUIDE_ACCURACY = "guide_accuracy", _("Accuracy of the service guide")
    CONVENIENCE = "convenience", _("Convenience of handling")
    PLATFORM_USABILITY = "platform_usability", _("Ease of use of the platform")
    SERVICE_EFFICIENCY = "service_efficiency", _("Efficiency of service")
    SERVICE_LEVEL = "service_level", _("Standard of service")
    SERVICE_ATTITUDE = "service_attitude", _("Attitude of the staff")


# The overall satisfaction (整体满意度) is the rating's level; these are rated beside it.
INDICATORS: dict[str, tuple[str, ...]] = {
    RatingChannel.ONLINE: (
        Indicator.EFFICIENCY, Indicator.GUIDE_ACCURACY, Indicator.CONVENIENCE,
        Indicator.PLATFORM_USABILITY,
    ),
    RatingChannel.ON_SITE: (
        Indicator.SERVICE_EFFICIENCY, Indicator.SERVICE_LEVEL, Indicator.SERVICE_ATTITUDE,
    ),
}


class RatedObject(models.TextChoices):
    """What one rating is about: the service item, or the staff member at the window."""

    ITEM = "item", _("The service")
    STAFF = "staff", _("The staff member")


def is_level(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value in Level.values


def rating_errors(*, channel: str, level: Any, scores: Any) -> dict[str, str]:
    """What is wrong with a rating's level and indicator scores ({} when it is acceptable):
    the level 1–5 and every indicator of the channel's set, each 1–5, nothing else."""
    errors: dict[str, str] = {}
    if not is_level(level):
        errors["level"] = str(_("Choose a level from 1 (very dissatisfied) to 5 (very satisfied)."))
    if not isinstance(scores, Mapping):
        errors["scores"] = str(_("Give a score for each indicator."))
        return errors
    wanted = INDICATORS[channel]
    unknown = sorted(set(scores) - set(wanted))
    missing = [name for name in wanted if name not in scores]
    bad = [name for name in wanted if name in scores and not is_level(scores[name])]
    if unknown:
        errors["scores"] = str(_("Unknown indicators: %(names)s.") % {"names": ", ".join(unknown)})
    elif missing:
        errors["scores"] = str(_("Rate every indicator: %(names)s.") % {
            "names": "、".join(str(Indicator(name).label) for name in missing)})
    elif bad:
        errors["scores"] = str(_("Each indicator is rated from 1 to 5."))
    return errors


# A 差评 opens a rectification that starts by hearing the rater out: the reason is what the office
# verifies and puts right, so a bad rating without one cannot be followed up.
REASON_MIN_LENGTH = 3


def reason_error(*, level: Any, comment: str) -> str | None:
    """The refusal of a bad rating (不满意, 非常不满意) whose comment gives no reason, else None."""
    if level in BAD_LEVELS and len((comment or "").strip()) < REASON_MIN_LENGTH:
        return str(_("For a dissatisfied rating, please say what went wrong, so that it can be "
                     "put right."))
    return None


# --- deadlines and warnings -------------------------------------------------------------------


class DeadlineWarning(models.TextChoices):
    NORMAL = "normal", _("On time")
    YELLOW = "yellow", _("Due soon")
    RED = "red", _("Overdue")


def warning_level(
    calendar: WorkCalendar, *, due_on: dt.date | None, today: dt.date, days_left: int
) -> str:
    """Red once the due day has passed, yellow with `days_left` working days left or fewer."""
    if due_on is None:
        return DeadlineWarning.NORMAL
    if today > due_on:
        return DeadlineWarning.RED
    if calendar.workdays_between(today, due_on) <= days_left:
        return DeadlineWarning.YELLOW
    return DeadlineWarning.NORMAL


# --- the rectification of a bad rating (差评整改) -----------------------------------------------


class RectificationStatus(models.TextChoices):
    AWAITING_CONTACT = "awaiting_contact", _("Waiting for contact with the rater")
    CONTACTED = "contacted", _("Rater contacted; being verified")
    VERIFIED = "verified", _("Verified; rectification to be decided")
    RECTIFYING = "rectifying", _("Being rectified by a deadline")
    AWAITING_CALL_BACK = "awaiting_call_back", _("Waiting for the call-back")
    CLOSED = "closed", _("Closed")
    EXCLUDED = "excluded", _("Closed: appeal upheld, rating excluded")


RECTIFICATION_OPEN: frozenset[str] = frozenset({
    RectificationStatus.AWAITING_CONTACT, RectificationStatus.CONTACTED,
    RectificationStatus.VERIFIED, RectificationStatus.RECTIFYING,
    RectificationStatus.AWAITING_CALL_BACK,
})
# Past these the bad rating counts as rectified (fixed or explained) in 差评整改率.
RECTIFIED_STATUSES: frozenset[str] = frozenset({
    RectificationStatus.AWAITING_CALL_BACK, RectificationStatus.CLOSED,
})


class RectificationAction(models.TextChoices):
    CONTACT = "contact", _("Record the contact with the rater")
    VERIFY = "verify", _("Record the verification")
    RECTIFY = "rectify", _("Rectify")
    EXPLAIN = "explain", _("Explain (no legal basis to change)")
    CALL_BACK = "call_back", _("Record the call-back")
    APPEAL = "appeal", _("Appeal the rating")
    DECIDE_APPEAL = "decide_appeal", _("Decide the appeal")


class RectificationParty(models.TextChoices):
    HANDLING_STAFF = "handling_staff", _("Staff of the handling organisation")
    HANDLING_HEAD = "handling_head", _("Head of the handling organisation")
    SUPERVISOR = "supervisor", _("Supervising division")


class Plan(models.TextChoices):
    """How a verified bad rating is dealt with: 能改即改, 限期整改 (with a ledger), or 解释说明."""

    AT_ONCE = "at_once", _("Fixed at once")
    BY_DEADLINE = "by_deadline", _("Fixed by a deadline (ledger)")
    EXPLAINED = "explained", _("Explained: no legal basis to change")


class AppealGround(models.TextChoices):
    MISTAKEN = "mistaken", _("Mistaken rating")
    MALICIOUS = "malicious", _("Malicious rating")


class AppealDecision(models.TextChoices):
    UPHELD = "upheld", _("Upheld: the rating is excluded from the statistics")
    REJECTED = "rejected", _("Rejected: the rating stands")


@dataclass(frozen=True)
class Step:
    """One row of a workflow table. `target` None keeps the status."""

    sources: frozenset[str]
    target: str | None
    parties: frozenset[str]
    note_required: bool = True


R = RectificationStatus
RP = RectificationParty
STAFF_AND_HEAD = frozenset({RP.HANDLING_STAFF, RP.HANDLING_HEAD})

# RECTIFY from VERIFIED fixes at once, or plans a fix by a deadline (then RECTIFYING); from
# RECTIFYING it records that the planned fix is done. The appeal changes no status: the steps go
# on until the supervising division decides.
RECTIFICATION_STEPS: dict[str, Step] = {
    RectificationAction.CONTACT: Step(frozenset({R.AWAITING_CONTACT}), R.CONTACTED,
                                      STAFF_AND_HEAD),
    RectificationAction.VERIFY: Step(frozenset({R.CONTACTED}), R.VERIFIED, STAFF_AND_HEAD),
    RectificationAction.RECTIFY: Step(frozenset({R.VERIFIED, R.RECTIFYING}), None,
                                      STAFF_AND_HEAD),
    RectificationAction.EXPLAIN: Step(frozenset({R.VERIFIED}), R.AWAITING_CALL_BACK,
                                      STAFF_AND_HEAD),
    RectificationAction.CALL_BACK: Step(frozenset({R.AWAITING_CALL_BACK}), R.CLOSED,
                                        STAFF_AND_HEAD),
    RectificationAction.APPEAL: Step(RECTIFICATION_OPEN, None, frozenset({RP.HANDLING_HEAD})),
    RectificationAction.DECIDE_APPEAL: Step(RECTIFICATION_OPEN, None,
                                            frozenset({RP.SUPERVISOR})),
}


def rectification_actions(*, status: str, parties: Iterable[str],
                          appeal_pending: bool, appealed: bool) -> list[str]:
    """The actions open to these parties now, in table order."""
    have = set(parties)
    found = []
    for action, step in RECTIFICATION_STEPS.items():
        if status not in step.sources or not step.parties & have:
            continue
        if action == RectificationAction.APPEAL and appealed:
            continue
        if action == RectificationAction.DECIDE_APPEAL and not appeal_pending:
            continue
        found.append(action)
    return found


# --- complaints, suggestions, praise and letters (监督投诉、意见建议) ---------------------------


class FeedbackKind(models.TextChoices):
    COMPLAINT = "complaint", _("Complaint")
    SUGGESTION = "suggestion", _("Suggestion")
    PRAISE = "praise", _("Praise")
    LEADER_MAILBOX = "leader_mailbox", _("Letter to the leadership")


# The button that starts each kind, as one phrase per kind: "我要" + a noun reads well for some
# kinds only (我要投诉, but not 我要局长信箱).
KIND_ACTIONS: dict[str, Any] = {
    FeedbackKind.COMPLAINT: _("Make a complaint"),
    FeedbackKind.SUGGESTION: _("Make a suggestion"),
    FeedbackKind.PRAISE: _("Give praise"),
    FeedbackKind.LEADER_MAILBOX: _("Write to the leadership"),
}


REPLY_DAYS_SETTING: dict[str, str] = {
    FeedbackKind.COMPLAINT: "QKB_FEEDBACK_COMPLAINT_REPLY_DAYS",
    FeedbackKind.SUGGESTION: "QKB_FEEDBACK_SUGGESTION_REPLY_DAYS",
    FeedbackKind.PRAISE: "QKB_FEEDBACK_PRAISE_REPLY_DAYS",
    FeedbackKind.LEADER_MAILBOX: "QKB_FEEDBACK_LEADER_MAILBOX_REPLY_DAYS",
}


class TargetType(models.TextChoices):
    NONE = "none", _("Nothing in particular")
    CASE = "case", _("A case")
    ITEM = "item", _("A service")
    ORGANISATION = "organisation", _("An organisation")
    STAFF = "staff", _("A staff member")


class FeedbackStatus(models.TextChoices):
    OPEN = "open", _("Waiting for a reply")
    REPLIED = "replied", _("Replied")
    REOPENED = "reopened", _("Reopened: second reply by the division head")
    ESCALATED = "escalated", _("Escalated to a leader")
    CLOSED = "closed", _("Closed")
    MERGED = "merged", _("Merged into another submission")


FEEDBACK_AWAITING_REPLY: frozenset[str] = frozenset({
    FeedbackStatus.OPEN, FeedbackStatus.REOPENED, FeedbackStatus.ESCALATED,
})


class ReplyRound(models.IntegerChoices):
    FIRST = 1, _("Reply")
    SECOND = 2, _("Second reply by the division head")
    LEADER = 3, _("Reply by a leader")


# The round of the reply a status waits for; who gives it is checked by the service.
ROUND_FOR_STATUS: dict[str, int] = {
    FeedbackStatus.OPEN: ReplyRound.FIRST,
    FeedbackStatus.REOPENED: ReplyRound.SECOND,
    FeedbackStatus.ESCALATED: ReplyRound.LEADER,
}


def after_answer(*, round_: int, satisfied: bool) -> str:
    """The status after the submitter says whether a reply satisfied them: unsatisfied reopens
    once for the division head, then escalates to a leader, whose reply is the last word."""
    if satisfied or round_ >= ReplyRound.LEADER:
        return FeedbackStatus.CLOSED
    if round_ == ReplyRound.FIRST:
        return FeedbackStatus.REOPENED
    return FeedbackStatus.ESCALATED


def may_publish(*, kind: str, is_adopted: bool, has_reply: bool, consent: bool) -> bool:
    """Adopted suggestions and answered complaints, with the submitter's consent."""
    if not consent:
        return False
    if kind == FeedbackKind.SUGGESTION:
        return is_adopted
    return kind == FeedbackKind.COMPLAINT and has_reply


# Personal data that must not reach a public page: mobile and landline numbers, ID numbers,
# e-mail addresses.
_PERSONAL_DATA = re.compile(
    r"[1-9]\d{16}[\dXx]"
    r"|1[3-9]\d{9}"
    r"|0\d{2,3}-?\d{7,8}"
    r"|[\w.+-]+@[\w-]+(\.[\w-]+)+"
)


def redact(text: str) -> str:
    """The text with phone numbers, ID numbers and e-mail addresses replaced by ***."""
    return _PERSONAL_DATA.sub("***", text)


class FeedbackAction(models.TextChoices):
    """Steps of a feedback's own history (the case history has submission and transfers)."""

    ROUTED = "routed", _("Routed to the handling organisation")
    REPLIED = "replied", _("Replied")
    SATISFIED = "satisfied", _("The submitter is satisfied")
    UNSATISFIED = "unsatisfied", _("The submitter is not satisfied")
    REOPENED = "reopened", _("Reopened for a second reply")
    ESCALATED = "escalated", _("Escalated to a leader")
    CLOSED_UNANSWERED = "closed_unanswered", _("Closed: the submitter did not answer")
    EXTENDED = "extended", _("Reply deadline extended")
    MERGED = "merged", _("Merged into another submission")
    MERGED_IN = "merged_in", _("A duplicate was merged into this one")
    ADOPTED = "adopted", _("Suggestion adopted")
    PUBLISHED = "published", pgettext_lazy("feedback", "Published")


class SystemStep(models.TextChoices):
    """History entries written by the system rather than by a person's action."""

    OPENED = "opened", _("Opened by a bad rating")
    WARNING_RAISED = "warning_raised", _("Deadline warning raised")


def action_label(action: str) -> str:
    """The translated name of a feedback or rectification history entry."""
    for choices in (FeedbackAction, RectificationAction, SystemStep):
        if action in choices.values:
            return str(choices(action).label)
    return action
