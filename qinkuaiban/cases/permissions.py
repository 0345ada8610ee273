"""Who an actor is for one case (the workflow's parties) and which guards the case satisfies.

Staff roles count in the handling organisation and its ancestors (a handler of the GOA division
also handles cases of its sub-units); the responsible staff member (首问/首办) counts as a
handler of the case wherever they sit.
"""

from collections.abc import Collection
from typing import Any

from django.db.models import Prefetch, QuerySet

from qinkuaiban.cases.models import (
    Case,
    DoorToDoorVisit,
    DoorVisitStatus,
    Transfer,
    TransferStatus,
)
from qinkuaiban.cases.workflow import Guard, Party, Status
from qinkuaiban.catalogue.models import Necessity
from qinkuaiban.identity.models import Organisation
from qinkuaiban.identity.roles import STAFF_ROLES, Role
from qinkuaiban.identity.selectors import memberships_for

CASE_ROLES: frozenset[str] = frozenset({Role.WINDOW_CLERK, Role.HANDLER, Role.DIVISION_HEAD})
# Who registers a case on an applicant's behalf (the window: services._check_submitter).
REGISTERING_ROLES: frozenset[str] = frozenset({Role.WINDOW_CLERK, Role.HANDLER})


def ancestor_ids(organisation: Organisation) -> list[int]:
    """The organisation and its ancestors, nearest first."""
    ids: list[int] = []
    node: Organisation | None = organisation
    while node is not None and node.pk not in ids:
        ids.append(node.pk)
        node = node.parent if node.parent_id else None
    return ids


def is_staff(actor: Any) -> bool:
    return any(m.role in STAFF_ROLES for m in memberships_for(actor))


def case_roles_in(actor: Any, organisation: Organisation) -> set[str]:
    """The actor's case-working roles held in the organisation or one of its ancestors."""
    held = [m for m in memberships_for(actor) if m.role in CASE_ROLES]
    if not held:
        # Applicants hold none: no need to walk the organisation's ancestors.
        return set()
    chain = set(ancestor_ids(organisation))
    return {m.role for m in held if m.organisation_id in chain}


def pending_transfer(case: Case) -> Transfer | None:
    """The case's pending transfer (from `with_action_data`'s prefetch when present)."""
    prefetched: list[Transfer] | None = getattr(case, "prefetched_pending_transfers", None)
    if prefetched is not None:
        return prefetched[0] if prefetched else None
    if case.status == Status.DRAFT:
        # Only submitted or accepted cases are ever transferred: no query for a draft.
        return None
    # Most cases are never transferred: no joins to plan for the usual empty answer; the
    # organisations of a pending transfer load when used.
    return Transfer.objects.filter(case=case, status=TransferStatus.PENDING).first()


def parties_for(case: Case, actor: Any, *, transfer: Transfer | None = None) -> set[str]:
    """The workflow parties the actor is for this case (SYSTEM when the actor is None)."""
    if actor is None:
        return {Party.SYSTEM}
    if not getattr(actor, "is_authenticated", False):
        return set()
    parties: set[str] = set()
    if case.applicant_id is not None and case.applicant_id == actor.pk:
        parties.add(Party.APPLICANT)
    parties |= case_roles_in(actor, case.handling_org)
    if case.responsible_id == actor.pk and is_staff(actor):
        parties.add(Party.HANDLER)
    if transfer is not None and case_roles_in(actor, transfer.to_org):
        parties.add(Party.RECEIVER)
    return parties


def is_case_staff(case: Case, actor: Any) -> bool:
    """Whether the actor sees this case as the office does, by the rules that let staff see it
    (selectors.py): a staff role in its handling organisation or one above it, its responsible
    staff member (首办), staff of the organisation a pending transfer offers it to, or the
    supervising division once its transfer was escalated. Decided per case: an applicant who
    holds a staff role somewhere else reads their own case as its applicant. The same rules
    as selectors._visible_cases, for one case: change both."""
    staff = [m for m in memberships_for(actor) if m.role in STAFF_ROLES]
    if not staff:
        return False
    held = {m.organisation_id for m in staff}
    if case.responsible_id == actor.pk or held & set(ancestor_ids(case.handling_org)):
        return True
    transfer = pending_transfer(case)
    if transfer is not None and held & set(ancestor_ids(transfer.to_org)):
        return True
    return (any(m.role == Role.SUPERVISOR for m in staff)
            and Transfer.objects.filter(case=case, escalated_at__isnull=False).exists())


OPEN_DOOR_VISIT = (DoorVisitStatus.PROPOSED, DoorVisitStatus.CONFIRMED)
DOOR_VISIT_GUARDS = {Guard.DOOR_TO_DOOR_ITEM, Guard.NO_OPEN_DOOR_VISIT, Guard.DOOR_VISIT_OPEN,
                     Guard.DOOR_VISIT_CONFIRMED, Guard.DOOR_VISIT_PROPOSED}
TRANSFER_GUARDS = {Guard.PENDING_TRANSFER, Guard.NO_PENDING_TRANSFER}


def _open_door_visit_status(case: Case) -> str | None:
    prefetched: list[DoorToDoorVisit] | None = getattr(case, "prefetched_open_door_visits", None)
    if prefetched is not None:
        return prefetched[0].status if prefetched else None
    return (
        DoorToDoorVisit.objects.filter(case=case, status__in=OPEN_DOOR_VISIT)
        .values_list("status", flat=True).first()
    )


def with_action_data(cases: QuerySet[Case]) -> QuerySet[Case]:
    """Prefetch what `available_actions` needs, so a list computes them without N+1 queries."""
    return cases.select_related("version", "handling_org__parent__parent").prefetch_related(
        "version__materials",
        Prefetch("transfers", queryset=Transfer.objects.filter(status=TransferStatus.PENDING)
                 .select_related("to_org__parent__parent", "from_org"),
                 to_attr="prefetched_pending_transfers"),
        Prefetch("door_visits", queryset=DoorToDoorVisit.objects.filter(
            status__in=OPEN_DOOR_VISIT), to_attr="prefetched_open_door_visits"),
    )


def satisfied_guards(
    case: Case, *, transfer: Transfer | None, only: Collection[str] | None = None
) -> set[str]:
    """The guards of the workflow table that hold for the case now (of `only`, when given:
    the guards that need a query are checked only when asked for)."""
    version = case.version
    held: set[str] = set()
    held.add(Guard.INSTANT_ITEM if version.is_instant else Guard.PROMISED_ITEM)
    # 容缺受理 needs something that may be deferred (iterates the prefetched materials in lists).
    if (only is None or Guard.DEFERRABLE_MATERIALS in only) and any(
        m.necessity == Necessity.DEFERRABLE for m in version.materials.all()
    ):
        held.add(Guard.DEFERRABLE_MATERIALS)
    held.add(Guard.PENDING_TRANSFER if transfer is not None else Guard.NO_PENDING_TRANSFER)
    held.add(
        Guard.DEFERRED_PENDING if case.deferred_due_on is not None
        else Guard.NO_DEFERRED_PENDING
    )
    if case.extension_days == 0:
        held.add(Guard.NOT_EXTENDED)
    if version.door_to_door and (only is None or DOOR_VISIT_GUARDS & set(only)):
        held.add(Guard.DOOR_TO_DOOR_ITEM)
        open_status = _open_door_visit_status(case)
        if open_status is None:
            held.add(Guard.NO_OPEN_DOOR_VISIT)
        else:
            held.add(Guard.DOOR_VISIT_OPEN)
            held.add(
                Guard.DOOR_VISIT_CONFIRMED if open_status == DoorVisitStatus.CONFIRMED
                else Guard.DOOR_VISIT_PROPOSED
            )
    return held


def may_handle_intake(actor: Any, intake: Any) -> bool:
    """The window staff of the handling division: they see a received application (queued
    intake) and put a failed one back in the queue."""
    return bool(case_roles_in(actor, intake.item.handling_org) & REGISTERING_ROLES)
