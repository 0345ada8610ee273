"""The password policy: length, character classes, the last five, and expiry."""

import datetime

import pytest
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from qinkuaiban.core.errors import InvalidInput
from qinkuaiban.identity import passwords, services
from qinkuaiban.identity.models import PasswordHistory, User
from qinkuaiban.identity.passwords import CharacterClassValidator, character_classes
from qinkuaiban.identity.tests.helpers import audit_entries


@pytest.mark.parametrize(
    ("password", "classes"),
    [("abcdefgh", 1), ("abcdEFGH", 2), ("abcdEF12", 3), ("abC1!", 4), ("密码密码1234", 1),
     ("", 0)],
)
def test_character_classes_are_counted(password: str, classes: int) -> None:
    assert character_classes(password) == classes


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1)
       .flatmap(lambda s: st.sampled_from([s, s.upper(), s + "1", s.upper() + "1"])))
def test_passwords_with_fewer_than_three_classes_are_refused(password: str) -> None:
    with pytest.raises(ValidationError):
        CharacterClassValidator(min_classes=3).validate(password)


def test_the_configured_validators_are_the_baseline() -> None:
    assert passwords.password_min_length() == 8
    assert passwords.password_min_classes() == 3
    assert passwords.password_history_length() == 5


def test_a_short_password_is_refused_in_chinese(zhangsan: User) -> None:
    with pytest.raises(InvalidInput) as excinfo:
        services.change_password(actor=zhangsan, user=zhangsan, new_password="Ab1!x")
    assert excinfo.value.code == "weak_password"
    assert excinfo.value.message == "密码太短，至少须包含 8 个字符。"


def test_a_password_with_two_classes_is_refused_in_chinese(zhangsan: User) -> None:
    with pytest.raises(InvalidInput) as excinfo:
        services.change_password(actor=zhangsan, user=zhangsan, new_password="onlylowercase99")
    assert "密码须至少包含小写字母、大写字母、数字和符号中的 3 类" in excinfo.value.message


def test_none_of_the_last_five_passwords_may_be_reused(zhangsan: User, password: str) -> None:
    # The cast's password is the first in history; four more make five.
    for n in range(1, 5):
        services.change_password(actor=zhangsan, user=zhangsan, new_password=f"Rotate-Pass-{n}")
    for old in [password, "Rotate-Pass-1", "Rotate-Pass-4"]:
        with pytest.raises(InvalidInput) as excinfo:
            services.change_password(actor=zhangsan, user=zhangsan, new_password=old)
        assert "不能与最近 5 次使用过的密码相同" in excinfo.value.message
    services.change_password(actor=zhangsan, user=zhangsan, new_password="Rotate-Pass-5")
    # The cast's original password is now the sixth most recent and may come back.
    services.change_password(actor=zhangsan, user=zhangsan, new_password=password)
    assert PasswordHistory.objects.filter(user=zhangsan).count() == 5


def test_changing_the_password_records_the_time_and_an_audit_entry(zhangsan: User) -> None:
    services.change_password(actor=zhangsan, user=zhangsan, new_password="Another-Pass-9")
    zhangsan.refresh_from_db()
    assert zhangsan.password_changed_at is not None
    assert timezone.now() - zhangsan.password_changed_at < datetime.timedelta(seconds=5)
    assert zhangsan.check_password("Another-Pass-9")
    [entry] = audit_entries("identity.password_changed")
    assert "Another-Pass-9" not in str(entry.changes)


def test_expiry_is_counted_from_the_last_change(settings: object, zhangsan: User) -> None:
    zhangsan.password_changed_at = timezone.now() - datetime.timedelta(days=89)
    assert not passwords.password_is_expired(zhangsan)
    zhangsan.password_changed_at = timezone.now() - datetime.timedelta(days=90, seconds=1)
    assert passwords.password_is_expired(zhangsan)
    settings.QKB_PASSWORD_MAX_AGE_DAYS = 0  # type: ignore[attr-defined]
    assert not passwords.password_is_expired(zhangsan)
    assert passwords.password_expires_on(zhangsan) is None


def test_the_help_text_lists_every_rule_in_chinese(db: None) -> None:
    texts = password_validation.password_validators_help_texts()
    joined = " ".join(str(t) for t in texts)
    assert "3 类" in joined and "5 次" in joined


def test_the_change_form_checks_the_current_password_and_shows_policy_errors(
    client: Client, zhangsan: User, password: str
) -> None:
    client.force_login(zhangsan)
    url = reverse("identity:password_change")
    wrong = client.post(url, {"current_password": "nope", "new_password": "Good-Pass-77",
                              "new_password_again": "Good-Pass-77"})
    assert "当前密码不正确" in wrong.content.decode()
    mismatch = client.post(url, {"current_password": password, "new_password": "Good-Pass-77",
                                 "new_password_again": "Good-Pass-78"})
    assert "两次输入的新密码不一致" in mismatch.content.decode()
    weak = client.post(url, {"current_password": password, "new_password": "weakweak",
                             "new_password_again": "weakweak"})
    assert "密码须至少包含" in weak.content.decode()
    reused = client.post(url, {"current_password": password, "new_password": password,
                               "new_password_again": password})
    assert "不能与最近 5 次使用过的密码相同" in reused.content.decode()
    done = client.post(url, {"current_password": password, "new_password": "Good-Pass-77",
                             "new_password_again": "Good-Pass-77"})
    assert done["Location"] == reverse("identity:profile")
    # Still signed in after the change (the session hash was updated).
    assert client.get(reverse("identity:profile")).status_code == 200
