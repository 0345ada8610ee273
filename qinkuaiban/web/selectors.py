"""Reads for the home page that depend on who is asking."""

from dataclasses import dataclass, field
from typing import Any

from qinkuaiban.identity.models import User
from qinkuaiban.identity.roles import Role
from qinkuaiban.identity.selectors import admin_role_of, has_role, memberships_for
from qinkuaiban.web.navigation import NavLink, links_for


@dataclass(frozen=True)
class Dashboard:
    links: list[NavLink]
    memberships: list[Any]
    calendar_warnings: list[Any] = field(default_factory=list)
    admin_role: str | None = None


def calendar_warnings() -> list[Any]:
    """The workdays app's warnings about missing calendar years, while that app exists."""
    try:
        from qinkuaiban.workdays.selectors import calendar_warnings as warnings_of_calendar
    except ImportError:
        return []
    return list(warnings_of_calendar())


def dashboard_for(user: User) -> Dashboard:
    """The cards of a signed-in user's home page: what their roles let them do."""
    return Dashboard(
        links=links_for(user),
        memberships=memberships_for(user),
        # Only the system administrator maintains the calendar, so only they are warned.
        calendar_warnings=calendar_warnings() if has_role(user, Role.SYSTEM_ADMIN) else [],
        admin_role=admin_role_of(user),
    )
