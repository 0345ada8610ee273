"""Check-digit validators for Chinese identifiers and phone numbers, and the refusal of NUL
characters in API input.

Pure functions (`is_valid_*`) carry the rule; the Django validators wrap them with translated
messages for forms, models and the API.
"""

import datetime
import re
from typing import Annotated, TypeVar

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from pydantic import AfterValidator

T = TypeVar("T")

# Source: GB 11643-1999 公民身份号码, weights 2^(17-i) mod 11 and the check map "10X98765432".
ID_NUMBER_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_NUMBER_CHECK = "10X98765432"
ID_NUMBER_RE = re.compile(r"^\d{17}[\dX]$")

# Source: GB 32100-2015 统一社会信用代码; the alphabet omits I, O, S, V and Z.
CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
CREDIT_CODE_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")

# Mainland mobile numbers: 11 digits starting 13-19.
MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


def normalise_id_number(value: str) -> str:
    return value.strip().upper()


def id_number_check_digit(first17: str) -> str:
    total = sum(
        int(digit) * weight for digit, weight in zip(first17, ID_NUMBER_WEIGHTS, strict=True)
    )
    return ID_NUMBER_CHECK[total % 11]


def is_valid_id_number(value: str) -> bool:
    """True for an 18-character 公民身份号码 with a real birth date and the right check digit."""
    value = normalise_id_number(value)
    if not ID_NUMBER_RE.match(value):
        return False
    try:
        birth = datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return False
    if birth.year < 1850 or birth > datetime.date.today():
        return False
    return id_number_check_digit(value[:17]) == value[17]


def credit_code_check_char(first17: str) -> str:
    total = sum(
        CREDIT_CODE_ALPHABET.index(char) * weight
        for char, weight in zip(first17, CREDIT_CODE_WEIGHTS, strict=True)
    )
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def is_valid_credit_code(value: str) -> bool:
    """True for an 18-character 统一社会信用代码 whose last character is the right check."""
    value = value.strip().upper()
    if not CREDIT_CODE_RE.match(value):
        return False
    return credit_code_check_char(value[:17]) == value[17]


def is_valid_mobile(value: str) -> bool:
    return bool(MOBILE_RE.match(value.strip()))


def validate_id_number(value: str) -> None:
    if not is_valid_id_number(value):
        raise ValidationError(
            _("Enter a valid 18-digit resident ID number (check digit and birth date)."),
            code="invalid_id_number",
        )


def validate_credit_code(value: str) -> None:
    if not is_valid_credit_code(value):
        raise ValidationError(
            _("Enter a valid 18-character unified social credit code."),
            code="invalid_credit_code",
        )


def validate_mobile(value: str) -> None:
    if not is_valid_mobile(value):
        raise ValidationError(
            _("Enter an 11-digit mainland mobile number."), code="invalid_mobile"
        )


def mask_mobile(value: str) -> str:
    """The first 3 and last 4 digits: enough to confirm with the person, not to call them."""
    if len(value) < 8:
        return "*" * len(value)
    return f"{value[:3]}{'*' * (len(value) - 7)}{value[-4:]}"


def mask_id_number(value: str) -> str:
    """Show the first 4 and last 4 characters only (domain.md §8)."""
    if len(value) <= 8:
        return "*" * len(value)
    return f"{value[:4]}{'*' * (len(value) - 8)}{value[-4:]}"


# PostgreSQL refuses NUL in text and JSON, so a NUL reaching a query is a server error; it is
# never part of real input, so the edges refuse it the way Django's form fields already do.
NULL_CHARACTER_MESSAGE = _("Text must not contain the null character (NUL).")


def contains_null_character(value: object) -> bool:
    """True if `value`, or any string nested in its lists and dicts (keys too), holds a NUL."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(contains_null_character(k) or contains_null_character(v)
                   for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(contains_null_character(item) for item in value)
    return False


def reject_null_characters(value: T) -> T:
    """The value unchanged; ValueError (a 422 in the API) when it holds a NUL anywhere."""
    if contains_null_character(value):
        raise ValueError(str(NULL_CHARACTER_MESSAGE))
    return value


# A text input of the API: any string except one holding a NUL.
PlainText = Annotated[str, AfterValidator(reject_null_characters)]
