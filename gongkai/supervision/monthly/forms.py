"""The forms of the monthly staff pages."""

from __future__ import annotations

import datetime
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongkai.supervision.monthly.models import HealthCheck


def _month_choices() -> list[tuple[int, str]]:
    return [(month, str(month)) for month in range(1, 13)]


class ComputeForm(forms.Form):
    """Which month to compute (the previous one by default)."""

    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2999)
    month = forms.TypedChoiceField(label=_("Month"), choices=_month_choices, coerce=int)

    @classmethod
    def for_previous_month(cls, today: datetime.date | None = None) -> ComputeForm:
        today = today or timezone.localdate()
        year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
        return cls(initial={"year": year, "month": month})


class CorrectionForm(forms.Form):
    note = forms.CharField(
        label=_("What is corrected, and why"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text=_("Published with the corrected table, for everyone to read."),
    )


class HealthFilterForm(forms.Form):
    agency = forms.TypedChoiceField(label=_("Agency"), required=False, coerce=int, empty_value=None)
    state = forms.ChoiceField(label=_("State"), required=False)

    def __init__(self, *args: Any, agencies: list[tuple[int, str]], site: bool, **kwargs: Any):
        super().__init__(*args, **kwargs)
        choices: list[tuple[Any, Any]] = [("", _("All"))]
        if site:
            choices.append((0, _("The site as a whole")))
        cast(forms.ChoiceField, self.fields["agency"]).choices = choices + agencies
        cast(forms.ChoiceField, self.fields["state"]).choices = [
            ("", _("All")),
            *HealthCheck.State.choices,
        ]
