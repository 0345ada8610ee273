"""Reading the audit trail. Only the audit administrator reads it (三员分立: the audit
administrator reads the logs and changes nothing; nobody else reads them)."""

import datetime
from dataclasses import asdict, dataclass
from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qinkuaiban.audit.models import AuditEntry
from qinkuaiban.core.errors import NotPermitted
from qinkuaiban.identity.models import Organisation, User
from qinkuaiban.identity.roles import Role
from qinkuaiban.identity.selectors import has_role


@dataclass(frozen=True)
class AuditFilters:
    actor_username: str = ""
    action_prefix: str = ""
    outcome: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    target_type: str = ""
    target_id: str = ""

    def as_dict(self) -> dict[str, Any]:
        """The filters that are set, as plain JSON values (for the export's audit entry)."""
        return {
            name: value.isoformat() if isinstance(value, datetime.date) else value
            for name, value in asdict(self).items()
            if value not in ("", None)
        }


def may_read_audit_trail(user: User) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and has_role(user, Role.AUDIT_ADMIN)


def ensure_audit_reader(user: User) -> None:
    """Refuse anyone but the audit administrator."""
    if not may_read_audit_trail(user):
        raise NotPermitted(_("Only the audit administrator may read the audit trail."),
                           code="audit_admin_only")


def _day_start(day: datetime.date) -> datetime.datetime:
    # Days are the platform's local days; comparing datetimes keeps the occurred_at index usable.
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def audit_entries_for(*, actor: User, filters: AuditFilters | None = None) -> QuerySet[AuditEntry]:
    """Audit entries matching `filters`, newest first."""
    ensure_audit_reader(actor)
    filters = filters or AuditFilters()
    entries = AuditEntry.objects.all()
    if filters.actor_username:
        entries = entries.filter(actor_username=filters.actor_username)
    if filters.action_prefix:
        entries = entries.filter(action__startswith=filters.action_prefix)
    if filters.outcome:
        entries = entries.filter(outcome=filters.outcome)
    if filters.date_from:
        entries = entries.filter(occurred_at__gte=_day_start(filters.date_from))
    if filters.date_to:
        entries = entries.filter(
            occurred_at__lt=_day_start(filters.date_to + datetime.timedelta(days=1))
        )
    if filters.target_type:
        entries = entries.filter(target_type=filters.target_type)
    if filters.target_id:
        entries = entries.filter(target_id=filters.target_id)
    return entries.order_by("-sequence")


def get_audit_entry_for(*, actor: User, sequence: int) -> AuditEntry:
    """One entry by its sequence number."""
    ensure_audit_reader(actor)
    return get_object_or_404(AuditEntry.objects.select_related("actor"), sequence=sequence)


def neighbours_of(entry: AuditEntry) -> tuple[AuditEntry | None, AuditEntry | None]:
    """The entries just before and after `entry` in the chain (None at either end)."""
    around = {
        e.sequence: e
        for e in AuditEntry.objects.filter(
            sequence__in=[entry.sequence - 1, entry.sequence + 1]
        )
    }
    return around.get(entry.sequence - 1), around.get(entry.sequence + 1)


def organisation_of(entry: AuditEntry) -> Organisation | None:
    if entry.organisation_id is None:
        return None
    return Organisation.objects.filter(pk=entry.organisation_id).first()
