"""The public service guide (no sign-in), its PDF booklet, and the editing pages of the
handling divisions. Views fetch through selectors and change through services."""

import logging
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from qinkuaiban.catalogue import booklet as booklet_pdf
from qinkuaiban.catalogue import selectors, services
from qinkuaiban.catalogue.forms import (
    CreateItemForm,
    MaterialFormSet,
    VersionForm,
    material_initial,
    materials_from,
)
from qinkuaiban.catalogue.kinds import kind_label
from qinkuaiban.catalogue.models import Category, ServiceItem, ServiceItemVersion
from qinkuaiban.catalogue.presentation import badges, guide_for
from qinkuaiban.core.errors import DomainError, NotFound
from qinkuaiban.core.pagecache import cached_page
from qinkuaiban.core.pdf import PdfFontMissing
from qinkuaiban.identity.models import Organisation, User

logger = logging.getLogger(__name__)


def _grouped(items: list[ServiceItem], by: str) -> list[tuple[str, list[dict[str, Any]]]]:
    groups: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    titles: dict[Any, str] = {}
    for item in items:
        version = item.current_version
        assert version is not None
        key: Any = item.category if by == "category" else item.handling_org_id
        titles[key] = (
            str(Category(item.category).label) if by == "category" else item.handling_org.name
        )
        groups[key].append({"item": item, "version": version, "badges": badges(version)})
    if by == "category":
        order = [c.value for c in Category]
        keys = sorted(groups, key=order.index)
    else:
        keys = sorted(groups, key=lambda k: (groups[k][0]["item"].handling_org.sort_order, k))
    return [(titles[key], groups[key]) for key in keys]


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """The guide by category or by handling division, with search in Chinese or pinyin."""
    query = request.GET.get("q", "").strip()[:60]
    by = "org" if request.GET.get("by") == "org" else "category"
    items = list(selectors.published_items(query=query))
    context = {"query": query, "by": by, "groups": _grouped(items, by), "count": len(items)}
    htmx = bool(getattr(request, "htmx", False))
    template = "catalogue/home.html#results" if htmx else "catalogue/home.html"
    return render(request, template, context)


def _may_edit(request: HttpRequest, item: ServiceItem) -> bool:
    user = request.user
    return isinstance(user, User) and selectors.can_edit_items_of(user, item.handling_org)


@require_safe
def item_detail(request: HttpRequest, code: str) -> HttpResponse:
    """The full guide of an item's current version (for anonymous visitors, from the page
    cache: the key names the version, so a newly published version shows at once)."""
    version_id = selectors.current_version_id(code=code)

    def render_page(extra: dict[str, object]) -> HttpResponse:
        try:
            item = selectors.get_published_item(code=code)
        except NotFound as exc:
            raise Http404(exc.message) from exc
        version = item.current_version
        assert version is not None
        return render(request, "catalogue/item.html", {
            "item": item, "version": version,
            # Built only when the cached guide fragment has to be rendered again.
            "guide": SimpleLazyObject(lambda: guide_for(version)),
            "may_edit": _may_edit(request, item), "today": timezone.localdate().isoformat(),
            "stats_cache_seconds": settings.QKB_PUBLIC_STATS_CACHE_SECONDS, **extra,
        })

    if version_id is None:
        return render_page({})
    return cached_page(request, key_parts=[version_id, timezone.localdate().isoformat()],
                       timeout=settings.QKB_PUBLIC_STATS_CACHE_SECONDS, render_page=render_page)


@require_safe
def version_detail(request: HttpRequest, code: str, number: int) -> HttpResponse:
    """One version's guide as it was published (the one a case was submitted under)."""
    actor = request.user if isinstance(request.user, User) else None
    try:
        version = selectors.get_version(code=code, number=number, actor=actor)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    item = version.item
    return render(request, "catalogue/version.html", {
        "item": item, "version": version, "guide": guide_for(version),
        "is_current": item.current_version_id == version.pk,
    })


@require_safe
def material_file(
    request: HttpRequest, code: str, number: int, material_id: int, which: str
) -> FileResponse:
    """A material's blank form or sample, as public as the guide it belongs to."""
    if which not in ("blank_form", "sample"):
        raise Http404
    actor = request.user if isinstance(request.user, User) else None
    try:
        version = selectors.get_version(code=code, number=number, actor=actor)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    material = next((m for m in version.materials.all() if m.pk == material_id), None)
    stored = getattr(material, which) if material else None
    if not stored:
        raise Http404
    return FileResponse(stored.open("rb"), as_attachment=True,
                        filename=stored.name.rsplit("/", 1)[-1])


@require_safe
def booklet(request: HttpRequest) -> HttpResponse:
    """The whole guide as a PDF; a clear page (not a 500) when no Chinese font is installed."""
    versions = selectors.published_versions()
    goa = Organisation.objects.filter(parent__isnull=True, kind="goa").first()
    try:
        pdf = booklet_pdf.render_booklet(
            versions, organisation_name=goa.name if goa else "", today=timezone.localdate()
        )
    except PdfFontMissing as exc:
        logger.error("Guide booklet not produced: %s", exc.message)
        return render(request, "catalogue/booklet_unavailable.html", status=503)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="qinkuaiban-guide.pdf"'
    return response


# --- Editing (handling division heads and leaders) -----------------------------------------


def _editor(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or not selectors.editable_organisations(user).exists():
        raise PermissionDenied
    return user


def _carry_out(request: HttpRequest, action: Callable[[], object], *, done: str) -> None:
    """Run one editing service for a page that redirects: its refusal, or `done`, is the
    message shown after the redirect."""
    try:
        action()
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)


def _item_for_editor(actor: User, code: str) -> ServiceItem:
    try:
        return selectors.get_item_for_editor(actor=actor, code=code)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _draft(actor: User, code: str, number: int) -> ServiceItemVersion:
    item = _item_for_editor(actor, code)
    version = item.versions.filter(number=number).prefetch_related("materials").first()
    if version is None:
        raise Http404
    return version


@login_required
@require_safe
def manage(request: HttpRequest) -> HttpResponse:
    """The items the user's divisions own, with their drafts, to edit and publish."""
    actor = _editor(request)
    items = list(selectors.items_for_editor(actor=actor))
    drafts = selectors.draft_numbers(items)
    rows = [{"item": item, "draft_number": drafts.get(item.pk),
             "kind_label": kind_label(item.kind)} for item in items]
    return render(request, "catalogue/manage.html", {"rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def create_item(request: HttpRequest) -> HttpResponse:
    actor = _editor(request)
    organisations = selectors.editable_organisations(actor)
    form = CreateItemForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        agency = data["handling_org"].legal_entity()
        try:
            version = services.create_item(
                actor=actor, code=data["code"], kind=data["kind"], category=data["category"],
                handling_org=data["handling_org"], basic_code=data["basic_code"],
                content=form.content(agency=agency),
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("The service was created as a draft."))
            return redirect("catalogue:edit", code=version.item.code, number=version.number)
    return render(request, "catalogue/create.html", {"form": form})


@login_required
@require_POST
def start_version(request: HttpRequest, code: str) -> HttpResponse:
    actor = _editor(request)
    item = _item_for_editor(actor, code)
    try:
        draft = services.start_new_version(actor=actor, item=item)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("catalogue:manage")
    return redirect("catalogue:edit", code=item.code, number=draft.number)


@login_required
@require_http_methods(["GET", "POST"])
def edit_draft(request: HttpRequest, code: str, number: int) -> HttpResponse:
    """Edit every element of a draft and its materials; optionally publish in the same step."""
    actor = _editor(request)
    version = _draft(actor, code, number)
    if version.is_published:
        return redirect("catalogue:version", code=code, number=number)
    if request.method == "POST":
        form = VersionForm(request.POST, request.FILES)
        formset = MaterialFormSet(request.POST, request.FILES, prefix="materials",
                                  initial=material_initial(version))
        if form.is_valid() and formset.is_valid():
            try:
                version = services.update_draft(
                    actor=actor, version=version, content=form.content(),
                    materials=materials_from(formset),
                )
                if "publish" in request.POST:
                    services.publish_version(actor=actor, version=version)
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                if "publish" in request.POST:
                    messages.success(request, _("Version %(number)s is now the published guide.")
                                     % {"number": version.number})
                    return redirect("catalogue:item", code=code)
                messages.success(request, _("The draft was saved."))
                return redirect("catalogue:edit", code=code, number=number)
    else:
        form = VersionForm(initial=VersionForm.initial_for(version))
        formset = MaterialFormSet(prefix="materials", initial=material_initial(version))
    return render(request, "catalogue/edit.html", {
        "item": version.item, "version": version, "form": form, "formset": formset,
    })


@login_required
@require_POST
def publish(request: HttpRequest, code: str, number: int) -> HttpResponse:
    actor = _editor(request)
    version = _draft(actor, code, number)
    try:
        services.publish_version(actor=actor, version=version)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("catalogue:edit", code=code, number=number)
    messages.success(request, _("Version %(number)s is now the published guide.")
                     % {"number": version.number})
    return redirect("catalogue:item", code=code)


@login_required
@require_POST
def discard(request: HttpRequest, code: str, number: int) -> HttpResponse:
    actor = _editor(request)
    version = _draft(actor, code, number)
    _carry_out(request, lambda: services.discard_draft(actor=actor, version=version),
               done=_("The draft was discarded."))
    return redirect("catalogue:manage")


@login_required
@require_http_methods(["GET", "POST"])
def retire(request: HttpRequest, code: str) -> HttpResponse:
    """Ask first (GET), then take the service out of the guide (POST)."""
    actor = _editor(request)
    item = _item_for_editor(actor, code)
    if request.method == "GET":
        return render(request, "catalogue/retire.html", {"item": item})
    _carry_out(request, lambda: services.retire_item(actor=actor, item=item),
               done=_("The service was taken out of the guide. You can put it back from this "
                      "page at any time."))
    return redirect("catalogue:manage")


@login_required
@require_POST
def restore(request: HttpRequest, code: str) -> HttpResponse:
    actor = _editor(request)
    item = _item_for_editor(actor, code)
    _carry_out(request, lambda: services.restore_item(actor=actor, item=item),
               done=_("The service is back in the guide."))
    return redirect("catalogue:manage")


@login_required
@require_POST
def queued_intake(request: HttpRequest, code: str) -> HttpResponse:
    """Switch a service's queued intake (peak days) on or off, as the button pressed says."""
    actor = _editor(request)
    item = _item_for_editor(actor, code)
    back = HttpResponseRedirect(f"{reverse('catalogue:manage')}#item-{item.code}")
    wanted = request.POST.get("enabled")
    if wanted not in ("on", "off"):
        messages.error(request, _("Choose whether to switch the queued intake on or off."))
        return back
    name = item.current_version.name if item.current_version is not None else item.code
    done = _(
        "The queued intake is on for %(service)s: applications are received at once with a "
        "receipt and registered as cases within seconds."
    ) if wanted == "on" else _(
        "The queued intake is off for %(service)s: applications are registered as cases "
        "directly again."
    )
    _carry_out(request, lambda: services.set_queued_intake(actor=actor, item=item,
                                                          enabled=wanted == "on"),
               done=done % {"service": name})
    return back
