"""Who sees what: an organisation sees only its own rectifications and complaints; a PIN
holder sees only their submission; administrators see nothing."""

import pytest

from qinkuaiban.core.errors import NotFound
from qinkuaiban.feedback import selectors, services
from qinkuaiban.feedback.models import Rectification
from qinkuaiban.feedback.tests.factories import completed_case, rate
from qinkuaiban.identity.models import Membership, User
from qinkuaiban.identity.roles import Role


@pytest.fixture
def property_handler(orgs) -> User:
    user = User.objects.create_user(username="fangguan", real_name="房管", password="x")
    Membership.objects.create(user=user, organisation=orgs["goa-property"], role=Role.HANDLER)
    return user


@pytest.fixture
def world(item, kinds, zhangsan, lisi):
    bad = rate(completed_case(item, zhangsan, lisi), zhangsan, 1)
    complaint = services.submit_feedback(kind="complaint", title="投诉", content="内容",
                                         actor=zhangsan, anonymous=False).feedback
    anonymous = services.submit_feedback(kind="complaint", title="匿名", content="内容",
                                         actor=None, anonymous=True)
    return {"rectification": bad.rectification, "complaint": complaint, "anonymous": anonymous}


@pytest.mark.parametrize(("who", "sees"), [
    ("lisi", True), ("wangwu", True), ("sunqi", True), ("zhouba", True),
    ("zhangsan", False), ("zhaoliu", False), ("property_handler", False),
    ("sysadmin", False), ("secadmin", False), ("auditor", False),
])
def test_the_rectification_matrix(world, who, sees, request):
    actor = request.getfixturevalue(who)
    rectification = world["rectification"]
    visible = selectors.rectifications_for_actor(actor=actor)
    assert visible.filter(pk=rectification.pk).exists() is sees
    if not sees:
        with pytest.raises(NotFound):
            selectors.get_rectification_for_actor(actor=actor, pk=rectification.pk)


@pytest.mark.parametrize(("who", "sees"), [
    ("zhangsan", True), ("lisi", True), ("wangwu", True), ("sunqi", True), ("zhouba", True),
    ("zhaoliu", False), ("property_handler", False), ("sysadmin", False), ("auditor", False),
])
def test_the_complaint_matrix(world, who, sees, request):
    actor = request.getfixturevalue(who)
    number = world["complaint"].number
    assert selectors.feedback_for_actor(actor=actor).filter(case__number=number).exists() is sees
    assert selectors.feedback_queue(actor=actor).filter(case__number=number).exists() is (
        sees and who != "zhangsan")


def test_a_pin_holder_sees_only_their_submission(world, kinds):
    receipt = world["anonymous"]
    assert receipt.tracking_code is not None and receipt.pin is not None
    other = services.submit_feedback(kind="suggestion", title="另一条", content="c", actor=None,
                                     anonymous=True)
    found = selectors.get_feedback_by_tracking(tracking_code=receipt.tracking_code,
                                               pin=receipt.pin)
    assert found.pk == receipt.feedback.pk
    with pytest.raises(NotFound):
        selectors.get_feedback_by_tracking(tracking_code=other.tracking_code or "",
                                           pin=receipt.pin)
    with pytest.raises(NotFound):
        selectors.get_feedback_by_tracking(tracking_code=receipt.feedback.number,
                                           pin=receipt.pin)


def test_a_rectification_transferred_nowhere_stays_with_its_organisation(world, orgs):
    rectification = Rectification.objects.get(pk=world["rectification"].pk)
    assert rectification.organisation == orgs["goa-service-centre"]
