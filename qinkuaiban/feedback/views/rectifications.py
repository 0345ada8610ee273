"""The rectification pages: the list of the actor's organisations (the supervising division sees
all, with appeals to decide), and one rectification with the steps open to the actor."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from qinkuaiban.core.errors import DomainError, NotFound
from qinkuaiban.feedback import selectors, services
from qinkuaiban.feedback.forms import RectificationStepForm
from qinkuaiban.feedback.models import Rectification
from qinkuaiban.feedback.rules import (
    Indicator,
    RectificationAction,
    RectificationStatus,
    action_label,
)
from qinkuaiban.feedback.views._common import actor_of, form_error, staff_of
from qinkuaiban.identity.models import User


@login_required
@require_safe
def rectification_list(request: HttpRequest) -> HttpResponse:
    actor = staff_of(request)
    show = request.GET.get("show", "open")
    found = selectors.rectification_list(actor=actor, open_only=show == "open",
                                         appeals=show == "appeals")
    page = Paginator(found, 25).get_page(request.GET.get("page"))
    return render(request, "feedback/rectifications.html", {"page_obj": page, "show": show})


def _rectification(actor: User, pk: int) -> Rectification:
    try:
        return selectors.get_rectification_for_actor(actor=actor, pk=pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _context(rectification: Rectification, actor: User,
             bound: RectificationStepForm | None = None) -> dict[str, Any]:
    actions = selectors.available_rectification_actions(rectification=rectification,
                                                        actor=actor)
    rectifying = rectification.status == RectificationStatus.RECTIFYING
    forms = [bound if bound is not None and bound.action == action
             else RectificationStepForm(action=action, rectifying=rectifying)
             for action in actions]
    if bound is not None and bound.action not in actions:
        # The step is no longer open to the actor: still show the refusal next to it.
        forms.insert(0, bound)
    return {
        "rectification": rectification, "evaluation": rectification.evaluation,
        "case": rectification.evaluation.case, "appeal": getattr(rectification, "appeal", None),
        "may_open_case": selectors.may_open_case(actor=actor,
                                                 case=rectification.evaluation.case),
        "forms": forms,
        "events": [(event, action_label(event.action))
                   for event in selectors.rectification_events(rectification=rectification)],
        "open_form": bound.action if bound is not None else "",
        "rater": selectors.rater_contact(rectification=rectification, actor=actor),
        "call_back_by_others": selectors.call_back_left_to_others(rectification=rectification,
                                                                  actor=actor),
        "score_rows": [(Indicator(name).label, level)
                       for name, level in rectification.evaluation.scores.items()
                       if name in Indicator.values],
    }


@login_required
@require_safe
def rectification_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    rectification = _rectification(actor, pk)
    return render(request, "feedback/rectification.html", _context(rectification, actor))


@login_required
@require_POST
def rectification_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    actor = actor_of(request)
    rectification = _rectification(actor, pk)
    if action not in RectificationAction.values:
        raise Http404
    form = RectificationStepForm(
        request.POST, action=action,
        rectifying=rectification.status == RectificationStatus.RECTIFYING)
    status = 422
    if form.is_valid():
        try:
            services.act_on_rectification(rectification=rectification, action=action,
                                          actor=actor, **form.data_for_service())
        except DomainError as exc:
            form_error(form, exc)
            status = exc.http_status
        else:
            messages.success(request, _("Done: %(action)s.") % {"action": form.label})
            return redirect("feedback:rectification", pk=pk)
    rectification = _rectification(actor, pk)
    return render(request, "feedback/rectification.html",
                  _context(rectification, actor, bound=form), status=status)
