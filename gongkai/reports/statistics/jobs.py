"""The daily jobs of statistics reporting: thin and repeat-safe.

Run by ``manage.py run_statistics_jobs`` (from cron or a systemd timer, once a day and after a
restart). Running it twice on a day does nothing more the second time: a period's submission
exists once per form and agency (and is opened only once), a reminder and an overdue notice are
sent once per submission (an event with a unique constraint records each).
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.agencies.models import StaffRole
from gongkai.core.mail import queue_mail
from gongkai.reports.statistics import selectors, services
from gongkai.reports.statistics.models import StatisticsSubmission, SubmissionEvent
from gongkai.reports.statistics.periods import last_ended_period
from gongkai.reports.statistics.permissions import FILLING_ROLES

logger = logging.getLogger(__name__)

Code = SubmissionEvent.Code


def open_period_submissions(*, now: datetime.datetime | None = None) -> int:
    """Open (create and prefill) every active form's submissions for its last ended period,
    one per submitting agency; returns how many were created."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    created = 0
    for form in selectors.active_forms():
        period = last_ended_period(form.period, today)
        existing = set(
            StatisticsSubmission.objects.filter(form=form, period_key=period.key).values_list(
                "agency_id", flat=True
            )
        )
        for agency in selectors.submitting_agencies(form, period):
            if agency.pk in existing:
                continue
            try:
                services.open_submission(form, agency=agency, period=period, actor=None, now=now)
            except IntegrityError:  # another run opened it at the same moment
                continue
            created += 1
    return created


def _addresses(agency_id: int, *, office: bool = False) -> list[str]:
    roles = StaffRole.objects.filter(agency_id=agency_id, role__in=FILLING_ROLES)
    if office:
        roles = roles | StaffRole.objects.filter(role=StaffRole.Role.OFFICE)
    return sorted(
        {
            row.user.email
            for row in roles.select_related("user")
            if row.user.email and row.user.is_active
        }
    )


def _url(submission: StatisticsSubmission) -> str:
    site = getattr(settings, "GONGKAI_SITE_URL", "").rstrip("/")
    return site + reverse("statistics_staff:detail", args=[submission.pk])


def _notify(submission: StatisticsSubmission, code: str, today: datetime.date) -> bool:
    """Send the reminder or the overdue notice of ``submission`` once; False if it was sent
    already (by an earlier run, or a concurrent one)."""
    overdue = code == Code.OVERDUE
    addresses = _addresses(submission.agency_id, office=overdue)
    values = {
        "form": submission.form.title,
        "period": submission.period_key,
        "agency": submission.agency.name,
        "date": submission.due_on.isoformat(),
        "url": _url(submission),
    }
    try:
        with transaction.atomic():
            locked = StatisticsSubmission.objects.select_for_update().get(pk=submission.pk)
            if locked.state not in (locked.State.DRAFT, locked.State.RETURNED):
                return False
            if locked.events.filter(code=code).exists():
                return False
            SubmissionEvent.objects.create(
                submission=locked,
                code=code,
                at=timezone.now(),
                from_state=locked.state,
                to_state=locked.state,
                data={"recipients": len(addresses), "on": today.isoformat()},
            )
            for address in addresses:
                if overdue:
                    subject = _("Statistics overdue: %(form)s %(period)s, %(agency)s") % values
                    body = (
                        _(
                            "The statistics form “%(form)s” of %(period)s for %(agency)s was due "
                            "on %(date)s and has not been submitted. Open it in the workbench: "
                            "%(url)s"
                        )
                        % values
                    )
                else:
                    subject = _("Statistics due on %(date)s: %(form)s %(period)s") % values
                    body = (
                        _(
                            "The statistics form “%(form)s” of %(period)s for %(agency)s is due on "
                            "%(date)s. Open it in the workbench: %(url)s"
                        )
                        % values
                    )
                queue_mail(to=address, subject=subject, body=body, topic=f"statistics.{code}")
    except IntegrityError:  # the unique constraint: another run sent it meanwhile
        return False
    return True


def send_reminders(*, today: datetime.date) -> int:
    """Remind the agency's editors and heads of an open submission within its form's reminder
    days of the due day — once per submission."""
    sent = 0
    for submission in selectors.due_for_reminder(today):
        if (submission.due_on - today).days > submission.form.remind_days:
            continue
        if _notify(submission, Code.REMINDED, today):
            sent += 1
    return sent


def send_overdue_notices(*, today: datetime.date) -> int:
    """Tell the agency's editors and heads, and the office, that a submission is overdue —
    once per submission."""
    sent = 0
    for submission in selectors.due_for_overdue_notice(today):
        if _notify(submission, Code.OVERDUE, today):
            sent += 1
    return sent


def run_all(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Every statistics job once, in order; returns the count of each."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    results = {
        "opened": open_period_submissions(now=now),
        "reminded": send_reminders(today=today),
        "overdue": send_overdue_notices(today=today),
    }
    logger.info("Statistics jobs: %s", results)
    return results
