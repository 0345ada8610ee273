"""Reads of cases that depend on who asks. A case the actor may not see is a 404, so numbers
from other offices reveal nothing.

Who sees what:
- an applicant sees the cases they applied for and the ones they registered (drafts included);
- staff (window clerk, handler, division head, leader, supervisor) see the cases handled by the
  organisations they hold such a role in and everything below them (a GOA leader sees every
  GOA case), the cases they are responsible for, and cases offered to them by a pending
  transfer; supervisors also see every case whose transfer was escalated;
- everyone else, administrators included (三员分立), sees nothing.
"""

import datetime as dt
import hmac
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.hashers import check_password
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Count, Exists, ForeignKey, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from qinkuaiban.cases import clock
from qinkuaiban.cases.audience import event_label_for
from qinkuaiban.cases.codes import RECEIPT_LENGTH, looks_like_code
from qinkuaiban.cases.events import happened_at
from qinkuaiban.cases.kinds import (
    UnknownCaseKind,
    get_kind,
    kinds_with_own_queue,
    registered_kinds,
)
from qinkuaiban.cases.models import (
    ONE_RELATED,
    QUEUE_ORDER,
    Attachment,
    Case,
    CaseEvent,
    Intake,
    IntakeStatus,
    Transfer,
    TransferStatus,
    WarningLevel,
)
from qinkuaiban.cases.permissions import (
    REGISTERING_ROLES,
    TRANSFER_GUARDS,
    is_case_staff,
    is_staff,
    may_handle_intake,
    parties_for,
    pending_transfer,
    satisfied_guards,
    with_action_data,
)
from qinkuaiban.cases.timeline import TimelineEntry, case_timeline
from qinkuaiban.cases.workflow import OPEN_STATUSES, TRANSITIONS, Status, actions_for
from qinkuaiban.catalogue.models import ItemStatus, ServiceItem
from qinkuaiban.core import rows
from qinkuaiban.core.errors import NotFound
from qinkuaiban.core.validators import mask_mobile
from qinkuaiban.identity.models import Membership, User
from qinkuaiban.identity.roles import STAFF_ROLES, Role
from qinkuaiban.identity.selectors import (
    admin_role_of,
    descendant_ids,
    has_role,
    memberships_for,
    organisation_ids_for,
)
from qinkuaiban.workdays.rules import Deadline
from qinkuaiban.workdays.selectors import load_calendar

LIST_RELATED = ("item", "version", "handling_org", "applicant", "responsible")


def _not_found() -> NotFound:
    return NotFound(_("No such case."), code="case_not_found")


def visible_org_ids(actor: User) -> set[int]:
    """Organisations whose cases the actor sees as staff."""
    return descendant_ids(organisation_ids_for(actor, STAFF_ROLES))


def cases_for_actor(*, actor: User) -> QuerySet[Case]:
    """Every case the actor may see (see the module's rules)."""
    return _visible_cases(actor).select_related(*LIST_RELATED)


def _visible_cases(actor: User) -> QuerySet[Case]:
    if not getattr(actor, "is_authenticated", False):
        return Case.objects.none()
    # What an actor without a staff role sees; `_own_case` reads it by hand, and
    # permissions.is_case_staff asks the same of one case in Python: change all three.
    condition = Q(applicant=actor) | Q(registered_by=actor)
    org_ids = visible_org_ids(actor)
    if org_ids:
        offered = Transfer.objects.filter(
            case=OuterRef("pk"), status=TransferStatus.PENDING, to_org_id__in=org_ids
        )
        condition |= Q(handling_org_id__in=org_ids) | Q(responsible=actor) | Q(Exists(offered))
    if organisation_ids_for(actor, [Role.SUPERVISOR]):
        # The supervising division follows every case whose transfer was escalated to it.
        escalated = Transfer.objects.filter(case=OuterRef("pk"), escalated_at__isnull=False)
        condition |= Q(Exists(escalated))
    return Case.objects.filter(condition)


def get_case_for_actor(*, actor: User, number: str, for_page: bool = False) -> Case:
    """One visible submitted case by its number; NotFound otherwise. `for_page`: with what
    the case page and its action forms read (checklist, pending transfer, door visits), each
    fetched once instead of by every part of the page that asks."""
    # No number holds a NUL, and PostgreSQL would refuse it in the query.
    if "\x00" in number or not getattr(actor, "is_authenticated", False):
        raise _not_found()
    if not for_page and not organisation_ids_for(actor, STAFF_ROLES):
        case = _own_case(actor, number)
    else:
        cases = _visible_cases(actor).filter(number=number).select_related(*ONE_RELATED)
        if for_page:
            cases = with_action_data(cases)
        try:
            # A unique lookup: no ORDER BY for PostgreSQL to plan, unlike first().
            case = cases.get()
        except Case.DoesNotExist:
            case = None
    if case is None:
        raise _not_found()
    return case


def _own_case_sql(db: BaseDatabaseWrapper) -> str:
    c = _CASE
    joins = []
    for name, table in _CASE_RELATED:
        relation = Case._meta.get_field(name)
        assert isinstance(relation, ForeignKey)
        joins.append(f"{'LEFT OUTER' if relation.null else 'INNER'} JOIN {table.ref(db)} "
                     f"ON {table.col(db, relation.target_field.name)} = {c.col(db, name)}")
    columns = ", ".join(t.columns(db) for t in (c, *(t for _, t in _CASE_RELATED)))
    return (
        f"SELECT {columns} FROM {c.ref(db)} {' '.join(joins)} "  # noqa: S608 (names only)
        f"WHERE {c.col(db, 'number')} = %s "
        f"AND ({c.col(db, 'applicant')} = %s OR {c.col(db, 'registered_by')} = %s)"
    )


_CASE = rows.Table(Case, "c")
_CASE_RELATED: list[tuple[str, rows.Table[Any]]] = [
    (name, rows.Table(Case._meta.get_field(name).related_model, f"r{index}"))  # type: ignore[arg-type]
    for index, name in enumerate(ONE_RELATED)
]
_OWN_CASE_SQL = rows.Sql(_own_case_sql)


def _own_case(actor: User, number: str) -> Case | None:
    """`_visible_cases(actor).filter(number=...).select_related(*ONE_RELATED)` for an actor
    without a staff role — only the cases they applied for or registered — as one
    hand-written statement (core/rows.py): an applicant reading their case is the API's
    busiest call, and compiling the QuerySet cost four times what PostgreSQL spends on it."""
    connection = rows.read_connection(Case)
    found = rows.fetch(connection, _OWN_CASE_SQL, [number, actor.pk, actor.pk])
    if not found:
        return None
    row = found[0]
    case = _CASE.instance(connection, row, 0)
    assert case is not None
    start = _CASE.width
    for name, table in _CASE_RELATED:
        setattr(case, name, table.instance(connection, row, start))
        start += table.width
    return case


def get_draft_for_actor(*, actor: User, pk: int) -> Case:
    """One draft (drafts have no number yet) of its creator; NotFound otherwise."""
    case = (
        Case.objects.filter(pk=pk, status=Status.DRAFT, registered_by=actor)
        .select_related(*ONE_RELATED).first()
        if getattr(actor, "is_authenticated", False) else None
    )
    if case is None:
        raise _not_found()
    return case


def drafts_for_actor(*, actor: User) -> QuerySet[Case]:
    return cases_for_actor(actor=actor).filter(status=Status.DRAFT, registered_by=actor)


def get_case_by_tracking(*, reference: str, code: str) -> Case:
    """Public progress: a case number with its verification code, or an anonymous tracking
    code with its PIN. Any mismatch is the same NotFound, so nothing is revealed."""
    reference, code = reference.strip().upper(), code.strip().upper()
    # No number or code holds a NUL, and PostgreSQL would refuse it in the query.
    if not reference or not code or "\x00" in reference + code:
        raise _not_found()
    case = Case.objects.filter(Q(number=reference) | Q(tracking_code=reference)).select_related(
        "version", "handling_org"
    ).first()
    if case is None:
        # Spend the same time as a real check, so timing does not tell numbers apart.
        check_password(code, "")
        raise _not_found()
    if case.tracking_code == reference:
        if not check_password(code, case.pin_hash):
            raise _not_found()
    elif not hmac.compare_digest(case.verification_code.encode(), code.encode()):
        raise _not_found()
    return case


def case_queue(
    *,
    actor: User,
    status: str = "",
    warning: str = "",
    item_code: str = "",
    overdue: bool = False,
    today: dt.date | None = None,
) -> QuerySet[Case]:
    """Open cases the actor handles as staff: those waiting for acceptance first (oldest
    first), then the accepted ones soonest due; kinds worked in their own app's to-do list
    (complaints and the other feedback) are left out."""
    org_ids = visible_org_ids(actor)
    if not org_ids:
        return Case.objects.none()
    # The few open cases the actor is responsible for outside their organisations, by id: an OR
    # of the two conditions would make PostgreSQL read every open case of the organisations
    # (and every case the actor ever handled) instead of walking cases_open_queue_idx.
    elsewhere = list(
        Case.objects.filter(responsible=actor, status__in=OPEN_STATUSES)
        .exclude(handling_org_id__in=org_ids).order_by().values_list("pk", flat=True)
    )
    mine = Q(handling_org_id__in=org_ids) | Q(pk__in=elsewhere) if elsewhere else Q(
        handling_org_id__in=org_ids)
    cases = Case.objects.filter(mine, status__in=OPEN_STATUSES).select_related(*LIST_RELATED)
    elsewhere_kinds = kinds_with_own_queue()
    if elsewhere_kinds:
        cases = cases.exclude(kind__in=elsewhere_kinds)
    if item_code:
        cases = cases.filter(item__code=item_code)
    return narrow_queue(cases, status=status, warning=warning, overdue=overdue,
                        today=today).order_by(*QUEUE_ORDER)


def narrow_queue(
    queue: QuerySet[Case],
    *,
    status: str = "",
    warning: str = "",
    overdue: bool = False,
    today: dt.date | None = None,
) -> QuerySet[Case]:
    """The cases of a queue (from `case_queue`) the list shows under its status, warning and
    overdue filters; `queue_counts` counts the same rows."""
    if status:
        queue = queue.filter(status=status)
    if warning:
        queue = queue.filter(warning=warning)
    if overdue:
        queue = queue.filter(_past_due(today))
    return queue


def _past_due(today: dt.date | None) -> Q:
    """Overdue, for the queue's filter and its alert alike: the due date has passed."""
    return Q(due_on__lt=today or timezone.localdate())


@dataclass(frozen=True)
class QueueCounts:
    """A queue counted once: `by_status` (status -> cases) under the list's warning and overdue
    filters, for the status tabs and the paginator; `overdue` (past the due date, the overdue
    filter's rule) and `yellow` (near it, the sweep's warning), the whole queue's whatever
    the filters, for the deadline alert."""

    by_status: dict[str, int]
    overdue: int
    yellow: int

    @property
    def total(self) -> int:
        """The open cases under the filters, every status."""
        return sum(self.by_status.values())


def queue_counts(
    queue: QuerySet[Case],
    *,
    warning: str = "",
    overdue: bool = False,
    today: dt.date | None = None,
) -> QueueCounts:
    """Count a queue from `case_queue` (without its status, warning and overdue filters) in one
    query grouped by status and warning, which PostgreSQL answers from cases_open_queue_idx
    alone (status, kind and warning are included, due_on and id are keys)."""
    late = _past_due(today)
    rows = (queue.order_by().values_list("status", "warning")
            .annotate(every=Count("pk"), late=Count("pk", filter=late)))
    by_status: dict[str, int] = {}
    late_total = yellow = 0
    for status, level, every, late_count in rows:
        late_total += late_count
        yellow += every if level == WarningLevel.YELLOW else 0
        shown = late_count if overdue else every
        if shown and (not warning or level == warning):
            by_status[status] = by_status.get(status, 0) + shown
    return QueueCounts(by_status=by_status, overdue=late_total, yellow=yellow)


def available_actions(*, case: Case, actor: User | None) -> list[str]:
    """The workflow actions (and the kind's extra actions) the actor may take on the case now."""
    # A pending transfer makes staff its receiver; an applicant's choices need it only when
    # one of their rows is guarded by it. Guards are checked only for the rows in question.
    staff = actor is None or is_staff(actor)
    transfer = pending_transfer(case) if staff else None
    parties = parties_for(case, actor, transfer=transfer)
    if not parties:
        return []
    needed = set().union(*(row.guards for row in TRANSITIONS.values()
                           if case.status in row.sources and row.parties & parties))
    if not staff and needed & TRANSFER_GUARDS:
        transfer = pending_transfer(case)
    found = actions_for(
        status=case.status, parties=parties,
        satisfied=satisfied_guards(case, transfer=transfer, only=needed),
    )
    try:
        kind = get_kind(case.kind)
    except UnknownCaseKind:
        return found
    if actor is not None:
        found += [extra.slug for extra in kind.extra_actions if extra.is_available(case, actor)]
    return found


def case_events(*, case: Case) -> QuerySet[CaseEvent]:
    """The history of a case the caller has already fetched through a selector."""
    return CaseEvent.objects.filter(case=case).select_related("actor").order_by("created_at", "pk")


def case_timeline_for_actor(*, case: Case, actor: User) -> list[TimelineEntry]:
    """The one timeline of a case the caller has already fetched through a selector (the case
    page and the API): its history merged with what other apps register, each of which decides
    what this actor may see of its own entries."""
    return case_timeline(case=case, actor=actor, own=[
        TimelineEntry(at=happened_at(event), label=label,
                      by=str(event.actor) if event.actor is not None else "", text=event.reason)
        for event, label in case_events_for_actor(case=case, actor=actor)
    ])


def case_events_for_actor(*, case: Case, actor: User) -> list[tuple[CaseEvent, str]]:
    """The history of a case the caller has already fetched through a selector, each entry with
    its name as this actor reads it: the case's staff in the office's terms, the applicant
    without the office's internal steps (audience.py)."""
    for_staff = is_case_staff(case, actor)
    labelled = ((event, event_label_for(event, for_staff=for_staff))
                for event in case_events(case=case))
    return [(event, label) for event, label in labelled if label is not None]


def case_attachments(*, case: Case) -> QuerySet[Attachment]:
    return Attachment.objects.filter(case=case).select_related("material").order_by("round", "pk")


def get_attachment_for_actor(*, actor: User, number: str, attachment_id: int) -> Attachment:
    """One attachment of a case the actor may see; NotFound otherwise (for the download view)."""
    case = get_case_for_actor(actor=actor, number=number)
    attachment = Attachment.objects.filter(case=case, pk=attachment_id).first()
    if attachment is None:
        raise _not_found()
    return attachment


def clock_explanation(*, case: Case, today: dt.date | None = None) -> clock.ClockExplanation:
    """The due date of a visible case, explained day by day."""
    return clock.explain_due_date(case, today=today)


def review_deadline(*, case: Case) -> Deadline | None:
    """For a visible case waiting for acceptance: the last day to accept, refuse or send the
    one-time notice before it counts as accepted (clock.notice_deadline); None otherwise."""
    if case.status != Status.SUBMITTED or case.received_on is None:
        return None
    calendar = load_calendar(start=case.received_on, end=case.received_on)
    return clock.notice_deadline(calendar, received_on=case.received_on)


@dataclass(frozen=True)
class FormValue:
    name: str
    label: str
    value: str


def display_form_data(*, case: Case) -> list[FormValue]:
    """The form as submitted, in declaration order, ID numbers masked."""
    values = []
    for spec in case.version.field_specs:
        if spec.name not in case.form_data:
            continue
        raw = case.form_data[spec.name]
        if isinstance(raw, dict) and "masked" in raw:
            shown = str(raw["masked"])
        elif spec.type == "choice":
            shown = spec.choice_label(str(raw))
        else:
            shown = str(raw)
        values.append(FormValue(spec.name, spec.label, shown))
    return values


# --- registering a case for an applicant (the service window) --------------------------------

APPLICANT_SEARCH_LIMIT = 10
# Digits typed into the applicant search are matched against the start of the mobile number only
# from this length on, so a digit or two does not list everyone's number.
MOBILE_SEARCH_MIN_DIGITS = 3


def may_register_cases(actor: User) -> bool:
    """Whether the actor works at a window or handles cases anywhere (administrators never)."""
    return admin_role_of(actor) is None and has_role(actor, *REGISTERING_ROLES)


def items_registrable_by(*, actor: User) -> QuerySet[ServiceItem]:
    """Published items the actor may register a case for on an applicant's behalf, by the rule
    of `services._check_submitter`: the window staff and handlers of the handling organisation
    or one above it, or any staff member for a kind that allows it; nothing for administrators
    and nothing whose case kind is not installed."""
    if admin_role_of(actor) is not None:
        return ServiceItem.objects.none()
    installed = registered_kinds()
    condition = Q(handling_org_id__in=descendant_ids(
        organisation_ids_for(actor, REGISTERING_ROLES)))
    if is_staff(actor):
        condition |= Q(kind__in=[slug for slug, kind in installed.items()
                                 if kind.registered_by_any_staff])
    return (
        ServiceItem.objects.filter(condition, status=ItemStatus.PUBLISHED,
                                   current_version__isnull=False, kind__in=list(installed))
        .select_related("current_version", "handling_org")
        .order_by("category", "sort_order", "code")
    )


@dataclass(frozen=True)
class ApplicantChoice:
    """An applicant's account as the window sees it when registering: never the ID number, and
    the mobile number masked."""

    pk: int
    name: str
    username: str
    organisation: str
    masked_mobile: str


def _applicant_accounts(actor: User) -> QuerySet[User]:
    if not may_register_cases(actor):
        return User.objects.none()
    memberships = Membership.objects.filter(role=Role.APPLICANT).select_related(
        "organisation__parent").order_by("pk")
    return (
        User.objects.filter(is_active=True, memberships__role=Role.APPLICANT).distinct()
        .only("pk", "username", "real_name", "mobile")
        .prefetch_related(Prefetch("memberships", queryset=memberships,
                                   to_attr="applicant_memberships"))
        .order_by("real_name", "username")
    )


def _as_choice(user: User) -> ApplicantChoice:
    memberships: list[Membership] = getattr(user, "applicant_memberships", [])
    organisation = memberships[0].organisation.qualified_name if memberships else ""
    return ApplicantChoice(pk=user.pk, name=user.real_name or user.username,
                           username=user.username, organisation=organisation,
                           masked_mobile=mask_mobile(user.mobile))


def applicants_matching(*, actor: User, query: str,
                        limit: int = APPLICANT_SEARCH_LIMIT) -> list[ApplicantChoice]:
    """Applicant accounts whose real name or username contains `query`, or whose mobile number
    starts with it, for staff who may register cases (nobody else finds anyone); at most
    `limit` + 1, so the caller can tell that there are more."""
    query = query.strip()
    if not query or "\x00" in query:
        return []
    condition = Q(real_name__icontains=query) | Q(username__icontains=query)
    if query.isdigit() and len(query) >= MOBILE_SEARCH_MIN_DIGITS:
        condition |= Q(mobile__startswith=query)
    return [_as_choice(user) for user in _applicant_accounts(actor).filter(condition)[:limit + 1]]


def get_applicant_for_registration(*, actor: User, pk: int) -> tuple[User, ApplicantChoice]:
    """One active applicant account the actor may register a case for, with how it is shown;
    NotFound otherwise."""
    user = _applicant_accounts(actor).filter(pk=pk).first()
    if user is None:
        raise NotFound(_("No applicant account was found. Search for the person again, or "
                         "register the case by name."), code="applicant_not_found",
                       field="applicant")
    return user, _as_choice(user)


# Declared form fields a signed-in applicant finds filled in from their profile: a naming
# convention of the guide's forms (every demo item declares the three).
PROFILE_FIELDS = ("contact_name", "contact_phone", "organisation_name")


def applicant_defaults(*, user: User) -> dict[str, str]:
    """The applicant's name, mobile and organisation for the form fields of PROFILE_FIELDS."""
    organisation = next((m.organisation for m in memberships_for(user)
                         if m.role == Role.APPLICANT), None)
    where = organisation.qualified_name if organisation is not None else ""
    values = dict(zip(PROFILE_FIELDS, (user.real_name, user.mobile, where), strict=True))
    return {name: value for name, value in values.items() if value}


def get_intake_for_actor(*, actor: User, receipt: str) -> Intake:
    """A received application (queued intake): its applicant sees it, and so do the window
    staff of the handling division (who register it by hand if the worker cannot)."""
    receipt = receipt.strip().upper()
    intake = None
    if looks_like_code(receipt, RECEIPT_LENGTH):
        intake = (Intake.objects.select_related("item__handling_org", "version", "case",
                                                "applicant")
                  .filter(receipt=receipt).first())
    if intake is None or (intake.applicant_id != actor.pk and not may_handle_intake(actor, intake)):
        raise NotFound(_("No such application receipt."), code="receipt_not_found")
    return intake


def waiting_intakes_for(*, actor: User) -> QuerySet[Intake]:
    """The actor's received applications not registered as cases yet (failed ones too)."""
    return (Intake.objects.filter(applicant=actor).exclude(status=IntakeStatus.REGISTERED)
            .select_related("version").order_by("-id"))
