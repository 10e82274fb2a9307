"""Forms of the actions on an application's staff page (one per service).

The forms read and check what a person typed; they change nothing. The views hand the cleaned
data to ``info_requests.services``, which check permissions, states and the Regulation's rules
again and make the change; a service's refusal comes back on the form (:meth:`ActionForm.
error_field` says where). Where a form repeats a service's check, it says the same words.
"""

from __future__ import annotations

import datetime
from typing import Any, NamedTuple

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongkai.agencies.models import Agency
from gongkai.info_requests import letters
from gongkai.info_requests.models import Consultation, FeeNotice, InfoRequest, Notice, Remedy
from gongkai.info_requests.outcomes import AT_RECEIPT, BY_DEADLINE, REPORT_ROWS, Exemption, Outcome
from gongkai.info_requests.rules import rule_set
from gongkai.info_requests.services import Withheld

WITHHELD_ROWS = 5  # parts withheld a reply can name on the form
TEXT_MAX = 4000


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _textarea(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


def _text(label: Any, *, required: bool = True, rows: int = 3, **kwargs: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=TEXT_MAX,
        widget=_textarea(rows),
        **kwargs,
    )


def _agencies() -> QuerySet[Agency]:
    """The agencies an application may be given to (承办), in their display order."""
    return Agency.objects.order_by("sort_order", "name", "id")


class FieldGroup(NamedTuple):
    legend: str  # empty: the fields are not a fieldset of their own
    fields: list[forms.BoundField]


class Decision(NamedTuple):
    """A submit button that carries the form's decision (approve or return)."""

    value: str
    label: str
    danger: bool


class ActionForm(forms.Form):
    """A form of one action on ``case``.

    ``groups`` is what the page shows (fieldsets where a form has them); ``decisions``, when
    not empty, replaces the panel's single button by one button per decision.
    """

    decisions: tuple[Decision, ...] = ()

    def __init__(self, *args: Any, case: InfoRequest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.case = case

    def groups(self) -> list[FieldGroup]:
        return [FieldGroup("", list(self))] if self.fields else []

    def error_field(self, field: str | None) -> str | None:
        """The form field a service's error about ``field`` is shown on (None: the form)."""
        return field if field is not None and field in self.fields else None


def _not_in_future(value: datetime.date | None) -> datetime.date | None:
    if value is not None and value > timezone.localdate():
        raise forms.ValidationError(_("The date cannot be in the future."), code="future")
    return value


def _past_date(label: Any, **kwargs: Any) -> forms.DateField:
    """A required date, on or before today (the services check this too)."""
    return forms.DateField(label=label, widget=_date_input(), **kwargs)


class DatedActionForm(ActionForm):
    """An action with the date it happened (an answer, a payment, a delivery): today unless
    given, never in the future — the services check this too."""

    on = forms.DateField(
        label=gettext_lazy("Date"),
        required=False,
        widget=_date_input(),
        help_text=gettext_lazy("The day it happened; not in the future."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["on"].initial = today
        self.fields["on"].widget.attrs["max"] = today.isoformat()

    def clean_on(self) -> datetime.date | None:
        return _not_in_future(self.cleaned_data.get("on"))


# --------------------------------------------------------------------------- the office


class AcceptForm(ActionForm):
    handling_agency = forms.ModelChoiceField(
        label=gettext_lazy("Assign at once to"),
        queryset=Agency.objects.none(),
        required=False,
        empty_label=gettext_lazy("— assign later —"),
        help_text=gettext_lazy("The agency that answers the application (REG 10), if known now."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["handling_agency"].queryset = _agencies()  # type: ignore[attr-defined]


class AssignForm(ActionForm):
    agency = forms.ModelChoiceField(
        label=gettext_lazy("Handling agency"),
        queryset=Agency.objects.none(),
        help_text=gettext_lazy("The agency that answers the application (REG 10)."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["agency"]
        field.queryset = _agencies()  # type: ignore[attr-defined]
        if self.case.agency_id and not self.is_bound:
            field.initial = self.case.agency_id


class TransferForm(ActionForm):
    agency = forms.ModelChoiceField(
        label=gettext_lazy("Transfer to"), queryset=Agency.objects.none()
    )
    reason = _text(
        gettext_lazy("Reason for the transfer"),
        error_messages={"required": gettext_lazy("Give the reason for the transfer.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        agencies = _agencies()
        if self.case.handling_agency_id is not None:
            agencies = agencies.exclude(pk=self.case.handling_agency_id)
        self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]


class RequestCorrectionForm(ActionForm):
    what = _text(
        gettext_lazy("What must be corrected"),
        rows=5,
        help_text=gettext_lazy(
            "List everything the applicant must correct or add: a correction may be asked "
            "only once, completely, and within 7 working days of receipt (REG 30)."
        ),
        error_messages={"required": gettext_lazy("Say what must be corrected, completely.")},
    )


class ReceiveCorrectionForm(DatedActionForm):
    text = _text(
        gettext_lazy("The correction"),
        rows=5,
        help_text=gettext_lazy("What the applicant corrected or added, as received."),
        error_messages={"required": gettext_lazy("Write the correction.")},
    )

    field_order = ["text", "on"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["on"].label = _("Date received")


class CloseAtReceiptForm(ActionForm):
    outcome = forms.ChoiceField(
        label=gettext_lazy("Outcome"),
        choices=(),
        help_text=gettext_lazy(
            "Close without handling when this is not an application for information: a "
            "petition, complaint or report is pointed to the petition channel, a request for "
            "publications to where they are sold (REG 39); a repeated request (REG 36(6)) or an "
            "unreasonable volume (REG 35) says why; “other” records a withdrawal."
        ),
    )
    reply_text = _text(
        gettext_lazy("Reply to the applicant"),
        rows=5,
        help_text=gettext_lazy("Why, and where the applicant should turn. It is sent as written."),
        error_messages={
            "required": gettext_lazy("Write the reply: why, and where the applicant should turn.")
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(value, label) for value, label in Outcome.choices if value in AT_RECEIPT]
        self.fields["outcome"].choices = [("", "—"), *choices]  # type: ignore[attr-defined]


class ExtendForm(ActionForm):
    days = forms.IntegerField(label=gettext_lazy("Working days"))
    reason = _text(
        gettext_lazy("Reason for the extension"),
        error_messages={"required": gettext_lazy("Give the reason for the extension.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit = rule_set(self.case.rule_set).extension_limit
        out_of_range = _("An extension is 1 to %(days)d working days.") % {"days": limit}
        field = self.fields["days"]
        field.validators = [_range_validator(1, limit, out_of_range)]
        field.widget.attrs.update({"min": 1, "max": limit})
        field.initial = limit
        field.help_text = _(
            "Once only, approved by the head of the disclosure office; at most %(days)d working "
            "days (REG 33). The applicant is told."
        ) % {"days": limit}


def _range_validator(low: int, high: int, message: str) -> Any:
    def validate(value: int) -> None:
        if not low <= value <= high:
            raise forms.ValidationError(message, code="range")

    return validate


# --------------------------------------------------------------------------- the handler


class ConsultForm(ActionForm):
    kind = forms.ChoiceField(
        label=gettext_lazy("Consult"),
        choices=Consultation.Kind.choices,
        widget=forms.RadioSelect,
        help_text=gettext_lazy(
            "A third party whose rights may be harmed (REG 32) or the other agencies that made "
            "the information (REG 34). They answer within 15 working days; the time is not "
            "counted in the reply limit."
        ),
    )
    party = forms.CharField(label=gettext_lazy("Name of the party consulted"), max_length=200)


class SettleConsultationForm(DatedActionForm):
    answer = forms.ChoiceField(
        label=gettext_lazy("Answer"),
        choices=[
            (Consultation.Answer.AGREES, Consultation.Answer.AGREES.label),
            (Consultation.Answer.OBJECTS, Consultation.Answer.OBJECTS.label),
            (Consultation.Answer.NO_ANSWER, Consultation.Answer.NO_ANSWER.label),
        ],
        widget=forms.RadioSelect,
        help_text=gettext_lazy(
            "Another agency's silence after 15 working days is consent (REG 34)."
        ),
    )
    note = _text(gettext_lazy("Note"), required=False)

    field_order = ["answer", "note", "on"]

    def __init__(self, *args: Any, consultation: Consultation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.consultation = consultation
        self.fields["on"].label = _("Date answered")


class IssueFeeNoticeForm(ActionForm):
    method = forms.ChoiceField(
        label=gettext_lazy("Method"),
        choices=FeeNotice.Method.choices,
        widget=forms.RadioSelect,
        help_text=gettext_lazy(
            "Per application counts the applicant's applications this month across the "
            "government; per page counts the pages provided (国办函〔2020〕109号)."
        ),
    )
    pages = forms.IntegerField(
        label=gettext_lazy("Pages"),
        required=False,
        min_value=1,
        help_text=gettext_lazy("For the per-page method."),
    )
    payment = _text(
        gettext_lazy("How to pay"),
        error_messages={"required": gettext_lazy("Say how to pay.")},
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("method") == FeeNotice.Method.PER_PAGE and not cleaned.get("pages"):
            self.add_error("pages", _("Give the number of pages for the per-page method."))
        return cleaned


class SettleFeeForm(DatedActionForm):
    settlement = forms.ChoiceField(
        label=gettext_lazy("Settlement"),
        choices=[
            (FeeNotice.Settlement.PAID, FeeNotice.Settlement.PAID.label),
            (FeeNotice.Settlement.WAIVED, FeeNotice.Settlement.WAIVED.label),
        ],
        widget=forms.RadioSelect,
    )
    note = _text(
        gettext_lazy("Note"),
        required=False,
        help_text=gettext_lazy("The reason, for a waiver."),
    )

    field_order = ["settlement", "note", "on"]

    def __init__(self, *args: Any, fee: FeeNotice, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fee = fee


def _outcome_choices() -> list[tuple[str, Any]]:
    """Every outcome a person may choose, grouped by the rows of the annual report's table 三."""
    grouped: dict[str, list[tuple[str, Any]]] = {}
    for value, label in Outcome.choices:
        if value in BY_DEADLINE:
            continue
        grouped.setdefault(REPORT_ROWS[value].group, []).append((value, label))
    return [("", "—"), *grouped.items()]


class DraftReplyForm(ActionForm):
    outcome = forms.ChoiceField(
        label=gettext_lazy("Outcome"),
        choices=(),
        help_text=gettext_lazy("The row of the annual report's table 三 (REG 36–39)."),
    )
    reply_text = _text(
        gettext_lazy("Reply"),
        rows=8,
        error_messages={"required": gettext_lazy("Write the reply.")},
    )
    referred_agency = forms.CharField(
        label=gettext_lazy("Agency to ask instead"),
        required=False,
        max_length=200,
        help_text=gettext_lazy(
            "For information that is not this agency's: the agency that holds it, where known "
            "(REG 36(5))."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = _outcome_choices()  # type: ignore[attr-defined]
        exemptions = [("", "—"), *Exemption.choices]
        for number in range(1, WITHHELD_ROWS + 1):
            self.fields[f"withheld_{number}_description"] = forms.CharField(
                label=_("Part withheld"), required=False, max_length=300
            )
            self.fields[f"withheld_{number}_exemption"] = forms.ChoiceField(
                label=_("Exemption"), required=False, choices=exemptions
            )
            self.fields[f"withheld_{number}_reason"] = forms.CharField(
                label=_("Reason"), required=False, max_length=TEXT_MAX, widget=_textarea(2)
            )
        if not self.is_bound:
            self._initial_from_case()

    def _initial_from_case(self) -> None:
        case = self.case
        self.initial.update(
            {
                "outcome": case.outcome if case.outcome not in BY_DEADLINE else "",
                "reply_text": case.reply_text,
                "referred_agency": case.referred_agency,
            }
        )
        if case.pk is None:
            return
        for number, part in enumerate(case.withheld.all()[:WITHHELD_ROWS], start=1):
            self.initial[f"withheld_{number}_description"] = part.description
            self.initial[f"withheld_{number}_exemption"] = part.exemption
            self.initial[f"withheld_{number}_reason"] = part.reason

    def groups(self) -> list[FieldGroup]:
        groups = [FieldGroup("", [self["outcome"], self["reply_text"], self["referred_agency"]])]
        for number in range(1, WITHHELD_ROWS + 1):
            legend = _("Part withheld %(number)d (REG 37)") % {"number": number}
            fields = [self[f"withheld_{number}_{name}"] for name in WITHHELD_FIELDS]
            groups.append(FieldGroup(legend, fields))
        return groups

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for number in range(1, WITHHELD_ROWS + 1):
            prefix = f"withheld_{number}_"
            description = (cleaned.get(prefix + "description") or "").strip()
            exemption = cleaned.get(prefix + "exemption") or ""
            reason = (cleaned.get(prefix + "reason") or "").strip()
            if description and not exemption:
                self.add_error(prefix + "exemption", _("Choose the exemption of each part."))
            elif not description and (exemption or reason):
                self.add_error(prefix + "description", _("Describe the part withheld."))
        return cleaned

    def withheld(self) -> list[Withheld]:
        """The parts withheld, in the order typed (the empty rows left out)."""
        parts = []
        for number in range(1, WITHHELD_ROWS + 1):
            prefix = f"withheld_{number}_"
            description = (self.cleaned_data.get(prefix + "description") or "").strip()
            if description:
                parts.append(
                    Withheld(
                        description=description,
                        exemption=self.cleaned_data.get(prefix + "exemption") or "",
                        reason=(self.cleaned_data.get(prefix + "reason") or "").strip(),
                    )
                )
        return parts

    def error_field(self, field: str | None) -> str | None:
        if field == "withheld":
            return "withheld_1_description"
        return super().error_field(field)


WITHHELD_FIELDS = ("description", "exemption", "reason")


class SubmitForReviewForm(ActionForm):
    """No fields: the button confirms."""


class DecisionForm(ActionForm):
    """The legal review or the head's approval: approve, or return with what must change.

    The decision is the button pressed; the comment is required to return (the service says
    so, on the comment)."""

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
            Decision(self.APPROVE, _("Approve"), danger=False),
            Decision(self.RETURN, _("Return to the handler"), danger=True),
        )

    def groups(self) -> list[FieldGroup]:
        return [FieldGroup("", [self["comment"]])]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("decision") not in (self.APPROVE, self.RETURN):
            self.add_error(None, _("Choose to approve or to return the reply."))
        return cleaned

    @property
    def approve(self) -> bool:
        return self.cleaned_data.get("decision") == self.APPROVE


class ReviewForm(DecisionForm):
    """The legal review (合法性审查)."""


class HeadApprovalForm(DecisionForm):
    """The head's approval (负责人审批), where the agency requires it."""


class DeliverForm(DatedActionForm):
    how = forms.CharField(
        label=gettext_lazy("How it was delivered"),
        max_length=200,
        help_text=gettext_lazy(
            "For example: by e-mail to the address given; registered mail, "
            "slip number; collected in person."
        ),
        error_messages={"required": gettext_lazy("Say how the reply was delivered.")},
    )

    field_order = ["how", "on"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["on"].label = _("Date delivered")


class CloseForm(ActionForm):
    """No fields: the button confirms."""


# --------------------------------------------------------------------------- after the reply


class ProposeForDisclosureForm(ActionForm):
    """No fields: the button confirms (a catalogue draft of the handling agency is made from
    the released copies; the applicant's description is not copied)."""


class RecordRemedyForm(ActionForm):
    """An administrative reconsideration or a lawsuit about the reply (REG 51; table 四)."""

    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"),
        choices=Remedy.Kind.choices,
        widget=forms.RadioSelect,
        help_text=gettext_lazy(
            "A lawsuit after a reconsideration is recorded after that reconsideration."
        ),
        error_messages={"required": gettext_lazy("Choose reconsideration or litigation.")},
    )
    body = forms.CharField(
        label=gettext_lazy("Reconsideration body or court"),
        max_length=200,
        error_messages={"required": gettext_lazy("Name the reconsideration body or the court.")},
    )
    case_number = forms.CharField(
        label=gettext_lazy("Case number"),
        required=False,
        max_length=100,
        help_text=gettext_lazy("The number the reconsideration body or the court gave, if known."),
    )
    filed_on = _past_date(
        gettext_lazy("Date filed"),
        help_text=gettext_lazy("Not before the reply, and not in the future."),
        error_messages={"required": gettext_lazy("Give the date it was filed.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["filed_on"].widget.attrs["max"] = timezone.localdate().isoformat()
        if self.case.replied_on is not None:
            self.fields["filed_on"].widget.attrs["min"] = self.case.replied_on.isoformat()

    def clean_filed_on(self) -> datetime.date | None:
        return _not_in_future(self.cleaned_data.get("filed_on"))


class DecideRemedyForm(ActionForm):
    """The result of a reconsideration or a lawsuit."""

    result = forms.ChoiceField(
        label=gettext_lazy("Result"),
        choices=[
            (Remedy.Result.UPHELD, Remedy.Result.UPHELD.label),
            (Remedy.Result.CORRECTED, Remedy.Result.CORRECTED.label),
            (Remedy.Result.OTHER, Remedy.Result.OTHER.label),
        ],
        widget=forms.RadioSelect,
        help_text=gettext_lazy(
            "Upheld: the agency's handling stands. Corrected: it was annulled, changed or "
            "found unlawful, or the agency was ordered to act."
        ),
        error_messages={"required": gettext_lazy("Choose the result.")},
    )
    decided_on = _past_date(
        gettext_lazy("Date decided"),
        error_messages={"required": gettext_lazy("Give the date of the decision.")},
    )
    note = _text(gettext_lazy("Note"), required=False)

    def __init__(self, *args: Any, remedy: Remedy, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.remedy = remedy
        attrs = self.fields["decided_on"].widget.attrs
        attrs["min"] = remedy.filed_on.isoformat()
        attrs["max"] = timezone.localdate().isoformat()

    def clean_decided_on(self) -> datetime.date | None:
        return _not_in_future(self.cleaned_data.get("decided_on"))


class NoticeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        notice: Notice = obj
        return _("%(number)s, %(kind)s of %(date)s") % {
            "number": notice.number,
            "kind": notice.get_kind_display(),
            "date": notice.issued_on.isoformat(),
        }


class ReissueNoticeForm(DatedActionForm):
    """Correct a notice: a new numbered notice from the application as it is now replaces it
    (the old one is kept, marked replaced)."""

    notice = NoticeChoiceField(
        label=gettext_lazy("Notice to correct"),
        queryset=Notice.objects.none(),
        empty_label=gettext_lazy("— choose —"),
        error_messages={
            "required": gettext_lazy("Choose the notice to correct."),
            "invalid_choice": gettext_lazy(
                "Choose a notice of this application that has not been replaced."
            ),
        },
    )
    reason = _text(
        gettext_lazy("Reason for the new notice"),
        help_text=gettext_lazy(
            "What was wrong, for example the applicant's name. Correct the application's "
            "details first: the new notice is written from them as they are now."
        ),
        error_messages={"required": gettext_lazy("Give the reason for the new notice.")},
    )

    field_order = ["notice", "reason", "on"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["notice"].queryset = (  # type: ignore[attr-defined]
            letters.notices_for(self.case).filter(replaced_on=None)
        )
        on = self.fields["on"]
        on.required = True
        on.label = _("Date of the new notice")
        on.help_text = _("Not before the notice it replaces; not in the future.")
        on.error_messages["required"] = _("Give the date of the new notice.")
