"""我的办件 asks for the rating a finished case still waits for (待评价, with a 去评价 link to
the case's rating form), by the feedback app's own rule (the prompt it registers with the cases
app, which never imports it), and reads it in a fixed number of queries however many cases are
listed."""

from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from qinkuaiban.cases.models import Case
from qinkuaiban.cases.tests.factories import make_item, submit
from qinkuaiban.catalogue.models import ServiceItem
from qinkuaiban.feedback.models import RatingInvitation
from qinkuaiban.feedback.selectors import cases_awaiting_rating, rating_state
from qinkuaiban.feedback.tests.factories import completed_case, rate
from qinkuaiban.identity.models import User

pytestmark = pytest.mark.django_db

PROMPT = "待评价"


def mine(user: User) -> str:
    client = Client()
    client.force_login(user)
    return client.get(reverse("cases:mine")).content.decode()


def row_of(body: str, case: Case) -> str:
    """The table row of one case in the list."""
    start = body.index(str(case.number))
    return body[start:body.index("</tr>", start)]


@pytest.fixture
def plain_item(cast: dict[str, User]) -> ServiceItem:
    return make_item(materials=[])


def test_a_finished_case_not_yet_rated_says_so_with_a_link_to_its_rating_form(
    plain_item: ServiceItem, zhangsan: User, lisi: User
) -> None:
    case = completed_case(plain_item, zhangsan, lisi)
    row = row_of(mine(zhangsan), case)
    assert PROMPT in row
    assert f'href="{reverse("feedback:rate", args=[case.number])}"' in row
    assert "去评价" in row


def test_the_link_is_named_in_one_sentence_with_the_service_and_the_case(
    plain_item: ServiceItem, zhangsan: User, lisi: User
) -> None:
    case = completed_case(plain_item, zhangsan, lisi)
    assert case.version is not None
    row = row_of(mine(zhangsan), case)
    assert f'aria-label="去评价：{case.version.name}，办件编号{case.number}">去评价</a>' in row


def test_a_finished_case_without_an_invitation_asks_as_its_rating_page_lets_it_be_rated(
    plain_item: ServiceItem, zhangsan: User, lisi: User
) -> None:
    case = completed_case(plain_item, zhangsan, lisi)
    RatingInvitation.objects.filter(case=case).delete()
    assert rating_state(case=case).may_rate
    assert PROMPT in row_of(mine(zhangsan), case)


def test_the_list_and_the_rating_page_agree_on_every_case(
    plain_item: ServiceItem, zhangsan: User, lisi: User
) -> None:
    rated, waiting, uninvited = (completed_case(plain_item, zhangsan, lisi) for _ in range(3))
    rate(rated, zhangsan, 5)
    RatingInvitation.objects.filter(case=uninvited).delete()
    cases = [*Case.objects.filter(pk__in=[rated.pk, waiting.pk, uninvited.pk]),
             submit(plain_item, zhangsan)]
    expected = {case.pk for case in cases if rating_state(case=case).may_rate}
    assert cases_awaiting_rating(actor=zhangsan, cases=cases) == expected == {
        waiting.pk, uninvited.pk}


def test_someone_elses_finished_case_never_asks_for_the_actors_rating(
    plain_item: ServiceItem, zhangsan: User, zhaoliu: User, lisi: User
) -> None:
    case = completed_case(plain_item, zhaoliu, lisi)
    assert cases_awaiting_rating(actor=zhangsan, cases=[case]) == set()


def test_the_cases_app_imports_nothing_of_the_feedback_app() -> None:
    cases_app = Path(__file__).resolve().parents[1]
    importing = [str(path.relative_to(cases_app)) for path in cases_app.rglob("*.py")
                 if "tests" not in path.parts and "qinkuaiban.feedback" in path.read_text()]
    assert importing == []


def test_a_rated_case_and_an_open_case_do_not_ask(
    plain_item: ServiceItem, zhangsan: User, lisi: User
) -> None:
    rated = completed_case(plain_item, zhangsan, lisi)
    rate(rated, zhangsan, 5)
    waiting = submit(plain_item, zhangsan)
    body = mine(zhangsan)
    assert PROMPT not in row_of(body, rated) and PROMPT not in row_of(body, waiting)


def test_the_invitation_having_expired_the_case_no_longer_asks(
    plain_item: ServiceItem, zhangsan: User, lisi: User
) -> None:
    case = completed_case(plain_item, zhangsan, lisi)
    invitation = case.rating_invitation
    invitation.expires_on = invitation.invited_at.date().replace(year=2000)
    invitation.save(update_fields=["expires_on"])
    assert PROMPT not in row_of(mine(zhangsan), case)


def test_the_list_reads_the_ratings_of_many_cases_in_a_fixed_number_of_queries(
    plain_item: ServiceItem, zhangsan: User, lisi: User,
    django_assert_max_num_queries: object,
) -> None:
    client = Client()
    client.force_login(zhangsan)
    first = completed_case(plain_item, zhangsan, lisi)
    client.get(reverse("cases:mine"))
    with django_assert_max_num_queries(20) as one:  # type: ignore[operator]
        client.get(reverse("cases:mine"))
    rate(first, zhangsan, 4)
    for _ in range(5):
        completed_case(plain_item, zhangsan, lisi)
        submit(plain_item, zhangsan)
    with django_assert_max_num_queries(len(one.captured_queries)):  # type: ignore[operator]
        body = client.get(reverse("cases:mine")).content.decode()
    assert body.count(PROMPT) == 5
