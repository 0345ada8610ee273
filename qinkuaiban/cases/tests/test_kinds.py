"""The kind mechanism: hooks run inside the action's transaction; extra actions are offered."""

import pytest

from qinkuaiban.cases import kinds, services
from qinkuaiban.cases.models import Outcome
from qinkuaiban.cases.selectors import available_actions
from qinkuaiban.cases.tests.factories import make_item, submit


@pytest.fixture
def recorded():
    calls: list[tuple[str, str]] = []
    kind = kinds.CaseKind(
        slug="recorder", label="recorder",
        on_submit=lambda *, case, actor: calls.append(("submit", case.number)),
        on_accept=lambda *, case, actor: calls.append(("accept", case.number)),
        on_complete=lambda *, case, actor, outcome: calls.append(("complete", outcome)),
        extra_actions=(kinds.ExtraAction(slug="draw_lots", label="draw",
                                         is_available=lambda case, actor: True,
                                         perform=lambda **kwargs: kwargs["case"]),),
    )
    kinds.register(kind)
    yield calls
    kinds.unregister("recorder")


def test_hooks_run_on_submit_accept_and_complete(recorded, cast, zhangsan, lisi):
    case = submit(make_item(kind="recorder", materials=[]), zhangsan, files=False)
    case = services.accept(case=case, actor=lisi)
    services.complete(case=case, actor=lisi, outcome=Outcome.APPROVED)
    assert [name for name, _value in recorded] == ["submit", "accept", "complete"]
    assert recorded[-1] == ("complete", "approved")


def test_a_kind_offers_its_extra_actions(recorded, cast, zhangsan, lisi):
    case = submit(make_item(kind="recorder", materials=[]), zhangsan, files=False)
    assert "draw_lots" in available_actions(case=case, actor=lisi)


def test_an_unknown_kind_names_itself_and_the_registered_ones():
    with pytest.raises(kinds.UnknownCaseKind) as missing:
        kinds.get_kind("parking_x")
    assert "parking_x" in str(missing.value) and "generic" in str(missing.value)


def test_a_slug_cannot_be_taken_twice():
    with pytest.raises(ValueError):
        kinds.register(kinds.CaseKind(slug="generic", label="again"))
