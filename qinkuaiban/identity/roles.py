"""Roles a membership grants, and the three administrator roles kept apart (三员分立)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    APPLICANT = "applicant", _("Applicant")
    WINDOW_CLERK = "window_clerk", _("Window clerk")
    HANDLER = "handler", _("Handler")
    DIVISION_HEAD = "division_head", _("Division head")
    LEADER = "leader", _("Leader")
    SUPERVISOR = "supervisor", _("Supervisor")
    ENERGY_OFFICER = "energy_officer", _("Energy officer")
    MAINTENANCE_WORKER = "maintenance_worker", _("Maintenance worker")
    SYSTEM_ADMIN = "system_admin", _("System administrator")
    SECURITY_ADMIN = "security_admin", _("Security administrator")
    AUDIT_ADMIN = "audit_admin", _("Audit administrator")


# Source: GB/T 22239-2019 (等保 2.0) 三员分立 — system, security and audit administrators are
# separate people, and an administrator account carries no business rights.
ADMIN_ROLES: frozenset[str] = frozenset(
    {Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN}
)
BUSINESS_ROLES: frozenset[str] = frozenset(r.value for r in Role) - ADMIN_ROLES
# GOA staff roles that work cases (used by selectors of later apps).
STAFF_ROLES: frozenset[str] = frozenset(
    {Role.WINDOW_CLERK, Role.HANDLER, Role.DIVISION_HEAD, Role.LEADER, Role.SUPERVISOR}
)
