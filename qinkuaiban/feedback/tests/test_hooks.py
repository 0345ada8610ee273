"""The cases app's signal and kinds: every completed case reaches the feedback app; feedback
kinds are registered, accept anonymous submissions and route on submission."""

from qinkuaiban.cases import kinds
from qinkuaiban.cases.models import Outcome
from qinkuaiban.cases.signals import case_completed
from qinkuaiban.cases.tests.factories import submit
from qinkuaiban.feedback.rules import FeedbackKind


def test_every_feedback_kind_is_registered_and_allows_anonymous_submissions():
    for slug in FeedbackKind.values:
        kind = kinds.get_kind(slug)
        assert kind.meta["allows_anonymous"] and kind.on_submit is not None


def test_case_completed_is_sent_once_in_the_completion(item, zhangsan, lisi):
    from qinkuaiban.cases import services as case_services

    heard: list[tuple[str, str]] = []

    def listener(sender, *, case, actor, outcome, **kwargs):
        heard.append((case.number, outcome))

    case_completed.connect(listener, dispatch_uid="test-listener")
    try:
        case = submit(item, zhangsan, files=False)
        case = case_services.accept(case=case, actor=lisi)
        case_services.complete(case=case, actor=lisi, outcome=Outcome.APPROVED)
    finally:
        case_completed.disconnect(dispatch_uid="test-listener")
    assert heard == [(case.number, "approved")]


def test_a_kinds_own_completion_hook_still_runs_before_the_signal(item, zhangsan, lisi):
    from qinkuaiban.cases import services as case_services

    order: list[str] = []
    kinds.register(kinds.CaseKind(
        slug="ordered", label="ordered",
        on_complete=lambda *, case, actor, outcome: order.append("hook")))

    def listener(sender, **kwargs):
        order.append("signal")

    case_completed.connect(listener, dispatch_uid="test-order")
    try:
        from qinkuaiban.cases.tests.factories import make_item

        case = submit(make_item(kind="ordered", materials=[]), zhangsan, files=False)
        case = case_services.accept(case=case, actor=lisi)
        case_services.complete(case=case, actor=lisi, outcome=Outcome.APPROVED)
    finally:
        case_completed.disconnect(dispatch_uid="test-order")
        kinds.unregister("ordered")
    assert order == ["hook", "signal"]
