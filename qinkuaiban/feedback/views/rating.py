"""Rating a completed case: the applicant's page (linked from the invitation and the case page),
the counter page the window clerk shows with its QR code, and the page that code opens."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from qinkuaiban.cases.models import Case
from qinkuaiban.cases.selectors import get_case_for_actor
from qinkuaiban.core.errors import DomainError, NotFound
from qinkuaiban.feedback import selectors, services
from qinkuaiban.feedback.conf import days
from qinkuaiban.feedback.counter import case_for_counter_token, issue_counter_token, qr_svg
from qinkuaiban.feedback.forms import RatingForm
from qinkuaiban.feedback.rules import RatedObject, RatingChannel
from qinkuaiban.feedback.services.evaluations import rating_channel
from qinkuaiban.feedback.views._common import actor_of, signed_in, staff_of


def _forms(case: Case, state: selectors.RatingState, data: Any = None) -> dict[str, RatingForm]:
    """The parts still open, in one form: the service and, for a window case, the staff
    member. With both open, each may be left blank here and the service says which it needs
    (the service's rating, always); a part left alone is required."""
    both = state.may_rate_item and state.may_rate_staff
    forms: dict[str, RatingForm] = {}
    if state.may_rate_item:
        forms[RatedObject.ITEM] = RatingForm(data, channel=rating_channel(case),
                                             prefix=RatedObject.ITEM, optional=both)
    if state.may_rate_staff:
        forms[RatedObject.STAFF] = RatingForm(data, channel=RatingChannel.ON_SITE,
                                              prefix=RatedObject.STAFF, optional=both)
    return forms


def _show_refusal(forms: dict[str, RatingForm], exc: DomainError) -> None:
    """Put a service's refusal on its part ("staff.comment": the staff part's comment)."""
    part, _dot, field = (exc.field or "").partition(".")
    form = forms.get(part) or next(iter(forms.values()))
    form.add_error(field if field in form.fields else None, exc.message)


def _rate(request: HttpRequest, case: Case, *, actor: Any, at_counter: bool,
          template: str, extra: dict[str, Any]) -> HttpResponse:
    state = selectors.rating_state(case=case)
    posted = request.method == "POST"
    forms = _forms(case, state, request.POST if posted else None)
    status = 200
    if posted:
        status = 422
        if not forms:
            status = 409
            messages.error(request, _("This has already been rated, or rating has ended."))
        elif all([form.is_valid() for form in forms.values()]):
            ratings = {part: rating for part, form in forms.items()
                       if (rating := form.rating()) is not None}
            try:
                services.rate_visit(case=case, actor=actor, ratings=ratings,
                                    at_counter=at_counter)
            except DomainError as exc:
                _show_refusal(forms, exc)
                status = exc.http_status
            else:
                messages.success(request, _("Thank you for your rating."))
                return redirect(request.get_full_path())
    state = selectors.rating_state(case=case) if status == 409 else state
    context = {"case": case, "state": state, "forms": forms,
               "ratings": list(selectors.evaluations_of_case(case=case)),
               "contact_days": days("QKB_FEEDBACK_CONTACT_DAYS"),
               "may_open_case": actor is not None and selectors.may_open_case(actor=actor,
                                                                              case=case),
               **extra}
    return render(request, template, context, status=status)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def rate(request: HttpRequest, number: str) -> HttpResponse:
    """The applicant rates their completed case (the service; the staff member at a window)."""
    actor = actor_of(request)
    try:
        case = selectors.get_rateable_case(actor=actor, number=number)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return _rate(request, case, actor=actor, at_counter=False, template="feedback/rate.html",
                 extra={})


@never_cache
@require_http_methods(["GET", "POST"])
def rate_with_code(request: HttpRequest, token: str) -> HttpResponse:
    """The page the counter's QR code opens: rate this one case without signing in."""
    try:
        case = case_for_counter_token(token)
    except NotFound as exc:
        return render(request, "feedback/rate_expired.html", {"message": exc.message},
                      status=404)
    actor = signed_in(request)
    return _rate(request, case, actor=actor, at_counter=True, template="feedback/rate.html",
                 extra={"at_counter": True})


@login_required
@require_safe
def counter(request: HttpRequest) -> HttpResponse:
    """Window cases completed today and not rated yet: the clerk opens one to show its code."""
    actor = staff_of(request)
    return render(request, "feedback/counter_list.html",
                  {"cases": selectors.window_cases_to_rate(actor=actor)[:50]})


@never_cache
@login_required
@require_safe
def counter_code(request: HttpRequest, number: str) -> HttpResponse:
    """The QR code of a short-lived rating link for one completed window case."""
    actor = staff_of(request)
    try:
        case = get_case_for_actor(actor=actor, number=number)
        token = issue_counter_token(case=case, actor=actor)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except DomainError as exc:
        return render(request, "feedback/counter_code.html", {"case": case,
                                                              "error": exc.message},
                      status=exc.http_status)
    url = request.build_absolute_uri(reverse("feedback:rate_with_code", kwargs={"token": token}))
    return render(request, "feedback/counter_code.html", {
        "case": case, "url": url, "qr": qr_svg(url),
        "minutes": days("QKB_FEEDBACK_COUNTER_TOKEN_MINUTES"),
        "state": selectors.rating_state(case=case),
    })
