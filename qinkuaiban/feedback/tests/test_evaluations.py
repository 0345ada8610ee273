"""好差评: the invitation on completion, one rating per case and object, the indicator sets,
and no rating invented for a silent applicant."""

import datetime as dt

import pytest
from django.db import IntegrityError
from hypothesis import given
from hypothesis import strategies as st

from qinkuaiban.cases import services as case_services
from qinkuaiban.cases.models import Channel
from qinkuaiban.core.errors import Conflict, InvalidInput, NotPermitted
from qinkuaiban.feedback import services
from qinkuaiban.feedback.models import Evaluation, RatingInvitation, Rectification
from qinkuaiban.feedback.rules import INDICATORS, RatedObject, RatingChannel, rating_errors
from qinkuaiban.feedback.sweep import sweep_feedback_deadlines
from qinkuaiban.feedback.tests.factories import completed_case, rate, scores
from qinkuaiban.notifications.models import Delivery, Message


def test_completing_an_online_case_invites_the_applicant_by_message_and_sms(
    item, zhangsan, lisi
):
    case = completed_case(item, zhangsan, lisi)
    invitation = RatingInvitation.objects.get(case=case)
    assert invitation.channel == RatingChannel.ONLINE
    message = Message.objects.get(recipient=zhangsan, kind="feedback.rating_invited")
    assert message.url == f"/feedback/rate/{case.number}/"
    assert Delivery.objects.filter(message=message, channel="sms").exists()


def test_a_window_case_is_invited_to_the_counter_without_a_message(item, zhangsan, lisi):
    case = completed_case(item, zhangsan, lisi, channel=Channel.WINDOW)
    assert RatingInvitation.objects.get(case=case).channel == RatingChannel.ON_SITE
    assert not Message.objects.filter(kind="feedback.rating_invited").exists()


def test_the_rating_window_is_five_working_days_from_completion(item, zhangsan, lisi):
    case = completed_case(item, zhangsan, lisi)
    invitation = RatingInvitation.objects.get(case=case)
    assert case.completed_at is not None
    assert invitation.expires_on > case.completed_at.date()
    assert (invitation.expires_on - case.completed_at.date()).days <= 14


def test_the_applicant_rates_a_completed_case_once(item, zhangsan, lisi):
    case = completed_case(item, zhangsan, lisi)
    evaluation = rate(case, zhangsan, 5, comment="很快")
    assert evaluation.level == 5 and evaluation.organisation == case.handling_org
    with pytest.raises(Conflict) as again:
        rate(case, zhangsan, 4)
    assert again.value.code == "already_rated"


def test_the_database_refuses_a_second_rating_of_the_same_object(item, zhangsan, lisi):
    case = completed_case(item, zhangsan, lisi)
    first = rate(case, zhangsan, 5)
    with pytest.raises(IntegrityError):
        Evaluation.objects.create(case=case, item=case.item, organisation=case.handling_org,
                                  channel=first.channel, level=3)


def test_an_open_case_cannot_be_rated(item, zhangsan, lisi):
    case = case_services.submit_case(actor=zhangsan, item=item,
                                     form={"contact_phone": "13800000001"})
    with pytest.raises(Conflict) as refused:
        rate(case, zhangsan, 5)
    assert refused.value.code == "not_completed"


def test_only_the_applicant_rates(item, zhangsan, zhaoliu, lisi):
    case = completed_case(item, zhangsan, lisi)
    with pytest.raises(NotPermitted):
        rate(case, zhaoliu, 1)


def test_bad_levels_and_scores_are_refused(item, zhangsan, lisi):
    case = completed_case(item, zhangsan, lisi)
    with pytest.raises(InvalidInput):
        rate(case, zhangsan, 6, scores=scores())
    with pytest.raises(InvalidInput):
        rate(case, zhangsan, 5, scores={**scores(), "service_attitude": 5})
    with pytest.raises(InvalidInput):
        rate(case, zhangsan, 5, scores={"efficiency": 5})
    assert not Evaluation.objects.exists()


def test_a_window_case_rates_the_service_and_the_staff_member_with_the_on_site_set(
    item, zhangsan, lisi
):
    case = completed_case(item, zhangsan, lisi, channel=Channel.WINDOW)
    on_site = scores(RatingChannel.ON_SITE)
    rate(case, zhangsan, 5, channel=RatingChannel.ON_SITE)
    staff = rate(case, zhangsan, 4, scores=on_site, rated_object=RatedObject.STAFF)
    assert staff.staff == lisi and staff.channel == RatingChannel.ON_SITE


def test_an_online_case_has_no_staff_rating(item, zhangsan, lisi):
    case = completed_case(item, zhangsan, lisi)
    with pytest.raises(Conflict):
        rate(case, zhangsan, 4, scores=scores(RatingChannel.ON_SITE),
             rated_object=RatedObject.STAFF)


def test_a_good_rating_opens_no_rectification_and_a_bad_one_does(item, zhangsan, lisi):
    good = rate(completed_case(item, zhangsan, lisi), zhangsan, 3)
    bad = rate(completed_case(item, zhangsan, lisi), zhangsan, 2)
    assert not Rectification.objects.filter(evaluation=good).exists()
    rectification = Rectification.objects.get(evaluation=bad)
    assert rectification.organisation == bad.organisation and rectification.due_on is not None
    assert Message.objects.filter(recipient=lisi, kind="feedback.rectification_opened").exists()


def test_a_silent_applicant_gets_no_invented_rating_after_the_window(item, zhangsan, lisi):
    case = completed_case(item, zhangsan, lisi)
    invitation = RatingInvitation.objects.get(case=case)
    after = invitation.expires_on + dt.timedelta(days=1)
    first = sweep_feedback_deadlines(today=after)
    second = sweep_feedback_deadlines(today=after)
    assert first.invitations_expired == 1 and second.invitations_expired == 0
    assert not Evaluation.objects.filter(case=case).exists()


def test_the_window_closes_after_the_invitation_expires(item, zhangsan, lisi):
    case = completed_case(item, zhangsan, lisi)
    RatingInvitation.objects.filter(case=case).update(expires_on=dt.date(2025, 1, 2))
    with pytest.raises(Conflict) as closed:
        rate(case, zhangsan, 5)
    assert closed.value.code == "rating_closed"


def test_administrators_cannot_rate(item, zhangsan, lisi, sysadmin):
    case = completed_case(item, zhangsan, lisi)
    with pytest.raises(NotPermitted):
        services.rate_case(case=case, actor=sysadmin, level=5, scores=scores())


@given(level=st.integers(min_value=-3, max_value=8),
       values=st.dictionaries(st.sampled_from(INDICATORS[RatingChannel.ONLINE]),
                              st.integers(min_value=-1, max_value=7)))
def test_a_rating_is_valid_exactly_when_every_value_is_from_1_to_5(level, values):
    errors = rating_errors(channel=RatingChannel.ONLINE, level=level, scores=values)
    valid = (1 <= level <= 5 and set(values) == set(INDICATORS[RatingChannel.ONLINE])
             and all(1 <= v <= 5 for v in values.values()))
    assert (not errors) == valid
