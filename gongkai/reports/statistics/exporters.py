"""The statistics page's CSV and XLSX as a queued job (decision 0041): ``statistics.trends``,
the same bytes as the page's export links built in the request before, in the workbench's
"My exports".

Parameters: the page's filters (``year``, ``agency``) and ``format`` (``csv`` or ``xlsx``).
Allowed to the disclosure office (``permissions.can_check``), who reads the page. Counts and
agency names only.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from gongkai.agencies.permissions import has_role
from gongkai.core.exports import ExportError, ExportFile, ExportRefused, register_exporter
from gongkai.core.models import User
from gongkai.reports.statistics import permissions
from gongkai.reports.statistics.forms import StatisticsFilterForm
from gongkai.reports.statistics.staff_trends import (
    FILTERS,
    FORMATS,
    filter_form,
    read_trends,
    trends_file,
)

KIND = "statistics.trends"


def _allowed(
    user: User, parameters: dict[str, str]
) -> tuple[dict[str, str], StatisticsFilterForm, str]:
    """The filters and the format, once the user and the parameters are found good: the
    office only; a year among the page's, an agency it offers."""
    if not (has_role(user, None) and permissions.can_check(user)):
        raise ExportRefused(_("Only the disclosure office may do this."))
    extension = parameters.get("format", "")
    if extension not in FORMATS:
        raise ExportError(_("Choose the CSV or the XLSX format."))
    filters = {name: parameters[name] for name in FILTERS if parameters.get(name)}
    form = filter_form(user, filters)
    if form.is_bound and not form.is_valid():
        raise ExportError(_("Correct the filters of the statistics, then export them again."))
    return filters, form, extension


def check(user: User, parameters: dict[str, str]) -> str:
    """Validates the filters without counting the figures (the job does)."""
    _filters, form, extension = _allowed(user, parameters)
    data = form.cleaned_data if form.is_bound else {}
    what = str(data.get("year") or form.initial["year"])
    if data.get("agency"):
        what += f" · {data['agency'].name}"
    return _("Statistics %(what)s (%(format)s)") % {"what": what, "format": extension.upper()}


def build(user: User, parameters: dict[str, str]) -> ExportFile:
    filters, _form, extension = _allowed(user, parameters)
    _form, data = read_trends(user, filters)
    made = trends_file(data, extension)
    return ExportFile(filename=made.filename, content_type=made.content_type, content=made.content)


def register() -> None:
    register_exporter(KIND, parameters=(*FILTERS, "format"), check=check, build=build)
