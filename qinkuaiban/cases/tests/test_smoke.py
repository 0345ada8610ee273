from qinkuaiban.cases import services
from qinkuaiban.cases.models import Status
from qinkuaiban.cases.tests.factories import submit


def test_an_applicant_submits_and_the_handler_accepts_and_completes(item, zhangsan, lisi):
    case = submit(item, zhangsan)
    assert case.status == Status.SUBMITTED
    assert str(case.number).startswith("QKB")
    case = services.accept(case=case, actor=lisi)
    assert case.status == Status.ACCEPTED
    assert case.due_on is not None
    case = services.complete(case=case, actor=lisi, outcome="approved")
    assert case.status == Status.COMPLETED
