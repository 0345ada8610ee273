"""The applicant's message after 要求补正 lists every material named in the one-time notice."""

import pytest

from qinkuaiban.cases import services
from qinkuaiban.cases.tests.factories import submit
from qinkuaiban.cases.tests.states import materials_of
from qinkuaiban.catalogue.models import ServiceItem
from qinkuaiban.identity.models import User
from qinkuaiban.notifications.models import Message

pytestmark = pytest.mark.django_db


def test_the_supplement_message_lists_each_material_and_its_problem_on_its_own_line(
    item: ServiceItem, zhangsan: User, lisi: User
) -> None:
    case = submit(item, zhangsan)
    required = materials_of(item, "required")[0]
    services.request_supplement(case=case, actor=lisi, reason="材料需补正", materials=[
        {"material": required.pk, "problem": "复印件不清晰"},
        {"material": None, "name": "补充说明", "problem": "缺少说明"},
    ])
    message = Message.objects.get(recipient=zhangsan, kind="cases.request_supplement")
    lines = message.body.splitlines()
    assert "理由：材料需补正" in lines[0]
    assert lines[1:] == ["需补正的材料：", f"1. {required.name}：复印件不清晰",
                         "2. 补充说明：缺少说明"]


def test_other_messages_carry_no_material_list(item: ServiceItem, zhangsan: User,
                                               lisi: User) -> None:
    case = submit(item, zhangsan)
    services.accept(case=case, actor=lisi)
    message = Message.objects.get(recipient=zhangsan, kind="cases.accept")
    assert "需补正的材料" not in message.body and "\n" not in message.body
