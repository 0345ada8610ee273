"""Forms of the feedback pages. They check the shape of the input; the rules are the services'."""

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from qinkuaiban.catalogue.models import ItemStatus, ServiceItem
from qinkuaiban.feedback.models import ReplyTemplate, RoutingRule
from qinkuaiban.feedback.rules import (
    INDICATORS,
    AppealDecision,
    AppealGround,
    FeedbackKind,
    Indicator,
    Level,
    Plan,
    RectificationAction,
    TargetType,
    reason_error,
)
from qinkuaiban.feedback.services._common import too_long
from qinkuaiban.feedback.services.evaluations import RatingInput
from qinkuaiban.identity.models import Organisation, OrganisationKind

YES_NO = [("yes", _("Yes")), ("no", _("No"))]


def plain_messages(form: forms.BaseForm) -> None:
    """Give every field of `form` the project's wording for a too-long text, a number out of
    range, a bad date or number and an unknown choice, instead of Django's (which names "the
    variable" and counts characters like a program). Called when the form is built, so the
    active language applies."""
    for field in form.fields.values():
        messages = field.error_messages
        max_length = getattr(field, "max_length", None)
        if max_length is not None:
            messages["max_length"] = too_long(field="", limit=int(max_length)).message
        if isinstance(field, forms.IntegerField):
            messages["invalid"] = gettext("Enter a whole number.")
            if field.min_value is not None:
                messages["min_value"] = gettext("At least %(limit)s.") % {
                    "limit": field.min_value}
            if field.max_value is not None:
                messages["max_value"] = gettext("At most %(limit)s.") % {
                    "limit": field.max_value}
        if isinstance(field, forms.DateField):
            messages["invalid"] = gettext("Enter a date as YYYY-MM-DD.")
        if isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
            messages["invalid_choice"] = gettext("Choose one of the options shown.")
            if isinstance(field.widget, forms.RadioSelect):
                messages["required"] = gettext("Choose one.")


class PlainForm(forms.Form):
    """A form whose error messages are worded for the people using it (plain_messages)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plain_messages(self)


def goa_units() -> Any:
    """The GOA and its divisions: the organisations feedback can concern or be routed to."""
    return Organisation.objects.filter(
        is_active=True, kind__in=[OrganisationKind.GOA, OrganisationKind.DIVISION]
    ).order_by("sort_order", "name")


class SubmitForm(PlainForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    content = forms.CharField(label=_("What it is about"), max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 6}))
    target_type = forms.ChoiceField(label=_("It concerns"), choices=TargetType.choices,
                                    initial=TargetType.NONE, widget=forms.RadioSelect)
    case_number = forms.CharField(label=_("Case number"), max_length=15, required=False,
                                  help_text=_("For a case: its number, e.g. QKB2026000123."))
    item = forms.ModelChoiceField(label=_("Service"), required=False, queryset=ServiceItem.objects
                                  .none())
    organisation = forms.ModelChoiceField(label=_("Organisation"), required=False,
                                          queryset=Organisation.objects.none())
    respondent = forms.CharField(label=_("Staff member or unit concerned"), max_length=100,
                                 required=False,
                                 help_text=_("Name them if you can (for a staff member: the "
                                             "name or the window number)."))
    anonymous = forms.BooleanField(
        label=_("Submit anonymously"), required=False,
        help_text=_("You get a tracking code and a PIN instead of seeing it under your name."),
    )
    contact = forms.CharField(label=_("How to reach you (optional)"), max_length=120,
                              required=False,
                              help_text=_("A phone number or e-mail address, if you want us to "
                                          "call you back."))
    consent_to_publish = forms.BooleanField(
        label=_("The answer may be published without my personal data"), required=False,
    )
    # A one-time token rendered with the page: the submission's idempotency key, so a reload
    # that posts the form again never files it twice.
    form_token = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)

    def __init__(self, *args: Any, signed_in: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        item, organisation = self.fields["item"], self.fields["organisation"]
        assert isinstance(item, forms.ModelChoiceField)
        assert isinstance(organisation, forms.ModelChoiceField)
        item.queryset = (
            ServiceItem.objects.filter(status=ItemStatus.PUBLISHED)
            .exclude(kind__in=FeedbackKind.values).select_related("current_version")
            .order_by("category", "sort_order", "code")
        )
        item.label_from_instance = (  # type: ignore[method-assign]
            lambda obj: obj.current_version.name if obj.current_version else obj.code
        )
        organisation.queryset = goa_units()
        if not signed_in:
            del self.fields["anonymous"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = str(data.get("target_type") or "")
        needed: dict[str, str] = {TargetType.CASE: "case_number", TargetType.ITEM: "item",
                  TargetType.ORGANISATION: "organisation", TargetType.STAFF: "respondent"}
        field = needed.get(kind)
        if field and not data.get(field):
            self.add_error(field, _("Fill this in, or choose another option above."))
        return data


class TrackForm(PlainForm):
    tracking_code = forms.CharField(label=_("Tracking code"), max_length=16)
    pin = forms.CharField(label=_("PIN"), max_length=16,
                          widget=forms.PasswordInput(attrs={"autocomplete": "off"}))


class AnswerForm(PlainForm):
    satisfied = forms.ChoiceField(label=_("Are you satisfied with the reply?"), choices=YES_NO,
                                  widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Comment (optional)"), max_length=1000, required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))


class ConsentForm(PlainForm):
    consent = forms.ChoiceField(label=_("May the answer be published without your personal "
                                        "data?"), choices=YES_NO, widget=forms.RadioSelect)


class ReplyForm(PlainForm):
    template = forms.ModelChoiceField(label=_("Start from a template"), required=False,
                                      queryset=ReplyTemplate.objects.none())
    text = forms.CharField(label=_("Reply"), max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 8, "id": "reply-text"}))

    def __init__(self, *args: Any, templates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["template"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = templates


class ExtendForm(PlainForm):
    days = forms.IntegerField(label=_("Extend by (working days)"), min_value=1, max_value=30)
    reason = forms.CharField(label=_("Reason"), max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 3}))


class MergeForm(PlainForm):
    duplicate = forms.ChoiceField(label=_("Duplicate to merge into this one"))

    def __init__(self, *args: Any, candidates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["duplicate"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            (str(f.pk), f"{f.case.number} {f.title}") for f in candidates
        ]


class AdoptForm(PlainForm):
    note = forms.CharField(label=_("What changes because of it"), max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 4}))


class PublishForm(PlainForm):
    title = forms.CharField(label=_("Published title"), max_length=200)
    text = forms.CharField(label=_("Published text"), max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 5}))
    reply = forms.CharField(label=_("Published answer"), max_length=5000,
                            widget=forms.Textarea(attrs={"rows": 5}))


class RatingForm(PlainForm):
    """One part of a rating (the service, or the staff member at the window): the overall level
    and every indicator of the channel's set as radio buttons, and the comment, which a bad
    level requires. An `optional` part may be left entirely blank; begun, it must be whole."""

    level = forms.TypedChoiceField(label=_("Overall satisfaction"), coerce=int,
                                   empty_value=None, choices=Level.choices,
                                   widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("Comment"), max_length=1000, required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required for a dissatisfied or very dissatisfied rating: say what went "
                    "wrong, so that it can be put right."),
    )

    def __init__(self, *args: Any, channel: str, optional: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.indicators = INDICATORS[channel]
        self.optional = optional
        for name in self.indicators:
            self.fields[f"score_{name}"] = forms.TypedChoiceField(
                label=Indicator(name).label, coerce=int, empty_value=None,
                choices=Level.choices, widget=forms.RadioSelect,
            )
        # Overall first, then the indicators, then the comment.
        self.order_fields(["level", *(f"score_{n}" for n in self.indicators), "comment"])
        if optional:
            for name in self.rating_fields:
                self.fields[name].required = False
        plain_messages(self)

    @property
    def rating_fields(self) -> list[str]:
        return ["level", *(f"score_{n}" for n in self.indicators)]

    @property
    def is_blank(self) -> bool:
        """Nothing of this part was filled in (only meaningful once validated)."""
        data = getattr(self, "cleaned_data", {})
        return not any(data.get(name) for name in [*self.rating_fields, "comment"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.optional and not self.is_blank:
            # Begun, an optional part must be whole: the same rule as a required one.
            for name in self.rating_fields:
                if name not in self.errors and data.get(name) is None:
                    self.add_error(name, gettext("Choose one."))
        reason = reason_error(level=data.get("level"), comment=data.get("comment") or "")
        if reason is not None and "comment" not in self.errors:
            self.add_error("comment", reason)
        return data

    def rating(self) -> RatingInput | None:
        """The part as the service takes it, None when left blank."""
        if self.is_blank:
            return None
        return RatingInput(level=self.cleaned_data["level"],
                           scores={name: self.cleaned_data[f"score_{name}"]
                                   for name in self.indicators},
                           comment=self.cleaned_data.get("comment") or "")


STEP_LABELS: dict[str, Any] = {
    RectificationAction.CONTACT: _("How the rater was contacted, and what they said"),
    RectificationAction.VERIFY: _("What the verification found"),
    RectificationAction.RECTIFY: _("What was put right"),
    RectificationAction.EXPLAIN: _("The explanation given to the rater"),
    RectificationAction.CALL_BACK: _("The call-back"),
    RectificationAction.APPEAL: _("Reasons for the appeal"),
    RectificationAction.DECIDE_APPEAL: _("Reasons for the decision"),
}


class RectificationStepForm(PlainForm):
    note = forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, action: str, rectifying: bool = False, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", action)
        super().__init__(*args, **kwargs)
        self.action = action
        self.fields["note"].label = STEP_LABELS[action]
        if action == RectificationAction.RECTIFY and not rectifying:
            self.fields["plan"] = forms.ChoiceField(
                label=_("Rectification"), widget=forms.RadioSelect, initial=Plan.AT_ONCE,
                choices=[(Plan.AT_ONCE, Plan.AT_ONCE.label),
                         (Plan.BY_DEADLINE, Plan.BY_DEADLINE.label)])
            self.fields["ledger_entry"] = forms.CharField(
                label=_("Ledger entry (for a fix by a deadline)"), max_length=2000,
                required=False, widget=forms.Textarea(attrs={"rows": 2}))
            self.fields["fix_due_on"] = forms.DateField(
                label=_("To be fixed by"), required=False,
                widget=forms.DateInput(attrs={"type": "date"}))
        if action == RectificationAction.CALL_BACK:
            self.fields["satisfied"] = forms.ChoiceField(
                label=_("Is the rater satisfied?"), choices=YES_NO, widget=forms.RadioSelect)
        if action == RectificationAction.APPEAL:
            self.fields["ground"] = forms.ChoiceField(label=_("Ground"),
                                                      choices=AppealGround.choices,
                                                      widget=forms.RadioSelect)
        if action == RectificationAction.DECIDE_APPEAL:
            self.fields["decision"] = forms.ChoiceField(label=_("Decision"),
                                                        choices=AppealDecision.choices,
                                                        widget=forms.RadioSelect)
        plain_messages(self)

    @property
    def label(self) -> str:
        return str(RectificationAction(self.action).label)

    def data_for_service(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        note = data.pop("note")
        if "satisfied" in data:
            data["satisfied"] = data["satisfied"] == "yes"
        return {"note": note, **{k: v for k, v in data.items() if v not in ("", None)}}


class RoutingRuleForm(forms.ModelForm):
    class Meta:
        model = RoutingRule
        fields = ["kind", "target_type", "target_org", "handling_org", "is_active", "note"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("target_org", "handling_org"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = goa_units()
        plain_messages(self)


class ReplyTemplateForm(forms.ModelForm):
    class Meta:
        model = ReplyTemplate
        fields = ["organisation", "kind", "title", "body", "is_active"]
        widgets = {"body": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = organisations
        plain_messages(self)


class MonthForm(PlainForm):
    month = forms.CharField(label=_("Month"), required=False,
                            widget=forms.TextInput(attrs={"type": "month"}))

    def month_start(self, today: dt.date) -> dt.date:
        """The first day of the chosen month (this month when none or a bad one is given)."""
        if self.is_valid() and self.cleaned_data.get("month"):
            try:
                return dt.date.fromisoformat(f"{self.cleaned_data['month']}-01")
            except ValueError:
                pass
        return today.replace(day=1)
