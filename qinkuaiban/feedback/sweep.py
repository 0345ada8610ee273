"""The periodic sweep of feedback deadlines (`manage.py sweep_feedback_deadlines`). Idempotent:
running it twice in a row changes and sends nothing the second time.

1. Rating invitations past their window are marked expired. No rating is ever written for a
   silent applicant.
2. Rectification steps near or past their deadline warn the handling organisation, once per
   step and level; appeals near or past theirs warn the supervising division.
3. Feedback waiting for a reply warns the organisation (and its head) once per step and level.
4. Replies the submitter did not answer in time are closed without a verdict.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qinkuaiban.feedback import notifying
from qinkuaiban.feedback.conf import days
from qinkuaiban.feedback.models import (
    Appeal,
    Feedback,
    FeedbackEvent,
    RatingInvitation,
    Rectification,
    RectificationEvent,
)
from qinkuaiban.feedback.rules import (
    FEEDBACK_AWAITING_REPLY,
    RECTIFICATION_OPEN,
    DeadlineWarning,
    FeedbackStatus,
    SystemStep,
    warning_level,
)
from qinkuaiban.feedback.services import close_unanswered
from qinkuaiban.feedback.services._common import supervision_org
from qinkuaiban.workdays.rules import WorkCalendar
from qinkuaiban.workdays.selectors import load_calendar


@dataclass
class FeedbackSweepSummary:
    invitations_expired: int = 0
    rectification_warnings: int = 0
    appeal_warnings: int = 0
    feedback_warnings: int = 0
    closed_unanswered: int = 0

    def lines(self) -> list[str]:
        return [
            _("Rating invitations expired: %(count)s") % {"count": self.invitations_expired},
            _("Rectification warnings sent: %(count)s") % {"count": self.rectification_warnings},
            _("Appeal warnings sent: %(count)s") % {"count": self.appeal_warnings},
            _("Reply warnings sent: %(count)s") % {"count": self.feedback_warnings},
            _("Closed without the submitter's answer: %(count)s")
            % {"count": self.closed_unanswered},
        ]


def sweep_feedback_deadlines(*, today: dt.date | None = None) -> FeedbackSweepSummary:
    """Run the four steps; return what they did."""
    today = today or timezone.localdate()
    calendar = load_calendar(start=today - dt.timedelta(days=60), end=today)
    left = days("QKB_FEEDBACK_WARNING_DAYS_LEFT")
    summary = FeedbackSweepSummary()
    summary.invitations_expired = RatingInvitation.objects.filter(
        expires_on__lt=today, expired_at__isnull=True
    ).update(expired_at=timezone.now())
    for pk in Rectification.objects.filter(status__in=RECTIFICATION_OPEN,
                                           due_on__isnull=False).values_list("pk", flat=True):
        summary.rectification_warnings += _warn_rectification(pk, calendar, today, left)
    for pk in Appeal.objects.filter(decision="").values_list("pk", flat=True):
        summary.appeal_warnings += _warn_appeal(pk, calendar, today, left)
    for pk in Feedback.objects.filter(status__in=FEEDBACK_AWAITING_REPLY,
                                      due_on__isnull=False).values_list("pk", flat=True):
        summary.feedback_warnings += _warn_feedback(pk, calendar, today, left)
    for pk in Feedback.objects.filter(status=FeedbackStatus.REPLIED,
                                      due_on__lt=today).values_list("pk", flat=True):
        summary.closed_unanswered += close_unanswered(feedback=Feedback(pk=pk), on=today)
    return summary


@transaction.atomic
def _warn_rectification(pk: int, calendar: WorkCalendar, today: dt.date, left: int) -> int:
    r = (Rectification.objects.select_for_update(of=("self",))
         .select_related("organisation", "evaluation__case").get(pk=pk))
    level = warning_level(calendar, due_on=r.due_on, today=today, days_left=left)
    fields = []
    if level != r.warning:
        r.warning = level
        fields.append("warning")
    key = f"{r.status}:{level}"
    sent = 0
    if level != DeadlineWarning.NORMAL and r.warning_notified != key:
        r.warning_notified = key
        fields.append("warning_notified")
        RectificationEvent.objects.create(rectification=r, action=SystemStep.WARNING_RAISED,
                                          from_status=r.status, to_status=r.status,
                                          data={"level": level, "due_on": str(r.due_on)})
        notifying.rectification_warning(
            rectification=r, organisation=r.organisation,
            title=_("Rectification of case %(number)s: %(level)s") % {
                "number": r.evaluation.case.number or "",
                "level": DeadlineWarning(level).label},
            body=_("Step \"%(status)s\" is due on %(due)s.") % {
                "status": r.get_status_display(), "due": r.due_on},
        )
        sent = 1
    if fields:
        r.save(update_fields=[*fields, "updated_at"])
    return sent


@transaction.atomic
def _warn_appeal(pk: int, calendar: WorkCalendar, today: dt.date, left: int) -> int:
    appeal = (Appeal.objects.select_for_update(of=("self",))
              .select_related("rectification__evaluation__case").get(pk=pk))
    level = warning_level(calendar, due_on=appeal.due_on, today=today, days_left=left)
    if level == DeadlineWarning.NORMAL or appeal.warning_notified == level:
        return 0
    appeal.warning_notified = level
    appeal.save(update_fields=["warning_notified"])
    r = appeal.rectification
    notifying.appeal_warning(
        rectification=r, supervision=supervision_org(),
        title=_("Appeal on case %(number)s: %(level)s") % {
            "number": r.evaluation.case.number or "", "level": DeadlineWarning(level).label},
        body=_("The decision is due on %(due)s.") % {"due": appeal.due_on},
    )
    return 1


@transaction.atomic
def _warn_feedback(pk: int, calendar: WorkCalendar, today: dt.date, left: int) -> int:
    feedback = (Feedback.objects.select_for_update(of=("self",))
                .select_related("case__handling_org", "case__version").get(pk=pk))
    level = warning_level(calendar, due_on=feedback.due_on, today=today, days_left=left)
    fields = []
    if level != feedback.warning:
        feedback.warning = level
        fields.append("warning")
    key = f"{feedback.status}:{level}"
    sent = 0
    if level != DeadlineWarning.NORMAL and feedback.warning_notified != key:
        feedback.warning_notified = key
        fields.append("warning_notified")
        organisation = feedback.case.handling_org
        recipients = (notifying.leaders_above(organisation)
                      if feedback.status == FeedbackStatus.ESCALATED
                      else notifying.workers_of(organisation))
        FeedbackEvent.objects.create(feedback=feedback, action=SystemStep.WARNING_RAISED,
                                     from_status=feedback.status, to_status=feedback.status,
                                     data={"level": level, "due_on": str(feedback.due_on)})
        notifying.feedback_needs_reply(
            feedback=feedback, case=feedback.case, recipients=recipients,
            title=_("Submission %(number)s: %(level)s") % {
                "number": feedback.number, "level": DeadlineWarning(level).label},
            body=_("The reply is due on %(due)s.") % {"due": feedback.due_on},
        )
        sent = 1
    if fields:
        feedback.save(update_fields=[*fields, "updated_at"])
    return sent
