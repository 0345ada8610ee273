"""An item's application form, declared as data: a list of typed fields stored as JSON on the
version. This module parses and checks declarations, validates submitted data against them and
builds a Django form class for HTML pages. Pure: no database.

A declaration is a list of objects:

    {"name": "plate_number", "label": "车牌号码", "type": "text", "required": true,
     "help": "如：赣A12345", "max_length": 10}

`type` is one of FIELD_TYPES. `choice` fields need `choices`: strings, or objects
{"value": ..., "label": ...}. `number` fields may set `min` and `max`; text fields `max_length`.
`date` fields may set `not_before` and `not_after`: "today", "today+N" or "today-N" (calendar
days from today on the platform's clock, Asia/Shanghai) or a fixed date "YYYY-MM-DD"; and
`not_before_field`, the name of another date field of the form it may not precede (the end of
a start/end pair). Declarations stored before these keys existed simply have no bounds.
"""

import datetime
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qinkuaiban.core.dates import parse_iso_date
from qinkuaiban.core.validators import (
    NULL_CHARACTER_MESSAGE,
    is_valid_id_number,
    is_valid_mobile,
    normalise_id_number,
)
from qinkuaiban.core.widgets import DateInput

FIELD_TYPES = ("text", "textarea", "number", "date", "choice", "id_number", "phone", "file")
FIELD_TYPE_LABELS = {
    "text": gettext_lazy("Text"),
    "textarea": gettext_lazy("Long text"),
    "number": gettext_lazy("Number"),
    "date": gettext_lazy("Date"),
    "choice": gettext_lazy("Choice"),
    "id_number": gettext_lazy("Resident ID number"),
    "phone": gettext_lazy("Phone"),
    "file": gettext_lazy("File"),
}
TEXT_TYPES = frozenset({"text", "textarea"})
NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
# Mainland fixed lines: area code 0xx(x), 7-8 digits, optional extension.
LANDLINE_RE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")
# Public service hotlines of five digits (12345 政务服务便民热线, 12388 纪检监察举报, 12315).
HOTLINE_RE = re.compile(r"^1\d{4}$")
DEFAULT_MAX_LENGTH = {"text": 200, "textarea": 2000}
DATE_BOUND_KEYS = ("not_before", "not_after")
KNOWN_KEYS = frozenset(
    {"name", "label", "type", "required", "choices", "help", "max_length", "min", "max",
     *DATE_BOUND_KEYS, "not_before_field"}
)
RELATIVE_DATE_RE = re.compile(r"^today(?:\s*([+-])\s*(\d{1,4}))?$")


@dataclass(frozen=True)
class DateBound:
    """A declared limit of a date field: today plus `days` calendar days, or a fixed date."""

    days: int = 0
    fixed: datetime.date | None = None

    @classmethod
    def parse(cls, raw: Any) -> "DateBound | None":
        """The bound a declaration writes ("today", "today+7", "2026-01-01"); None if malformed."""
        if not isinstance(raw, str):
            return None
        text = raw.strip().lower()
        relative = RELATIVE_DATE_RE.match(text)
        if relative:
            sign, days = relative.groups()
            return cls(days=-int(days) if sign == "-" else int(days or 0))
        try:
            return cls(fixed=parse_iso_date(text))
        except ValueError:
            return None

    def resolve(self, today: datetime.date) -> datetime.date:
        """The limit on a given day."""
        return self.fixed if self.fixed is not None else today + datetime.timedelta(days=self.days)

    def as_json(self) -> str:
        if self.fixed is not None:
            return self.fixed.isoformat()
        return "today" if self.days == 0 else f"today{self.days:+d}"

    @property
    def is_today(self) -> bool:
        return self.fixed is None and self.days == 0


def today_here() -> datetime.date:
    """Today on the platform's clock (TIME_ZONE, Asia/Shanghai): relative date bounds count
    from it, whatever time zone is active."""
    return timezone.localdate(timezone=timezone.get_default_timezone())


@dataclass(frozen=True)
class FieldSpec:
    """One declared form field, checked and normalised."""

    name: str
    label: str
    type: str
    required: bool = True
    choices: tuple[tuple[str, str], ...] = ()
    help: str = ""
    max_length: int | None = None
    min: Decimal | None = None
    max: Decimal | None = None
    not_before: DateBound | None = None
    not_after: DateBound | None = None
    not_before_field: str = ""

    def as_dict(self) -> dict[str, Any]:
        """The declaration back as plain JSON data."""
        data: dict[str, Any] = {
            "name": self.name, "label": self.label, "type": self.type,
            "required": self.required,
        }
        if self.choices:
            data["choices"] = [{"value": v, "label": lbl} for v, lbl in self.choices]
        if self.help:
            data["help"] = self.help
        if self.max_length is not None:
            data["max_length"] = self.max_length
        for key in ("min", "max"):
            bound = getattr(self, key)
            if bound is not None:
                data[key] = _json_number(bound)
        for key in DATE_BOUND_KEYS:
            date_bound: DateBound | None = getattr(self, key)
            if date_bound is not None:
                data[key] = date_bound.as_json()
        if self.not_before_field:
            data["not_before_field"] = self.not_before_field
        return data

    def date_limits(
        self, today: datetime.date
    ) -> tuple[datetime.date | None, datetime.date | None]:
        """The earliest and latest date the field takes on `today` (None: no limit)."""
        return (self.not_before.resolve(today) if self.not_before is not None else None,
                self.not_after.resolve(today) if self.not_after is not None else None)

    def choice_label(self, value: str) -> str:
        return dict(self.choices).get(value, value)


class DeclarationError(ValueError):
    """A form declaration is malformed; `errors` lists every problem found."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


def _json_number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    try:
        return Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None


def _parse_choices(raw: Any, where: str, errors: list[str]) -> tuple[tuple[str, str], ...]:
    if not isinstance(raw, list) or not raw:
        errors.append(_("%(where)s: a choice field needs a non-empty list of choices.")
                      % {"where": where})
        return ()
    choices: list[tuple[str, str]] = []
    for item in raw:
        if isinstance(item, str) and item.strip():
            choices.append((item.strip(), item.strip()))
        elif (isinstance(item, dict) and isinstance(item.get("value"), str)
              and item["value"].strip()):
            label = item.get("label") or item["value"]
            choices.append((item["value"].strip(), str(label).strip()))
        else:
            errors.append(_("%(where)s: each choice is a text or an object with a value and a "
                            "label.") % {"where": where})
            return ()
    values = [value for value, _label in choices]
    if len(set(values)) != len(values):
        errors.append(_("%(where)s: choices repeat a value.") % {"where": where})
    return tuple(choices)


def _parse_field(raw: Any, index: int, errors: list[str]) -> FieldSpec | None:
    where = _("Field %(number)s") % {"number": index + 1}
    if not isinstance(raw, dict):
        errors.append(_("%(where)s: each field is an object.") % {"where": where})
        return None
    before = len(errors)
    name = raw.get("name")
    if not isinstance(name, str) or not NAME_RE.match(name):
        errors.append(_("%(where)s: the name must be lowercase letters, digits and underscores, "
                        "starting with a letter (at most 40).") % {"where": where})
    else:
        where = _("Field %(number)s (%(name)s)") % {"number": index + 1, "name": name}
    unknown = sorted(set(raw) - KNOWN_KEYS)
    if unknown:
        errors.append(_("%(where)s: unknown keys %(keys)s.")
                      % {"where": where, "keys": ", ".join(unknown)})
    label = raw.get("label")
    if not isinstance(label, str) or not label.strip():
        errors.append(_("%(where)s: a label is required.") % {"where": where})
    field_type = raw.get("type")
    if field_type not in FIELD_TYPES:
        errors.append(_("%(where)s: the type must be one of %(types)s.")
                      % {"where": where, "types": ", ".join(FIELD_TYPES)})
    required = raw.get("required", True)
    if not isinstance(required, bool):
        errors.append(_("%(where)s: required must be true or false.") % {"where": where})
    help_text = raw.get("help", "")
    if not isinstance(help_text, str):
        errors.append(_("%(where)s: help must be text.") % {"where": where})

    choices: tuple[tuple[str, str], ...] = ()
    if field_type == "choice":
        choices = _parse_choices(raw.get("choices"), where, errors)
    elif "choices" in raw:
        errors.append(_("%(where)s: only choice fields have choices.") % {"where": where})

    max_length = raw.get("max_length")
    if max_length is not None:
        if field_type not in TEXT_TYPES:
            errors.append(_("%(where)s: only text fields have a maximum length.")
                          % {"where": where})
        elif isinstance(max_length, bool) or not isinstance(max_length, int) or max_length < 1:
            errors.append(_("%(where)s: the maximum length is a whole number above 0.")
                          % {"where": where})
    bounds: dict[str, Decimal | None] = {"min": None, "max": None}
    for key in ("min", "max"):
        if raw.get(key) is None:
            continue
        if field_type != "number":
            errors.append(_("%(where)s: only number fields have min and max.")
                          % {"where": where})
            continue
        bounds[key] = _decimal(raw[key])
        if bounds[key] is None or not bounds[key].is_finite():  # type: ignore[union-attr]
            errors.append(_("%(where)s: min and max are numbers.") % {"where": where})
            bounds[key] = None
    if bounds["min"] is not None and bounds["max"] is not None and bounds["min"] > bounds["max"]:
        errors.append(_("%(where)s: min is greater than max.") % {"where": where})
    date_bounds = _parse_date_bounds(raw, field_type, where, errors)

    if len(errors) > before:
        return None
    return FieldSpec(
        name=str(name), label=str(label).strip(), type=str(field_type), required=bool(required),
        choices=choices, help=str(help_text).strip(),
        max_length=max_length if field_type in TEXT_TYPES else None,
        min=bounds["min"], max=bounds["max"], not_before=date_bounds[0],
        not_after=date_bounds[1], not_before_field=date_bounds[2],
    )


def _parse_date_bounds(
    raw: dict[str, Any], field_type: Any, where: str, errors: list[str]
) -> tuple[DateBound | None, DateBound | None, str]:
    """not_before, not_after and not_before_field of a date field (the field it names is
    checked by parse_fields, which sees the whole form)."""
    if all(raw.get(key) is None for key in (*DATE_BOUND_KEYS, "not_before_field")):
        return None, None, ""
    if field_type != "date":
        errors.append(_("%(where)s: only date fields have not_before, not_after and "
                        "not_before_field.") % {"where": where})
        return None, None, ""
    found: dict[str, DateBound | None] = {}
    for key in DATE_BOUND_KEYS:
        found[key] = DateBound.parse(raw[key]) if raw.get(key) is not None else None
        if raw.get(key) is not None and found[key] is None:
            errors.append(_('%(where)s: %(key)s is "today", "today+N" or "today-N" (calendar '
                            'days) or a date written YYYY-MM-DD.') % {"where": where, "key": key})
    earliest, latest = found["not_before"], found["not_after"]
    # Two bounds of the same sort compare the same on any day; a fixed date against a relative
    # one only on a given day, so that pair is left to the data.
    reference = datetime.date(2000, 1, 1)
    if (earliest is not None and latest is not None
            and (earliest.fixed is None) == (latest.fixed is None)
            and earliest.resolve(reference) > latest.resolve(reference)):
        errors.append(_("%(where)s: not_before is later than not_after.") % {"where": where})
    other = raw.get("not_before_field")
    if other is not None and (not isinstance(other, str) or not NAME_RE.match(other)
                              or other == raw.get("name")):
        errors.append(_("%(where)s: not_before_field names another date field of this form.")
                      % {"where": where})
        other = None
    return earliest, latest, other or ""


def parse_fields(declaration: Any) -> list[FieldSpec]:
    """Check a declaration and return its fields; raise DeclarationError listing every problem."""
    if not isinstance(declaration, list):
        raise DeclarationError([_("The form declaration must be a list of fields.")])
    errors: list[str] = []
    fields = [
        spec for index, raw in enumerate(declaration)
        if (spec := _parse_field(raw, index, errors)) is not None
    ]
    names = [spec.name for spec in fields]
    for name in sorted({n for n in names if names.count(n) > 1}):
        errors.append(_("The field name %(name)s is used more than once.") % {"name": name})
    dates = {spec.name for spec in fields if spec.type == "date"}
    for spec in fields:
        if spec.not_before_field and spec.not_before_field not in dates:
            errors.append(_("Field %(name)s: not_before_field names %(other)s, which is not a "
                            "date field of this form.")
                          % {"name": spec.name, "other": spec.not_before_field})
    if errors:
        raise DeclarationError(errors)
    return fields


def validate_declaration(value: Any) -> None:
    """Django validator for a JSON form declaration."""
    try:
        parse_fields(value)
    except DeclarationError as exc:
        raise ValidationError(exc.errors, code="invalid_form_declaration") from exc


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _clean_value(spec: FieldSpec, value: Any) -> Any:
    """The JSON-ready value of one non-blank input; raise ValueError with a message if bad."""
    if spec.type == "file":
        size = getattr(value, "size", None)
        if size is not None and size > settings.QKB_UPLOAD_MAX_BYTES:
            raise ValueError(_("The file is larger than %(size)s MB.")
                             % {"size": settings.QKB_UPLOAD_MAX_BYTES // (1024 * 1024)})
        return value
    if not isinstance(value, str | int | float | Decimal | datetime.date) or isinstance(
        value, bool
    ):
        raise ValueError(_("Enter a single value."))
    text = value.isoformat() if isinstance(value, datetime.date) else str(value).strip()
    if "\x00" in text:
        # Django's form fields refuse NUL too; the API's form data must not store one.
        raise ValueError(str(NULL_CHARACTER_MESSAGE))
    if spec.type in TEXT_TYPES:
        limit = spec.max_length or DEFAULT_MAX_LENGTH[spec.type]
        if len(text) > limit:
            raise ValueError(_("Enter at most %(count)s characters.") % {"count": limit})
        return text
    if spec.type == "number":
        number = _decimal(text)
        if number is None or not number.is_finite():
            raise ValueError(_("Enter a number."))
        if spec.min is not None and number < spec.min:
            raise ValueError(_("Enter a number of at least %(min)s.") % {"min": spec.min})
        if spec.max is not None and number > spec.max:
            raise ValueError(_("Enter a number of at most %(max)s.") % {"max": spec.max})
        return _json_number(number)
    if spec.type == "date":
        try:
            return parse_iso_date(text).isoformat()
        except ValueError:
            raise ValueError(_("Enter a date as YYYY-MM-DD.")) from None
    if spec.type == "choice":
        if text not in dict(spec.choices):
            raise ValueError(_("Choose one of the offered options."))
        return text
    if spec.type == "id_number":
        if not is_valid_id_number(text):
            raise ValueError(
                _("Enter a valid 18-digit resident ID number (check digit and birth date).")
            )
        return normalise_id_number(text)
    # phone: a mobile number or a fixed line with area code.
    compact = text.replace(" ", "")
    if not (is_valid_mobile(compact) or LANDLINE_RE.match(compact)):
        raise ValueError(_("Enter an 11-digit mobile number or a fixed line with area code."))
    return compact


def validate_office_phone(value: str) -> None:
    """A phone a guide publishes for enquiries or complaints: a mobile number, a fixed line
    with area code or a five-digit public hotline."""
    compact = value.replace(" ", "")
    if not (is_valid_mobile(compact) or LANDLINE_RE.match(compact) or HOTLINE_RE.match(compact)):
        raise ValidationError(
            _("Enter a mobile number, a fixed line with area code (e.g. 0791-88009999) or a "
              "public hotline such as 12345."),
            code="invalid_phone",
        )


def _as_date(value: Any) -> datetime.date | None:
    """A date given as a date or ISO text; None when blank or unreadable."""
    if isinstance(value, datetime.date):
        return value
    if _is_blank(value):
        return None
    try:
        return parse_iso_date(str(value).strip())
    except ValueError:
        return None


def _bound_message(spec: FieldSpec, bound: DateBound, day: datetime.date, *,
                   after: bool) -> str:
    values = {"field": spec.label, "date": date_format(day, "DATE_FORMAT")}
    if after:
        return (_("%(field)s cannot be after today (%(date)s).") if bound.is_today
                else _("%(field)s cannot be after %(date)s.")) % values
    return (_("%(field)s cannot be before today (%(date)s).") if bound.is_today
            else _("%(field)s cannot be before %(date)s.")) % values


def date_bound_errors(
    fields: Sequence[FieldSpec], data: Mapping[str, Any], *,
    today: datetime.date | None = None,
) -> dict[str, list[str]]:
    """The declared date bounds the data breaks, by field, each message naming the field.
    Blank or malformed dates are left to validate_form_data; a draft saved earlier can be
    checked again with this at submission, as "today" has moved on since."""
    today = today or today_here()
    specs = {spec.name: spec for spec in fields}
    errors: dict[str, list[str]] = {}
    for spec in fields:
        day = _as_date(data.get(spec.name)) if spec.type == "date" else None
        if day is None:
            continue
        if spec.not_before is not None and day < (earliest := spec.not_before.resolve(today)):
            errors.setdefault(spec.name, []).append(
                _bound_message(spec, spec.not_before, earliest, after=False))
        if spec.not_after is not None and day > (latest := spec.not_after.resolve(today)):
            errors.setdefault(spec.name, []).append(
                _bound_message(spec, spec.not_after, latest, after=True))
        other = specs.get(spec.not_before_field)
        start = _as_date(data.get(other.name)) if other is not None else None
        if other is not None and start is not None and day < start:
            errors.setdefault(spec.name, []).append(
                _("%(field)s cannot be before %(other)s (%(date)s).")
                % {"field": spec.label, "other": other.label,
                   "date": date_format(start, "DATE_FORMAT")})
    return errors


def validate_form_data(
    fields: Sequence[FieldSpec], data: Mapping[str, Any], *, partial: bool = False,
    today: datetime.date | None = None,
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Check submitted data against declared fields; return (clean values, errors by field).
    `partial` (a draft): a blank required field is not an error yet; what is given is checked.

    Clean values are JSON-ready (numbers as int/float, dates as ISO text, ID numbers upper-case);
    file fields pass their value through (an uploaded file or a stored reference). Keys that are
    not declared are dropped; blank optional fields are left out. Date bounds count from
    `today` (default: today on the platform's clock). ID numbers are sensitive: the caller
    encrypts them before storing (domain.md §8).
    """
    clean: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for spec in fields:
        value = data.get(spec.name)
        if _is_blank(value):
            if spec.required and not partial:
                errors[spec.name] = [_("This field is required.")]
            continue
        try:
            clean[spec.name] = _clean_value(spec, value)
        except ValueError as exc:
            errors[spec.name] = [str(exc)]
    for name, messages in date_bound_errors(fields, clean, today=today).items():
        errors.setdefault(name, []).extend(messages)
        clean.pop(name, None)
    return clean, errors


def missing_required(fields: Sequence[FieldSpec], data: Mapping[str, Any]) -> list[FieldSpec]:
    """The required fields (files aside: they are attachments) a saved draft leaves blank."""
    return [spec for spec in fields
            if spec.required and spec.type != "file" and _is_blank(data.get(spec.name))]


class DeclaredForm(forms.Form):
    """Base of the classes `build_form_class` makes: every rule comes from validate_form_data."""

    specs: tuple[FieldSpec, ...] = ()
    # The day the date inputs' min and max were set for: the check uses the same day.
    today: datetime.date | None = None
    # A draft being saved: required fields may still be blank.
    partial = False

    def clean(self) -> dict[str, Any]:
        raw = {spec.name: self.cleaned_data.get(spec.name) for spec in self.specs}
        clean, errors = validate_form_data(self.specs, raw, partial=self.partial,
                                           today=self.today)
        for name, messages in errors.items():
            for message in messages:
                self.add_error(name, message)
        self.cleaned_data = clean
        return clean


def _form_field(spec: FieldSpec, today: datetime.date) -> forms.Field:
    # Inputs only shape the widget; checking is left to validate_form_data (one rule set).
    attrs: dict[str, Any] = {"required": True} if spec.required else {}
    common: dict[str, Any] = {"label": spec.label, "help_text": spec.help, "required": False}
    if spec.type == "textarea":
        return forms.CharField(widget=forms.Textarea(attrs={**attrs, "rows": 4}), **common)
    if spec.type == "number":
        bounds = {k: _json_number(v) for k in ("min", "max") if (v := getattr(spec, k)) is not None}
        return forms.CharField(
            widget=forms.NumberInput(attrs={**attrs, **bounds, "step": "any"}), **common
        )
    if spec.type == "date":
        # The browser's picker offers only the days the bounds allow; the server checks again.
        limits = dict(zip(("min", "max"), spec.date_limits(today), strict=True))
        days = {key: day.isoformat() for key, day in limits.items() if day is not None}
        if spec.not_before_field:
            # web/qkb.js moves `min` to the start date once it is chosen (data-min: the
            # declared one, to fall back on).
            days.update({"data-not-before-field": spec.not_before_field,
                         "data-min": days.get("min", "")})
        return forms.CharField(widget=DateInput(attrs={**attrs, **days}), **common)
    if spec.type == "choice":
        options = [("", "---------"), *spec.choices]
        return forms.CharField(widget=forms.Select(attrs=attrs, choices=options), **common)
    if spec.type == "file":
        return forms.FileField(widget=forms.ClearableFileInput(attrs=attrs), **common)
    if spec.type == "phone":
        return forms.CharField(
            widget=forms.TextInput(attrs={**attrs, "type": "tel", "autocomplete": "tel"}),
            **common,
        )
    if spec.type == "id_number":
        return forms.CharField(
            widget=forms.TextInput(attrs={**attrs, "maxlength": 18, "autocomplete": "off"}),
            **common,
        )
    limit = spec.max_length or DEFAULT_MAX_LENGTH["text"]
    return forms.CharField(widget=forms.TextInput(attrs={**attrs, "maxlength": limit}), **common)


def build_form_class(
    fields: Sequence[FieldSpec], *, today: datetime.date | None = None
) -> type[DeclaredForm]:
    """A Django form class for the declared fields; its cleaned_data is validate_form_data's.
    Date inputs carry min and max for `today` (default: today on the platform's clock)."""
    today = today or today_here()
    attrs: dict[str, Any] = {spec.name: _form_field(spec, today) for spec in fields}
    attrs["specs"] = tuple(fields)
    attrs["today"] = today
    return type("DeclaredApplicationForm", (DeclaredForm,), attrs)
