"""What a handler reads after an action (its own past-tense message, never "已完成：受理"), and
the actions that cannot be undone — 受理, 不予受理, 办结 and the others that close a case —
asking to tick a box naming their consequence first, with or without JavaScript."""

from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation

from qinkuaiban.cases import kinds
from qinkuaiban.cases.forms import ACTION_FORMS, ActionForm, AnswerEnquiryForm, RejectForm
from qinkuaiban.cases.models import Case, Status
from qinkuaiban.cases.tests.factories import make_item, signed_in, submit
from qinkuaiban.cases.tests.states import build
from qinkuaiban.cases.workflow import Action
from qinkuaiban.catalogue.models import ServiceItem
from qinkuaiban.identity.models import User

pytestmark = pytest.mark.django_db

IRREVERSIBLE = {Action.ACCEPT, Action.ACCEPT_DEFERRED, Action.REJECT, Action.COMPLETE,
                Action.INSTANT, Action.WITHDRAW, Action.VOID, Action.TERMINATE}



def act(user: User, case: Case, action: str, data: dict[str, Any], **headers: Any) -> Any:
    return signed_in(user).post(
        reverse("cases:act", args=[case.number, action]),
        {f"{action}-{name}": value for name, value in data.items()}, **headers)


def reloaded(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


def test_every_action_form_has_its_own_sentence_for_when_it_is_done() -> None:
    forms: list[type[ActionForm]] = [*ACTION_FORMS.values(), AnswerEnquiryForm]
    sentences = [str(form.done_message) for form in forms]
    assert len(set(sentences)) == len(forms)
    assert all(s.endswith("。") and not s.startswith("已完成") for s in sentences)


def test_exactly_the_actions_that_cannot_be_undone_ask_for_confirmation() -> None:
    asking = {action for action, form in ACTION_FORMS.items() if form.confirmation is not None}
    assert asking == IRREVERSIBLE


def test_accepting_without_ticking_the_box_changes_nothing(
    item: ServiceItem, zhangsan: User, lisi: User
) -> None:
    case = submit(item, zhangsan)
    response = act(lisi, case, "accept", {})
    assert response.status_code == 422
    assert "请勾选确认。" in response.content.decode()
    assert reloaded(case).status == Status.SUBMITTED


def test_accepting_after_ticking_the_box_says_it_was_accepted(
    item: ServiceItem, zhangsan: User, lisi: User
) -> None:
    case = submit(item, zhangsan)
    response = act(lisi, case, "accept", {"confirmed": "on"})
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "已受理，承诺办理时限开始计算。"]
    assert reloaded(case).status == Status.ACCEPTED


def test_the_htmx_answer_shows_the_past_tense_message_above_the_case(
    item: ServiceItem, cast: dict[str, User]
) -> None:
    case = build(Status.ACCEPTED, item=item, cast=cast)
    response = act(cast["lisi"], case, "complete", {"outcome": "approved", "confirmed": "on"},
                   HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert '<div class="alert alert-success" role="status">已办结。</div>' in body
    assert "已完成" not in body


def test_accept_is_no_longer_a_single_button_but_a_form_with_the_consequence(
    item: ServiceItem, zhangsan: User, lisi: User
) -> None:
    case = submit(item, zhangsan)
    body = signed_in(lisi).get(reverse("cases:detail", args=[case.number])).content.decode()
    assert '<summary>受理</summary>' in body
    assert "受理后即开始计算承诺办理时限，且不可撤销。" in body
    assert 'name="accept-confirmed" required' in body
    assert '<button class="btn btn-primary" type="submit">受理</button>' not in body


def test_the_refusal_ground_starts_empty_and_is_required(
    item: ServiceItem, zhangsan: User, lisi: User
) -> None:
    case = submit(item, zhangsan)
    form = RejectForm(case=case, actor=lisi)
    assert form.fields["ground"].choices[0] == (  # type: ignore[attr-defined]
        "", "请选择不予受理的法定理由")
    assert form["ground"].value() is None
    body = signed_in(lisi).get(reverse("cases:detail", args=[case.number])).content.decode()
    assert '<option value="" selected>请选择不予受理的法定理由</option>' in body
    response = act(lisi, case, "reject", {"reason": "不符合条件", "confirmed": "on"})
    assert response.status_code == 422
    assert "请选择不予受理的法定理由。" in response.content.decode()
    assert reloaded(case).status == Status.SUBMITTED


def test_refusing_with_a_ground_and_the_box_ticked_issues_the_decision(
    item: ServiceItem, zhangsan: User, lisi: User
) -> None:
    case = submit(item, zhangsan)
    response = act(lisi, case, "reject", {"ground": "conditions_not_met",
                                          "reason": "不符合条件", "confirmed": "on"})
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["已作出不予受理决定。"]
    assert reloaded(case).status == Status.REJECTED


def test_the_wording_of_refusal_completion_and_visits_reads_as_an_office_writes_it(
    item: ServiceItem, cast: dict[str, User]
) -> None:
    case = build(Status.ACCEPTED, item=item, cast=cast)
    refusal = RejectForm(case=submit(item, cast["zhangsan"]), actor=cast["lisi"])
    completion = ACTION_FORMS[Action.COMPLETE](case=case, actor=cast["lisi"])
    assert "法定理由" in str(refusal.fields["confirmed"].label)
    assert "不予受理决定书" in str(refusal.fields["confirmed"].label)
    assert "办结通知书" in str(completion.fields["confirmed"].label)
    assert str(ACTION_FORMS[Action.RECORD_VISIT].done_message) == "已登记现场来访。"


@pytest.mark.parametrize(("language", "affirmations", "final"), [
    ("zh-hans", ("我已核对", "我已核实", "我已知悉"), "不可撤销"),
    ("en", ("I have checked", "I understand"), "cannot be undone"),
])
def test_every_confirmation_is_the_actors_own_affirmation_of_what_follows(
    language: str, affirmations: tuple[str, ...], final: str
) -> None:
    with translation.override(language):
        texts = {action: str(form.confirmation) for action, form in ACTION_FORMS.items()
                 if form.confirmation is not None}
    assert set(texts) == IRREVERSIBLE
    assert len(set(texts.values())) == len(texts)
    for text in texts.values():
        assert text.startswith(affirmations) and final in text


def test_handling_at_once_names_its_own_consequence_not_that_of_completing() -> None:
    with translation.override("zh-hans"):
        instant = str(ACTION_FORMS[Action.INSTANT].confirmation)
        assert instant != str(ACTION_FORMS[Action.COMPLETE].confirmation)
        assert "当场受理并办结" in instant


def test_a_form_that_names_no_message_of_its_own_still_says_the_case_was_updated(
    item: ServiceItem, zhangsan: User, lisi: User
) -> None:
    class Bare(ActionForm):
        action = Action.END_SPECIAL

    assert Bare(case=submit(item, zhangsan), actor=lisi).done == "办件已更新。"


@pytest.fixture
def drawn(cast: dict[str, User]) -> Any:
    """A kind with two extra actions: a draw that cannot be undone, and a note that can."""
    taken: list[str] = []

    def taking(name: str) -> Any:
        def perform(*, case: Case, **_data: Any) -> Case:
            taken.append(name)
            return case
        return perform

    kind = kinds.CaseKind(slug="draw_test", label="摇号测试", extra_actions=(
        kinds.ExtraAction(slug="draw_lots", label="摇号", is_available=lambda case, actor: True,
                          perform=taking("draw"), done_message="已摇号。",
                          confirmation="摇号结果一经产生即公布，不可撤销。"),
        kinds.ExtraAction(slug="note_queue", label="登记排队", perform=taking("note"),
                          is_available=lambda case, actor: True, done_message="已登记排队。"),
    ))
    kinds.register(kind)
    yield taken
    kinds.unregister(kind.slug)


def test_an_extra_action_that_cannot_be_undone_asks_to_tick_its_consequence_first(
    drawn: list[str], zhangsan: User, lisi: User
) -> None:
    case = submit(make_item(kind="draw_test", materials=[]), zhangsan, files=False)
    body = signed_in(lisi).get(reverse("cases:detail", args=[case.number])).content.decode()
    assert "摇号结果一经产生即公布，不可撤销。" in body
    assert 'name="draw_lots-confirmed" required' in body
    refused = act(lisi, case, "draw_lots", {})
    assert refused.status_code == 422 and "请勾选确认。" in refused.content.decode()
    assert drawn == []
    taken = act(lisi, case, "draw_lots", {"confirmed": "on"})
    assert [str(m) for m in get_messages(taken.wsgi_request)] == ["已摇号。"]
    assert drawn == ["draw"]


def test_an_extra_action_that_names_no_consequence_is_taken_without_a_box(
    drawn: list[str], zhangsan: User, lisi: User
) -> None:
    case = submit(make_item(kind="draw_test", materials=[]), zhangsan, files=False)
    body = signed_in(lisi).get(reverse("cases:detail", args=[case.number])).content.decode()
    assert 'name="note_queue-confirmed"' not in body
    taken = act(lisi, case, "note_queue", {})
    assert [str(m) for m in get_messages(taken.wsgi_request)] == ["已登记排队。"]
    assert drawn == ["note"]
