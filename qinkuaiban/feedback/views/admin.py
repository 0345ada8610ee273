"""Routing rules (the supervising division) and reply templates (division heads; shared ones
by the supervising division)."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from qinkuaiban.core.errors import DomainError
from qinkuaiban.feedback import selectors, services
from qinkuaiban.feedback.forms import ReplyTemplateForm, RoutingRuleForm
from qinkuaiban.feedback.models import RoutingRule
from qinkuaiban.feedback.permissions import HEAD_ROLES, is_supervisor
from qinkuaiban.feedback.views._common import form_error, staff_of
from qinkuaiban.identity.models import Organisation, User
from qinkuaiban.identity.selectors import descendant_ids, organisation_ids_for


def _save_rule(actor: User, form: RoutingRuleForm, rule: RoutingRule | None) -> RoutingRule:
    data = form.cleaned_data
    return services.save_routing_rule(
        actor=actor, rule=rule, kind=data["kind"], target_type=data["target_type"],
        target_org=data["target_org"], handling_org=data["handling_org"],
        is_active=data["is_active"], note=data["note"],
    )


@login_required
@require_http_methods(["GET", "POST"])
def routing(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """The routing rules; a supervisor adds or changes one (others may only read them)."""
    actor = staff_of(request)
    rule = None
    if pk is not None:
        rule = selectors.routing_rules().filter(pk=pk).first()
        if rule is None:
            raise Http404
    editor = is_supervisor(actor)
    if request.method == "POST" and not editor:
        raise PermissionDenied
    form = RoutingRuleForm(request.POST or None, instance=rule) if editor else None
    status = 200
    if form is not None and request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                _save_rule(actor, form, rule)
            except DomainError as exc:
                form_error(form, exc)
                status = exc.http_status
            else:
                messages.success(request, _("The routing rule was saved."))
                return redirect("feedback:routing")
    return render(request, "feedback/routing.html", {
        "rules": selectors.routing_rules(), "form": form, "rule": rule,
    }, status=status)


def _template_orgs(actor: User) -> Any:
    ids = descendant_ids(organisation_ids_for(actor, HEAD_ROLES))
    return Organisation.objects.filter(Q(pk__in=ids)).order_by("sort_order", "name")


@login_required
@require_http_methods(["GET", "POST"])
def templates(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Reply templates; heads keep their divisions', supervisors the shared ones."""
    actor = staff_of(request)
    template = None
    if pk is not None:
        template = selectors.templates_kept_by(actor=actor).filter(pk=pk).first()
        if template is None:
            raise Http404
    organisations = _template_orgs(actor)
    editor = organisations.exists() or is_supervisor(actor)
    if request.method == "POST" and not editor:
        raise PermissionDenied
    form = (ReplyTemplateForm(request.POST or None, instance=template,
                              organisations=organisations) if editor else None)
    if form is not None and not is_supervisor(actor):
        form.fields["organisation"].required = True
    status = 200
    if form is not None and request.method == "POST":
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.save_reply_template(
                    actor=actor, template=template, organisation=data["organisation"],
                    kind=data["kind"], title=data["title"], body=data["body"],
                    is_active=data["is_active"])
            except DomainError as exc:
                form_error(form, exc)
                status = exc.http_status
            else:
                messages.success(request, _("The reply template was saved."))
                return redirect("feedback:templates")
    return render(request, "feedback/templates.html", {
        "templates": selectors.templates_kept_by(actor=actor), "form": form,
        "template": template,
    }, status=status)


