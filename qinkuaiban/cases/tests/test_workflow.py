"""The workflow table, walked: every action from every status it allows reaches its target;
from every other status it is refused with 409; a party it does not name gets 403."""

from typing import Any

import pytest
from django.utils import timezone

from qinkuaiban.cases import services
from qinkuaiban.cases.models import Case, CaseEvent, Status
from qinkuaiban.cases.selectors import available_actions
from qinkuaiban.cases.tests.states import build, materials_of, tomorrow_slot, upload
from qinkuaiban.cases.workflow import TRANSITIONS, Action, Party, actions_for, target_status
from qinkuaiban.core.errors import Conflict, NotPermitted
from qinkuaiban.identity.models import Organisation, User

ALL_STATUSES = list(Status.values)
PAIRS = [(action, status) for action, row in TRANSITIONS.items() for status in sorted(row.sources)]
REFUSED = [(action, status) for action, row in TRANSITIONS.items()
           for status in ALL_STATUSES if status not in row.sources]


@pytest.fixture
def receiver(qianjiu: User) -> User:
    """The property division's handler a case is transferred to."""
    return qianjiu


def actor_for(action: str, cast: dict[str, User], receiver: User) -> User | None:
    parties = TRANSITIONS[action].parties
    for party, actor in ((Party.APPLICANT, cast["zhangsan"]), (Party.HANDLER, cast["lisi"]),
                         (Party.WINDOW_CLERK, cast["lisi"]),
                         (Party.DIVISION_HEAD, cast["wangwu"]), (Party.RECEIVER, receiver)):
        if party in parties:
            return actor
    return None


def setup(action: str, status: str, *, cast: dict[str, User], receiver: User,
          items: dict[str, Any], orgs: dict[str, Organisation],
          prepare: bool = True) -> tuple[Case, dict[str, Any]]:
    """A case in `status` and the action's data; with `prepare`, the steps that make the
    action's guards hold (an upload, a pending transfer, a proposed visit) are taken too."""
    lisi, zhangsan = cast["lisi"], cast["zhangsan"]
    item = items["generic"]
    before_acceptance = status in (Status.DRAFT, Status.SUBMITTED, Status.AWAITING_SUPPLEMENT)
    if action == Action.INSTANT and (prepare or before_acceptance):
        item = items["instant"]
    if action in (Action.PROPOSE_DOOR_VISIT, Action.CONFIRM_DOOR_VISIT,
                  Action.RECORD_DOOR_VISIT, Action.CANCEL_DOOR_VISIT) and (
                      prepare or before_acceptance):
        item = items["door"]
    deferred = action in (Action.SUPPLY_DEFERRED, Action.TERMINATE) and status in (
        Status.ACCEPTED, Status.SPECIAL_PROCEDURE)
    case = build(status, item=item, cast=cast, deferred=deferred)
    data: dict[str, Any] = {"reason": "理由"}
    if action == Action.TRANSFER:
        data["to_org"] = orgs["goa-property"]
    if action == Action.REQUEST_SUPPLEMENT:
        data["materials"] = [{"material": materials_of(item, "required")[0].pk,
                              "problem": "不清晰"}]
    elif not prepare:
        pass
    elif action == Action.SUPPLEMENT:
        upload(case, zhangsan, materials_of(item, "required")[0])
    elif action == Action.SUPPLY_DEFERRED:
        upload(case, zhangsan, materials_of(item, "deferrable")[0])
    elif action == Action.ACCEPT_DEFERRED:
        data.update(missing=[m.pk for m in materials_of(item, "deferrable")],
                    due_on=timezone.localdate())
    elif action == Action.REJECT:
        data["ground"] = "conditions_not_met"
    elif action == Action.START_SPECIAL:
        data["procedure"] = "hearing"
    elif action == Action.EXTEND:
        data["days"] = 5
    elif action in (Action.COMPLETE, Action.INSTANT):
        data["outcome"] = "approved"
    elif action in (Action.ACCEPT_TRANSFER, Action.REFUSE_TRANSFER):
        case = services.transfer(case=case, actor=lisi, to_org=orgs["goa-property"],
                                 reason="属房产处职责")
    elif action == Action.RECORD_VISIT:
        data["purpose"] = "核验原件"
    elif action == Action.PROPOSE_DOOR_VISIT:
        data.update(tomorrow_slot())
    elif action in (Action.CONFIRM_DOOR_VISIT, Action.RECORD_DOOR_VISIT,
                    Action.CANCEL_DOOR_VISIT):
        case = services.propose_door_visit(case=case, actor=lisi, **tomorrow_slot())
        if action == Action.RECORD_DOOR_VISIT:
            case = services.confirm_door_visit(case=case, actor=lisi)
    return case, data


@pytest.fixture
def items(item, instant_item, door_item) -> dict[str, Any]:
    return {"generic": item, "instant": instant_item, "door": door_item}


@pytest.mark.parametrize(("action", "status"), PAIRS)
def test_every_allowed_transition_reaches_its_target(action, status, cast, receiver, items, orgs):
    case, data = setup(action, status, cast=cast, receiver=receiver, items=items, orgs=orgs)
    actor = actor_for(action, cast, receiver)
    assert action in available_actions(case=case, actor=actor) or actor is None
    events = CaseEvent.objects.filter(case=case).count()
    case = services.transition_case(case=case, action=action, actor=actor, **data)
    assert case.status == target_status(action, status)
    assert CaseEvent.objects.filter(case=case).count() > events
    last = CaseEvent.objects.filter(case=case).last()
    assert last is not None and last.action == action


@pytest.mark.parametrize(("action", "status"), REFUSED)
def test_every_action_is_refused_with_a_conflict_from_other_statuses(
    action, status, cast, receiver, items, orgs
):
    case, data = setup(action, status, cast=cast, receiver=receiver, items=items, orgs=orgs,
                       prepare=False)
    actor = actor_for(action, cast, receiver)
    expected: tuple[type, ...] = (Conflict,)
    if Party.RECEIVER in TRANSITIONS[action].parties or status == Status.DRAFT:
        # Without a pending transfer there is no receiver; a draft has no handler yet.
        expected = (Conflict, NotPermitted)
    with pytest.raises(expected):
        services.transition_case(case=case, action=action, actor=actor, **data)
    assert Case.objects.get(pk=case.pk).status == status
    assert action not in available_actions(case=case, actor=actor)


@pytest.mark.parametrize("action", [a for a in TRANSITIONS if a != Action.SUBMIT])
def test_someone_from_another_organisation_may_take_no_action(action, cast, item, zhaoliu):
    case = build(Status.SUBMITTED, item=item, cast=cast)
    with pytest.raises(NotPermitted):
        services.transition_case(case=case, action=action, actor=zhaoliu, reason="x")


@pytest.mark.parametrize("action", [Action.ACCEPT, Action.REJECT, Action.REQUEST_SUPPLEMENT,
                                    Action.VOID, Action.TRANSFER])
def test_the_applicant_may_not_take_staff_actions_on_their_own_case(action, cast, item,
                                                                     zhangsan):
    case = build(Status.SUBMITTED, item=item, cast=cast)
    with pytest.raises(NotPermitted):
        services.transition_case(case=case, action=action, actor=zhangsan, reason="x")


def test_void_is_for_the_division_head_not_the_handler_nor_the_system_admin(
    cast, item, lisi, wangwu, sysadmin
):
    case = build(Status.SUBMITTED, item=item, cast=cast)
    for actor in (lisi, sysadmin):
        with pytest.raises(NotPermitted):
            services.void(case=case, actor=actor, reason="重复")
    assert services.void(case=case, actor=wangwu, reason="重复").status == Status.VOID


def test_a_reason_is_required_where_the_table_says_so(cast, item, lisi):
    from qinkuaiban.core.errors import InvalidInput

    case = build(Status.SUBMITTED, item=item, cast=cast)
    with pytest.raises(InvalidInput):
        services.reject(case=case, actor=lisi, ground="conditions_not_met", reason=" ")


def test_actions_for_lists_nothing_for_no_parties():
    assert actions_for(status=Status.SUBMITTED, parties=[], satisfied=[]) == []


def test_every_action_has_an_applier_and_an_audit_name():
    assert set(TRANSITIONS) == set(services.APPLY) == set(services.AUDIT_NAMES)
