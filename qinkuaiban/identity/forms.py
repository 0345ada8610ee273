"""Forms of the identity pages: they check the shape of the input; rules live in services."""

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from qinkuaiban.core.validators import validate_id_number, validate_mobile
from qinkuaiban.identity.models import Organisation, User
from qinkuaiban.identity.roles import Role


class LoginForm(forms.Form):
    username = forms.CharField(
        label=_("Username"), max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class OtpForm(forms.Form):
    token = forms.CharField(
        label=_("Verification code"), max_length=16,
        help_text=_("The 6-digit code shown in your authenticator app, or one of your "
                    "backup codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                      "autofocus": True}),
    )

    def clean_token(self) -> str:
        return "".join(self.cleaned_data["token"].split()).lower()


class TotpConfirmForm(forms.Form):
    token = forms.RegexField(
        label=_("Code from your app"), regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": _("Enter the 6 digits shown in your app.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class PasswordChangeForm(forms.Form):
    current_password = forms.CharField(
        label=_("Current password"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    new_password = forms.CharField(
        label=_("New password"), strip=False,
        help_text=password_validation.password_validators_help_text_html,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password_again = forms.CharField(
        label=_("New password again"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: object, user: User, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.user = user

    def clean_current_password(self) -> str:
        value: str = self.cleaned_data["current_password"]
        if not self.user.check_password(value):
            raise forms.ValidationError(_("The current password is not correct."))
        return value

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        new, again = data.get("new_password"), data.get("new_password_again")
        if new and again and new != again:
            self.add_error("new_password_again", _("The two new passwords do not match."))
        return data


class UserSearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=60)
    status = forms.ChoiceField(
        label=_("Status"), required=False,
        choices=[("", _("All")), ("active", _("Active")), ("inactive", _("Deactivated"))],
    )


class UserCreateForm(forms.Form):
    real_name = forms.CharField(label=_("Real name"), max_length=60)
    username = forms.RegexField(
        label=_("Username"), max_length=150, regex=r"^[\w.@+-]+\Z",
        help_text=_("Letters, digits and @ . + - _ only; used to sign in."),
    )
    mobile = forms.CharField(label=_("Mobile"), max_length=11, required=False,
                             validators=[validate_mobile])
    id_number = forms.CharField(label=_("ID number"), max_length=18, required=False,
                                validators=[validate_id_number],
                                help_text=_("Optional. Stored encrypted and shown masked."))
    password = forms.CharField(
        label=_("Initial password"), strip=False,
        help_text=_("The person must change it at the first sign-in."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_again = forms.CharField(
        label=_("Initial password again"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("The two passwords do not match."))
        return data


class PasswordResetForm(forms.Form):
    password = forms.CharField(
        label=_("Temporary password"), strip=False,
        help_text=_("The person must change it at the next sign-in."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


class TwoFactorSearchForm(forms.Form):
    q = forms.CharField(label=_("Username or real name"), required=False, max_length=60)


class TwoFactorResetForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the reset"), max_length=200,
        help_text=_("What was lost and how the person's identity was checked, for example: "
                    "phone lost, identity card checked in person."),
    )


class OrganisationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organisation) -> str:
        # Many organs have a division called 办公室: name the parent to tell them apart.
        if obj.parent is not None:
            return f"{obj.parent.display_name} / {obj.name}"
        return obj.name


class GrantRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    organisation = OrganisationChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.filter(is_active=True).select_related("parent"),
    )


class TokenCreateForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=80, required=False,
                           help_text=_("What the token is for, e.g. the system using it."))
