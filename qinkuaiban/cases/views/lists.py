"""Lists of cases: "My cases" for applicants and the work queue for staff."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.decorators.http import require_safe

from qinkuaiban.cases import selectors
from qinkuaiban.cases.forms import QueueFilterForm
from qinkuaiban.cases.models import Status, WarningLevel
from qinkuaiban.cases.permissions import is_staff
from qinkuaiban.cases.prompts import prompts_for
from qinkuaiban.cases.views._common import actor_of, is_htmx, staff_of
from qinkuaiban.cases.workflow import CLOSED_STATUSES, OPEN_STATUSES
from qinkuaiban.catalogue.models import ServiceItem

MINE_PER_PAGE = 20
QUEUE_PER_PAGE = 25
# What a row of "My cases" shows (cases/mine.html), and what the apps' prompts read of a case
# (kind, channel and responsible: whether and whom it is rated for).
MINE_COLUMNS = (
    "number", "status", "outcome", "due_on", "due_provisional", "warning", "completed_at",
    "created_at", "updated_at", "applicant", "registered_by", "version__name",
    "handling_org__name", "kind", "channel", "responsible",
)
MINE_FILTERS = {
    "drafts": Q(status=Status.DRAFT),
    "open": Q(status__in=OPEN_STATUSES),
    "closed": Q(status__in=CLOSED_STATUSES),
}


class KnownCountPaginator(Paginator):
    """A paginator told its count: the queue's status tabs have counted the same rows already,
    and counting a busy organisation's open cases twice doubles the page's cost."""

    def __init__(self, object_list: Any, per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self.known_count = count

    @cached_property
    def count(self) -> int:
        return self.known_count


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
    cases = (own.filter(MINE_FILTERS[show]) if show else own).select_related(None).select_related(
        "version", "handling_org").only(*MINE_COLUMNS)
    # The tabs have counted the list already; the row reads only the columns it shows (a
    # guide version's texts are large and a frequent applicant has hundreds of cases).
    page = KnownCountPaginator(cases.order_by("-created_at", "-pk"), MINE_PER_PAGE,
                               count=counts[show or "all"]).get_page(request.GET.get("page"))
    waiting = list(selectors.waiting_intakes_for(actor=actor)[:20]) if not show else []
    listed = list(page.object_list)
    # What other apps ask of the applicant about these cases (待评价), each app by its own rule.
    prompts = prompts_for(actor=actor, cases=listed)
    return render(request, "cases/mine.html", {
        "page_obj": page, "show": show, "counts": counts, "waiting": waiting,
        "rows": [(case, prompts.get(case.pk, [])) for case in listed],
    })


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
    # One queue and one grouped count for the status tabs, the deadline alert and the list:
    # the tabs and the paginator count the list's filters, the alert the whole queue.
    today = timezone.localdate()
    queue = selectors.case_queue(actor=actor, item_code=filters["item_code"])
    counts = selectors.queue_counts(queue, warning=filters["warning"],
                                    overdue=filters["overdue"], today=today)
    cases = selectors.narrow_queue(queue, status=filters["status"], warning=filters["warning"],
                                   overdue=filters["overdue"], today=today)
    status_counts = [
        (value, label, counts.by_status.get(value, 0))
        for value, label in Status.choices if value in OPEN_STATUSES
    ]
    shown = counts.by_status.get(filters["status"], 0) if filters["status"] else counts.total
    page = KnownCountPaginator(cases, QUEUE_PER_PAGE, count=shown).get_page(
        request.GET.get("page"))
    context = {
        "page_obj": page, "filters": filters_form, "status_counts": status_counts,
        "total": counts.total, "counts": counts, "current_status": filters["status"],
        "current_warning": filters["warning"], "current_overdue": filters["overdue"],
        "current_item": filters["item_code"],
    }
    template = "cases/queue.html#results" if is_htmx(request) else "cases/queue.html"
    return render(request, template, context)
