"""The case history: appending one event, and the names of events that are not workflow actions
(deemed acceptance, escalation, recomputed due dates, …)."""

import datetime as dt
import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from qinkuaiban.cases.models import Case, CaseEvent
from qinkuaiban.cases.workflow import Action


class SystemEvent(models.TextChoices):
    CREATED = "created", _("Draft created")
    DRAFT_UPDATED = "draft_updated", _("Draft updated")
    DEEMED_ACCEPTED = "deemed_accepted", _("Deemed accepted (no notice within 5 working days)")
    TRANSFER_ESCALATED = "transfer_escalated", _("Transfer escalated to the supervising division")
    DUE_RECOMPUTED = "due_recomputed", _("Due date recomputed after a calendar change")
    WARNING_RAISED = "warning_raised", _("Deadline warning raised")
    ATTACHMENT_ADDED = "attachment_added", _("Attachment added")


def event_label(action: str) -> str:
    """The translated name of a history entry's action."""
    for choices in (Action, SystemEvent):
        if action in choices.values:
            return str(choices(action).label)
    return action


def _plain(data: dict[str, Any]) -> dict[str, Any]:
    plain: dict[str, Any] = json.loads(json.dumps(data, cls=DjangoJSONEncoder))
    return plain


# The moment a step dated earlier than it was written took place (`_transition`'s `at`: a
# queued application registered minutes after it was received, the demo's overdue case). The
# entry keeps `created_at`, the moment it was written, as an append-only record must; the
# timelines tell the step at the moment it happened.
DATED = "dated"


def happened_at(event: CaseEvent) -> dt.datetime:
    """When the step an entry records took place: its `dated` moment, else when written."""
    dated = event.data.get(DATED) if isinstance(event.data, dict) else None
    if isinstance(dated, str):
        try:
            return dt.datetime.fromisoformat(dated)
        except ValueError:
            pass
    return event.created_at


def append_event(
    *,
    case: Case,
    action: str,
    actor: Any,
    from_status: str = "",
    to_status: str = "",
    reason: str = "",
    data: dict[str, Any] | None = None,
) -> CaseEvent:
    """Add one entry to the case's append-only history (inside the caller's transaction)."""
    event = new_event(case=case, action=action, actor=actor, from_status=from_status,
                      to_status=to_status, reason=reason, data=data)
    event.save()
    return event


def new_event(
    *,
    case: Case,
    action: str,
    actor: Any,
    from_status: str = "",
    to_status: str = "",
    reason: str = "",
    data: dict[str, Any] | None = None,
) -> CaseEvent:
    """An unsaved history entry, for batch work that inserts many with one `bulk_create`."""
    return CaseEvent(
        case=case, action=action, actor=actor if getattr(actor, "pk", None) else None,
        from_status=from_status, to_status=to_status or from_status, reason=reason,
        data=_plain(data or {}),
    )
