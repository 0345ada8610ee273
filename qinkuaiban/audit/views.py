"""The audit administrator's pages: read, filter, export and verify. Nothing here changes or
deletes an entry; the only writes are the entries that record an export or a verification."""

import json
from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from qinkuaiban.audit import review, selectors
from qinkuaiban.audit.chain import entry_digest
from qinkuaiban.audit.forms import AuditFilterForm
from qinkuaiban.audit.services import hashed_fields
from qinkuaiban.core.errors import NotPermitted
from qinkuaiban.identity.models import User
from qinkuaiban.web.pagination import keyset_page, parse_cursor

PER_PAGE = 50
FILTER_FIELDS = tuple(AuditFilterForm.base_fields)


def audit_admin_required(
    view: Callable[..., HttpResponseBase],
) -> Callable[..., HttpResponseBase]:
    """Signed-out visitors go to the login page; everyone but the audit administrator gets 403."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not selectors.may_read_audit_trail(_actor(request)):
            raise PermissionDenied
        try:
            return view(request, *args, **kwargs)
        except NotPermitted as exc:
            raise PermissionDenied(exc.message) from exc

    return wrapped


def _actor(request: HttpRequest) -> User:
    # Only reached behind audit_admin_required, so the user is a signed-in User.
    return cast(User, request.user)


def _filter_form(request: HttpRequest) -> AuditFilterForm:
    # Bound only when a filter was submitted, so the first visit shows no "required" noise.
    bound = any(name in request.GET for name in FILTER_FIELDS)
    return AuditFilterForm(request.GET if bound else None)


@require_safe
@audit_admin_required
def entry_list(request: HttpRequest) -> HttpResponse:
    form = _filter_form(request)
    filters = form.filters()
    entries = selectors.audit_entries_for(actor=_actor(request), filters=filters)
    page = keyset_page(
        entries, key="sequence", per_page=PER_PAGE,
        before=parse_cursor(request.GET.get("before")),
        after=parse_cursor(request.GET.get("after")),
    )
    return render(request, "audit/entry_list.html", {
        "form": form,
        "page_obj": page,
        "is_filtered": bool(filters.as_dict()),
        "export_query": request.GET.urlencode() if filters.as_dict() else "",
    })


@require_safe
@audit_admin_required
def entry_detail(request: HttpRequest, sequence: int) -> HttpResponse:
    entry = selectors.get_audit_entry_for(actor=_actor(request), sequence=sequence)
    previous, following = selectors.neighbours_of(entry)
    return render(request, "audit/entry_detail.html", {
        "entry": entry,
        "organisation": selectors.organisation_of(entry),
        "changes_json": json.dumps(entry.changes, ensure_ascii=False, indent=2, sort_keys=True),
        "hash_matches": entry_digest(hashed_fields(entry), entry.prev_hash) == entry.entry_hash,
        "link_matches": (
            previous.entry_hash == entry.prev_hash if previous is not None else None
        ),
        "previous": previous,
        "following": following,
    })


@require_safe
@audit_admin_required
def verify(request: HttpRequest) -> HttpResponse:
    # A read that changes no entry, so a GET; running it is recorded on the trail itself.
    report = None
    if "run" in request.GET:
        report = review.verify_chain_as(actor=_actor(request))
    return render(request, "audit/verify.html", {
        "report": report,
        "problem": review.problem_label(report.problem) if report and not report.ok else "",
    })


@require_safe
@audit_admin_required
def export_csv(request: HttpRequest) -> StreamingHttpResponse:
    filters = _filter_form(request).filters()
    entries = review.export_entries_as(actor=_actor(request), filters=filters)
    filename = timezone.localtime().strftime("audit-trail-%Y%m%d-%H%M%S.csv")
    response = StreamingHttpResponse(
        review.csv_rows(entries), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
