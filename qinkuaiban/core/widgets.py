"""Form widgets shared by every app."""

from django import forms


class DateInput(forms.DateInput):
    """The browser's date picker. Its value must be ISO 8601 (`2026-11-29`) whatever the
    language: the localized format (`2026/11/29` in Chinese) is discarded by the browser, and
    the field would show empty."""

    input_type = "date"

    def __init__(self, attrs: dict[str, str] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")
