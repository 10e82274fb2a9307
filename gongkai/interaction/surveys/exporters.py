"""The survey responses export as a queued job (decision 0041): ``surveys.responses``, the
same bytes as ``exports.export_csv`` / ``export_xlsx`` built, in the workbench's "My exports".

Parameters: ``survey`` (its id) and ``format`` (``csv`` or ``xlsx``). Allowed to whoever
reads the survey in the workbench (``permissions.surveys_visible_to``) while they hold a role.
The answers may hold personal data; the file reaches the asker only.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from gongkai.agencies.permissions import has_role
from gongkai.core.exports import ExportError, ExportFile, ExportRefused, register_exporter
from gongkai.core.models import User
from gongkai.interaction.surveys import exports, permissions
from gongkai.interaction.surveys.models import Survey

KIND = "surveys.responses"
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _survey(user: User, parameters: dict[str, str]) -> tuple[Survey, str]:
    extension = parameters.get("format", "")
    if extension not in FORMATS:
        raise ExportError(_("Choose the CSV or the XLSX format."))
    value = parameters.get("survey", "")
    if not (value.isascii() and value.isdigit()):
        raise ExportError(_("There is no such survey."))
    if not has_role(user, None):
        raise ExportRefused(_("You may not export this survey's answers."))
    survey = permissions.surveys_visible_to(user).filter(pk=int(value)).first()
    if survey is None:
        raise ExportRefused(_("You may not export this survey's answers."))
    return survey, extension


def check(user: User, parameters: dict[str, str]) -> str:
    survey, extension = _survey(user, parameters)
    return _("Answers to “%(title)s” (%(format)s)") % {
        "title": survey.title,
        "format": extension.upper(),
    }


def build(user: User, parameters: dict[str, str]) -> ExportFile:
    survey, extension = _survey(user, parameters)
    content = exports.export_csv(survey) if extension == "csv" else exports.export_xlsx(survey)
    return ExportFile(
        filename=exports.export_filename(survey, extension),
        content_type=FORMATS[extension],
        content=content,
    )


def register() -> None:
    register_exporter(KIND, parameters=("survey", "format"), check=check, build=build)
