"""Forms of the workbench's hotline, service, channel and opinion pages.

The forms read what a person typed and change nothing. The rules (no negative figure, no date
after today, answered on air within the calls …) are the services' own, so a person reads the
same message whichever way a figure arrives; a view hands the cleaned data to the service and
puts a refusal next to the field it names (:meth:`ServiceErrorMixin.add_service_error`).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from gongkai.agencies.models import Agency
from gongkai.catalogue.models import Document
from gongkai.catalogue.selectors.public import public_document_rows
from gongkai.interaction.channels.models import (
    LEVEL_METRICS,
    SERVICE_FIGURES,
    Channel,
    HotlineProgramme,
    HotlineSession,
    OpinionResponse,
    ServiceLog,
    ServicePoint,
)
from gongkai.interaction.channels.services import Leader
from gongkai.interaction.channels.workflow import ChannelsError

MONTHS = [(str(month), str(month)) for month in range(1, 13)]


def _label(model: type[Any], name: str) -> Any:
    return capfirst(model._meta.get_field(name).verbose_name)


def _count_field(label: Any) -> forms.IntegerField:
    """A figure: a whole number; the service says when it is negative or out of bounds."""
    return forms.IntegerField(
        label=label, widget=forms.NumberInput(attrs={"min": 0, "inputmode": "numeric"})
    )


def _date_field(label: Any, **kwargs: Any) -> forms.DateField:
    return forms.DateField(label=label, widget=forms.DateInput(attrs={"type": "date"}), **kwargs)


class ServiceErrorMixin:
    """Puts a service's refusal (:class:`ChannelsError`) next to the field it names."""

    fields: dict[str, forms.Field]

    def add_service_error(self, error: ChannelsError) -> None:
        field = error.field if error.field in self.fields else None
        self.add_error(field, error.message)  # type: ignore[attr-defined]


# --------------------------------------------------------------------------- hotline


def parse_leaders(text: str) -> list[Leader]:
    """One leader a line: the name, then the title after a space or comma (王建国 副区长)."""
    leaders = []
    for line in text.replace("\r\n", "\n").split("\n"):
        line = line.strip().replace("，", " ").replace(",", " ")
        if not line:
            continue
        name, _space, title = line.partition(" ")
        leaders.append(Leader(name.strip(), title.strip()))
    return leaders


def leaders_text(leaders: list[dict[str, str]]) -> str:
    return "\n".join(
        f"{leader.get('name', '')} {leader.get('title', '')}".strip() for leader in leaders
    )


class HotlineSessionForm(ServiceErrorMixin, forms.Form):
    programme = forms.ModelChoiceField(
        label=_label(HotlineSession, "programme"), queryset=HotlineProgramme.objects.none()
    )
    aired_on = _date_field(_label(HotlineSession, "aired_on"))
    leaders = forms.CharField(
        label=_label(HotlineSession, "leaders"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One a line: the name, a space, the title (for example 王建国 副区长)."),
    )
    agencies = forms.ModelMultipleChoiceField(
        label=_label(HotlineSession, "agencies"),
        queryset=Agency.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Hold Ctrl (or ⌘) to choose several."),
    )
    topics = forms.CharField(
        label=_label(HotlineSession, "topics"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=HotlineSession._meta.get_field("topics").help_text,
    )
    calls = _count_field(_label(HotlineSession, "calls"))
    answered_on_air = _count_field(_label(HotlineSession, "answered_on_air"))
    follow_ups = _count_field(_label(HotlineSession, "follow_ups"))
    notes = forms.CharField(
        label=_label(HotlineSession, "notes"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=HotlineSession._meta.get_field("notes").help_text,
    )

    def __init__(self, *args: Any, session: HotlineSession | None = None, **kwargs: Any) -> None:
        if session is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "programme": session.programme_id,
                "aired_on": session.aired_on,
                "leaders": leaders_text(session.leaders),
                "agencies": list(session.agencies.all()),
                "topics": session.topics,
                "calls": session.calls,
                "answered_on_air": session.answered_on_air,
                "follow_ups": session.follow_ups,
                "notes": session.notes,
            }
        super().__init__(*args, **kwargs)
        programmes = HotlineProgramme.objects.filter(active=True)
        if session is not None:
            programmes = HotlineProgramme.objects.filter(
                active=True
            ) | HotlineProgramme.objects.filter(pk=session.programme_id)
        self.fields["programme"].queryset = programmes.order_by("sort_order", "id")  # type: ignore[attr-defined]
        self.fields["agencies"].queryset = Agency.objects.order_by("sort_order", "id")  # type: ignore[attr-defined]

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "aired_on": data["aired_on"],
            "leaders": parse_leaders(data["leaders"]),
            "agencies": list(data["agencies"]),
            "topics": data["topics"],
            "calls": data["calls"],
            "answered_on_air": data["answered_on_air"],
            "follow_ups": data["follow_ups"],
            "notes": data["notes"],
        }


# --------------------------------------------------------------------------- service logs


class ServiceFiguresForm(ServiceErrorMixin, forms.Form):
    """The five figures of a day; the new-log form adds the point and the date."""

    visitors = _count_field(_label(ServiceLog, "visitors"))
    phone_consultations = _count_field(_label(ServiceLog, "phone_consultations"))
    files_consulted = _count_field(_label(ServiceLog, "files_consulted"))
    pages_copied = _count_field(_label(ServiceLog, "pages_copied"))
    certificates_issued = _count_field(_label(ServiceLog, "certificates_issued"))

    def figures(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in SERVICE_FIGURES}


class NewServiceLogForm(ServiceFiguresForm):
    point = forms.ModelChoiceField(
        label=_label(ServiceLog, "point"), queryset=ServicePoint.objects.none()
    )
    date = _date_field(_label(ServiceLog, "date"))

    field_order = ["point", "date", *SERVICE_FIGURES]

    def __init__(self, *args: Any, points: QuerySet[ServicePoint], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["point"].queryset = points  # type: ignore[attr-defined]
        for name in SERVICE_FIGURES:
            self.fields[name].initial = 0


# --------------------------------------------------------------------------- channel figures


class ChannelFiguresForm(ServiceErrorMixin, forms.Form):
    """A period (a month, or the whole year) and one field for each figure of the channel."""

    year = forms.IntegerField(
        label=_("Year"), widget=forms.NumberInput(attrs={"min": 1990, "inputmode": "numeric"})
    )
    month = forms.TypedChoiceField(
        label=_("Month"),
        choices=[("", _("The whole year")), *MONTHS],
        coerce=int,
        empty_value=None,
        required=False,
    )

    def __init__(self, *args: Any, channel: Channel, fixed_period: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.channel = channel
        for metric in channel.metric_choices:
            field = forms.IntegerField(
                label=capfirst(metric.label),
                required=False,
                widget=forms.NumberInput(attrs={"min": 0, "inputmode": "numeric"}),
            )
            if metric.value in LEVEL_METRICS:
                field.help_text = _("At the end of the period.")
            self.fields[metric.value] = field
        if fixed_period:
            self.fields["year"].disabled = True
            self.fields["month"].disabled = True

    def metric_fields(self) -> list[forms.BoundField]:
        return [self[metric.value] for metric in self.channel.metric_choices]

    def values(self) -> dict[str, int | None]:
        return {
            metric.value: self.cleaned_data.get(metric.value)
            for metric in self.channel.metric_choices
        }


# --------------------------------------------------------------------------- opinions


class OpinionForm(ServiceErrorMixin, forms.Form):
    agency = forms.ModelChoiceField(
        label=_label(OpinionResponse, "agency"), queryset=Agency.objects.none()
    )
    topic = forms.CharField(label=_label(OpinionResponse, "topic"), max_length=200)
    source = forms.ChoiceField(
        label=_label(OpinionResponse, "source"), choices=OpinionResponse.Source.choices
    )
    source_detail = forms.CharField(
        label=_label(OpinionResponse, "source_detail"),
        required=False,
        max_length=200,
        help_text=OpinionResponse._meta.get_field("source_detail").help_text,
    )
    found_on = _date_field(_label(OpinionResponse, "found_on"))
    notes = forms.CharField(
        label=_label(OpinionResponse, "notes"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=OpinionResponse._meta.get_field("notes").help_text,
    )

    def __init__(self, *args: Any, agencies: QuerySet[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies.order_by("sort_order", "id")  # type: ignore[attr-defined]

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "topic": data["topic"],
            "source": data["source"],
            "source_detail": data["source_detail"],
            "found_on": data["found_on"],
            "notes": data["notes"],
        }


class ResponseForm(ServiceErrorMixin, forms.Form):
    """The response published: a catalogue document by its index number, or a page elsewhere."""

    responded_on = _date_field(_label(OpinionResponse, "responded_on"))
    document = forms.CharField(
        label=_("Index number of the response in the catalogue"),
        required=False,
        max_length=64,
        help_text=_("The 索引号 of a published document, for a response published on this site."),
    )
    url = forms.URLField(
        label=_label(OpinionResponse, "response_url"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_("Or the address of the page where the response was published."),
    )
    title = forms.CharField(
        label=_label(OpinionResponse, "response_title"),
        required=False,
        max_length=200,
        help_text=_("Needed with an address elsewhere."),
    )

    def clean_document(self) -> Document | None:
        number = " ".join(self.cleaned_data["document"].split())
        if not number:
            return None
        document = public_document_rows().filter(index_number=number).first()
        if document is None:
            raise forms.ValidationError(
                _("No public document has the index number %(number)s.") % {"number": number}
            )
        return document

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "responded_on": data["responded_on"],
            "document": data["document"],
            "url": data["url"],
            "title": data["title"],
        }


class CloseOpinionForm(ServiceErrorMixin, forms.Form):
    reason = forms.CharField(
        label=_label(OpinionResponse, "closing_reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
