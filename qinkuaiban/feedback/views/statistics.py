"""The statistics dashboard for division heads, leaders and the supervising division."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from qinkuaiban.feedback import selectors
from qinkuaiban.feedback.forms import MonthForm
from qinkuaiban.feedback.views._common import actor_of


@login_required
@require_safe
def dashboard(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if not selectors.may_see_dashboard(actor):
        raise PermissionDenied
    month = MonthForm(request.GET).month_start(timezone.localdate())
    # The picker shows the month the figures are for, whatever else the address holds (this
    # month when none or an unreadable one was asked for).
    form = MonthForm({"month": f"{month:%Y-%m}"})
    return render(request, "feedback/dashboard.html", {
        "form": form, "month": month, "board": selectors.dashboard_for(actor=actor, month=month),
    })
