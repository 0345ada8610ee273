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
    today = timezone.localdate()
    # Unbound, the picker shows the month the figures are for (this one).
    form = MonthForm(request.GET or None, initial={"month": today.strftime("%Y-%m")})
    month = form.month_start(today)
    return render(request, "feedback/dashboard.html", {
        "form": form, "month": month, "board": selectors.dashboard_for(actor=actor, month=month),
    })
