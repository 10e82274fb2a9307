"""The letters' statistics workbook as a queued job (decision 0041): ``letters.statistics``,
the same bytes as ``exports.export_xlsx`` built for the staff page's filters, in the
workbench's "My exports".

Parameters: the page's filters (``year``, ``month``, ``agency``, ``letter_type``). Allowed to
whoever may read letter statistics, for the agencies they may read
(``permissions.statistics_agencies_for``). Counts and rates only.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.agencies.permissions import has_role
from gongkai.core.exports import ExportError, ExportFile, ExportRefused, register_exporter
from gongkai.core.models import User
from gongkai.interaction.letters import permissions
from gongkai.interaction.letters.exports import export_xlsx
from gongkai.interaction.letters.forms_staff import StatisticsFilterForm
from gongkai.interaction.letters.staff_statistics import (
    FILTERS,
    export_name,
    filter_form,
    offered_years,
    read_staff_statistics,
)

KIND = "letters.statistics"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _allowed(user: User, parameters: dict[str, str]) -> StatisticsFilterForm:
    if not (has_role(user, None) and permissions.can_view_letter_statistics(user)):
        raise ExportRefused(
            _(
                "Letter statistics are read by the disclosure office and by the "
                "agencies' handlers and reviewers."
            )
        )
    form, refused = filter_form(user, parameters)
    if refused:
        raise ExportRefused(_("You may read the letter statistics of your own agencies only."))
    if form.is_bound and not form.is_valid():
        raise ExportError(_("Correct the filters of the statistics, then export them again."))
    return form


def check(user: User, parameters: dict[str, str]) -> str:
    """Validates the filters without reading the figures (the job does)."""
    form = _allowed(user, parameters)
    data = form.cleaned_data if form.is_bound else {}
    year = data.get("year") or offered_years(timezone.localdate())[0]
    month = data.get("month")
    period = f"{year}" if month is None else f"{year}-{month:02d}"
    if data.get("agency"):
        period += f" · {data['agency'].name}"
    if data.get("letter_type"):
        period += f" · {data['letter_type']}"
    return _("Letter statistics %(period)s (XLSX)") % {"period": period}


def build(user: User, parameters: dict[str, str]) -> ExportFile:
    _allowed(user, parameters)
    _form, result, refused = read_staff_statistics(user, parameters)
    if refused or result is None:  # pragma: no cover — _allowed said otherwise
        raise ExportRefused(_("You may read the letter statistics of your own agencies only."))
    return ExportFile(
        filename=export_name(result),
        content_type=XLSX,
        content=export_xlsx(result.report, result.months),
    )


def register() -> None:
    register_exporter(KIND, parameters=FILTERS, check=check, build=build)
