"""When an administrator resets a person's second factor or password, or deactivates the
account, every session of that person ends; nobody else's does."""

from django.test import Client
from django.urls import reverse
from django.utils.crypto import salted_hmac

from qinkuaiban.identity import services
from qinkuaiban.identity.models import User
from qinkuaiban.identity.testing import login_verified
from qinkuaiban.identity.tests.helpers import current_code

PROFILE = "/accounts/profile/"
NEW_PASSWORD = "Zhangsan#Reset2026"


def _session_of(user: User) -> Client:
    client = Client()
    login_verified(client, user)
    assert client.get(PROFILE).status_code == 200
    return client


def _is_signed_out(client: Client) -> bool:
    response = client.get(PROFILE)
    return response.status_code == 302 and reverse("identity:login") in response["Location"]


def _with_two_factors(user: User) -> None:
    device = services.start_totp_setup(user=user)
    services.confirm_totp_device(actor=user, device=device, token=current_code(device))


def test_resetting_a_second_factor_ends_every_session_of_that_person(
    zhangsan, lisi, secadmin
):
    _with_two_factors(zhangsan)
    laptop, phone, colleague = _session_of(zhangsan), _session_of(zhangsan), _session_of(lisi)

    services.reset_two_factor(actor=secadmin, user=zhangsan, reason="手机丢失，已当面核验身份")

    assert _is_signed_out(laptop) and _is_signed_out(phone)
    assert colleague.get(PROFILE).status_code == 200
    # Signing in again works as before.
    assert not _is_signed_out(_session_of(User.objects.get(pk=zhangsan.pk)))


def test_an_administrators_password_reset_ends_the_persons_sessions(zhangsan, sysadmin):
    browser = _session_of(zhangsan)

    services.reset_password(actor=sysadmin, user=zhangsan, new_password=NEW_PASSWORD)

    assert _is_signed_out(browser)


def test_a_deactivated_account_keeps_no_session_even_after_reactivation(zhangsan, sysadmin):
    browser = _session_of(zhangsan)

    services.deactivate_user(actor=sysadmin, user=zhangsan, reason="调离")
    services.reactivate_user(actor=sysadmin, user=zhangsan)

    assert _is_signed_out(browser)


def test_an_administrator_resetting_their_own_password_keeps_the_session_that_did_it(
    client, sysadmin
):
    login_verified(client, sysadmin)
    other_browser = _session_of(sysadmin)

    response = client.post(reverse("identity:user_reset_password", args=[sysadmin.pk]),
                           {"password": "Sysadmin#Reset2026"})

    assert response.status_code == 302
    assert _is_signed_out(other_browser)
    assert not _is_signed_out(client)


def test_an_untouched_account_keeps_djangos_own_session_hash(zhangsan):
    # Introducing the generation signed nobody out: generation 0 is Django's hash.
    assert zhangsan.session_generation == 0
    djangos = salted_hmac("django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash",
                          zhangsan.password, algorithm="sha256").hexdigest()
    assert zhangsan.get_session_auth_hash() == djangos


def test_a_reset_second_factor_or_password_revokes_the_persons_api_tokens(
    zhangsan, lisi, secadmin, sysadmin
):
    from qinkuaiban.audit.models import AuditEntry
    from qinkuaiban.identity.tokens import issue_token, user_for_token

    _with_two_factors(zhangsan)
    mine, colleagues = issue_token(user=zhangsan)[0], issue_token(user=lisi)[0]
    services.reset_two_factor(actor=secadmin, user=zhangsan, reason="手机丢失，已当面核验身份")
    assert user_for_token(mine) is None and user_for_token(colleagues) is not None
    entry = AuditEntry.objects.filter(action="identity.two_factor_reset").latest("sequence")
    assert entry.changes["revoked_credentials"] == 1

    again = issue_token(user=zhangsan)[0]
    services.reset_password(actor=sysadmin, user=zhangsan, new_password=NEW_PASSWORD)
    assert user_for_token(again) is None
