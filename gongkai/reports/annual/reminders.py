"""Reminders of the annual report's deadlines (REG 49): each department (every member agency
but the government) publishes its report on the previous year by 31 January, the government by
31 March.

A body whose report for the year is not published is reminded at three stages — from a month
before the deadline, from a week before, and once the deadline has passed (until the end of
the year) — once per stage: ``ReportReminder`` keeps a unique row per body, scope, year and
stage, so running the daily job again sends nothing more. A job that first runs late sends only
the stage of the day, not the ones it missed.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from gongkai.agencies import selectors as agency_selectors
from gongkai.agencies.models import Agency, StaffRole
from gongkai.catalogue.models import Document
from gongkai.core.mail import queue_mail
from gongkai.reports.annual.models import AnnualReport, ReportReminder

Stage = ReportReminder.Stage
Role = StaffRole.Role

EARLY_DAYS = 30  # the first reminder: a month before the deadline
LATE_DAYS = 7  # the second: a week before


@dataclass(frozen=True)
class Deadline:
    scope: str
    year: int  # the year reported on
    due: datetime.date


def deadlines_for(today: datetime.date) -> list[Deadline]:
    """The deadlines that concern ``today``: last year's reports, due this year."""
    year = today.year - 1
    return [
        Deadline(AnnualReport.Scope.AGENCY, year, datetime.date(today.year, 1, 31)),
        Deadline(AnnualReport.Scope.GOVERNMENT, year, datetime.date(today.year, 3, 31)),
    ]


def stage_on(today: datetime.date, due: datetime.date) -> str | None:
    """The reminder stage of ``today`` for a deadline ``due``, or None (too early)."""
    if today > due:
        return Stage.OVERDUE
    left = (due - today).days
    if left <= LATE_DAYS:
        return Stage.LATE
    if left <= EARLY_DAYS:
        return Stage.EARLY
    return None


def _bodies(deadline: Deadline) -> list[Agency]:
    if deadline.scope == AnnualReport.Scope.GOVERNMENT:
        government = agency_selectors.the_government()
        return [government] if government is not None else []
    end = datetime.date(deadline.year, 12, 31)
    return list(
        agency_selectors.members_on(end).exclude(kind=Agency.Kind.GOVERNMENT).order_by("sort_order")
    )


def _published(deadline: Deadline) -> set[int]:
    return set(
        AnnualReport.objects.filter(
            year=deadline.year, scope=deadline.scope, document__state=Document.State.PUBLISHED
        ).values_list("agency_id", flat=True)
    )


def _addresses(deadline: Deadline, agency: Agency) -> list[str]:
    """The office for the government's report; the agency's editors and head for its own."""
    if deadline.scope == AnnualReport.Scope.GOVERNMENT:
        rows = StaffRole.objects.filter(role=Role.OFFICE)
    else:
        rows = StaffRole.objects.filter(agency=agency, role__in=(Role.EDITOR, Role.HEAD))
    return sorted(
        {
            row.user.email
            for row in rows.select_related("user")
            if row.user.is_active and row.user.email
        }
    )


def _mail(deadline: Deadline, agency: Agency, stage: str, address: str) -> None:
    site = getattr(settings, "GONGKAI_SITE_URL", "").rstrip("/")
    values = {
        "agency": agency.name,
        "year": deadline.year,
        "date": deadline.due.isoformat(),
        "url": site + reverse("reports_staff:index"),
    }
    if stage == Stage.OVERDUE:
        subject = _("The %(year)s annual report of %(agency)s is overdue since %(date)s") % values
    else:
        subject = _("The %(year)s annual report of %(agency)s is due on %(date)s") % values
    body = (
        _(
            "The annual report on government information disclosure of %(agency)s for %(year)s "
            "must be published by %(date)s (REG 49) and is not published yet. Prepare it in "
            "the workbench: %(url)s"
        )
        % values
    )
    queue_mail(to=address, subject=subject, body=body, topic="reports.reminder")


def send_reminders(*, today: datetime.date) -> int:
    """Remind every body whose report is not published of the stage it reached today."""
    sent = 0
    for deadline in deadlines_for(today):
        stage = stage_on(today, deadline.due)
        if stage is None or (stage == Stage.OVERDUE and today.year != deadline.due.year):
            continue
        published = _published(deadline)
        done = set(
            ReportReminder.objects.filter(
                scope=deadline.scope, year=deadline.year, stage=stage
            ).values_list("agency_id", flat=True)
        )
        for agency in _bodies(deadline):
            if agency.pk in published or agency.pk in done:
                continue
            addresses = _addresses(deadline, agency)
            try:
                with transaction.atomic():
                    ReportReminder.objects.create(
                        agency=agency,
                        scope=deadline.scope,
                        year=deadline.year,
                        stage=stage,
                        sent_on=today,
                        recipients=len(addresses),
                    )
                    for address in addresses:
                        _mail(deadline, agency, stage, address)
            except IntegrityError:  # another run got there first
                continue
            sent += 1
    return sent
