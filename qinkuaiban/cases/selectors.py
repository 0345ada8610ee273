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

from django.contrib.auth.hashers import check_password
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from qinkuaiban.cases import clock
from qinkuaiban.cases.kinds import UnknownCaseKind, get_kind
from qinkuaiban.cases.models import (
    ONE_RELATED,
    Attachment,
    Case,
    CaseEvent,
    Transfer,
    TransferStatus,
)
from qinkuaiban.cases.permissions import (
    TRANSFER_GUARDS,
    is_staff,
    parties_for,
    pending_transfer,
    satisfied_guards,
)
from qinkuaiban.cases.workflow import OPEN_STATUSES, TRANSITIONS, Status, actions_for
from qinkuaiban.catalogue.forms_spec import parse_fields
from qinkuaiban.core.errors import NotFound
from qinkuaiban.identity.models import User
from qinkuaiban.identity.roles import STAFF_ROLES, Role
from qinkuaiban.identity.selectors import descendant_ids, organisation_ids_for

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


def get_case_for_actor(*, actor: User, number: str) -> Case:
    """One visible submitted case by its number; NotFound otherwise."""
    # No number holds a NUL, and PostgreSQL would refuse it in the query.
    case = None if "\x00" in number else (
        _visible_cases(actor).filter(number=number).select_related(*ONE_RELATED).first()
    )
    if case is None:
        raise _not_found()
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
    """Open cases the actor handles as staff, soonest due first (undated ones last)."""
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
    if status:
        cases = cases.filter(status=status)
    if warning:
        cases = cases.filter(warning=warning)
    if item_code:
        cases = cases.filter(item__code=item_code)
    if overdue:
        cases = cases.filter(due_on__lt=today or timezone.localdate())
    return cases.order_by(F("due_on").asc(nulls_last=True), "submitted_at", "pk")


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


@dataclass(frozen=True)
class FormValue:
    name: str
    label: str
    value: str


def display_form_data(*, case: Case) -> list[FormValue]:
    """The form as submitted, in declaration order, ID numbers masked."""
    values = []
    for spec in parse_fields(case.version.form_fields):
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
