"""A confirmation box promises the applicant a notice only when the platform sends one: a case
registered at the window by name only has no account to tell, and its box says so. The box and
the notification ask the same question (notifying.tells_applicant), so they cannot disagree."""

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from qinkuaiban.cases import notifying, services
from qinkuaiban.cases.forms import ACTION_FORMS
from qinkuaiban.cases.models import Case, Channel, Status
from qinkuaiban.cases.tests.factories import material_files, signed_in, submit
from qinkuaiban.cases.tests.labels import read_page
from qinkuaiban.cases.tests.states import materials_of
from qinkuaiban.cases.workflow import Action
from qinkuaiban.catalogue.models import ServiceItem
from qinkuaiban.identity.models import User
from qinkuaiban.notifications.models import Message

pytestmark = pytest.mark.django_db

TOLD: dict[str, str] = {
    Action.REJECT: "我已核对上述法定理由和具体理由；不予受理后，申请人将收到不予受理决定书，"
                   "本办件即告关闭，不可撤销。",
    Action.COMPLETE: "我已核对上述办理结果；办结后本办件即告关闭，申请人将收到办结通知书，"
                     "不可撤销。",
    Action.INSTANT: "我已核对申请材料和上述办理结果；即办后本办件当场受理并办结，申请人将收到办结"
                    "通知书，不可撤销。",
    Action.VOID: "我已核实本办件系误登记；作废后本办件即告关闭，申请人将收到通知，不可撤销。",
    Action.TERMINATE: "我已核对上述终止理由；终止后本办件不再办理，申请人将收到通知，不可撤销。",
}
NOT_TOLD: dict[str, str] = {
    Action.REJECT: "我已核对上述法定理由和具体理由；不予受理后本办件即告关闭，本办件无平台账户，"
                   "不会发送通知，不予受理决定书须另行送达申请人，不可撤销。",
    Action.COMPLETE: "我已核对上述办理结果；办结后本办件即告关闭，本办件无平台账户，不会发送通知，"
                     "办结通知书须另行送达申请人，不可撤销。",
    Action.INSTANT: "我已核对申请材料和上述办理结果；即办后本办件当场受理并办结，本办件无平台账户，"
                    "不会发送通知，办结通知书须另行送达申请人，不可撤销。",
    Action.VOID: "我已核实本办件系误登记；作废后本办件即告关闭，本办件无平台账户，不会发送通知，"
                 "不可撤销。",
    Action.TERMINATE: "我已核对上述终止理由；终止后本办件不再办理，本办件无平台账户，不会发送通知，"
                      "不可撤销。",
}


def applied(item: ServiceItem, cast: dict[str, User], *, by_name: bool) -> Case:
    """Submitted online by 张三, or registered at the window by name only (no account)."""
    if not by_name:
        return submit(item, cast["zhangsan"])
    return services.submit_case(
        actor=cast["lisi"], item=item, form={"contact_phone": "13800000001"},
        files=material_files(item), channel=Channel.WINDOW, submitter_name="王大妈",
        submitter_contact="0791-88123456",
    )


def accepted(item: ServiceItem, cast: dict[str, User], *, by_name: bool) -> Case:
    return services.accept(case=applied(item, cast, by_name=by_name), actor=cast["lisi"])


def deferred(item: ServiceItem, cast: dict[str, User], *, by_name: bool) -> Case:
    return services.accept_deferred(
        case=applied(item, cast, by_name=by_name), actor=cast["lisi"],
        missing=[m.pk for m in materials_of(item, "deferrable")], due_on=timezone.localdate(),
    )


Build = Callable[..., Case]
# (action, who takes it, how the case is brought to where it may be taken, what is posted)
ACTIONS: list[tuple[str, str, Build, dict[str, str]]] = [
    (Action.REJECT, "lisi", applied, {"ground": "conditions_not_met", "reason": "不符合条件"}),
    (Action.COMPLETE, "lisi", accepted, {"outcome": "approved"}),
    (Action.INSTANT, "lisi", applied, {"outcome": "approved"}),
    (Action.VOID, "wangwu", accepted, {"reason": "重复登记"}),
    (Action.TERMINATE, "lisi", deferred, {"reason": "容缺材料逾期未补"}),
]


@pytest.fixture
def case_of(item: ServiceItem, instant_item: ServiceItem,
            cast: dict[str, User]) -> Callable[[str, Build, bool], Case]:
    def make(action: str, build: Build, by_name: bool) -> Case:
        return build(instant_item if action == Action.INSTANT else item, cast, by_name=by_name)
    return make



def box_text(case: Case, user: User, action: str, language: str = "zh-hans") -> str:
    response = signed_in(user, language).get(reverse("cases:detail", args=[case.number]))
    assert response.status_code == 200
    page = read_page(response.content.decode())
    return page.heard_label(page.control(f"{action}-confirmed"))


def told_of(case: Case, action: str) -> set[str]:
    return set(Message.objects.filter(kind=f"cases.{action}", target_id=str(case.pk))
               .values_list("recipient__username", flat=True))


def test_a_case_registered_by_name_has_no_applicant_to_tell(
    item: ServiceItem, cast: dict[str, User]
) -> None:
    by_name = applied(item, cast, by_name=True)
    online = applied(item, cast, by_name=False)
    assert by_name.applicant_id is None and by_name.submitter_name == "王大妈"
    assert not notifying.tells_applicant(by_name, Action.VOID)
    assert notifying.tells_applicant(online, Action.VOID)
    # Only the steps the applicant hears of at all.
    assert not notifying.tells_applicant(online, Action.RECORD_VISIT)


@pytest.mark.parametrize(("action", "actor", "build", "data"), ACTIONS,
                         ids=[action for action, *_ in ACTIONS])
def test_an_online_case_promises_the_notice_and_the_applicant_is_told(
    action: str, actor: str, build: Build, data: dict[str, str],
    case_of: Callable[[str, Build, bool], Case], cast: dict[str, User]
) -> None:
    case = case_of(action, build, False)
    assert box_text(case, cast[actor], action) == TOLD[action]
    response = signed_in(cast[actor]).post(
        reverse("cases:act", args=[case.number, action]),
        {f"{action}-{name}": value for name, value in {**data, "confirmed": "on"}.items()})
    assert response.status_code == 302
    assert "zhangsan" in told_of(case, action)


@pytest.mark.parametrize(("action", "actor", "build", "data"), ACTIONS,
                         ids=[action for action, *_ in ACTIONS])
def test_a_case_registered_by_name_says_no_notice_is_sent_and_none_is(
    action: str, actor: str, build: Build, data: dict[str, str],
    case_of: Callable[[str, Build, bool], Case], cast: dict[str, User]
) -> None:
    case = case_of(action, build, True)
    assert box_text(case, cast[actor], action) == NOT_TOLD[action]
    messages_before = Message.objects.count()
    response = signed_in(cast[actor]).post(
        reverse("cases:act", args=[case.number, action]),
        {f"{action}-{name}": value for name, value in {**data, "confirmed": "on"}.items()})
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).status != case.status
    # Nobody is told: there is no applicant account, and the one who acted is not told either.
    assert told_of(case, action) == set()
    assert Message.objects.count() == messages_before


def test_the_box_of_a_case_registered_by_name_reads_in_english_too(
    item: ServiceItem, cast: dict[str, User]
) -> None:
    case = accepted(item, cast, by_name=True)
    assert box_text(case, cast["wangwu"], Action.VOID, language="en") == (
        "I have checked that this case was registered in error; voiding closes it, sends no "
        "notice as the applicant has no platform account, and cannot be undone.")


def test_a_window_case_of_someone_with_an_account_promises_the_notice(
    item: ServiceItem, cast: dict[str, User]
) -> None:
    case = services.accept(case=services.submit_case(
        actor=cast["lisi"], item=item, form={"contact_phone": "13800000001"},
        files=material_files(item), channel=Channel.WINDOW, applicant=cast["zhangsan"],
    ), actor=cast["lisi"])
    assert box_text(case, cast["wangwu"], Action.VOID) == TOLD[Action.VOID]
    assert case.status == Status.ACCEPTED


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_confirmation_that_promises_a_notice_has_a_twin_for_no_account(
    language: str
) -> None:
    promises = {"zh-hans": ("申请人将收到",),
                "en": ("sends the applicant", "tells the applicant")}[language]
    with translation.override(language):
        promising = {action for action, form in ACTION_FORMS.items()
                     if any(promise in str(form.confirmation or "") for promise in promises)}
        twins: dict[str, Any] = {action: form.confirmation_unnotified
                                 for action, form in ACTION_FORMS.items()
                                 if form.confirmation_unnotified is not None}
        assert promising == set(TOLD) == set(twins)
        for action, text in twins.items():
            assert not any(promise in str(text) for promise in promises)
            assert str(text).startswith(str(ACTION_FORMS[action].confirmation)[:8])
