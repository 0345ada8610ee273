"""三员分立 and account administration services: refusals in the service, and the database."""

import pytest
from django.db import IntegrityError, transaction
from django.test import Client

from qinkuaiban.core.errors import Conflict, InvalidInput, NotPermitted
from qinkuaiban.identity import services
from qinkuaiban.identity.models import ApiToken, Membership, Organisation, User
from qinkuaiban.identity.roles import Role
from qinkuaiban.identity.tests.factories import make_user
from qinkuaiban.identity.tests.helpers import audit_entries
from qinkuaiban.identity.tokens import issue_token


def test_an_account_with_a_business_role_cannot_become_an_administrator(
    sysadmin: User, lisi: User, orgs: dict[str, Organisation]
) -> None:
    with pytest.raises(Conflict) as excinfo:
        services.grant_role(actor=sysadmin, user=lisi, organisation=orgs["goa-security"],
                            role=Role.AUDIT_ADMIN)
    assert excinfo.value.code == "admin_role_exclusive"


def test_an_administrator_cannot_get_a_business_role(
    sysadmin: User, secadmin: User, orgs: dict[str, Organisation]
) -> None:
    with pytest.raises(Conflict) as excinfo:
        services.grant_role(actor=sysadmin, user=secadmin, organisation=orgs["goa"],
                            role=Role.HANDLER)
    assert excinfo.value.code == "admin_has_no_business_rights"


@pytest.mark.parametrize("role", [Role.SYSTEM_ADMIN, Role.AUDIT_ADMIN])
def test_an_administrator_cannot_get_a_second_administrator_role(
    role: str, sysadmin: User, secadmin: User, orgs: dict[str, Organisation]
) -> None:
    with pytest.raises(Conflict):
        services.grant_role(actor=sysadmin, user=secadmin, organisation=orgs["goa"], role=role)
    assert list(secadmin.memberships.values_list("role", flat=True)) == [Role.SECURITY_ADMIN]


def test_the_database_refuses_a_second_administrator_membership(
    secadmin: User, orgs: dict[str, Organisation]
) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=secadmin, organisation=orgs["goa"],
                                  role=Role.AUDIT_ADMIN)


@pytest.mark.parametrize("name", ["secadmin", "auditor", "lisi", "wangwu", "sunqi", "zhangsan"])
def test_only_the_system_administrator_grants_and_revokes_roles(
    name: str, cast: dict[str, User], orgs: dict[str, Organisation]
) -> None:
    person = make_user()
    with pytest.raises(NotPermitted):
        services.grant_role(actor=cast[name], user=person, organisation=orgs["organ-a-office"],
                            role=Role.APPLICANT)
    membership = services.grant_role(actor=cast["sysadmin"], user=person,
                                     organisation=orgs["organ-a-office"], role=Role.APPLICANT)
    with pytest.raises(NotPermitted):
        services.revoke_role(actor=cast[name], membership=membership)


def test_the_system_administrator_grants_and_revokes_roles_with_audit(
    sysadmin: User, orgs: dict[str, Organisation]
) -> None:
    person = make_user()
    membership = services.grant_role(actor=sysadmin, user=person,
                                     organisation=orgs["organ-a-office"], role=Role.APPLICANT)
    services.revoke_role(actor=sysadmin, membership=membership)
    assert not person.memberships.exists()
    assert audit_entries("identity.role_granted")[-1].actor == sysadmin
    [revoked] = audit_entries("identity.role_revoked")
    assert revoked.changes == {"role": "applicant", "organisation": "organ-a-office"}


def test_the_system_administrator_cannot_remove_their_own_administrator_role(
    sysadmin: User,
) -> None:
    with pytest.raises(Conflict):
        services.revoke_role(actor=sysadmin, membership=sysadmin.memberships.get())


def test_only_the_system_administrator_creates_accounts(
    secadmin: User, sysadmin: User
) -> None:
    with pytest.raises(NotPermitted):
        services.create_user(actor=secadmin, username="x1", real_name="某某", password=None)
    user = services.create_user(actor=sysadmin, username="x1", real_name="某某",
                                password="Initial-Pass-1", id_number="11010519491231002X",
                                temporary_password=True)
    assert user.has_temporary_password
    assert user.id_number_masked == "1101**********002X"
    assert "11010519491231002X" not in user.id_number_encrypted


def test_account_creation_applies_the_password_policy(sysadmin: User) -> None:
    with pytest.raises(InvalidInput):
        services.create_user(actor=sysadmin, username="x2", real_name="某某",
                             password="short1A")


def test_deactivation_ends_sign_in_and_revokes_tokens(
    client: Client, sysadmin: User, zhangsan: User, password: str
) -> None:
    raw, token = issue_token(user=zhangsan)
    client.force_login(zhangsan)
    services.deactivate_user(actor=sysadmin, user=zhangsan, reason="调离")
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    # The open session ends on the next request.
    assert client.get("/accounts/profile/").status_code == 302
    [entry] = audit_entries("identity.user_deactivated")
    assert entry.changes == {"reason": "调离", "revoked_credentials": 1}
    services.reactivate_user(actor=sysadmin, user=zhangsan)
    zhangsan.refresh_from_db()
    assert zhangsan.is_active
    assert audit_entries("identity.user_reactivated")[0].actor == sysadmin
    # Reactivation does not revive the revoked token.
    assert Client().get("/api/v1/auth/me",
                        HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_deactivation_refusals(sysadmin: User, secadmin: User, zhangsan: User) -> None:
    with pytest.raises(NotPermitted):
        services.deactivate_user(actor=secadmin, user=zhangsan)
    with pytest.raises(Conflict):
        services.deactivate_user(actor=sysadmin, user=sysadmin)
    with pytest.raises(Conflict):
        services.reactivate_user(actor=sysadmin, user=zhangsan)
    services.deactivate_user(actor=sysadmin, user=zhangsan)
    with pytest.raises(Conflict):
        services.deactivate_user(actor=sysadmin, user=zhangsan)


def test_a_reset_password_is_temporary(sysadmin: User, zhangsan: User) -> None:
    with pytest.raises(NotPermitted):
        services.reset_password(actor=zhangsan, user=zhangsan, new_password="Reset-Pass-1")
    services.reset_password(actor=sysadmin, user=zhangsan, new_password="Reset-Pass-1")
    zhangsan.refresh_from_db()
    assert zhangsan.has_temporary_password and zhangsan.check_password("Reset-Pass-1")
    services.change_password(actor=zhangsan, user=zhangsan, new_password="Own-Pass-22")
    zhangsan.refresh_from_db()
    assert not zhangsan.has_temporary_password
    assert audit_entries("identity.password_reset")[0].actor == sysadmin
