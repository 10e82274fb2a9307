"""Statistics form definitions as data (docs/decisions/0022-statistics-forms-as-data.md).

The forms the platform ships are described in ``data/forms.json``; a data migration installs
those whose code is missing (an installation's own changes are never overwritten), and the
office may add or change forms in the admin. :func:`validate_definition` is the one check every
definition passes — shipped, loaded or typed in — before it is stored.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from gongkai.reports.statistics import metrics
from gongkai.reports.statistics.periods import MONTHLY, QUARTERLY, YEARLY
from gongkai.reports.statistics.workflow import StatisticsError

DATA_FILE = Path(__file__).resolve().parent / "data" / "forms.json"
PERIODS = (MONTHLY, QUARTERLY, YEARLY)
KINDS = ("integer", "decimal", "text")
AGENCY_KINDS = (
    "government",
    "general_office",
    "department",
    "town",
    "subdistrict",
    "public_institution",
    "public_enterprise",
)
_SLUG = re.compile(r"^[-a-z0-9_]{1,40}$")


class DefinitionError(StatisticsError):
    """A form definition that cannot be used; ``errors`` lists every problem found."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


def validate_definition(data: Mapping[str, Any], *, with_fields: bool = True) -> list[str]:
    """Every problem of one form definition (an empty list: it can be used). With
    ``with_fields=False`` only the form's own settings are checked (the admin checks each
    field line in its own inline form)."""
    errors: list[str] = []
    code = str(data.get("code") or "")
    if not _SLUG.match(code):
        errors.append(_("The code must be 1–40 lower-case letters, digits or hyphens."))
    if not str(data.get("title") or "").strip():
        errors.append(_("The form needs a title."))
    if data.get("period") not in PERIODS:
        errors.append(_("The period must be monthly, quarterly or yearly."))
    due_day = data.get("due_day")
    if not isinstance(due_day, int) or isinstance(due_day, bool) or not 1 <= due_day <= 31:
        errors.append(_("The due day must be a day of the month, 1 to 31."))
    remind = data.get("remind_days", 3)
    if not isinstance(remind, int) or isinstance(remind, bool) or not 0 <= remind <= 31:
        errors.append(_("Reminders are sent 0 to 31 days before the due day."))
    kinds = data.get("agency_kinds") or []
    if not isinstance(kinds, list) or any(kind not in AGENCY_KINDS for kind in kinds):
        errors.append(_("The kinds of agency that submit are not all known kinds."))
    if not data.get("all_members", True) and not kinds:
        errors.append(_("Name the kinds of agency that submit, or let every member submit."))
    if not with_fields:
        return errors
    fields = data.get("fields")
    if not isinstance(fields, list) or not fields:
        errors.append(_("The form needs at least one field."))
        return errors
    seen: set[str] = set()
    for position, field in enumerate(fields, start=1):
        errors.extend(_field_errors(field, position, seen))
    return errors


def _field_errors(field: Any, position: int, seen: set[str]) -> list[str]:
    errors: list[str] = []
    where = {"position": position}
    if not isinstance(field, Mapping):
        return [_("Field %(position)d is not a definition.") % where]
    key = str(field.get("key") or "")
    if not _SLUG.match(key):
        errors.append(
            _("Field %(position)d: the key must be lower-case letters or digits.") % where
        )
    elif key in seen:
        errors.append(
            _("Field %(position)d: the key “%(key)s” is used twice.") % {**where, "key": key}
        )
    seen.add(key)
    if not str(field.get("label") or "").strip():
        errors.append(_("Field %(position)d needs a label.") % where)
    kind = field.get("kind")
    if kind not in KINDS:
        errors.append(_("Field %(position)d: the kind must be integer, decimal or text.") % where)
    source = str(field.get("source") or "")
    if source:
        if metrics.metric(source) is None:
            errors.append(
                _("Field %(position)d: the platform computes no metric “%(source)s”.")
                % {**where, "source": source}
            )
        if kind == "text":
            errors.append(_("Field %(position)d: a computed field must be a number.") % where)
    return errors


def read_definitions(path: Path = DATA_FILE) -> list[dict[str, Any]]:
    """The shipped definitions, each validated; :class:`DefinitionError` if any is wrong."""
    document = json.loads(path.read_text(encoding="utf-8"))
    forms = document.get("forms", [])
    errors: list[str] = []
    codes: set[str] = set()
    for form in forms:
        errors.extend(f"{form.get('code', '?')}: {error}" for error in validate_definition(form))
        if form.get("code") in codes:
            errors.append(_("The code “%(code)s” is used twice.") % {"code": form.get("code")})
        codes.add(form.get("code"))
    if errors:
        raise DefinitionError(errors)
    return list(forms)


def install_definitions(
    definitions: list[dict[str, Any]], *, form_model: Any, field_model: Any
) -> int:
    """Create the forms whose code is missing, with their fields; returns how many were made.

    Takes the models as arguments so that the data migration can pass its historical models;
    a form that exists (perhaps changed by the office) is left as it is.
    """
    made = 0
    for data in definitions:
        if form_model.objects.filter(code=data["code"]).exists():
            continue
        form = form_model.objects.create(
            code=data["code"],
            title=data["title"],
            description=data.get("description", ""),
            period=data["period"],
            due_day=data["due_day"],
            remind_days=data.get("remind_days", 3),
            all_members=data.get("all_members", True),
            agency_kinds=list(data.get("agency_kinds") or []),
            active=data.get("active", True),
        )
        field_model.objects.bulk_create(
            field_model(
                form=form,
                key=field["key"],
                label=field["label"],
                kind=field["kind"],
                order=position,
                source=field.get("source") or "",
                help_text=field.get("help_text", ""),
                required=field.get("required", True),
            )
            for position, field in enumerate(data["fields"], start=1)
        )
        made += 1
    return made


def definition_of(form: Any) -> dict[str, Any]:
    """A stored form as a definition (to validate it after the office changed it)."""
    return {
        "code": form.code,
        "title": form.title,
        "period": form.period,
        "due_day": form.due_day,
        "remind_days": form.remind_days,
        "all_members": form.all_members,
        "agency_kinds": list(form.agency_kinds or []),
        "fields": [
            {
                "key": field.key,
                "label": field.label,
                "kind": field.kind,
                "source": field.source,
            }
            for field in form.fields.all()
        ],
    }
