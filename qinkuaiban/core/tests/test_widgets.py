import datetime as dt

from django import forms
from django.utils import translation

from qinkuaiban.core.widgets import DateInput


class When(forms.Form):
    day = forms.DateField(widget=DateInput())


def test_a_date_picker_gets_an_iso_value_in_every_language() -> None:
    for language in ("zh-hans", "en"):
        with translation.override(language):
            html = str(When(initial={"day": dt.date(2026, 11, 29)})["day"])
        assert 'type="date"' in html and 'value="2026-11-29"' in html


def test_a_date_picker_reads_the_iso_value_back() -> None:
    with translation.override("zh-hans"):
        form = When(data={"day": "2026-11-29"})
        assert form.is_valid()
    assert form.cleaned_data["day"] == dt.date(2026, 11, 29)
