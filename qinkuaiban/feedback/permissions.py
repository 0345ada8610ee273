"""Who an actor is for a rectification or a feedback: roles count in the organisation concerned
and its ancestors (a GOA leader acts for every division), as in the cases app. Administrator
accounts hold no business role, so they are nobody here (三员分立)."""

from typing import Any

from qinkuaiban.cases.conf import setting as case_setting
from qinkuaiban.cases.permissions import ancestor_ids
from qinkuaiban.feedback.rules import RectificationParty
from qinkuaiban.identity.models import Organisation
from qinkuaiban.identity.roles import Role
from qinkuaiban.identity.selectors import memberships_for

HEAD_ROLES: frozenset[str] = frozenset({Role.DIVISION_HEAD, Role.LEADER})
WORKING_ROLES: frozenset[str] = frozenset({Role.WINDOW_CLERK, Role.HANDLER})


def roles_in(actor: Any, organisation: Organisation) -> set[str]:
    """The actor's roles held in the organisation or one of its ancestors."""
    chain = set(ancestor_ids(organisation))
    return {m.role for m in memberships_for(actor) if m.organisation_id in chain}


def is_supervisor(actor: Any) -> bool:
    """A supervisor of the supervising division (督查室), who decides appeals and keeps the
    routing rules."""
    code = case_setting("QKB_CASE_SUPERVISION_ORG")
    return any(
        m.role == Role.SUPERVISOR and m.organisation.code == code for m in memberships_for(actor)
    )


def rectification_parties(actor: Any, organisation: Organisation) -> set[str]:
    """The parties of the rectification table the actor is, for this handling organisation."""
    if not getattr(actor, "is_authenticated", False):
        return set()
    roles = roles_in(actor, organisation)
    parties: set[str] = set()
    if roles & WORKING_ROLES:
        parties.add(RectificationParty.HANDLING_STAFF)
    if roles & HEAD_ROLES:
        parties |= {RectificationParty.HANDLING_STAFF, RectificationParty.HANDLING_HEAD}
    if is_supervisor(actor):
        parties.add(RectificationParty.SUPERVISOR)
    return parties


def may_reply(actor: Any, organisation: Organisation, round_: int) -> bool:
    """Round 1: the handling organisation's staff; 2: its head; 3: a leader above it."""
    if not getattr(actor, "is_authenticated", False):
        return False
    roles = roles_in(actor, organisation)
    if round_ == 1:
        return bool(roles & (WORKING_ROLES | HEAD_ROLES))
    if round_ == 2:
        return bool(roles & HEAD_ROLES)
    return Role.LEADER in roles


def is_head_of(actor: Any, organisation: Organisation) -> bool:
    return bool(roles_in(actor, organisation) & HEAD_ROLES)


def is_staff_of(actor: Any, organisation: Organisation) -> bool:
    return bool(roles_in(actor, organisation) & (WORKING_ROLES | HEAD_ROLES))


def rated_staff_ids(evaluation: Any) -> set[int]:
    """The staff a rating is about: the staff member rated, or for a rating of the service the
    case's responsible staff member (who handled it)."""
    if evaluation.staff_id is not None:
        return {evaluation.staff_id}
    responsible = evaluation.case.responsible_id
    return {responsible} if responsible is not None else set()


def may_call_back(actor: Any, evaluation: Any) -> bool:
    """The call-back that closes a rectification is never recorded by the person the bad
    rating is about: their division head or another colleague asks the rater."""
    return getattr(actor, "pk", None) not in rated_staff_ids(evaluation)
