"""Forms of the public pages of applications: the online application, the status lookup and
the correction sent from the status page.

The forms read and check what a person typed; they change nothing. The views hand the cleaned
data to ``info_requests.services``, which checks everything again (the resident ID's check
digit, the credit code, the contact needed for the chosen delivery …) and names the field of
any refusal, which the view shows next to that field. The messages for missing fields use the
services' own wording, so a field reads the same whichever layer refused it.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.forms.utils import ErrorList
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongkai.agencies.models import Agency
from gongkai.agencies.selectors import public_agencies
from gongkai.core.text import is_valid_resident_id
from gongkai.info_requests.models import InfoRequest
from gongkai.info_requests.services import Application, is_valid_credit_code

DESCRIPTION_MAX_LENGTH = 5000
TEXT_MAX_LENGTH = 2000
QUERY_CODE_MAX_LENGTH = 32

ApplicantKind = InfoRequest.ApplicantKind


class PublicErrorList(ErrorList):
    """Errors styled by the portal's stylesheet (``.field-errors``), still ``.errorlist``."""

    def __init__(
        self,
        initlist: Any = None,
        error_class: str | None = None,
        renderer: Any = None,
        field_id: str | None = None,
    ) -> None:
        super().__init__(
            initlist,
            error_class=error_class or "field-errors",
            renderer=renderer,
            field_id=field_id,
        )


class PublicForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("error_class", PublicErrorList)
        super().__init__(*args, **kwargs)


class SecretTextInput(forms.TextInput):
    """A text input that is never filled in again from what was sent (the query code)."""

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        return super().get_context(name, None, attrs)


def _required(message: Any) -> dict[str, Any]:
    return {"required": message}


class ApplicationForm(PublicForm):
    """The online application (政府信息公开申请表, REG 29), in the order of the paper form."""

    # The applicant.
    applicant_kind = forms.ChoiceField(
        label=_("You apply as"),
        choices=ApplicantKind.choices,
        initial=ApplicantKind.PERSON,
        widget=forms.RadioSelect,
        error_messages=_required(_("Choose the kind of applicant.")),
    )
    organisation_kind = forms.ChoiceField(
        label=_("Kind of organisation"),
        required=False,
        choices=[("", _("— choose —")), *InfoRequest.OrganisationKind.choices],
        help_text=_("For a legal person or other organisation only."),
    )
    name = forms.CharField(
        label=pgettext_lazy("applicant", "Name"),
        max_length=100,
        help_text=_("Your full name, or the organisation's full name."),
        error_messages=_required(_("Give the applicant's name.")),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    credit_code = forms.CharField(
        label=_("Unified social credit code"),
        required=False,
        max_length=18,
        help_text=_("For an organisation: the 18 characters of its unified social credit code."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    contact_person = forms.CharField(
        label=_("Contact person"),
        required=False,
        max_length=50,
        help_text=_("For an organisation: the person we may contact about the application."),
    )
    id_type = forms.ChoiceField(
        label=_("Identity document"),
        choices=[("", _("— choose —")), *InfoRequest.IdType.choices],
        initial=InfoRequest.IdType.RESIDENT_ID,
        help_text=_("An organisation gives its business licence or other registration document."),
        error_messages=_required(_("Choose the identity document.")),
    )
    id_number = forms.CharField(
        label=_("Number of the identity document"),
        max_length=40,
        help_text=_("Used only to handle your application; it is never shown on a public page."),
        error_messages=_required(_("Give the identity document's number.")),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    # How to reach the applicant.
    phone = forms.CharField(
        label=_("Phone"),
        max_length=40,
        error_messages=_required(_("Give a phone number we can call.")),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        max_length=254,
        help_text=_("We tell you by e-mail when your application moves on."),
        error_messages={"invalid": _("The e-mail address is not valid.")},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    address = forms.CharField(
        label=_("Postal address"),
        required=False,
        max_length=200,
        help_text=_("Needed when you want the information by post."),
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    postcode = forms.CharField(
        label=_("Postcode"),
        required=False,
        max_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "inputmode": "numeric"}),
    )

    # What is asked.
    case_type = forms.ChoiceField(
        label=_("What you ask for"),
        choices=[
            (InfoRequest.CaseType.INFORMATION, _("Government information")),
            (
                InfoRequest.CaseType.RECORD_CORRECTION,
                _("The correction of a record about yourself"),
            ),
        ],
        initial=InfoRequest.CaseType.INFORMATION,
        widget=forms.RadioSelect,
        help_text=_(
            "Ask for a correction when you have evidence that government information the "
            "agency keeps about you is inaccurate: describe the record, what is wrong and the "
            "evidence below (article 41)."
        ),
        error_messages=_required(_("Choose the kind of request.")),
    )
    agency = forms.ModelChoiceField(
        label=_("Agency asked"),
        queryset=Agency.objects.none(),
        empty_label=_("— choose —"),
        help_text=_("The agency that made or keeps the information (article 10)."),
        error_messages=_required(_("Choose the agency you are asking.")),
    )
    description = forms.CharField(
        label=_("Information requested"),
        max_length=DESCRIPTION_MAX_LENGTH,
        help_text=_(
            "Its name, document number or other features that allow it to be found, for "
            "example the subject, the period and the agency that made it."
        ),
        error_messages=_required(
            _(
                "Describe the information you ask for: its name, document number or other "
                "features that allow it to be found."
            )
        ),
        widget=forms.Textarea(attrs={"rows": 6, "data-apply-suggest": "description"}),
    )
    doc_number_hint = forms.CharField(
        label=_("Document number, if you know it"),
        required=False,
        max_length=100,
        help_text=_("For example 张政办发〔2014〕50号."),
    )
    form = forms.ChoiceField(
        label=_("Form wanted"),
        choices=InfoRequest.Form.choices,
        widget=forms.RadioSelect,
        error_messages=_required(_("Choose the form you want the information in.")),
    )
    delivery = forms.ChoiceField(
        label=_("How to receive it"),
        choices=InfoRequest.Delivery.choices,
        widget=forms.RadioSelect,
        error_messages=_required(_("Choose how to receive the information.")),
    )

    # Fees and help.
    fee_waiver_requested = forms.BooleanField(
        label=_("I ask for any processing fee to be waived"),
        required=False,
    )
    fee_waiver_reason = forms.CharField(
        label=_("Reason for the waiver"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        help_text=_("For example financial hardship. Only if you ask for a waiver."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    assistance = forms.CharField(
        label=_("Help you need"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        help_text=_(
            "If you have difficulty reading or with sight or hearing, tell us what help you "
            "need and we will provide it (article 43)."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    # The fieldsets of the page, in order: (key, legend, field names).
    SECTIONS = (
        ("applicant", _("The applicant"), ("applicant_kind", "name", "id_type", "id_number")),
        (
            "organisation",
            _("Organisations only"),
            ("organisation_kind", "credit_code", "contact_person"),
        ),
        ("contact", _("How to reach you"), ("phone", "email", "address", "postcode")),
        (
            "request",
            _("The information you ask for"),
            ("case_type", "agency", "description", "doc_number_hint", "form", "delivery"),
        ),
        (
            "fees",
            _("Fees and help"),
            ("fee_waiver_requested", "fee_waiver_reason", "assistance"),
        ),
    )

    OPTIONAL = (
        "contact_person",
        "email",
        "address",
        "postcode",
        "doc_number_hint",
        "fee_waiver_reason",
        "assistance",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in self.OPTIONAL:
            field = self.fields[name]
            field.label = format_lazy(_("{label} (optional)"), label=field.label)
        agency_field = cast(forms.ModelChoiceField, self.fields["agency"])
        agency_field.queryset = public_agencies()

    def sections(self) -> list[tuple[str, Any, list[forms.BoundField]]]:
        return [
            (key, legend, [self[name] for name in names]) for key, legend, names in self.SECTIONS
        ]

    def clean(self) -> dict[str, Any]:
        """Checks that need several fields, early, so that every message shows at once; the
        services check the same again."""
        cleaned = super().clean() or {}
        id_number = cleaned.get("id_number", "")
        if (
            cleaned.get("id_type") == InfoRequest.IdType.RESIDENT_ID
            and id_number
            and not is_valid_resident_id(id_number)
        ):
            self.add_error(
                "id_number",
                _("This is not a valid resident identity number: check the 18 characters, the "
                  "birth date and the last (check) character."),
            )  # fmt: skip
        if cleaned.get("applicant_kind") == ApplicantKind.ORGANISATION:
            if not cleaned.get("organisation_kind"):
                self.add_error("organisation_kind", _("Choose the kind of organisation."))
            if not is_valid_credit_code(cleaned.get("credit_code", "")):
                self.add_error(
                    "credit_code",
                    _("The unified social credit code is not valid (18 characters with a "
                      "check character)."),
                )  # fmt: skip
        elif cleaned.get("applicant_kind") == ApplicantKind.PERSON:
            # Typed before switching to a natural person: not part of the application.
            for name in ("organisation_kind", "credit_code", "contact_person"):
                cleaned[name] = ""
        if not cleaned.get("fee_waiver_requested"):
            cleaned["fee_waiver_reason"] = ""
        return cleaned

    def application(self) -> Application:
        """The cleaned data as the services take it."""
        data = self.cleaned_data
        return Application(
            applicant_kind=data["applicant_kind"],
            organisation_kind=data["organisation_kind"],
            name=data["name"],
            credit_code=data["credit_code"],
            contact_person=data["contact_person"],
            id_type=data["id_type"],
            id_number=data["id_number"],
            phone=data["phone"],
            email=data["email"],
            address=data["address"],
            postcode=data["postcode"],
            description=data["description"],
            doc_number_hint=data["doc_number_hint"],
            form=data["form"],
            delivery=data["delivery"],
            fee_waiver_requested=data["fee_waiver_requested"],
            fee_waiver_reason=data["fee_waiver_reason"],
            assistance=data["assistance"],
            case_type=data["case_type"],
        )


class StatusLookupForm(PublicForm):
    """The tracking number and query code, sent by POST so the code is never in a URL."""

    number = forms.CharField(
        label=_("Tracking number"),
        max_length=64,
        error_messages=_required(_("Give the tracking number.")),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    code = forms.CharField(
        label=_("Query code"),
        max_length=QUERY_CODE_MAX_LENGTH,
        help_text=_("The code shown once when you applied, or given to you with the number."),
        error_messages=_required(_("Give the query code.")),
        widget=SecretTextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}
        ),
    )


class CorrectionForm(PublicForm):
    """The correction the agency asked for (补正, REG 30), sent from the status page."""

    text = forms.CharField(
        label=_("Your correction"),
        max_length=DESCRIPTION_MAX_LENGTH,
        help_text=_("Answer every point the agency asked you to correct."),
        error_messages=_required(_("Write the correction.")),
        widget=forms.Textarea(attrs={"rows": 6}),
    )
