"""The case workflow as a table: which action moves a case from which statuses to which, who may
take it, whether it stops or restarts the clock and whether a reason is required. Pure: no
database, so a policy owner can read it and a test can walk it.

Parties are the business roles of `identity.roles.Role` held in the handling organisation (or an
ancestor of it), plus three relations to one case: the applicant who submitted it, the staff of
the organisation a pending transfer points to, and the system (the periodic sweep).
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from qinkuaiban.identity.roles import Role


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    AWAITING_SUPPLEMENT = "awaiting_supplement", _("Awaiting supplementary materials")
    ACCEPTED = "accepted", _("Accepted")
    SPECIAL_PROCEDURE = "special_procedure", _("In a special procedure")
    COMPLETED = "completed", _("Completed")
    REJECTED = "rejected", _("Not accepted")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    TERMINATED = "terminated", _("Terminated")
    VOID = "void", _("Void")


OPEN_STATUSES: frozenset[str] = frozenset(
    {Status.SUBMITTED, Status.AWAITING_SUPPLEMENT, Status.ACCEPTED, Status.SPECIAL_PROCEDURE}
)
CLOSED_STATUSES: frozenset[str] = frozenset(
    {Status.COMPLETED, Status.REJECTED, Status.WITHDRAWN, Status.TERMINATED, Status.VOID}
)
# Statuses in which the promised limit is running (the clock is stopped in the others).
CLOCK_RUNNING_STATUSES: frozenset[str] = frozenset({Status.ACCEPTED})


class Action(models.TextChoices):
    SUBMIT = "submit", _("Submit")
    REQUEST_SUPPLEMENT = "request_supplement", _("Request supplementary materials")
    SUPPLEMENT = "supplement", _("Supply materials")
    SUPPLY_DEFERRED = "supply_deferred", _("Supply deferred materials")
    ACCEPT = "accept", _("Accept")
    ACCEPT_DEFERRED = "accept_deferred", _("Accept with materials to follow")
    REJECT = "reject", _("Refuse to accept")
    START_SPECIAL = "start_special", _("Start a special procedure")
    END_SPECIAL = "end_special", _("End the special procedure")
    EXTEND = "extend", _("Extend the time limit")
    COMPLETE = "complete", _("Complete")
    INSTANT = "instant", _("Handle at once")
    WITHDRAW = "withdraw", _("Withdraw")
    VOID = "void", _("Void")
    TERMINATE = "terminate", _("Terminate")
    TRANSFER = "transfer", _("Transfer")
    ACCEPT_TRANSFER = "accept_transfer", _("Take over the transfer")
    REFUSE_TRANSFER = "refuse_transfer", _("Refuse the transfer")
    RECORD_VISIT = "record_visit", _("Record an on-site visit")
    PROPOSE_DOOR_VISIT = "propose_door_visit", _("Propose a door-to-door visit")
    CONFIRM_DOOR_VISIT = "confirm_door_visit", _("Confirm the door-to-door visit")
    RECORD_DOOR_VISIT = "record_door_visit", _("Record the door-to-door visit")
    CANCEL_DOOR_VISIT = "cancel_door_visit", _("Cancel the door-to-door visit")


class Party(models.TextChoices):
    """Who takes an action: business roles in the handling organisation plus case relations."""

    APPLICANT = "applicant", _("Applicant")
    WINDOW_CLERK = Role.WINDOW_CLERK.value, Role.WINDOW_CLERK.label
    HANDLER = Role.HANDLER.value, Role.HANDLER.label
    DIVISION_HEAD = Role.DIVISION_HEAD.value, Role.DIVISION_HEAD.label
    RECEIVER = "receiver", _("Staff of the receiving organisation")
    SYSTEM = "system", _("System")


class Guard(models.TextChoices):
    """Conditions beyond the status, checked by the service against the case's data."""

    INSTANT_ITEM = "instant_item", _("The service is handled at once")
    PROMISED_ITEM = "promised_item", _("The service has a promised time limit")
    DEFERRABLE_MATERIALS = "deferrable_materials", _("The service has deferrable materials")
    NO_PENDING_TRANSFER = "no_pending_transfer", _("No transfer is pending")
    PENDING_TRANSFER = "pending_transfer", _("A transfer is pending")
    DEFERRED_PENDING = "deferred_pending", _("Materials accepted as deferred are outstanding")
    NO_DEFERRED_PENDING = "no_deferred_pending", _("No deferred material is outstanding")
    NOT_EXTENDED = "not_extended", _("The limit has not been extended yet")
    DOOR_TO_DOOR_ITEM = "door_to_door_item", _("The service offers door-to-door handling")
    NO_OPEN_DOOR_VISIT = "no_open_door_visit", _("No door-to-door visit is planned")
    DOOR_VISIT_PROPOSED = "door_visit_proposed", _("A door-to-door visit has been proposed")
    DOOR_VISIT_CONFIRMED = "door_visit_confirmed", _("A door-to-door visit is confirmed")
    DOOR_VISIT_OPEN = "door_visit_open", _("A door-to-door visit is planned")


@dataclass(frozen=True)
class Transition:
    """One row of the table. `target` None keeps the status (the action records something)."""

    sources: frozenset[str]
    target: str | None
    parties: frozenset[str]
    stops_clock: bool = False
    restarts_clock: bool = False
    reason_required: bool = False
    guards: frozenset[str] = frozenset()


def _t(
    sources: Iterable[str],
    target: str | None,
    parties: Iterable[str],
    *,
    stops_clock: bool = False,
    restarts_clock: bool = False,
    reason_required: bool = False,
    guards: Iterable[str] = (),
) -> Transition:
    return Transition(
        frozenset(sources), target, frozenset(parties), stops_clock, restarts_clock,
        reason_required, frozenset(guards),
    )


S = Status
P = Party
G = Guard
STAFF_AT_WINDOW = (P.WINDOW_CLERK, P.HANDLER)
HANDLING = (P.HANDLER, P.DIVISION_HEAD)
OPEN = tuple(OPEN_STATUSES)
BEFORE_ACCEPTANCE = (S.SUBMITTED, S.AWAITING_SUPPLEMENT)
IN_HANDLING = (S.ACCEPTED, S.SPECIAL_PROCEDURE)
TRANSFERABLE = (S.SUBMITTED, S.ACCEPTED)

# Source: 行政许可法 第三十二条 (acceptance, refusal, one-time notice within 5 working days),
# 第四十二条 (one extension approved by the agency head, with a reason), 第四十五条 (special
# procedures are not counted); 容缺受理 and 首问负责 as described in domain.md §2.
TRANSITIONS: dict[str, Transition] = {
    Action.SUBMIT: _t([S.DRAFT], S.SUBMITTED, [P.APPLICANT, P.WINDOW_CLERK, P.HANDLER]),
    Action.REQUEST_SUPPLEMENT: _t(
        [S.SUBMITTED], S.AWAITING_SUPPLEMENT, STAFF_AT_WINDOW, stops_clock=True,
        reason_required=True,
    ),
    Action.SUPPLEMENT: _t(
        [S.AWAITING_SUPPLEMENT], S.SUBMITTED, [P.APPLICANT, P.WINDOW_CLERK], restarts_clock=True
    ),
    Action.SUPPLY_DEFERRED: _t(
        IN_HANDLING, None, [P.APPLICANT, P.WINDOW_CLERK], guards=[G.DEFERRED_PENDING]
    ),
    Action.ACCEPT: _t([S.SUBMITTED], S.ACCEPTED, STAFF_AT_WINDOW, guards=[G.PROMISED_ITEM]),
    Action.ACCEPT_DEFERRED: _t(
        [S.SUBMITTED], S.ACCEPTED, STAFF_AT_WINDOW,
        guards=[G.PROMISED_ITEM, G.DEFERRABLE_MATERIALS],
    ),
    Action.REJECT: _t(BEFORE_ACCEPTANCE, S.REJECTED, STAFF_AT_WINDOW, reason_required=True),
    Action.START_SPECIAL: _t(
        [S.ACCEPTED], S.SPECIAL_PROCEDURE, HANDLING, stops_clock=True, reason_required=True
    ),
    Action.END_SPECIAL: _t(
        [S.SPECIAL_PROCEDURE], S.ACCEPTED, HANDLING, restarts_clock=True
    ),
    Action.EXTEND: _t(
        IN_HANDLING, None, [P.DIVISION_HEAD], reason_required=True, guards=[G.NOT_EXTENDED]
    ),
    Action.COMPLETE: _t(
        [S.ACCEPTED], S.COMPLETED, HANDLING, stops_clock=True, guards=[G.NO_DEFERRED_PENDING]
    ),
    Action.INSTANT: _t(
        [S.SUBMITTED], S.COMPLETED, STAFF_AT_WINDOW, stops_clock=True, guards=[G.INSTANT_ITEM]
    ),
    Action.WITHDRAW: _t([S.DRAFT, *OPEN], S.WITHDRAWN, [P.APPLICANT], stops_clock=True),
    # 作废: a case registered by mistake (a duplicate, a wrong item) is voided by the head of
    # the handling division — the system administrator holds no business rights (三员分立).
    Action.VOID: _t(OPEN, S.VOID, [P.DIVISION_HEAD], stops_clock=True, reason_required=True),
    Action.TERMINATE: _t(
        IN_HANDLING, S.TERMINATED, [P.HANDLER, P.DIVISION_HEAD, P.SYSTEM], stops_clock=True,
        reason_required=True, guards=[G.DEFERRED_PENDING],
    ),
    # 首问负责: the matter belongs elsewhere; the sender stays responsible until taken over.
    # The division head answers for the division's cases, so he may send one on as well.
    Action.TRANSFER: _t(
        TRANSFERABLE, None, [*STAFF_AT_WINDOW, P.DIVISION_HEAD], reason_required=True,
        guards=[G.NO_PENDING_TRANSFER],
    ),
    Action.ACCEPT_TRANSFER: _t(TRANSFERABLE, None, [P.RECEIVER], guards=[G.PENDING_TRANSFER]),
    Action.REFUSE_TRANSFER: _t(
        TRANSFERABLE, None, [P.RECEIVER], reason_required=True, guards=[G.PENDING_TRANSFER]
    ),
    Action.RECORD_VISIT: _t(OPEN, None, STAFF_AT_WINDOW),
    # 上门服务: the applicant picks a slot (or staff note one agreed by phone); staff confirm it.
    Action.PROPOSE_DOOR_VISIT: _t(
        OPEN, None, [P.APPLICANT, P.WINDOW_CLERK, *HANDLING],
        guards=[G.DOOR_TO_DOOR_ITEM, G.NO_OPEN_DOOR_VISIT],
    ),
    Action.CONFIRM_DOOR_VISIT: _t(
        OPEN, None, [P.WINDOW_CLERK, *HANDLING], guards=[G.DOOR_VISIT_PROPOSED]
    ),
    Action.RECORD_DOOR_VISIT: _t(OPEN, None, HANDLING, guards=[G.DOOR_VISIT_CONFIRMED]),
    Action.CANCEL_DOOR_VISIT: _t(
        OPEN, None, [P.APPLICANT, P.HANDLER, P.DIVISION_HEAD], reason_required=True,
        guards=[G.DOOR_VISIT_OPEN],
    ),
}


def transition_for(action: str) -> Transition:
    """The table row of an action; KeyError for an action that is not in the table."""
    return TRANSITIONS[action]


def target_status(action: str, current: str) -> str:
    """The status a case has after the action (unchanged for recording actions)."""
    return TRANSITIONS[action].target or current


def allowed_in(action: str, status: str) -> bool:
    return status in TRANSITIONS[action].sources


def permitted_for(action: str, parties: Iterable[str]) -> bool:
    return bool(TRANSITIONS[action].parties & set(parties))


def actions_for(
    *, status: str, parties: Iterable[str], satisfied: Iterable[str]
) -> list[str]:
    """Actions open to these parties in this status when the `satisfied` guards hold, in
    table order."""
    parties_set, satisfied_set = set(parties), set(satisfied)
    return [
        action for action, row in TRANSITIONS.items()
        if status in row.sources and row.parties & parties_set and row.guards <= satisfied_set
    ]
