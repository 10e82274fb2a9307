"""Forms of the workbench pages of applications: the queue's filters, staff registration of an
application that came by letter, in person, fax or e-mail, and a file for the case.

The forms read and check what a person typed; they change nothing. The views hand the cleaned
data to ``info_requests.services``, which checks permissions, states and the application's
content again (REG 29, 31) and raises :class:`InfoRequestError` naming the field; the views put
that message next to the field with :meth:`RegisterForm.add_service_error`.
"""

from __future__ import annotations

import datetime
from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongkai.agencies.models import Agency
from gongkai.info_requests import services
from gongkai.info_requests.models import InfoRequest, RequestFile
from gongkai.info_requests.workflow import OPEN_STATES, InfoRequestError

SEARCH_MAX_LENGTH = 100
State = InfoRequest.State
Channel = InfoRequest.Channel

# The queue's tabs: the open applications (the reply clock runs or is paused), or those
# replied, delivered or closed.
SHOW_OPEN = "open"
SHOW_CLOSED = "closed"
CLOSED_STATES = [state for state in State if state not in OPEN_STATES]


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AgencyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class QueueFilterForm(forms.Form):
    """The queue's filters: the tab (open or closed), state, handling agency (the office
    only: other staff see only their own agencies' cases anyway) and a search by number or
    words of the description."""

    show = forms.ChoiceField(
        choices=[(SHOW_OPEN, _("Open")), (SHOW_CLOSED, _("Replied and closed"))],
        required=False,
        widget=forms.HiddenInput,
    )
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=SEARCH_MAX_LENGTH,
        help_text=_("Tracking number or words of the information requested."),
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    state = forms.ChoiceField(label=_("State"), required=False)
    agency = AgencyChoiceField(
        label=_("Handling agency"),
        required=False,
        queryset=Agency.objects.none(),
        empty_label=_("All agencies"),
    )

    def __init__(self, *args: Any, agencies: QuerySet[Agency] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        show = self.data.get("show") if self.is_bound else None
        states = CLOSED_STATES if show == SHOW_CLOSED else [s for s in State if s in OPEN_STATES]
        cast(forms.ChoiceField, self.fields["state"]).choices = [
            ("", _("All states")),
            *[(state.value, state.label) for state in states],
        ]
        if agencies is None:
            del self.fields["agency"]
        else:
            self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]

    @property
    def shows_closed(self) -> bool:
        return self.is_bound and self.data.get("show") == SHOW_CLOSED


class RegisterForm(forms.Form):
    """An application received by another channel than the online form, typed in by the
    disclosure office, with the dates from which REG 31 derives its receipt date."""

    agency = AgencyChoiceField(
        label=_("Agency asked"),
        queryset=Agency.objects.none(),
        empty_label="—",
        help_text=_("The agency the application is addressed to."),
    )
    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=[("", "—"), *[(c.value, c.label) for c in Channel if c != Channel.ONLINE]],
    )
    arrived_on = forms.DateField(
        label=_("Arrival date"),
        widget=_date_input(),
        help_text=_(
            "The day the application reached the agency. For an application handed in person "
            "this is the receipt date (REG 31)."
        ),
    )
    signed_on = forms.DateField(
        label=_("Signed for on"),
        required=False,
        widget=_date_input(),
        help_text=_(
            "Registered mail: the day the agency signed for it is the receipt date (REG 31)."
        ),
    )
    confirmed_on = forms.DateField(
        label=_("Confirmed on"),
        required=False,
        widget=_date_input(),
        help_text=_(
            "Ordinary letter: the day the agency confirmed it with the applicant. Fax or e-mail: "
            "the day both sides confirmed it. That day is the receipt date (REG 31)."
        ),
    )
    case_type = forms.ChoiceField(
        label=_("Kind of request"),
        choices=InfoRequest.CaseType.choices,
        initial=InfoRequest.CaseType.INFORMATION,
    )

    # The applicant (REG 29).
    applicant_kind = forms.ChoiceField(
        label=_("Applicant"),
        choices=InfoRequest.ApplicantKind.choices,
        widget=forms.RadioSelect,
        initial=InfoRequest.ApplicantKind.PERSON,
    )
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("The person's name, or the organisation's full name."),
    )
    organisation_kind = forms.ChoiceField(
        label=_("Kind of organisation"),
        required=False,
        choices=[("", "—"), *InfoRequest.OrganisationKind.choices],
        help_text=_("Organisations only."),
    )
    credit_code = forms.CharField(
        label=_("Unified social credit code"),
        required=False,
        max_length=18,
        help_text=_("Organisations only: 18 characters."),
    )
    contact_person = forms.CharField(label=_("Contact person"), required=False, max_length=50)
    id_type = forms.ChoiceField(label=_("Identity document"), choices=InfoRequest.IdType.choices)
    id_number = forms.CharField(label=_("Identity document number"), max_length=40)
    phone = forms.CharField(label=_("Phone"), max_length=40)
    email = forms.EmailField(label=_("E-mail"), required=False)
    address = forms.CharField(label=_("Postal address"), required=False, max_length=200)
    postcode = forms.CharField(label=_("Postcode"), required=False, max_length=6)

    # What is asked and how it is wanted (REG 29, 43).
    description = forms.CharField(
        label=_("Information requested"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Its name, document number or other features that allow it to be found."),
    )
    doc_number_hint = forms.CharField(label=_("Document number"), required=False, max_length=100)
    form = forms.ChoiceField(label=_("Form wanted"), choices=InfoRequest.Form.choices)
    delivery = forms.ChoiceField(label=_("How to receive it"), choices=InfoRequest.Delivery.choices)
    fee_waiver_requested = forms.BooleanField(
        label=_("Asks for the fee to be waived"), required=False
    )
    fee_waiver_reason = forms.CharField(
        label=_("Reason for the waiver"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    assistance = forms.CharField(
        label=_("Help needed"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Help with reading or audio-visual difficulties (REG 43)."),
    )
    original = forms.FileField(
        label=_("Scan of the original application"),
        required=False,
        help_text=_("Optional. PDF, or a PNG, JPEG or GIF image."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg,.gif"}),
    )

    APPLICATION_FIELDS = (
        "applicant_kind",
        "name",
        "organisation_kind",
        "credit_code",
        "contact_person",
        "id_type",
        "id_number",
        "phone",
        "email",
        "address",
        "postcode",
        "description",
        "doc_number_hint",
        "form",
        "delivery",
        "fee_waiver_requested",
        "fee_waiver_reason",
        "assistance",
        "case_type",
    )
    RECEIPT_FIELDS = ("agency", "channel", "arrived_on", "signed_on", "confirmed_on", "case_type")
    APPLICANT_FIELDS = (
        "applicant_kind",
        "name",
        "organisation_kind",
        "credit_code",
        "contact_person",
        "id_type",
        "id_number",
        "phone",
        "email",
        "address",
        "postcode",
    )
    REQUEST_FIELDS = (
        "description",
        "doc_number_hint",
        "form",
        "delivery",
        "fee_waiver_requested",
        "fee_waiver_reason",
        "assistance",
        "original",
    )

    def __init__(self, *args: Any, agencies: QuerySet[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]
        today = timezone.localdate().isoformat()
        for name in ("arrived_on", "signed_on", "confirmed_on"):
            self.fields[name].widget.attrs["max"] = today

    def sections(self) -> dict[str, list[forms.BoundField]]:
        """The fields by section of the page: receipt, applicant, request."""
        return {
            "receipt": [self[name] for name in self.RECEIPT_FIELDS],
            "applicant": [self[name] for name in self.APPLICANT_FIELDS],
            "request": [self[name] for name in self.REQUEST_FIELDS],
        }

    def clean(self) -> dict[str, Any]:
        """The receipt date the channel needs (REG 31), checked by the same rule the service
        applies, so that the missing date is named next to its field at once."""
        data = super().clean() or {}
        channel, arrived_on = data.get("channel"), data.get("arrived_on")
        if channel and arrived_on:
            try:
                services.legal_receipt_date(
                    channel,
                    arrived_on=arrived_on,
                    signed_on=data.get("signed_on"),
                    confirmed_on=data.get("confirmed_on"),
                )
            except InfoRequestError as error:
                self.add_service_error(error)
        return data

    def receipt_field(self) -> str:
        """The field holding the date REG 31 takes as the receipt date for the channel."""
        channel = self.cleaned_data.get("channel") if hasattr(self, "cleaned_data") else None
        if channel == Channel.REGISTERED_MAIL:
            return "signed_on"
        if channel in (Channel.IN_PERSON, Channel.OTHER, None, ""):
            return "arrived_on"
        return "confirmed_on"

    def add_service_error(self, error: InfoRequestError) -> None:
        """Show the service's message next to the field it names (the whole form otherwise)."""
        field = error.field
        if field == "received_on":  # no regulation in force on that date
            field = self.receipt_field()
        elif field == "file":  # the scan of the original was refused
            field = "original"
        if field is None or field not in self.fields:
            self.add_error(None, error.message)
        elif field not in self.errors:  # else the field already says what is wrong with it
            self.add_error(field, error.message)

    def application(self) -> services.Application:
        data = self.cleaned_data
        values: dict[str, Any] = {name: data.get(name) for name in self.APPLICATION_FIELDS}
        for name, value in values.items():
            if value is None:
                values[name] = False if name == "fee_waiver_requested" else ""
        return services.Application(**values)

    def receipt(self) -> dict[str, datetime.date | str | None]:
        data = self.cleaned_data
        return {
            "channel": data["channel"],
            "arrived_on": data["arrived_on"],
            "signed_on": data.get("signed_on"),
            "confirmed_on": data.get("confirmed_on"),
        }


class RequestFileForm(forms.Form):
    """A file for the case, of a kind the user may add (the service checks again)."""

    kind = forms.ChoiceField(label=_("Kind"))
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, Word (DOCX), Excel (XLSX), or a PNG, JPEG or GIF image."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx,.xlsx,.png,.jpg,.jpeg,.gif"}),
    )

    def __init__(self, *args: Any, kinds: list[RequestFile.Kind], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["kind"]).choices = [
            (kind.value, kind.label) for kind in kinds
        ]

    def add_service_error(self, error: InfoRequestError) -> None:
        field = error.field if error.field in self.fields else None
        self.add_error(field, error.message)
