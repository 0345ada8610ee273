"""Password rules of the 等保 baseline: at least 3 of 4 character classes, none of the last 5
passwords again. Length is Django's MinimumLengthValidator (8)."""

import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, ngettext_lazy

# Django 5.2 changed the wording of MinimumLengthValidator's error and its zh_Hans catalogue
# has not caught up; naming the msgids here puts them in our catalogue, so the policy error
# reads in Chinese like every other.
DJANGO_MESSAGES_WITHOUT_TRANSLATION = (
    ngettext_lazy("This password is too short. It must contain at least %d character.",
                  "This password is too short. It must contain at least %d characters."),
)


def character_classes(password: str) -> int:
    """How many of lowercase, uppercase, digits and other characters the password uses."""
    return sum(
        [
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        ]
    )


class CharacterClassValidator:
    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user: Any = None) -> None:
        if character_classes(password) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self) -> str:
        return _(
            "Your password must use at least %(count)d of: lowercase letters, capital letters, "
            "digits and symbols."
        ) % {"count": self.min_classes}


class PasswordHistoryValidator:
    def __init__(self, history: int = 5) -> None:
        self.history = history

    def validate(self, password: str, user: Any = None) -> None:
        if user is None or not getattr(user, "pk", None):
            return
        recent = user.password_history.all()[: self.history]
        if any(check_password(password, entry.password) for entry in recent):
            raise ValidationError(self.get_help_text(), code="password_reused")

    def get_help_text(self) -> str:
        return ngettext(
            "Your password must differ from your last password.",
            "Your password must differ from your last %(count)d passwords.",
            self.history,
        ) % {"count": self.history}


def password_expires_on(user: Any) -> datetime.datetime | None:
    """When the password reaches QKB_PASSWORD_MAX_AGE_DAYS (None: expiry is off or unknown)."""
    max_age = settings.QKB_PASSWORD_MAX_AGE_DAYS
    if not max_age or user.password_changed_at is None:
        return None
    expires: datetime.datetime = user.password_changed_at + datetime.timedelta(days=max_age)
    return expires


def password_is_expired(user: Any) -> bool:
    """True when the password must be changed now: an administrator chose it, or it is older
    than QKB_PASSWORD_MAX_AGE_DAYS (0 turns the age rule off). Source: GB/T 22239-2019
    8.1.4.1 a), periodic change."""
    if user.has_temporary_password:
        return True
    if not settings.QKB_PASSWORD_MAX_AGE_DAYS or not user.has_usable_password():
        return False
    expires = password_expires_on(user)
    return expires is None or timezone.now() >= expires


def _validator_option(cls: type, attribute: str, default: int) -> int:
    for validator in password_validation.get_default_password_validators():
        if isinstance(validator, cls):
            return int(getattr(validator, attribute))
    return default


def password_min_length() -> int:
    return _validator_option(password_validation.MinimumLengthValidator, "min_length", 8)


def password_min_classes() -> int:
    return _validator_option(CharacterClassValidator, "min_classes", 3)


def password_history_length() -> int:
    return _validator_option(PasswordHistoryValidator, "history", 5)
