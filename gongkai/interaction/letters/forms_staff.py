"""Forms of the workbench pages of letters: the queue's filters, registering a letter that came
by another channel, and one form per action on a letter.

The forms read and check what a person typed; they change nothing. The views hand the cleaned
data to ``letters.services``, which checks permissions, states and content again and names the
field of any refusal; the view shows that message next to the field.
"""

from __future__ import annotations

import datetime
from typing import Any, NamedTuple, cast

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from gongkai.agencies.models import Agency
from gongkai.interaction.channels.models import HotlineSession
from gongkai.interaction.letters import services
from gongkai.interaction.letters.forms import LetterTypeField, MultipleFileField
from gongkai.interaction.letters.models import Letter, LetterType
from gongkai.interaction.letters.workflow import (
    ACTIVE_STATES,
    REJECTION_MESSAGES,
    LetterError,
)

SEARCH_MAX_LENGTH = 100
TEXT_MAX = services.CONTENT_MAX_LENGTH
State = Letter.State
Channel = Letter.Channel

SHOW_ACTIVE = "active"
SHOW_FINISHED = "finished"


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _text(label: Any, *, required: bool = True, rows: int = 3, **kwargs: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": rows}),
        **kwargs,
    )


def _agencies() -> QuerySet[Agency]:
    """The agencies a letter may be given to (承办), in their display order."""
    return Agency.objects.order_by("sort_order", "name", "id")


def _types() -> QuerySet[LetterType]:
    return LetterType.objects.filter(active=True).order_by("sort_order", "id")


class AgencyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class ServiceErrorMixin:
    def add_service_error(self, error: LetterError) -> None:
        """Show the service's message next to the field it names (the form otherwise)."""
        form = cast(forms.Form, self)
        field = error.field if error.field in form.fields else None
        if field is None or field not in form.errors:
            form.add_error(field, error.message)


class QueueFilterForm(forms.Form):
    """The queue's filters: the tab, state, type, handling agency (the office only) and a
    search by number or words of the subject."""

    show = forms.ChoiceField(
        choices=[(SHOW_ACTIVE, gettext_lazy("Waiting")), (SHOW_FINISHED, gettext_lazy("Done"))],
        required=False,
        widget=forms.HiddenInput,
    )
    q = forms.CharField(
        label=gettext_lazy("Search"),
        required=False,
        max_length=SEARCH_MAX_LENGTH,
        help_text=gettext_lazy("Tracking number or words of the subject."),
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    state = forms.ChoiceField(label=gettext_lazy("State"), required=False)
    letter_type = LetterTypeField(
        label=gettext_lazy("Type"),
        required=False,
        queryset=LetterType.objects.none(),
        empty_label=gettext_lazy("All types"),
    )
    agency = AgencyChoiceField(
        label=gettext_lazy("Handling agency"),
        required=False,
        queryset=Agency.objects.none(),
        empty_label=gettext_lazy("All agencies"),
    )

    def __init__(self, *args: Any, agencies: QuerySet[Agency] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        finished = self.is_bound and self.data.get("show") == SHOW_FINISHED
        states = [s for s in State if (s in ACTIVE_STATES) != finished]
        cast(forms.ChoiceField, self.fields["state"]).choices = [
            ("", _("All states")),
            *[(state.value, state.label) for state in states],
        ]
        cast(
            forms.ModelChoiceField, self.fields["letter_type"]
        ).queryset = LetterType.objects.order_by("sort_order", "id")
        if agencies is None:
            del self.fields["agency"]
        else:
            cast(forms.ModelChoiceField, self.fields["agency"]).queryset = agencies


class RegisterForm(ServiceErrorMixin, forms.Form):
    """A letter received by the hotline, by post, in a visit or by phone, typed in by the
    office with the day it arrived (the writer's e-mail is optional here)."""

    channel = forms.ChoiceField(
        label=pgettext_lazy("letter", "Channel"),
        choices=[("", "—"), *[(c.value, c.label) for c in Channel if c != Channel.ONLINE]],
        error_messages={"required": gettext_lazy("Choose the channel the letter came by.")},
    )
    received_on = forms.DateField(
        label=pgettext_lazy("letter", "Receipt date"),
        widget=_date_input(),
        help_text=gettext_lazy("The day the letter arrived or the call was taken."),
    )
    letter_type = LetterTypeField(
        label=gettext_lazy("Type"),
        queryset=LetterType.objects.none(),
        empty_label="—",
        error_messages={"required": gettext_lazy("Choose the kind of letter.")},
    )
    agency = AgencyChoiceField(
        label=gettext_lazy("Agency concerned"),
        required=False,
        queryset=Agency.objects.none(),
        empty_label="—",
    )
    name = forms.CharField(label=pgettext_lazy("writer", "Name"), max_length=100)
    phone = forms.CharField(label=gettext_lazy("Phone"), max_length=40)
    email = forms.CharField(label=gettext_lazy("E-mail"), max_length=254, required=False)
    subject = forms.CharField(label=gettext_lazy("Subject"), max_length=200)
    content = _text(gettext_lazy("Content"), rows=8)
    consent_to_publish = forms.BooleanField(
        label=gettext_lazy("The writer agrees to publication (without personal data)"),
        required=False,
    )
    attachments = MultipleFileField(
        label=gettext_lazy("Scans or files"),
        required=False,
        help_text=gettext_lazy("A scan of a paper letter, for example (at most 3 files)."),
    )
    # A case taken on air for follow-up: the session it came from (set from the session's page).
    hotline_session = forms.ModelChoiceField(
        queryset=HotlineSession.objects.none(), required=False, widget=forms.HiddenInput
    )

    def __init__(
        self,
        *args: Any,
        sessions: QuerySet[HotlineSession] | None = None,
        session: HotlineSession | None = None,
        **kwargs: Any,
    ) -> None:
        """``sessions``: the hotline sessions the user may link a follow-up to; ``session``:
        the one it is registered for (the channel and the date then start from it)."""
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["letter_type"]).queryset = _types()
        cast(forms.ModelChoiceField, self.fields["agency"]).queryset = _agencies()
        cast(forms.ModelChoiceField, self.fields["hotline_session"]).queryset = (
            sessions if sessions is not None else HotlineSession.objects.none()
        )
        today = timezone.localdate()
        self.fields["received_on"].initial = today
        self.fields["received_on"].widget.attrs["max"] = today.isoformat()
        if session is not None:
            self.fields["hotline_session"].initial = session.pk
            self.fields["channel"].initial = Channel.HOTLINE
            self.fields["received_on"].initial = session.aired_on

    def clean_received_on(self) -> datetime.date:
        value = self.cleaned_data["received_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return cast(datetime.date, value)

    def letter_input(self) -> services.LetterInput:
        data = self.cleaned_data
        return services.LetterInput(
            letter_type=data["letter_type"],
            name=data["name"],
            phone=data["phone"],
            email=data.get("email") or "",
            subject=data["subject"],
            content=data["content"],
            consent_to_publish=bool(data.get("consent_to_publish")),
            agency=data.get("agency"),
        )


# --------------------------------------------------------------------------- actions


class Decision(NamedTuple):
    """A submit button that carries the form's decision (approve or return)."""

    value: str
    label: str
    danger: bool


class ActionForm(ServiceErrorMixin, forms.Form):
    """A form of one action on ``letter``; ``decisions``, when not empty, replaces the
    panel's single button by one button per decision."""

    decisions: tuple[Decision, ...] = ()

    def __init__(self, *args: Any, letter: Letter, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.letter = letter


class AcceptForm(ActionForm):
    letter_type = LetterTypeField(
        label=gettext_lazy("Type"),
        queryset=LetterType.objects.none(),
        empty_label=None,
        help_text=gettext_lazy(
            "Correct the type if the writer chose the wrong one: its reply limit applies."
        ),
    )
    handling_agency = AgencyChoiceField(
        label=gettext_lazy("Assign at once to"),
        queryset=Agency.objects.none(),
        required=False,
        empty_label=gettext_lazy("— assign later —"),
    )
    note = _text(gettext_lazy("Instructions to the agency"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        types = LetterType.objects.filter(active=True) | LetterType.objects.filter(
            pk=self.letter.letter_type_id
        )
        field = cast(forms.ModelChoiceField, self.fields["letter_type"])
        field.queryset = types.order_by("sort_order", "id")
        field.initial = self.letter.letter_type_id
        agency_field = cast(forms.ModelChoiceField, self.fields["handling_agency"])
        agency_field.queryset = _agencies()
        if not self.is_bound and self.letter.agency_id:
            agency_field.initial = self.letter.agency_id


class RejectForm(ActionForm):
    reason = forms.ChoiceField(
        label=gettext_lazy("Reason"),
        choices=Letter.Rejection.choices,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose why the letter is not accepted.")},
    )
    duplicate_of = forms.CharField(
        label=gettext_lazy("Earlier letter (for a duplicate)"),
        required=False,
        max_length=64,
        help_text=gettext_lazy("The tracking number of the letter this one repeats."),
    )
    note = _text(
        gettext_lazy("Note to the writer"),
        required=False,
        help_text=gettext_lazy(
            "Added to the standard message for the reason. Needed for “otherwise out of "
            "scope”: say where to turn instead."
        ),
    )

    def messages(self) -> list[tuple[str, str]]:
        """Each reason with the message the writer receives, for the panel to show."""
        return [
            (str(Letter.Rejection(reason).label), str(message))
            for reason, message in REJECTION_MESSAGES.items()
        ]


class AssignForm(ActionForm):
    agency = AgencyChoiceField(
        label=gettext_lazy("Handling agency"),
        queryset=Agency.objects.none(),
        error_messages={"required": gettext_lazy("Choose the handling agency.")},
    )
    note = _text(gettext_lazy("Instructions to the agency"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["agency"])
        field.queryset = _agencies()
        if not self.is_bound and self.letter.agency_id:
            field.initial = self.letter.agency_id


class TransferForm(ActionForm):
    agency = AgencyChoiceField(
        label=gettext_lazy("Transfer to"),
        queryset=Agency.objects.none(),
        error_messages={"required": gettext_lazy("Choose the agency.")},
    )
    reason = _text(
        gettext_lazy("Reason for the transfer"),
        error_messages={"required": gettext_lazy("Give the reason for the transfer.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        agencies = _agencies()
        if self.letter.handling_agency_id is not None:
            agencies = agencies.exclude(pk=self.letter.handling_agency_id)
        cast(forms.ModelChoiceField, self.fields["agency"]).queryset = agencies


class DraftReplyForm(ActionForm):
    reply_text = _text(
        gettext_lazy("Reply"),
        rows=10,
        help_text=gettext_lazy(
            "Addressed to the writer. If they agreed, the reply may later be published with "
            "their letter: do not repeat their name, phone or e-mail in it."
        ),
        error_messages={"required": gettext_lazy("Write the reply.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.fields["reply_text"].initial = self.letter.reply_text


class ConfirmForm(ActionForm):
    """No fields: the button confirms."""


class ReviewForm(ActionForm):
    """The agency's review of the reply: approve (it goes out at once) or return it with
    what must change."""

    APPROVE = "approve"
    RETURN = "return"

    decision = forms.CharField(required=False, max_length=16, widget=forms.HiddenInput)
    comment = _text(
        gettext_lazy("Comments"),
        required=False,
        rows=4,
        help_text=gettext_lazy("Required to return the reply: say what must change."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.decisions = (
            Decision(self.APPROVE, _("Approve and send the reply"), danger=False),
            Decision(self.RETURN, _("Return to the handler"), danger=True),
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("decision") not in (self.APPROVE, self.RETURN):
            self.add_error(None, _("Choose to approve or to return the reply."))
        return cleaned

    @property
    def approve(self) -> bool:
        return self.cleaned_data.get("decision") == self.APPROVE


class CloseForm(ActionForm):
    comment = _text(
        gettext_lazy("Why it is closed without the writer's rating"),
        required=False,
        help_text=gettext_lazy("For example: the writer confirmed by phone that it is settled."),
    )


class StatisticsFilterForm(forms.Form):
    """The statistics page's filters: a year (and a month of it), an agency among those the
    user may see, a type."""

    year = forms.TypedChoiceField(label=gettext_lazy("Year"), coerce=int)
    month = forms.TypedChoiceField(
        label=gettext_lazy("Month"),
        coerce=int,
        required=False,
        empty_value=None,
        choices=[("", gettext_lazy("The whole year")), *[(m, str(m)) for m in range(1, 13)]],
    )
    agency = AgencyChoiceField(
        label=gettext_lazy("Agency"),
        required=False,
        queryset=Agency.objects.none(),
        empty_label=gettext_lazy("All agencies"),
    )
    letter_type = LetterTypeField(
        label=gettext_lazy("Type"),
        required=False,
        queryset=LetterType.objects.none(),
        empty_label=gettext_lazy("All types"),
    )

    def __init__(
        self, *args: Any, years: list[int], agencies: QuerySet[Agency], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        year = cast(forms.TypedChoiceField, self.fields["year"])
        year.choices = [(value, str(value)) for value in years]
        year.initial = years[0] if years else None
        cast(forms.ModelChoiceField, self.fields["agency"]).queryset = agencies.order_by(
            "sort_order", "name", "id"
        )
        cast(
            forms.ModelChoiceField, self.fields["letter_type"]
        ).queryset = LetterType.objects.order_by("sort_order", "id")


# --------------------------------------------------------------------------- public Q&A


class PublicationForm(ServiceErrorMixin, forms.Form):
    """The public texts of a letter as the reviewer confirms them (公开答复): proposed with the
    personal data masked, edited further where the reviewer sees fit."""

    public_subject = forms.CharField(
        label=gettext_lazy("Public subject"),
        max_length=services.PUBLIC_SUBJECT_MAX_LENGTH,
        error_messages={"required": gettext_lazy("This text cannot be empty.")},
    )
    public_content = _text(
        gettext_lazy("Public text of the letter"),
        rows=12,
        error_messages={"required": gettext_lazy("This text cannot be empty.")},
    )
    public_reply = _text(
        gettext_lazy("Public text of the reply"),
        rows=12,
        error_messages={"required": gettext_lazy("This text cannot be empty.")},
    )


class WithdrawPublicationForm(ServiceErrorMixin, forms.Form):
    reason = _text(
        gettext_lazy("Reason for the withdrawal"),
        help_text=gettext_lazy("Kept in the letter's history, for example: personal data found."),
        error_messages={"required": gettext_lazy("Give the reason for the withdrawal.")},
    )
