"""Forms of the calendar pages; the rules themselves live in the services and the importer."""

from django import forms
from django.utils.translation import gettext_lazy as _

from qinkuaiban.core.widgets import DateInput
from qinkuaiban.workdays.importing import FIRST_YEAR, LAST_YEAR, NAME_MAX_LENGTH
from qinkuaiban.workdays.models import Correction

# A year's schedule is a few kilobytes; anything far larger is not one.
MAX_UPLOAD_BYTES = 256 * 1024


class DayCorrectionForm(forms.Form):
    date = forms.DateField(
        label=_("Date"), widget=DateInput()
    )
    kind = forms.ChoiceField(label=_("The day becomes"), choices=Correction.choices)
    name = forms.CharField(
        label=_("Holiday name"), max_length=NAME_MAX_LENGTH, required=False,
        help_text=_("Required for a holiday; for a make-up working day, the holiday it makes up "
                    "for."),
    )
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example the number and date of the notice that changed the day."),
    )


class CalendarImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("Columns date,kind,name; kind is holiday or workday (make-up working day); "
                    "dates written YYYY-MM-DD; UTF-8 or GB 18030."),
    )
    year = forms.IntegerField(
        label=_("Year"), min_value=FIRST_YEAR, max_value=LAST_YEAR, required=False,
        help_text=_("Leave empty to take the year of the first date in the file."),
    )
    replace = forms.BooleanField(
        label=_("Replace the year if it is already loaded (its corrections are lost)"),
        required=False,
    )
    check_only = forms.BooleanField(label=_("Only check the file, import nothing"),
                                    required=False)

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)s KB; a year's schedule is far smaller."),
                params={"size": MAX_UPLOAD_BYTES // 1024}, code="too_large",
            )
        return upload

