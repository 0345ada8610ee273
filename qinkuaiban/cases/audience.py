"""What an applicant reads about their case, in one place. The staff of the case
(permissions.is_case_staff, decided per case) keep the office's precise terms (黄色预警,
发出时限预警); the applicant reads what matters to them (即将到期, 已超过承诺时限) and nothing of
the steps that concern the office alone. The case page, the list of one's cases, the public
progress page and the API all ask here.

The public progress page (number and verification code, no sign-in) shows the applicant's
history less the steps in NOT_PUBLIC_EVENTS; a red warning stays: whether a promised time limit
is kept is public by the reform's own rule ("promised limits shorter than legal ones, kept and
published", 承诺践诺), and the page says only 已超过承诺时限, never whom the sweep told."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from qinkuaiban.cases.events import SystemEvent, event_label
from qinkuaiban.cases.models import CaseEvent, WarningLevel
from qinkuaiban.cases.workflow import Action

APPLICANT_WARNING_LABELS: dict[str, Any] = {
    WarningLevel.YELLOW: _("Due soon"),
    WarningLevel.RED: _("Past the promised time limit"),
}
# The sweep telling the handlers and the escalation to the supervising division are the
# office's business; only a case running late concerns the applicant (it stays in their
# history after the case is completed, when the badge is gone).
STAFF_ONLY_EVENTS = frozenset({SystemEvent.WARNING_RAISED, SystemEvent.TRANSFER_ESCALATED})
# The public progress page shows fewer steps still: no drafts, files, recomputations or visits
# (a red warning stays, see above).
NOT_PUBLIC_EVENTS = frozenset({
    SystemEvent.DRAFT_UPDATED, SystemEvent.ATTACHMENT_ADDED, SystemEvent.DUE_RECOMPUTED,
    Action.RECORD_VISIT,
})


def warning_label(level: str, *, for_staff: bool) -> str:
    """The name of a deadline warning level for staff or for the applicant."""
    if not for_staff and level in APPLICANT_WARNING_LABELS:
        return str(APPLICANT_WARNING_LABELS[level])
    return str(WarningLevel(level).label) if level in WarningLevel.values else level


def event_label_for(event: CaseEvent, *, for_staff: bool) -> str | None:
    """The name of a history entry for staff or for the applicant; None when the applicant does
    not see it."""
    if for_staff:
        return event_label(event.action)
    if event.action == SystemEvent.WARNING_RAISED and event.data.get("level") == WarningLevel.RED:
        return str(APPLICANT_WARNING_LABELS[WarningLevel.RED])
    if event.action in STAFF_ONLY_EVENTS:
        return None
    return event_label(event.action)


def public_event_label(event: CaseEvent) -> str | None:
    """The name of a history entry on the public progress page and API; None when hidden."""
    if event.action in NOT_PUBLIC_EVENTS:
        return None
    return event_label_for(event, for_staff=False)
