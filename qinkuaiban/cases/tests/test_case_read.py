"""Reading one case by its number: an applicant's read is one hand-written statement that must
answer exactly as the visibility rules do, and nothing about who may read is remembered from
one request to the next."""

from typing import Any

import pytest
from django.test import Client

from qinkuaiban.cases import selectors
from qinkuaiban.cases.models import ONE_RELATED, Case
from qinkuaiban.cases.tests.factories import register_at_window, submit
from qinkuaiban.catalogue.models import ServiceItem
from qinkuaiban.core.errors import NotFound
from qinkuaiban.identity.models import Membership, User
from qinkuaiban.identity.services import revoke_role
from qinkuaiban.identity.tokens import issue_token, revoke_token


def _values(instance: Any) -> dict[str, Any]:
    return {f.attname: getattr(instance, f.attname) for f in type(instance)._meta.concrete_fields}


@pytest.fixture
def cases(item: ServiceItem, cast: dict[str, User]) -> list[Case]:
    """Cases of every way a person is linked to one: applied online, registered at the window
    for someone, and registered by one applicant for another."""
    own = submit(item, cast["zhangsan"])
    at_window = register_at_window(item, cast["lisi"], cast["zhaoliu"])
    for_another = submit(item, cast["zhaoliu"])
    Case.objects.filter(pk=for_another.pk).update(registered_by=cast["zhangsan"])
    return [own, at_window, for_another]


def test_every_cast_member_reads_exactly_the_cases_the_rules_let_them_see(
    cast: dict[str, User], cases: list[Case]
) -> None:
    for user in cast.values():
        for case in cases:
            assert case.number is not None
            expected = selectors._visible_cases(user).filter(pk=case.pk).exists()
            try:
                found = selectors.get_case_for_actor(actor=user, number=case.number)
            except NotFound:
                found = None
            assert (found is not None) == expected, (user.username, case.number)
            assert found is None or found.pk == case.pk


def test_an_applicants_case_comes_with_the_same_values_as_the_orms_read(
    cast: dict[str, User], cases: list[Case]
) -> None:
    for case in cases[:1] + cases[2:]:
        assert case.number is not None
        found = selectors.get_case_for_actor(actor=cast["zhangsan"], number=case.number)
        expected = Case.objects.select_related(*ONE_RELATED).get(pk=case.pk)
        assert _values(found) == _values(expected)
        for name in ONE_RELATED:
            assert _values(getattr(found, name)) == _values(getattr(expected, name))
        assert found.form_data == expected.form_data and found.form_data


@pytest.mark.parametrize("number", ["", "QKB", "QKB2026\x00001", "' OR 1=1 --"])
def test_odd_numbers_are_not_found(zhangsan: User, cases: list[Case], number: str) -> None:
    with pytest.raises(NotFound):
        selectors.get_case_for_actor(actor=zhangsan, number=number)


def test_an_applicants_read_through_the_api_is_two_statements(
    zhangsan: User, cases: list[Case], django_assert_num_queries: Any
) -> None:
    raw, _token = issue_token(user=zhangsan)
    client = Client(headers={"authorization": f"Bearer {raw}"})
    url = f"/api/v1/cases/{cases[0].number}"
    assert client.get(url).status_code == 200  # stamps the token's last use
    with django_assert_num_queries(2):  # the token with its user and roles; the case
        response = client.get(url)
    assert response.status_code == 200
    assert response.json()["number"] == cases[0].number


def test_a_revoked_token_stops_at_the_very_next_request(
    zhangsan: User, cases: list[Case]
) -> None:
    raw, token = issue_token(user=zhangsan)
    client = Client(headers={"authorization": f"Bearer {raw}"})
    url = f"/api/v1/cases/{cases[0].number}"
    assert client.get(url).status_code == 200
    revoke_token(actor=zhangsan, token=token)
    assert client.get(url).status_code == 401


def test_a_removed_role_stops_at_the_very_next_request(lisi: User, cases: list[Case]) -> None:
    raw, _token = issue_token(user=lisi)
    client = Client(headers={"authorization": f"Bearer {raw}"})
    url = f"/api/v1/cases/{cases[0].number}"
    assert client.get(url).status_code == 200
    for membership in Membership.objects.filter(user=lisi):
        revoke_role(actor=None, membership=membership)
    assert client.get(url).status_code == 404


def test_a_deactivated_applicant_stops_at_the_very_next_request(
    zhangsan: User, cases: list[Case]
) -> None:
    raw, _token = issue_token(user=zhangsan)
    client = Client(headers={"authorization": f"Bearer {raw}"})
    url = f"/api/v1/cases/{cases[0].number}"
    assert client.get(url).status_code == 200
    User.objects.filter(pk=zhangsan.pk).update(is_active=False)
    assert client.get(url).status_code == 401
