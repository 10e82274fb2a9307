from __future__ import annotations

import datetime

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from gongkai.agencies.permissions import has_role
from gongkai.core.models import AuditEntry


class SignInForm(AuthenticationForm):
    """Staff sign-in: a correct password is not enough, the account must hold a role."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "The user name or password is not correct. Both are case-sensitive; check them "
            "and try again."
        ),
        "no_role": _(
            "This account holds no role in any agency, so it cannot use the workbench. Ask the "
            "administrator to grant you a role."
        ),
    }

    def confirm_login_allowed(self, user) -> None:  # type: ignore[no-untyped-def]
        super().confirm_login_allowed(user)
        if not has_role(user, None):
            raise forms.ValidationError(self.error_messages["no_role"], code="no_role")


class AuditFilterForm(forms.Form):
    action = forms.CharField(label=_("Action"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("All kinds")), *AuditEntry.Kind.choices],
    )
    actor = forms.CharField(label=_("Actor"), required=False, max_length=150)
    object_type = forms.CharField(label=_("Object type"), required=False, max_length=100)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        date_from: datetime.date | None = cleaned.get("date_from")
        date_to: datetime.date | None = cleaned.get("date_to")
        if date_from and date_to and date_from > date_to:
            raise forms.ValidationError(_("The start date is after the end date."))
        return cleaned


class AgencySwitchForm(forms.Form):
    agency = forms.IntegerField(min_value=1)


class SecondFactorForm(forms.Form):
    """The code of the second step at sign-in: six digits from the authenticator app, or a
    backup code (letters and digits; spaces and dashes ignored)."""

    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        strip=True,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autocapitalize": "off",
                "spellcheck": "false",
                "autofocus": True,
            }
        ),
    )


class EnrolmentForm(SecondFactorForm):
    """The first code of a new authenticator: six digits."""

    code = forms.CharField(
        label=_("Code from the app"),
        max_length=32,
        strip=True,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )
