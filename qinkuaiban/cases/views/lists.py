"""Lists of cases: "My cases" for applicants and the work queue for staff."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from qinkuaiban.cases import selectors
from qinkuaiban.cases.forms import QueueFilterForm
from qinkuaiban.cases.models import Status, WarningLevel
from qinkuaiban.cases.permissions import is_staff
from qinkuaiban.cases.views._common import actor_of, is_htmx, staff_of
from qinkuaiban.cases.workflow import CLOSED_STATUSES, OPEN_STATUSES
from qinkuaiban.catalogue.models import ServiceItem

MINE_PER_PAGE = 20
QUEUE_PER_PAGE = 25
MINE_FILTERS = {
    "drafts": Q(status=Status.DRAFT),
    "open": Q(status__in=OPEN_STATUSES),
    "closed": Q(status__in=CLOSED_STATUSES),
}


@login_required
@require_safe
def index(request: HttpRequest) -> HttpResponse:
    """/cases/: staff to their queue, everyone else to their own cases."""
    return redirect("cases:queue" if is_staff(actor_of(request)) else "cases:mine")


@login_required
@require_safe
def mine(request: HttpRequest) -> HttpResponse:
    """The applicant's cases: drafts to resume, open ones and completed ones, newest first."""
    actor = actor_of(request)
    own = selectors.cases_for_actor(actor=actor).filter(
        Q(applicant=actor) | Q(status=Status.DRAFT, registered_by=actor)
    )
    show = request.GET.get("show", "")
    if show not in MINE_FILTERS:
        show = ""
    counts = own.aggregate(
        all=Count("pk"),
        **{name: Count("pk", filter=condition) for name, condition in MINE_FILTERS.items()},
    )
    cases = own.filter(MINE_FILTERS[show]) if show else own
    page = Paginator(cases.order_by("-created_at", "-pk"), MINE_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "cases/mine.html", {"page_obj": page, "show": show, "counts": counts})


@login_required
@require_safe
def queue(request: HttpRequest) -> HttpResponse:
    """Open cases of the actor's organisations, soonest due first, filtered with htmx."""
    actor = staff_of(request)
    org_ids = selectors.visible_org_ids(actor)
    items = [
        (item.code, item.current_version.name if item.current_version else item.code)
        for item in ServiceItem.objects.filter(handling_org_id__in=org_ids)
        .select_related("current_version").order_by("category", "sort_order", "code")
    ]
    filters_form = QueueFilterForm(
        request.GET or None,
        statuses=[(value, label) for value, label in Status.choices if value in OPEN_STATUSES],
        warnings=WarningLevel.choices, items=items,
    )
    filters = filters_form.filters()
    cases = selectors.case_queue(actor=actor, **filters)
    by_status = dict(
        selectors.case_queue(actor=actor, **{**filters, "status": ""})
        .order_by().values_list("status").annotate(n=Count("pk"))
    )
    status_counts = [
        (value, label, by_status.get(value, 0))
        for value, label in Status.choices if value in OPEN_STATUSES
    ]
    page = Paginator(cases, QUEUE_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page_obj": page, "filters": filters_form, "status_counts": status_counts,
        "total": sum(by_status.values()), "current_status": filters["status"],
    }
    template = "cases/queue.html#results" if is_htmx(request) else "cases/queue.html"
    return render(request, template, context)
