"""Registering an enquiry (咨询) for a caller or visitor: any staff member may, and stays
responsible for it until it is answered or a receiving organisation takes it over (首问负责)."""

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from qinkuaiban.cases import services
from qinkuaiban.cases.forms import EnquiryForm
from qinkuaiban.cases.kinds import ENQUIRY
from qinkuaiban.cases.views._common import is_htmx, staff_of
from qinkuaiban.cases.views.apply import KEY_PREFIX, declared_form
from qinkuaiban.catalogue.selectors import published_items
from qinkuaiban.core.errors import DomainError


@login_required
@require_http_methods(["GET", "POST"])
def new_enquiry(request: HttpRequest) -> HttpResponse:
    """The caller, the channel and the question; the case is accepted at once and lands on
    the registering staff member's desk."""
    actor = staff_of(request)
    items = list(published_items().filter(kind=ENQUIRY.slug))
    posted = request.method == "POST"
    meta = EnquiryForm(request.POST if posted else None, items=items,
                       initial={"form_token": secrets.token_urlsafe(24),
                                "item": request.GET.get("item", "")})
    item = meta.chosen_item()
    if item is None or item.current_version is None:
        return render(request, "cases/enquiry_new.html", {"meta": meta, "item": None})
    version = item.current_version
    form = declared_form(version, request.POST if posted else None)
    context = {"meta": meta, "form": form, "item": item, "version": version}
    if is_htmx(request) and not posted:
        return render(request, "cases/enquiry_new.html#question", context)
    status = 200
    if posted:
        if meta.is_valid() & form.is_valid():
            data = meta.cleaned_data
            try:
                case = services.submit_case(
                    actor=actor, item=item, form=form.cleaned_data, channel=data["channel"],
                    submitter_name=data["submitter_name"],
                    submitter_contact=data["submitter_contact"],
                    idempotency_key=KEY_PREFIX + data["form_token"],
                )
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
                status = exc.http_status
            else:
                messages.success(request, _("The enquiry %(number)s was registered. Answer it "
                                            "or transfer it here.") % {"number": case.number})
                return redirect("cases:detail", number=case.number)
        else:
            status = 422
    return render(request, "cases/enquiry_new.html", context, status=status)
