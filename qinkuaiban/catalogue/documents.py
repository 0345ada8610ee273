"""Shapes of the list-like parts of a guide stored as JSON documents (legal basis, process,
special steps, FAQ, option lists). Each validator raises a ValidationError naming the entry."""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def _require_list(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise ValidationError(_("Enter a list."), code="not_a_list")
    return value


def _check_entries(
    value: Any, keys: dict[str, type | tuple[type, ...]], required: tuple[str, ...]
) -> None:
    for index, entry in enumerate(_require_list(value), start=1):
        if not isinstance(entry, dict) or set(entry) - set(keys):
            raise ValidationError(
                _("Entry %(number)s has unexpected content.") % {"number": index},
                code="bad_entry",
            )
        for key, kind in keys.items():
            if key in entry and not isinstance(entry[key], kind):
                raise ValidationError(
                    _("Entry %(number)s: %(key)s has the wrong type.")
                    % {"number": index, "key": key},
                    code="bad_entry",
                )
        for key in required:
            item = entry.get(key)
            if item is None or (isinstance(item, str) and not item.strip()):
                raise ValidationError(
                    _("Entry %(number)s: %(key)s is required.") % {"number": index, "key": key},
                    code="bad_entry",
                )


def validate_legal_basis(value: Any) -> None:
    """[{"law": ..., "article": ..., "text": ...}], the law named in every entry."""
    _check_entries(value, {"law": str, "article": str, "text": str}, ("law",))


def validate_process_steps(value: Any) -> None:
    """[{"name": ..., "description": ...}] in order."""
    _check_entries(value, {"name": str, "description": str}, ("name",))


def validate_special_steps(value: Any) -> None:
    """[{"name": ..., "limit_days": int, "counts_toward_limit": bool}] (行政许可法 第四十五条)."""
    _check_entries(
        value, {"name": str, "limit_days": int, "counts_toward_limit": bool},
        ("name", "limit_days", "counts_toward_limit"),
    )
    for index, entry in enumerate(value, start=1):
        if isinstance(entry["limit_days"], bool) or entry["limit_days"] < 0:
            raise ValidationError(
                _("Entry %(number)s: the limit is a number of working days.")
                % {"number": index},
                code="bad_entry",
            )


def validate_faq(value: Any) -> None:
    """[{"question": ..., "answer": ...}]."""
    _check_entries(value, {"question": str, "answer": str}, ("question", "answer"))


def validate_text_list(value: Any) -> None:
    """A list of non-empty texts."""
    for index, entry in enumerate(_require_list(value), start=1):
        if not isinstance(entry, str) or not entry.strip():
            raise ValidationError(
                _("Entry %(number)s must be a text.") % {"number": index}, code="bad_entry"
            )


def check_choice_list(value: Any, allowed: Iterable[str]) -> None:
    """A list of distinct values, each one of `allowed`."""
    entries = [str(entry) for entry in _require_list(value)]
    if len(set(entries)) != len(entries) or not set(entries) <= set(allowed):
        raise ValidationError(
            _("Choose distinct values from the offered options."), code="bad_choice"
        )
