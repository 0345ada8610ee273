"""The case detail: header, form data, attachments, history, clock, transfers and visits, and
only the actions this actor may take now, each an htmx form. An htmx request gets the case's
partial back; a plain POST is redirected to the page."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from qinkuaiban.cases import selectors, services
from qinkuaiban.cases.forms import ActionForm, ExtraActionForm, UploadForm, action_form_class
from qinkuaiban.cases.kinds import ENQUIRY, ExtraAction, UnknownCaseKind, get_kind
from qinkuaiban.cases.models import (
    Case,
    DoorToDoorVisit,
    SupplementRequest,
    Transfer,
    Visit,
)
from qinkuaiban.cases.notices import notices_of
from qinkuaiban.cases.permissions import (
    CASE_ROLES,
    is_case_staff,
    parties_for,
    pending_transfer,
)
from qinkuaiban.cases.views._common import actor_of, case_or_404, is_htmx
from qinkuaiban.core.errors import DomainError, NotFound
from qinkuaiban.identity.models import User


def _extra_actions(case: Case) -> dict[str, ExtraAction]:
    try:
        kind = get_kind(case.kind)
    except UnknownCaseKind:
        return {}
    return {extra.slug: extra for extra in kind.extra_actions}


def _form_for(case: Case, actor: User, action: str, data: Any = None,
              files: Any = None) -> ActionForm | None:
    form_class = action_form_class(case, action)
    if form_class is not None:
        return form_class(data, files, case=case, actor=actor)
    extra = _extra_actions(case).get(action)
    if extra is not None:
        return ExtraActionForm(data, files, case=case, actor=actor, extra=extra)
    return None


def case_context(request: HttpRequest, case: Case, actor: User, *,
                 bound: ActionForm | None = None, upload: UploadForm | None = None,
                 ) -> dict[str, Any]:
    """Everything the detail page shows; `bound` replaces the blank form of its action."""
    actions = selectors.available_actions(case=case, actor=actor)
    forms: list[ActionForm] = []
    for action in actions:
        if bound is not None and bound.prefix == action:
            forms.append(bound)
            continue
        form = _form_for(case, actor, action)
        if form is not None:
            forms.append(form)
    if bound is not None and bound not in forms:
        # The action is no longer open to the actor: still show the refusal next to it.
        forms.insert(0, bound)
    case_staff = is_case_staff(case, actor)
    # Files are added by those who work the case (services.add_attachment's rule).
    may_upload = case.is_open and bool(parties_for(case, actor) & CASE_ROLES)
    explanation = selectors.clock_explanation(case=case)
    return {
        "case": case,
        "version": case.version,
        "actions": forms,
        "button_actions": [f for f in forms if f.is_simple and not f.errors],
        "form_actions": [f for f in forms if not f.is_simple or f.errors],
        "open_form": bound.prefix if bound is not None else request.GET.get("action", ""),
        "form_data": selectors.display_form_data(case=case),
        "attachments": list(selectors.case_attachments(case=case).select_related("uploaded_by")),
        "timeline": selectors.case_timeline_for_actor(case=case, actor=actor),
        "clock": explanation,
        "supplements": list(SupplementRequest.objects.filter(case=case)
                            .select_related("requested_by").order_by("round")),
        "transfers": list(Transfer.objects.filter(case=case)
                          .select_related("from_org", "to_org", "requested_by", "responded_by")),
        "pending_transfer": pending_transfer(case),
        "visits": list(Visit.objects.filter(case=case).select_related("recorded_by")),
        "door_visits": list(DoorToDoorVisit.objects.filter(case=case)
                            .select_related("proposed_by", "confirmed_by", "recorded_by")),
        "notices": notices_of(case),
        # The office's view and terms for the case's staff, the applicant's for everyone else.
        "is_staff_view": case_staff,
        "review_deadline": selectors.review_deadline(case=case) if case_staff else None,
        "upload_form": upload or (UploadForm(case=case) if may_upload else None),
        "is_enquiry": case.kind == ENQUIRY.slug,
    }


def _render(request: HttpRequest, case: Case, actor: User, *, status: int = 200,
            bound: ActionForm | None = None, upload: UploadForm | None = None,
            ) -> HttpResponse:
    context = case_context(request, case, actor, bound=bound, upload=upload)
    if is_htmx(request):
        # htmx swaps only 2xx answers; the refusal is in the partial itself.
        return render(request, "cases/detail.html#case", context)
    return render(request, "cases/detail.html", context, status=status)


@login_required
@require_safe
def detail(request: HttpRequest, number: str) -> HttpResponse:
    actor = actor_of(request)
    return _render(request, case_or_404(actor, number, for_page=True), actor)


def _after_change(request: HttpRequest, case: Case, actor: User, message: str) -> HttpResponse:
    """Show the changed case; if the actor can no longer see it (handed over), say so."""
    try:
        case = selectors.get_case_for_actor(actor=actor, number=case.number or "",
                                            for_page=True)
    except NotFound:
        messages.success(request, message)
        if is_htmx(request):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = reverse("cases:queue")
            return response
        return redirect("cases:queue")
    if is_htmx(request):
        response = render(request, "cases/detail.html#case",
                          {**case_context(request, case, actor), "done": message})
        # The confirmation is at the top of the case, far above the button on a long page.
        response["HX-Reswap"] = "outerHTML show:#case:top"
        return response
    messages.success(request, message)
    return redirect("cases:detail", number=case.number)


@login_required
@require_POST
def act(request: HttpRequest, number: str, action: str) -> HttpResponse:
    """Take one action through its form; the service decides whether it is allowed."""
    actor = actor_of(request)
    case = case_or_404(actor, number, for_page=True)
    form = _form_for(case, actor, action, request.POST, request.FILES)
    if form is None:
        raise Http404
    if not form.is_valid():
        return _render(request, case, actor, bound=form, status=422)
    try:
        changed = form.perform()
    except DomainError as exc:
        if exc.field and exc.field in form.fields:
            form.add_error(exc.field, exc.message)
        else:
            form.add_error(None, exc.message)
        case = case_or_404(actor, number, for_page=True)
        return _render(request, case, actor, bound=form, status=exc.http_status)
    return _after_change(request, changed, actor, form.done)


@login_required
@require_POST
def upload(request: HttpRequest, number: str) -> HttpResponse:
    """Add one file to an open case."""
    actor = actor_of(request)
    case = case_or_404(actor, number, for_page=True)
    form = UploadForm(request.POST, request.FILES, case=case)
    if not form.is_valid():
        return _render(request, case, actor, upload=form, status=422)
    try:
        services.add_attachment(case=case, actor=actor, file=form.cleaned_data["file"],
                                material_id=form.material_id())
    except DomainError as exc:
        form.add_error("file" if exc.field in ("file", "material", None) else None, exc.message)
        return _render(request, case, actor, upload=form, status=exc.http_status)
    return _after_change(request, case, actor, _("The file was added."))


@login_required
@require_safe
def attachment(request: HttpRequest, number: str, attachment_id: int) -> FileResponse:
    """Download one file of a case the actor may see (never a public media address)."""
    actor = actor_of(request)
    try:
        found = selectors.get_attachment_for_actor(actor=actor, number=number,
                                                   attachment_id=attachment_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return FileResponse(found.file.open("rb"), as_attachment=True,
                        filename=found.original_name, content_type=found.content_type)
