"""Public pages without sign-in: progress of a case by number and verification code (or
tracking code and PIN), and checking that a notice is genuine. Both are rate-limited per
address with the core's limiter, like the public API."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from qinkuaiban.cases import ratelimit, selectors
from qinkuaiban.cases.audience import public_event_label
from qinkuaiban.cases.events import SystemEvent, happened_at
from qinkuaiban.cases.forms import ProgressForm, VerifyForm
from qinkuaiban.cases.models import Case, Status
from qinkuaiban.cases.notices import find_notice, issuing_bodies
from qinkuaiban.cases.timeline import TimelineEntry, public_timeline
from qinkuaiban.cases.views._common import client_address
from qinkuaiban.cases.workflow import Action
from qinkuaiban.core.errors import NotFound, RateLimited

# Actions whose reason is addressed to the applicant (refusals and internal notes are not).
REASONS_SHOWN = frozenset({
    Action.REQUEST_SUPPLEMENT, Action.REJECT, Action.COMPLETE, Action.INSTANT, Action.EXTEND,
    Action.START_SPECIAL, Action.WITHDRAW, Action.VOID, Action.TERMINATE,
    SystemEvent.DEEMED_ACCEPTED,
})


def public_history(case: Case) -> list[TimelineEntry]:
    """The history without form data and with no more about staff than their names, in the
    applicant's words (audience.py)."""
    return [
        TimelineEntry(at=happened_at(event), label=label,
                      by=event.actor.real_name if event.actor is not None else "",
                      text=event.reason if event.action in REASONS_SHOWN else "")
        for event in selectors.case_events(case=case)
        if (label := public_event_label(event)) is not None
    ]


@never_cache
@require_http_methods(["GET", "POST"])
def progress(request: HttpRequest) -> HttpResponse:
    """Anyone with a case number and its verification code sees its status and history."""
    form = ProgressForm(request.POST or None)
    context: dict[str, Any] = {"form": form}
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            ratelimit.hit(key=f"progress:{client_address(request)}")
            case = selectors.get_case_by_tracking(reference=form.cleaned_data["reference"],
                                                  code=form.cleaned_data["code"])
            if case.status == Status.DRAFT:
                raise NotFound("", code="case_not_found")
        except RateLimited as exc:
            form.add_error(None, exc.message)
            status = exc.http_status
        except NotFound:
            form.add_error(None, _("No case matches this number and code. Check both and "
                                   "try again."))
        else:
            agency, division = issuing_bodies(case)
            context.update(case=case, history=public_timeline(case=case, own=public_history(case)),
                           agency=agency, division=division)
    return render(request, "cases/progress.html", context, status=status)


@never_cache
@require_safe
def verify(request: HttpRequest) -> HttpResponse:
    """Is this notice genuine? The QR code on a notice opens this page with both values."""
    asked = "number" in request.GET or "code" in request.GET
    form = VerifyForm(request.GET if asked else None)
    context: dict[str, Any] = {"form": form}
    status = 200
    if asked and form.is_valid():
        try:
            ratelimit.hit(key=f"verify:{client_address(request)}")
            notice = find_notice(number=form.cleaned_data["number"],
                                 code=form.cleaned_data["code"])
        except RateLimited as exc:
            form.add_error(None, exc.message)
            status = exc.http_status
        except NotFound:
            context["not_genuine"] = True
        else:
            agency, division = issuing_bodies(notice.case)
            context.update(notice=notice, agency=agency, division=division)
    return render(request, "cases/verify.html", context, status=status)
