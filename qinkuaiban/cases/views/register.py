"""The service window registers a case for an applicant who came in, phoned or was visited
(只跑一次, 首问负责): the service, the applicant's account or their name and contact, the channel,
the item's form and the scanned materials. The registering staff member becomes responsible for
the case, which then runs like one sent online."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from qinkuaiban.cases import selectors, services
from qinkuaiban.cases.forms import MaterialsForm, RegisterCaseForm
from qinkuaiban.cases.kinds import ENQUIRY, get_kind
from qinkuaiban.cases.models import Channel
from qinkuaiban.cases.views._common import is_htmx, staff_of
from qinkuaiban.cases.views.apply import KEY_PREFIX, declared_form, new_token
from qinkuaiban.catalogue.forms_spec import DeclaredForm
from qinkuaiban.catalogue.models import Necessity, ServiceItem
from qinkuaiban.catalogue.presentation import limits_text, visits_text
from qinkuaiban.core.errors import DomainError, NotFound
from qinkuaiban.identity.models import User

# Errors of the service that are about the chosen service rather than about one input.
ITEM_ERRORS = frozenset({"not_window_staff", "item_not_published", "unknown_case_kind"})
# What a GET may carry into the form: the item chosen without htmx, or a search's state.
CARRIED = ("item", "applicant", "channel", "submitter_name", "submitter_contact")
MATERIAL_FIELDS = ("files", "file", "material")


def _registrar_of(request: HttpRequest) -> User:
    """A staff member who works at a window or handles cases; anyone else may not register."""
    actor = staff_of(request)
    if not selectors.may_register_cases(actor):
        raise PermissionDenied
    return actor


def _has_own_page(item: ServiceItem) -> bool:
    """Enquiries and feedback are registered on their own pages."""
    return item.kind == ENQUIRY.slug or "apply_url_name" in get_kind(item.kind).meta


def _applicants(actor: User, meta: RegisterCaseForm, query: str) -> tuple[list[Any], bool]:
    """The search results to choose from, the already chosen account first; and whether the
    search found more than are shown."""
    found = selectors.applicants_matching(actor=actor, query=query)
    more = len(found) > selectors.APPLICANT_SEARCH_LIMIT
    found = found[:selectors.APPLICANT_SEARCH_LIMIT]
    chosen_id = meta.chosen_applicant_id()
    if chosen_id is not None and all(person.pk != chosen_id for person in found):
        try:
            _user, chosen = selectors.get_applicant_for_registration(actor=actor, pk=chosen_id)
        except NotFound:
            pass
        else:
            found.insert(0, chosen)
    return found, more


def _show_error(exc: DomainError, meta: RegisterCaseForm, form: DeclaredForm,
                materials: MaterialsForm) -> None:
    """Put the service's refusal next to the input it is about."""
    if exc.code == "invalid_form" and exc.field in form.fields:
        form.add_error(exc.field, exc.message)
    elif exc.field in MATERIAL_FIELDS:
        materials.add_error(None, exc.message)
    elif exc.field and exc.field in meta.fields:
        meta.add_error(exc.field, exc.message)
    elif exc.code in ITEM_ERRORS:
        meta.add_error("item", exc.message)
    else:
        meta.add_error(None, exc.message)


@login_required
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    """Register a case on an applicant's behalf. htmx swaps in the chosen service's form and
    materials, and the applicant search results; the hidden one-time token is the idempotency
    key, so a double click makes one case."""
    actor = _registrar_of(request)
    posted = request.method == "POST"
    searching = is_htmx(request) and not posted and "q" in request.GET
    # The search fragment needs no services to choose from.
    items = [] if searching else [item for item in selectors.items_registrable_by(actor=actor)
                                  if not _has_own_page(item)]
    carried = {name: request.GET[name] for name in CARRIED if name in request.GET}
    meta = RegisterCaseForm(
        request.POST if posted else None, items=items,
        initial={"channel": Channel.WINDOW, **carried, "form_token": new_token()},
    )
    query = "" if posted else request.GET.get("q", "").strip()[:60]
    applicants, more = _applicants(actor, meta, query)
    if searching:
        return render(request, "cases/register.html#applicants", {
            "meta": meta, "applicants": applicants, "more": more, "query": query})
    item = meta.chosen_item()
    version = item.current_version if item is not None else None
    form = materials = None
    if version is not None:
        form = declared_form(version, request.POST if posted else None,
                             request.FILES if posted else None)
        materials = MaterialsForm(request.POST if posted else None,
                                  request.FILES if posted else None,
                                  materials=list(version.materials.all()))
    context: dict[str, Any] = {
        "items": items, "meta": meta, "item": item, "version": version, "form": form,
        "materials": materials, "applicants": applicants, "more": more, "query": query,
        "limits": limits_text(version) if version is not None else "",
        "visits": visits_text(version) if version is not None else "",
        "Necessity": Necessity,
    }
    if is_htmx(request) and not posted:
        return render(request, "cases/register.html#service", context)
    if not posted:
        return render(request, "cases/register.html", context)
    status = _submit(request, actor, meta, item, form, materials)
    if isinstance(status, HttpResponse):
        return status
    context["files_dropped"] = bool(request.FILES)
    return render(request, "cases/register.html", context, status=status)


def _submit(request: HttpRequest, actor: User, meta: RegisterCaseForm,
            item: ServiceItem | None, form: DeclaredForm | None,
            materials: MaterialsForm | None) -> HttpResponse | int:
    """Validate and register; the redirect to the new case, or the status to show the form
    again with."""
    valid = meta.is_valid()
    if item is None or form is None or materials is None:
        return 422
    valid = form.is_valid() & materials.is_valid() & valid
    if not valid:
        return 422
    data = meta.cleaned_data
    applicant: User | None = None
    applicant_id = meta.applicant_id()
    if applicant_id is not None:
        try:
            applicant, _shown = selectors.get_applicant_for_registration(actor=actor,
                                                                        pk=applicant_id)
        except NotFound as exc:
            # The account was deactivated (or lost its role) since the search: an input to fix.
            meta.add_error("applicant", exc.message)
            return 422
    try:
        case = services.submit_case(
            actor=actor, item=item, form=form.cleaned_data, files=materials.files_chosen(),
            channel=data["channel"], applicant=applicant,
            submitter_name="" if applicant else data["submitter_name"],
            submitter_contact="" if applicant else data["submitter_contact"],
            idempotency_key=KEY_PREFIX + data["form_token"],
        )
    except DomainError as exc:
        _show_error(exc, meta, form, materials)
        return exc.http_status
    messages.success(request, _(
        "The case %(number)s was registered for %(name)s. Give them the case number and the "
        "verification code %(code)s: with both they can follow it on the progress page."
    ) % {"number": case.number, "name": case.applicant_display, "code": case.verification_code})
    return redirect("cases:detail", number=case.number)
