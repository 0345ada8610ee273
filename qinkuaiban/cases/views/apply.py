"""Applying online: the form generated from the item version's declaration, a file input per
material, "save draft" and "submit", resuming drafts, and the confirmation page."""

import secrets
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.http import HttpResponseClientRedirect

from qinkuaiban.cases import held, intake, selectors, services
from qinkuaiban.cases.forms import ApplyForm, MaterialsForm
from qinkuaiban.cases.kinds import takes_online_applications
from qinkuaiban.cases.models import Case, IntakeStatus, Status
from qinkuaiban.cases.permissions import may_handle_intake
from qinkuaiban.cases.views._common import actor_of, case_or_404, is_htmx
from qinkuaiban.cases.workflow import Action
from qinkuaiban.catalogue.forms_spec import DeclaredForm, build_form_class
from qinkuaiban.catalogue.models import Necessity, ServiceItemVersion
from qinkuaiban.catalogue.presentation import badges, limits_text, visits_text
from qinkuaiban.catalogue.selectors import get_published_item
from qinkuaiban.core.errors import DomainError, NotFound
from qinkuaiban.identity.models import User

FORM_PREFIX = "f"
KEY_PREFIX = "web:"
# (seconds since receipt, seconds between two questions of the receipt page)
# (waited less than s, ask again after s): three quick looks for an ordinary day, when the
# number comes within a second or two; then every 10 s, as on the peak morning the intake
# worker defers registering for up to QKB_INTAKE_MAX_DEFER_SECONDS and a thousand waiting
# pages must not add a thousand requests a second; then every 30 s up to half an hour.
POLL_STEPS = ((6, 2), (120, 10), (1800, 30))


def new_token() -> str:
    return secrets.token_urlsafe(24)


def declared_form(version: ServiceItemVersion, *args: Any, partial: bool = False,
                  **kwargs: Any) -> DeclaredForm:
    """The application form the version declares (the catalogue's form machinery); `partial`
    for a draft being saved, which may leave required fields blank."""
    form_class = build_form_class(version.field_specs)
    kwargs["prefix"] = FORM_PREFIX
    form = form_class(*args, **kwargs)
    form.partial = partial
    return form


def _form_initial(case: Case) -> dict[str, Any]:
    """A draft's saved values; ID numbers are stored encrypted and must be typed again."""
    return {name: value for name, value in case.form_data.items() if not isinstance(value, dict)}


def _show_error(exc: DomainError, form: DeclaredForm, materials: MaterialsForm) -> None:
    if exc.field and exc.field in form.fields:
        form.add_error(exc.field, exc.message)
    elif exc.field in ("files", "file", "material"):
        materials.add_error(None, exc.message)
    else:
        form.add_error(None, exc.message)


def _returned(request: HttpRequest, actor: User, material_list: list[Any]) -> held.Returned:
    """The held files the form sent back; the ones the applicant unticked go at once."""
    chosen = sum(len(request.FILES.getlist(name)) for name in request.FILES)
    found = held.returned(request.POST, actor=actor, material_ids=[m.pk for m in material_list],
                          chosen_anew=chosen)
    held.discard(found.dropped)
    return found


def _page(request: HttpRequest, *, version: ServiceItemVersion, form: DeclaredForm,
          materials: MaterialsForm, meta: dict[str, str], draft: Case | None = None,
          status: int = 200, closed: bool = False) -> HttpResponse:
    """The application page. A posted form reaches it only with an error: its chosen files
    are held first (written to storage, `held.py`), so the page can offer them again."""
    if materials.is_bound:
        # The form goes back with an error: the files chosen are kept for the next attempt.
        materials.hold_chosen(actor=actor_of(request))
    # Files of the application form's own file fields are not held: say so.
    form_files_dropped = materials.is_bound and any(
        name.startswith(f"{FORM_PREFIX}-") for name in request.FILES)
    attachments = list(selectors.case_attachments(case=draft)) if draft is not None else []
    return render(request, "cases/apply.html", {
        "item": version.item, "version": version, "form": form, "materials": materials,
        "materials_list": list(version.materials.all()), "meta": meta, "draft": draft,
        "attachments": attachments, "badges": badges(version), "limits": limits_text(version),
        "visits": visits_text(version), "form_files_dropped": form_files_dropped,
        "held_shown": held.SHOWN_NAME,
        "held_keep": held.KEEP_NAME,
        "applications_closed": closed, "Necessity": Necessity,
    }, status=status)


def _after_save(request: HttpRequest, case: Case, *, wanted_submit: bool) -> HttpResponse:
    if case.status == Status.DRAFT:
        if wanted_submit:
            messages.info(request, _("This form was already saved as a draft. Check it and "
                                     "submit it here."))
        else:
            messages.success(request, _("The draft was saved. You can come back to it from "
                                        "“My cases”."))
        return redirect("cases:draft", pk=case.pk)
    return redirect("cases:submitted", number=case.number)


@login_required
@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest, code: str) -> HttpResponse:
    """Apply for a service: save a draft or submit at once. A hidden one-time token is the
    idempotency key, so pressing the button twice never makes two cases."""
    actor = actor_of(request)
    try:
        item = get_published_item(code=code)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    version = item.current_version
    assert version is not None  # a published item has a current version
    closed = not takes_online_applications(version.item.kind, version.channels)
    material_list = list(version.materials.all())
    if request.method == "GET" or closed:
        # A closed service says where to apply instead (the page's notice) and takes nothing:
        # a form posted anyway (an old tab, a script) is answered the same way, with 409.
        form = declared_form(version, initial=selectors.applicant_defaults(user=actor))
        return _page(request, version=version, form=form,
                     materials=MaterialsForm(materials=material_list),
                     meta={"form_token": new_token()}, closed=closed,
                     status=409 if request.method == "POST" else 200)
    meta = ApplyForm(request.POST)
    form = declared_form(version, request.POST, request.FILES,
                         partial=request.POST.get("intent") == "draft")
    returned = _returned(request, actor, material_list)
    materials = MaterialsForm(request.POST, request.FILES, materials=material_list,
                              returned=returned)
    token = request.POST.get("form_token", "")[:64] or new_token()
    valid = form.is_valid() & materials.is_valid()
    if not meta.is_valid():
        form.add_error(None, _("The form was incomplete. Please try again."))
        valid = False
    if valid:
        wanted_submit = meta.cleaned_data["intent"] == "submit"
        response: HttpResponse
        try:
            if intake.uses_queued_intake(item, submit=wanted_submit):
                received = intake.receive_application(
                    actor=actor, item=item, form=form.cleaned_data,
                    files=materials.files_chosen(), idempotency_key=KEY_PREFIX + token)
                response = redirect("cases:received", receipt=received.receipt)
            else:
                case = services.submit_case(
                    actor=actor, item=item, form=form.cleaned_data,
                    files=materials.files_chosen(), idempotency_key=KEY_PREFIX + token,
                    submit=wanted_submit,
                )
                response = _after_save(request, case, wanted_submit=wanted_submit)
        except DomainError as exc:
            _show_error(exc, form, materials)
            return _page(request, version=version, form=form, materials=materials,
                         meta={"form_token": token}, status=exc.http_status)
        # The service wrote its own copy of each file: the held ones have served.
        held.discard(returned.kept_files)
        return response
    return _page(request, version=version, form=form, materials=materials,
                 meta={"form_token": token}, status=422)


def _submitted_instead(actor: User, pk: int) -> HttpResponse:
    """A draft that was submitted meanwhile (a second click): show its confirmation."""
    case = selectors.cases_for_actor(actor=actor).filter(pk=pk, number__isnull=False).first()
    if case is None:
        raise Http404
    return redirect("cases:submitted", number=case.number)


@login_required
@require_http_methods(["GET", "POST"])
def draft(request: HttpRequest, pk: int) -> HttpResponse:
    """Resume a draft: change the form, add files, save, submit or discard it."""
    actor = actor_of(request)
    try:
        case = selectors.get_draft_for_actor(actor=actor, pk=pk)
    except NotFound:
        return _submitted_instead(actor, pk)
    version = case.version
    material_list = list(version.materials.all())
    if request.method == "GET":
        return _page(request, version=version,
                     form=declared_form(version, initial=_form_initial(case)),
                     materials=MaterialsForm(materials=material_list), meta={}, draft=case)
    intent = request.POST.get("intent", "")
    returned = _returned(request, actor, material_list)
    if intent == "discard":
        try:
            services.withdraw(case=case, actor=actor, reason=_("Draft discarded"))
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("cases:draft", pk=case.pk)
        held.discard(returned.kept_files)
        messages.success(request, _("The draft was discarded."))
        return redirect("cases:mine")
    form = declared_form(version, request.POST, request.FILES, initial=_form_initial(case),
                         partial=intent == "draft")
    materials = MaterialsForm(request.POST, request.FILES, materials=material_list,
                              returned=returned)
    valid = form.is_valid() & materials.is_valid()
    if intent not in ("draft", "submit"):
        form.add_error(None, _("The form was incomplete. Please try again."))
        valid = False
    if valid:
        try:
            case = services.update_draft(case=case, actor=actor, form=form.cleaned_data,
                                         files=materials.files_chosen())
            # Saved: the files are the draft's attachments now, whatever submitting says, so
            # they are neither held again nor kept twice.
            materials.attached = True
            held.discard(returned.kept_files)
            if intent == "submit":
                case = services.transition_case(case=case, action=Action.SUBMIT, actor=actor)
        except DomainError as exc:
            _show_error(exc, form, materials)
            case.refresh_from_db()
            return _page(request, version=version, form=form, materials=materials, meta={},
                         draft=case, status=exc.http_status)
        return _after_save(request, case, wanted_submit=False)
    return _page(request, version=version, form=form, materials=materials, meta={}, draft=case,
                 status=422)


@login_required
@require_safe
def draft_attachment(request: HttpRequest, pk: int, attachment_id: int) -> FileResponse:
    """A file of one's own draft."""
    actor = actor_of(request)
    try:
        case = selectors.get_draft_for_actor(actor=actor, pk=pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    attachment = selectors.case_attachments(case=case).filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404
    return FileResponse(attachment.file.open("rb"), as_attachment=True,
                        filename=attachment.original_name, content_type=attachment.content_type)


@login_required
@require_safe
def received(request: HttpRequest, receipt: str) -> HttpResponse:
    """The receipt of an application on the queued intake. Its applicant waits here (htmx asks
    again, less often as the minutes pass) until it is registered, then goes on to the case's
    confirmation; the handling division's window staff see it too, and put a failed one back
    in the queue."""
    actor = actor_of(request)
    try:
        found = selectors.get_intake_for_actor(actor=actor, receipt=receipt)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    own = found.applicant_id == actor.pk
    if own and found.status == IntakeStatus.REGISTERED and found.case is not None:
        target = reverse("cases:submitted", kwargs={"number": found.case.number})
        if is_htmx(request):
            return HttpResponseClientRedirect(target)
        return redirect(target)
    context = {"intake": found, "version": found.version, "own": own,
               "poll_seconds": _poll_seconds(found) if own else None,
               "may_retry": may_handle_intake(actor, found)}
    if is_htmx(request):
        return render(request, "cases/received.html#status", context)
    return render(request, "cases/received.html", context)


def _poll_seconds(found: Any) -> int | None:
    """How long the page waits before asking again (POLL_STEPS), and not at all after half an
    hour (the applicant is told where to look instead)."""
    if found.status != IntakeStatus.QUEUED:
        return None
    waited = (timezone.now() - found.received_at).total_seconds()
    for limit, seconds in POLL_STEPS:
        if waited < limit:
            return seconds
    return None


@login_required
@require_POST
def retry_received(request: HttpRequest, receipt: str) -> HttpResponse:
    """Window staff put an application whose registration failed back in the queue."""
    actor = actor_of(request)
    try:
        found = selectors.get_intake_for_actor(actor=actor, receipt=receipt)
        intake.retry_intake(actor=actor, intake=found)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The application is back in the queue and will be "
                                    "registered in a moment, dated when it was received."))
    return redirect("cases:received", receipt=found.receipt)


@login_required
@require_safe
def submitted(request: HttpRequest, number: str) -> HttpResponse:
    """The confirmation after submitting: number, verification code, what happens next."""
    case = case_or_404(actor_of(request), number)
    return render(request, "cases/submitted.html", {"case": case, "version": case.version})
