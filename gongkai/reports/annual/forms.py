"""The forms of the annual report's staff pages."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.validators import MaxValueValidator
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongkai.agencies.models import Agency
from gongkai.reports.annual.models import AnnualReport
from gongkai.reports.annual.services import FIRST_YEAR, MAX_SECTION_LENGTH

DEFAULT_FORMAT = ""  # the year's format


class CreateReportForm(forms.Form):
    """A year, a body, whose work the report covers and (optionally) the format."""

    year = forms.IntegerField(label=_("Year"), min_value=FIRST_YEAR)
    agency = forms.ModelChoiceField(label=_("Reporting body"), queryset=Agency.objects.none())
    scope = forms.ChoiceField(label=_("The report covers"), choices=AnnualReport.Scope.choices)
    report_format = forms.ChoiceField(
        label=_("Format"),
        required=False,
        choices=[(DEFAULT_FORMAT, _("the year's format")), *AnnualReport.Format.choices],
        help_text=_(
            "By default: the national format of 2021 from the 2021 report on, the trial format "
            "of 2019 for 2019 and 2020, the 2014 structure before."
        ),
    )

    def __init__(
        self, *args: Any, agencies: QuerySet[Agency], may_report_government: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        year_field = cast(forms.IntegerField, self.fields["year"])
        year_field.max_value = today.year
        year_field.validators.append(MaxValueValidator(today.year))
        year_field.widget.attrs["max"] = str(today.year)
        self.initial.setdefault("year", today.year - 1)
        agency_field = cast(forms.ModelChoiceField, self.fields["agency"])
        agency_field.queryset = agencies
        if not may_report_government:
            scope_field = cast(forms.ChoiceField, self.fields["scope"])
            scope_field.choices = [(AnnualReport.Scope.AGENCY, AnnualReport.Scope.AGENCY.label)]


class SectionForm(forms.Form):
    text = forms.CharField(
        label=_("Text"),
        required=False,
        max_length=MAX_SECTION_LENGTH,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 18}),
        help_text=_(
            "Plain text; separate paragraphs with an empty line. Figures you quote are checked "
            "against the records before publishing."
        ),
    )
