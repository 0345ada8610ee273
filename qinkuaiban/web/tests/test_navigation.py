import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import reverse

from qinkuaiban.identity.models import User
from qinkuaiban.identity.roles import Role
from qinkuaiban.web.navigation import REGISTRY, NavEntry, links_for, may_use, resolve
from qinkuaiban.web.tests.helpers import sign_in

pytestmark = pytest.mark.django_db


def _urls(user: object) -> set[str]:
    return {link.url for link in links_for(user)}


def test_an_entry_whose_page_does_not_exist_yet_is_left_out() -> None:
    registry = (
        NavEntry("exists", "web:healthz", anonymous_ok=True),
        NavEntry("not yet", "nowhere:at_all", anonymous_ok=True),
    )

    links = links_for(AnonymousUser(), registry=registry)

    assert [link.label for link in links] == ["exists"]


def test_anonymous_visitors_see_only_public_entries() -> None:
    anonymous = AnonymousUser()

    assert all(entry.anonymous_ok for entry in REGISTRY if may_use(entry, anonymous))
    assert reverse("audit:entry_list") not in _urls(anonymous)


@pytest.mark.parametrize("username", ["zhangsan", "zhaoliu", "lisi", "wangwu", "sunqi",
                                      "zhouba", "sysadmin", "secadmin", "auditor"])
def test_each_member_of_the_cast_sees_exactly_the_entries_their_roles_allow(
    cast: dict[str, User], username: str
) -> None:
    user = cast[username]
    roles = {m.role for m in user.memberships.all()}
    expected = {
        resolve(entry.url_name)
        for entry in REGISTRY
        if entry.anonymous_ok or not entry.roles or entry.roles & roles
    } - {None}

    assert _urls(user) == expected


def test_only_the_audit_administrator_is_shown_the_audit_log(cast: dict[str, User]) -> None:
    audit_url = reverse("audit:entry_list")
    shown = {name for name, user in cast.items() if audit_url in _urls(user)}

    assert shown == {"auditor"}


def test_the_guide_s_editors_find_its_management_in_the_menu_and_nobody_else_does(
    cast: dict[str, User],
) -> None:
    manage = reverse("catalogue:manage")
    shown = {name for name, user in cast.items() if manage in _urls(user)}

    assert shown == {"wangwu", "sunqi"}  # the division head and the leader above the divisions


def test_administrators_are_not_shown_business_pages(cast: dict[str, User]) -> None:
    business = {
        resolve(entry.url_name)
        for entry in REGISTRY
        if entry.roles and not entry.roles & {Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN,
                                              Role.AUDIT_ADMIN}
    } - {None}
    for name in ("sysadmin", "secadmin", "auditor"):
        assert not business & _urls(cast[name]), name


def test_the_menu_in_the_header_marks_the_current_page(client: Client, auditor: User) -> None:
    sign_in(client, auditor)

    content = client.get(reverse("audit:entry_list")).content.decode()

    assert f'<a href="{reverse("audit:entry_list")}" aria-current="page">' in content
