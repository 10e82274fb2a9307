"""Forms of a citizen's account pages. They read what was typed and change nothing; the views
hand the cleaned data to ``citizens.services``, which checks it again (the address, the
password rules) and names the field of any refusal."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.password_validation import password_validators_help_texts
from django.utils.translation import gettext_lazy as _

from gongkai.citizens.services import (
    DISPLAY_NAME_MAX_LENGTH,
    EMAIL_MAX_LENGTH,
    PASSWORD_MAX_LENGTH,
)
from gongkai.core.passwords import citizen_password_validators
from gongkai.info_requests.forms import PublicForm


def _required(message: Any) -> dict[str, Any]:
    return {"required": message}


def _email_field(**kwargs: Any) -> forms.EmailField:
    return forms.EmailField(
        label=_("E-mail"),
        max_length=EMAIL_MAX_LENGTH,
        error_messages={
            "required": _("Give your e-mail address."),
            "invalid": _("The e-mail address is not valid."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        **kwargs,
    )


def _password_field(label: Any, *, autocomplete: str, **kwargs: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=PASSWORD_MAX_LENGTH,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": autocomplete}),
        **kwargs,
    )


class NewPasswordMixin(forms.Form):
    """The password typed twice; the rules themselves are checked by the service."""

    password = _password_field(
        _("Password"),
        autocomplete="new-password",
        error_messages=_required(_("Choose a password.")),
    )
    password_again = _password_field(
        _("Password again"),
        autocomplete="new-password",
        error_messages=_required(_("Type the password a second time.")),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The rules of AUTH_PASSWORD_VALIDATORS, in Django's own (translated) words.
        self.fields["password"].help_text = " ".join(
            password_validators_help_texts(citizen_password_validators())
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, second = cleaned.get("password"), cleaned.get("password_again")
        if first and second and first != second:
            self.add_error("password_again", _("The two passwords are not the same."))
        return cleaned


class SignUpForm(NewPasswordMixin, PublicForm):
    email = _email_field(help_text=_("We send a link to this address to confirm it."))
    display_name = forms.CharField(
        label=_("Name"),
        max_length=DISPLAY_NAME_MAX_LENGTH,
        help_text=_("How we address you in mails. It is not part of any application."),
        error_messages=_required(_("Give the name we should address you by.")),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )

    field_order = ["email", "display_name", "password", "password_again"]


class SignInForm(PublicForm):
    email = _email_field()
    password = _password_field(
        _("Password"),
        autocomplete="current-password",
        error_messages=_required(_("Give your password.")),
    )


class PasswordResetRequestForm(PublicForm):
    email = _email_field(help_text=_("The address of your account."))


class SetPasswordForm(NewPasswordMixin, PublicForm):
    pass
