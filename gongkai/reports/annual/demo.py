"""The demonstration's annual reports: the government's 2014 report in the seed's own structure
(一 概述 … 十一 问题及改进措施) and its 2024 report in the national format, each created, drafted
from the demonstration's records, sent through the catalogue's confidentiality review and
published — as the office and the government's reviewer would in the workbench. The 2025 report
is left for the visitor to create (the reminders of 31 March point to it).

Idempotent: a year whose report exists is left alone.
"""

from __future__ import annotations

import datetime
from typing import TextIO

from django.utils.translation import gettext as _

from gongkai.agencies import selectors as agency_selectors
from gongkai.agencies.models import StaffRole
from gongkai.catalogue import services as catalogue_services
from gongkai.core.models import User
from gongkai.reports.annual import services
from gongkai.reports.annual.models import AnnualReport

# (year, format, sent for publication on, approved on)
REPORTS = (
    (2014, "seed2014", datetime.date(2015, 3, 20), datetime.date(2015, 3, 23)),
    (2024, "fmt2021", datetime.date(2025, 3, 18), datetime.date(2025, 3, 20)),
)
# Findings of the confidentiality review that a reviewer accepts for an annual report: the
# office's published contact (REG 12 asks for it).
ACCEPTED = "机关对外公开的联系方式，依《条例》第十二条公开"


def _moment(day: datetime.date) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, 2, tzinfo=datetime.UTC)


def _user(agency_id: int, role: str) -> User | None:
    row = (
        StaffRole.objects.filter(agency_id=agency_id, role=role)
        .select_related("user")
        .order_by("user__username")
        .first()
    )
    return row.user if row is not None else None


def load(stdout: TextIO) -> None:
    government = agency_selectors.the_government()
    if government is None:
        return
    editor = _user(government.pk, StaffRole.Role.EDITOR)
    reviewer = _user(government.pk, StaffRole.Role.REVIEWER)
    if editor is None or reviewer is None:
        stdout.write(_("Annual reports: the government has no editor and reviewer; none made.\n"))
        return
    made = 0
    for year, report_format, sent_on, approved_on in REPORTS:
        if AnnualReport.objects.filter(
            year=year, agency=government, scope=AnnualReport.Scope.GOVERNMENT
        ).exists():
            continue
        report = services.create_report(
            agency=government,
            year=year,
            scope=AnnualReport.Scope.GOVERNMENT,
            actor=editor,
            report_format=report_format,
            now=_moment(sent_on),
        )
        document = services.send_for_publication(report, actor=editor, now=_moment(sent_on))
        run = document.findings.order_by("-run").values_list("run", flat=True).first()
        findings = document.findings.filter(run=run) if run is not None else []
        accepted = {finding.pk: ACCEPTED for finding in findings}
        catalogue_services.approve_document(
            document, actor=reviewer, accept_reasons=accepted, now=_moment(approved_on)
        )
        made += 1
    stdout.write(_("Annual reports: %(count)d published.\n") % {"count": made})
