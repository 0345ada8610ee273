"""Staff forms for editing the guide. Lists that are documents (legal basis, process, FAQ) are
edited as one entry per line with parts separated by "|", which reads like the printed guide."""

import copy
import json
import re
from typing import Any

from django import forms
from django.forms.models import model_to_dict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from qinkuaiban.catalogue.forms_spec import DeclarationError, parse_fields, validate_office_phone
from qinkuaiban.catalogue.kinds import kind_choices
from qinkuaiban.catalogue.models import (
    Category,
    Channel,
    Medium,
    Necessity,
    OriginalOrCopy,
    ServiceItemVersion,
    ServiceObject,
)
from qinkuaiban.catalogue.services import EDITABLE_FIELDS
from qinkuaiban.identity.models import Organisation

SEPARATOR_RE = re.compile(r"\s*[|｜]\s*")
COUNTED_WORDS = {"是", "计入", "yes", "y", "true", "1"}
NOT_COUNTED_WORDS = {"否", "不计入", "no", "n", "false", "0"}


def _rows(text: str) -> list[list[str]]:
    return [SEPARATOR_RE.split(line.strip()) for line in text.splitlines() if line.strip()]


class LinesField(forms.CharField):
    """A textarea of entries, one a line, parts separated by "|", stored as a JSON list."""

    keys: tuple[str, ...] = ()
    required_parts = 1

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 4}))
        super().__init__(**kwargs)

    def entry(self, parts: list[str], line: int) -> Any:
        if len(parts) < self.required_parts or len(parts) > len(self.keys):
            raise forms.ValidationError(
                _("Line %(line)s: write %(count)s parts separated by |.")
                % {"line": line, "count": len(self.keys)}
            )
        return {key: value for key, value in zip(self.keys, parts, strict=False) if value}

    def line(self, entry: Any) -> str:
        return " | ".join(str(entry.get(key, "")) for key in self.keys).rstrip(" |")

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return "\n".join(self.line(entry) for entry in value)
        return value

    def clean(self, value: Any) -> list[Any]:
        text = super().clean(value) or ""
        return [self.entry(parts, n) for n, parts in enumerate(_rows(text), start=1)]


class TextLinesField(LinesField):
    def entry(self, parts: list[str], line: int) -> str:
        return " ".join(parts)

    def line(self, entry: Any) -> str:
        return str(entry)


class LegalBasisField(LinesField):
    keys = ("law", "article", "text")


class StepsField(LinesField):
    keys = ("name", "description")


class FaqField(LinesField):
    keys = ("question", "answer")
    required_parts = 2


class SpecialStepsField(LinesField):
    keys = ("name", "limit_days", "counts_toward_limit")
    required_parts = 3

    def entry(self, parts: list[str], line: int) -> dict[str, Any]:
        data = super().entry(parts, line)
        counted = parts[2].lower()
        if not parts[1].isdigit() or counted not in COUNTED_WORDS | NOT_COUNTED_WORDS:
            raise forms.ValidationError(
                _("Line %(line)s: write name | working days | 计入 or 不计入.") % {"line": line}
            )
        return {"name": data["name"], "limit_days": int(parts[1]),
                "counts_toward_limit": counted in COUNTED_WORDS}

    def line(self, entry: Any) -> str:
        counted = "计入" if entry.get("counts_toward_limit") else "不计入"
        return f"{entry.get('name', '')} | {entry.get('limit_days', 0)} | {counted}"


class FormDeclarationField(forms.CharField):
    """The application form as JSON, checked by forms_spec with every problem listed."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 12, "spellcheck": "false"}))
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return json.dumps(value, ensure_ascii=False, indent=2)
        return value

    def clean(self, value: Any) -> list[dict[str, Any]]:
        text = (super().clean(value) or "").strip()
        if not text:
            return []
        try:
            declaration = json.loads(text)
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(
                _("Not valid JSON (line %(line)s, column %(column)s).")
                % {"line": exc.lineno, "column": exc.colno}
            ) from exc
        try:
            fields = parse_fields(declaration)
        except DeclarationError as exc:
            raise forms.ValidationError(exc.errors) from exc
        return [spec.as_dict() for spec in fields]


class _VersionDocumentFields(forms.Form):
    """The list-like elements, edited as text."""

    service_objects = forms.MultipleChoiceField(
        label=gettext_lazy("Service objects"), choices=ServiceObject.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    channels = forms.MultipleChoiceField(
        label=gettext_lazy("Channels"), choices=Channel.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    co_handling_orgs = TextLinesField(
        label=gettext_lazy("Co-handling organisations"), help_text=gettext_lazy("One a line.")
    )
    legal_basis = LegalBasisField(
        label=gettext_lazy("Legal basis"),
        help_text=gettext_lazy("One a line: law | article | text."),
    )
    process_steps = StepsField(
        label=gettext_lazy("Process steps"),
        help_text=gettext_lazy("One step a line, in order: name | description."),
    )
    special_steps = SpecialStepsField(
        label=gettext_lazy("Special steps"),
        help_text=gettext_lazy(
            "Hearings, inspection, expert review… One a line: name | working days | 计入 or "
            "不计入 (counted in the time limit or not)."
        ),
    )
    faq = FaqField(
        label=gettext_lazy("Frequently asked questions"),
        help_text=gettext_lazy("One a line: question | answer."),
    )
    form_fields = FormDeclarationField(
        label=gettext_lazy("Application form fields"),
        help_text=gettext_lazy(
            'JSON list, e.g. [{"name": "plate_number", "label": "车牌号码", "type": "text", '
            '"required": true, "max_length": 10}]. Types: text, textarea, number, date, '
            'choice (with "choices"), id_number, phone, file. Number fields may set "min" and '
            '"max". Date fields may set "not_before" and "not_after": "today", "today+7" or '
            '"today-30" (calendar days from the day of applying) or a date such as '
            '"2027-01-01"; and "not_before_field": the start date an end date may not precede, '
            'e.g. {"name": "return_date", "label": "返程日期", "type": "date", '
            '"not_before": "today", "not_before_field": "trip_date"}.'
        ),
    )


DAYS_ERRORS = {
    "invalid": gettext_lazy("Enter a whole number of working days."),
    "min_value": gettext_lazy("A time limit is a number of working days; it cannot be "
                              "negative (enter 0 only for a service handled at once)."),
    "max_value": gettext_lazy("A time limit cannot exceed %(limit_value)s working days."),
}


def _days_field(label: Any) -> forms.IntegerField:
    """A time limit in working days, refused in the guide's own words when out of range."""
    return forms.IntegerField(label=label, min_value=0, max_value=365,
                              error_messages=DAYS_ERRORS)


PHONE_FIELDS = ("consultation_phone", "complaint_phone")
DAYS_FIELDS = ("legal_days", "promised_days")


_MODEL_FIELDS = forms.fields_for_model(
    ServiceItemVersion,
    fields=EDITABLE_FIELDS,
    widgets={
        "summary": forms.Textarea(attrs={"rows": 3}),
        "implementation_basis": forms.Textarea(attrs={"rows": 2}),
        "conditions": forms.Textarea(attrs={"rows": 4}),
        "quantity_limits": forms.Textarea(attrs={"rows": 2}),
        "fee_basis": forms.Textarea(attrs={"rows": 2}),
        "fee_standard": forms.Textarea(attrs={"rows": 2}),
    },
)


class VersionForm(_VersionDocumentFields):
    """Every element of a draft's guide (materials are a formset beside it). Only the shape is
    checked here; services.update_draft validates the whole version and names the field."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        declared = dict(self.fields)
        self.fields = {
            name: declared.get(name) or copy.deepcopy(_MODEL_FIELDS[name])
            for name in EDITABLE_FIELDS
        }
        for name in PHONE_FIELDS:
            self.fields[name].validators.append(validate_office_phone)
        for name in DAYS_FIELDS:
            self.fields[name].error_messages.update(DAYS_ERRORS)

    @classmethod
    def initial_for(cls, version: ServiceItemVersion) -> dict[str, Any]:
        return model_to_dict(version, fields=EDITABLE_FIELDS)

    def content(self) -> dict[str, Any]:
        """The cleaned content for services.update_draft."""
        content = {name: self.cleaned_data[name] for name in EDITABLE_FIELDS}
        # ClearableFileInput gives False when "clear" was ticked.
        if content["result_sample"] is False:
            content["result_sample"] = ""
        return content


class MaterialForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Material"), max_length=200)
    necessity = forms.ChoiceField(label=gettext_lazy("Necessity"), choices=Necessity.choices)
    original_or_copy = forms.ChoiceField(
        label=gettext_lazy("Original or copy"), choices=OriginalOrCopy.choices
    )
    medium = forms.ChoiceField(label=gettext_lazy("Paper or electronic"), choices=Medium.choices)
    copies = forms.IntegerField(label=gettext_lazy("Copies"), min_value=1, max_value=99,
                                initial=1)
    source = forms.CharField(label=pgettext_lazy("material", "Source"), max_length=200,
                             required=False)
    notes = forms.CharField(label=gettext_lazy("Notes for filling in"), required=False,
                            widget=forms.Textarea(attrs={"rows": 2}))
    blank_form = forms.FileField(label=gettext_lazy("Blank form"), required=False)
    sample = forms.FileField(label=gettext_lazy("Filled-in sample"), required=False)

    def material(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in self.fields
                if name not in ("ORDER", "DELETE")}
        for name in ("blank_form", "sample"):
            if data[name] is False or data[name] is None:
                data[name] = ""
        return data


MaterialFormSet = forms.formset_factory(
    MaterialForm, extra=2, can_delete=True, can_order=True, max_num=60, validate_max=True
)


def material_initial(version: ServiceItemVersion) -> list[dict[str, Any]]:
    return [
        {"name": m.name, "necessity": m.necessity, "original_or_copy": m.original_or_copy,
         "medium": m.medium, "copies": m.copies, "source": m.source, "notes": m.notes,
         "blank_form": m.blank_form, "sample": m.sample, "ORDER": m.position}
        for m in version.materials.all()
    ]


def materials_from(formset: Any) -> list[dict[str, Any]]:
    return [form.material() for form in formset.ordered_forms]


class CreateItemForm(forms.Form):
    """The identity of a new service and the minimum its first draft needs."""

    code = forms.RegexField(
        label=gettext_lazy("Implementation code"), regex=r"^[A-Za-z0-9][A-Za-z0-9-]{1,38}"
        r"[A-Za-z0-9]$", max_length=40, help_text=gettext_lazy("e.g. QKB-TY-001"),
        error_messages={"invalid": gettext_lazy(
            "Enter the implementation code as 3 to 40 letters, digits and hyphens, starting "
            "and ending with a letter or digit, e.g. QKB-TY-001.")},
    )
    basic_code = forms.CharField(label=gettext_lazy("Basic code"), max_length=40,
                                 required=False)
    name = forms.CharField(label=pgettext_lazy("service item", "Name"), max_length=120)
    kind = forms.ChoiceField(
        label=pgettext_lazy("service item", "Kind"), initial="generic",
        # Called for each form: the kinds the installed apps handle, by their names (a kind
        # whose app is not installed could take no application).
        choices=kind_choices,
        help_text=gettext_lazy(
            "Which kind of case handles its applications: a general service unless an "
            "installed app provides its own (complaints, suggestions …)."
        ),
    )
    category = forms.ChoiceField(label=gettext_lazy("Category"), choices=Category.choices)
    handling_org = forms.ModelChoiceField(
        label=gettext_lazy("Handling division"), queryset=Organisation.objects.none()
    )
    conditions = forms.CharField(label=gettext_lazy("Conditions for acceptance"),
                                 widget=forms.Textarea(attrs={"rows": 3}))
    legal_days = _days_field(gettext_lazy("Legal time limit (working days)"))
    promised_days = _days_field(gettext_lazy("Promised time limit (working days)"))
    is_instant = forms.BooleanField(label=gettext_lazy("Handled at once"), required=False)
    complaint_phone = forms.CharField(label=gettext_lazy("Supervision and complaint phone"),
                                      max_length=40, validators=[validate_office_phone],
                                      help_text=gettext_lazy("e.g. 0791-88009999 or 12345"))

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["handling_org"].queryset = organisations  # type: ignore[attr-defined]

    def content(self, *, agency: Organisation) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"], "conditions": data["conditions"],
            "legal_days": data["legal_days"], "promised_days": data["promised_days"],
            "is_instant": data["is_instant"], "complaint_phone": data["complaint_phone"],
            "agency_name": agency.name, "agency_credit_code": agency.credit_code or "",
        }
