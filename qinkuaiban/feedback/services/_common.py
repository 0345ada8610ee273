"""Helpers shared by the feedback services: today's date, deadlines on the official calendar,
refusing administrators, and the supervising division."""

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from qinkuaiban.cases.conf import setting as case_setting
from qinkuaiban.core.errors import InvalidInput, NotPermitted
from qinkuaiban.identity.models import Organisation
from qinkuaiban.identity.roles import ADMIN_ROLES
from qinkuaiban.identity.selectors import memberships_for
from qinkuaiban.workdays.rules import Deadline
from qinkuaiban.workdays.selectors import load_calendar


def today() -> dt.date:
    return timezone.localdate()


def deadline(start: dt.date, days: int) -> Deadline:
    """The `days`-th working day after `start` (民法典 第二百零一条: the first day not counted)."""
    return load_calendar(start=start, end=start).add_workdays(start, days)


def refuse_admin(actor: Any) -> None:
    if actor is not None and any(m.role in ADMIN_ROLES for m in memberships_for(actor)):
        # Source: GB/T 22239-2019 三员分立 — an administrator account has no business rights.
        raise NotPermitted(_("Administrator accounts cannot take part in this."),
                           code="admin_has_no_business_rights")


def supervision_org() -> Organisation | None:
    return Organisation.objects.filter(code=case_setting("QKB_CASE_SUPERVISION_ORG")).first()


def required_text(value: str, *, field: str, message: str, limit: int = 5000) -> str:
    """The stripped text, or InvalidInput naming `field` when it is empty or too long."""
    text = (value or "").strip()
    if not text:
        raise InvalidInput(message, code=f"{field}_required", field=field)
    if len(text) > limit:
        raise too_long(field=field, limit=limit)
    return text


def too_long(*, field: str, limit: int) -> InvalidInput:
    """The error of a text in `field` longer than `limit` characters."""
    message = ngettext("At most %(limit)s character.", "At most %(limit)s characters.", limit)
    return InvalidInput(message % {"limit": limit}, code="too_long", field=field)
