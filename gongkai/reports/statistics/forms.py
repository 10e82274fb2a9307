"""The forms of the statistics staff pages. They collect input; the services check it (a
refused value comes back as the service's message on its field)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from gongkai.agencies.models import Agency
from gongkai.reports.statistics.models import StatisticsField, StatisticsForm, StatisticsSubmission
from gongkai.reports.statistics.workflow import StatisticsError


class ServiceErrorMixin:
    """Show a service's refusal on the field it names (or on the form)."""

    def add_service_error(self, error: StatisticsError) -> None:
        form = cast(forms.Form, self)
        field = error.field if error.field in form.fields else None
        form.add_error(field, error.message)


class SubmissionValuesForm(ServiceErrorMixin, forms.Form):
    """One input a field of the statistics form; computed fields show the records' value."""

    def __init__(self, *args: Any, submission: StatisticsSubmission, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.submission = submission
        for definition in submission.form.fields.all():
            attrs: dict[str, str] = {}
            if definition.kind == StatisticsField.Kind.INTEGER:
                attrs = {"inputmode": "numeric"}
            elif definition.kind == StatisticsField.Kind.DECIMAL:
                attrs = {"inputmode": "decimal"}
            widget: forms.Widget = (
                forms.Textarea(attrs={"rows": 3})
                if definition.kind == StatisticsField.Kind.TEXT
                else forms.TextInput(attrs=attrs)
            )
            self.fields[definition.key] = forms.CharField(
                label=definition.label,
                required=False,  # the service says what is missing, with the field's label
                help_text=definition.help_text,
                widget=widget,
                initial=submission.values.get(definition.key, ""),
            )

    def values(self) -> dict[str, str]:
        return {key: self.cleaned_data.get(key, "") for key in self.fields}


class ReturnForm(ServiceErrorMixin, forms.Form):
    reason = forms.CharField(
        label=_("What the agency should correct"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


class SubmissionFilterForm(forms.Form):
    form = forms.ModelChoiceField(
        label=_("Form"), queryset=StatisticsForm.objects.all(), required=False,
        to_field_name="code", empty_label=_("All"),
    )  # fmt: skip
    state = forms.ChoiceField(label=_("State"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["state"]).choices = [
            ("", _("All")),
            *StatisticsSubmission.State.choices,
        ]


class StatisticsFilterForm(forms.Form):
    """The statistics page's filters: a year and, optionally, one agency."""

    year = forms.TypedChoiceField(label=_("Year"), coerce=int)
    agency = forms.ModelChoiceField(
        label=_("Agency"), queryset=Agency.objects.none(), required=False, empty_label=_("All")
    )

    def __init__(self, *args: Any, years: list[int], agencies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["year"]).choices = [(y, str(y)) for y in years]
        cast(forms.ModelChoiceField, self.fields["agency"]).queryset = agencies
