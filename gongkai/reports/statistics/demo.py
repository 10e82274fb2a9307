"""Demonstration statistics submissions (统计报送).

``load(stdout)`` is a loader for ``load_demo`` (the integrator wires it in), to run after the
agencies, catalogue, applications and letters loaders, inside the command's transaction. The
form definitions themselves are installed by the reports app's data migration, not here.

For every submitting agency it opens, through the services and on the dates of the story,
the monthly form of October 2026, the quarterly form of the third quarter of 2026 and the
yearly form of 2025 — prefilled from whatever the other loaders recorded — and walks them
through the states: the older period accepted (a few still waiting for the check), the
newest mixed: accepted, returned and resubmitted, submitted, returned with a reason, and
drafts still open after the due day (overdue). The agency's editor (or head) fills in and
submits where the demonstration has one, the office (the ``office`` sign-in) otherwise and for
every check. Typed-in figures are derived from the agency's position, so that a second load on
another day gives the same values.

Idempotent: when any submission exists the loader says so and changes nothing.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TextIO
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.agencies.models import Agency, StaffRole
from gongkai.core.models import User
from gongkai.reports.statistics import selectors, services
from gongkai.reports.statistics.models import StatisticsField, StatisticsForm, StatisticsSubmission
from gongkai.reports.statistics.periods import Period, period_from_key
from gongkai.reports.statistics.permissions import FILLING_ROLES

SHANGHAI = ZoneInfo("Asia/Shanghai")
OFFICE = "office"
# (form code, period key, newest): the newest periods get the mixed story.
PERIODS = [
    ("disclosure-yearly", "2025", False),
    ("requests-quarterly", "2026-Q3", True),
    ("disclosure-monthly", "2026-10", True),
]
# The story of the newest periods, by the agency's position (repeating).
MIXED = ["accepted", "returned_accepted", "submitted", "returned", "resubmitted", "draft"]
RETURN_REASON = "请核实本期数据并补充逾期情况说明。"


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=SHANGHAI)


def _manual_value(field: StatisticsField, position: int) -> str:
    seed = position * 7 + field.order * 3
    if field.kind == StatisticsField.Kind.INTEGER:
        return str(seed % 17)
    if field.kind == StatisticsField.Kind.DECIMAL:
        return str((Decimal(seed % 40) / 4).quantize(Decimal("0.01")))
    return "" if not field.required else "无"


def _filler(agency: Agency, office: User) -> User:
    role = (
        StaffRole.objects.filter(agency=agency, role__in=FILLING_ROLES, user__is_active=True)
        .select_related("user")
        .order_by("id")
        .first()
    )
    return role.user if role is not None else office


def _story(kind: str, position: int, newest: bool) -> str:
    if newest:
        return MIXED[position % len(MIXED)]
    return "submitted" if position % 10 == 9 else "accepted"


def _walk(
    submission: StatisticsSubmission, story: str, *, filler: User, office: User, position: int
) -> None:
    due = submission.due_on
    values = dict(submission.values)
    for field in submission.form.fields.all():
        if not field.source:
            values[field.key] = _manual_value(field, position)
    if story == "draft":
        services.save_values(
            submission, values=values, actor=filler, now=_at(due - datetime.timedelta(days=3), 10)
        )
        return
    services.save_values(
        submission, values=values, actor=filler, now=_at(due - datetime.timedelta(days=2), 10)
    )
    services.submit_submission(
        submission, actor=filler, now=_at(due - datetime.timedelta(days=2), 11)
    )
    if story == "submitted":
        return
    if story in ("returned", "resubmitted", "returned_accepted"):
        services.return_submission(
            submission,
            reason=RETURN_REASON,
            actor=office,
            now=_at(due - datetime.timedelta(days=1), 15),
        )
        if story == "returned":
            return
        services.submit_submission(submission, actor=filler, now=_at(due, 9))
        if story == "resubmitted":
            return
    services.accept_submission(submission, actor=office, now=_at(due, 16))


def load(stdout: TextIO) -> None:
    """The statistics loader of ``load_demo`` (after the other capabilities' loaders)."""
    existing = StatisticsSubmission.objects.count()
    if existing:
        stdout.write(
            _("Statistics: %(count)d submissions present already, none loaded.\n")
            % {"count": existing}
        )
        return
    office = User.objects.filter(username=OFFICE).first()
    if office is None:
        raise RuntimeError("the agencies loader must run first: the office sign-in is missing")
    today = timezone.localdate()
    opened = 0
    for code, key, newest in PERIODS:
        form = StatisticsForm.objects.filter(code=code, active=True).first()
        if form is None:
            continue
        period: Period = period_from_key(form.period, key)
        if period.due_on(form.due_day) >= today:
            continue  # the story's dates must lie in the past
        opened_at = _at(period.end + datetime.timedelta(days=1), 8)
        for position, agency in enumerate(selectors.submitting_agencies(form, period)):
            submission = services.open_submission(
                form, agency=agency, period=period, actor=None, now=opened_at
            )
            _walk(
                submission,
                _story(form.period, position, newest),
                filler=_filler(agency, office),
                office=office,
                position=position,
            )
            opened += 1
    stdout.write(_("Statistics: %(count)d submissions loaded.\n") % {"count": opened})
