"""Forms of the feedback pages. They check the shape of the input; the rules are the services'."""

import datetime as dt
from typing import Any

from django import forms
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
)
from qinkuaiban.identity.models import Organisation, OrganisationKind

YES_NO = [("yes", _("Yes")), ("no", _("No"))]


def goa_units() -> Any:
    """The GOA and its divisions: the organisations feedback can concern or be routed to."""
    return Organisation.objects.filter(
        is_active=True, kind__in=[OrganisationKind.GOA, OrganisationKind.DIVISION]
    ).order_by("sort_order", "name")


class SubmitForm(forms.Form):
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


class TrackForm(forms.Form):
    tracking_code = forms.CharField(label=_("Tracking code"), max_length=16)
    pin = forms.CharField(label=_("PIN"), max_length=16,
                          widget=forms.PasswordInput(attrs={"autocomplete": "off"}))


class AnswerForm(forms.Form):
    satisfied = forms.ChoiceField(label=_("Are you satisfied with the reply?"), choices=YES_NO,
                                  widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Comment (optional)"), max_length=1000, required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))


class ConsentForm(forms.Form):
    consent = forms.ChoiceField(label=_("May the answer be published without your personal "
                                        "data?"), choices=YES_NO, widget=forms.RadioSelect)


class ReplyForm(forms.Form):
    template = forms.ModelChoiceField(label=_("Start from a template"), required=False,
                                      queryset=ReplyTemplate.objects.none())
    text = forms.CharField(label=_("Reply"), max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 8, "id": "reply-text"}))

    def __init__(self, *args: Any, templates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["template"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = templates


class ExtendForm(forms.Form):
    days = forms.IntegerField(label=_("Extend by (working days)"), min_value=1, max_value=30)
    reason = forms.CharField(label=_("Reason"), max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 3}))


class MergeForm(forms.Form):
    duplicate = forms.ChoiceField(label=_("Duplicate to merge into this one"))

    def __init__(self, *args: Any, candidates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["duplicate"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            (str(f.pk), f"{f.case.number} {f.title}") for f in candidates
        ]


class AdoptForm(forms.Form):
    note = forms.CharField(label=_("What changes because of it"), max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 4}))


class PublishForm(forms.Form):
    title = forms.CharField(label=_("Published title"), max_length=200)
    text = forms.CharField(label=_("Published text"), max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 5}))
    reply = forms.CharField(label=_("Published answer"), max_length=5000,
                            widget=forms.Textarea(attrs={"rows": 5}))


class RatingForm(forms.Form):
    """The overall level and every indicator of the channel's set, as radio buttons."""

    level = forms.TypedChoiceField(label=_("Overall satisfaction"), coerce=int,
                                   choices=Level.choices, widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Comment (optional)"), max_length=1000, required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, channel: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.indicators = INDICATORS[channel]
        for name in self.indicators:
            self.fields[f"score_{name}"] = forms.TypedChoiceField(
                label=Indicator(name).label, coerce=int, choices=Level.choices,
                widget=forms.RadioSelect,
            )
        # Overall first, then the indicators, then the comment.
        self.order_fields(["level", *(f"score_{n}" for n in self.indicators), "comment"])

    def scores(self) -> dict[str, int]:
        return {name: self.cleaned_data[f"score_{name}"] for name in self.indicators}


STEP_LABELS: dict[str, Any] = {
    RectificationAction.CONTACT: _("How the rater was contacted, and what they said"),
    RectificationAction.VERIFY: _("What the verification found"),
    RectificationAction.RECTIFY: _("What was put right"),
    RectificationAction.EXPLAIN: _("The explanation given to the rater"),
    RectificationAction.CALL_BACK: _("The call-back"),
    RectificationAction.APPEAL: _("Reasons for the appeal"),
    RectificationAction.DECIDE_APPEAL: _("Reasons for the decision"),
}


class RectificationStepForm(forms.Form):
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


class MonthForm(forms.Form):
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
