from django import forms
from django.utils.translation import gettext_lazy as _

from qinkuaiban.audit.models import Outcome
from qinkuaiban.audit.selectors import AuditFilters
from qinkuaiban.core.widgets import DateInput


class AuditFilterForm(forms.Form):
    actor_username = forms.CharField(label=_("Actor username"), max_length=150, required=False)
    # Placeholders rather than help texts keep the filter row aligned on wide screens.
    action_prefix = forms.CharField(
        label=_("Action begins with"), max_length=80, required=False,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. identity.")}),
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"), required=False,
        choices=[("", _("Any outcome")), *Outcome.choices],
    )
    date_from = forms.DateField(
        label=_("From"), required=False, widget=DateInput()
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=DateInput()
    )
    target_type = forms.CharField(
        label=_("Target type"), max_length=80, required=False,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. identity.user")}),
    )
    target_id = forms.CharField(label=_("Target ID"), max_length=64, required=False)

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned

    def filters(self) -> AuditFilters:
        """The valid filters (an invalid form filters nothing rather than everything)."""
        if not self.is_bound or not self.is_valid():
            return AuditFilters()
        data = self.cleaned_data
        return AuditFilters(
            actor_username=data["actor_username"].strip(),
            action_prefix=data["action_prefix"].strip(),
            outcome=data["outcome"],
            date_from=data["date_from"],
            date_to=data["date_to"],
            target_type=data["target_type"].strip(),
            target_id=data["target_id"].strip(),
        )
