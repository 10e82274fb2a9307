"""The daily jobs of applications: thin, repeat-safe loops over a selector, one service each.

Run by ``manage.py run_request_jobs`` (from cron or a systemd timer, daily and after a restart).
Running them twice on a day does nothing the second time: a closed application is not due any
more, the overdue mark is written once and a reminder once a day.
"""

from __future__ import annotations

import datetime
import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from gongkai.agencies.models import StaffRole
from gongkai.core.mail import queue_mail
from gongkai.info_requests import selectors, services
from gongkai.info_requests.clocks import policy
from gongkai.info_requests.models import InfoRequest, RequestEvent
from gongkai.info_requests.workflow import InfoRequestError

logger = logging.getLogger(__name__)


def close_lapsed(*, today: datetime.date) -> int:
    """Close applications whose correction or fee did not come in time."""
    closed = 0
    for request in [
        *selectors.corrections_lapsed(today=today),
        *selectors.fees_lapsed(today=today),
    ]:
        if services.close_for_missed_deadline(request, today=today) is not None:
            closed += 1
    return closed


def refresh_clocks(*, today: datetime.date) -> int:
    """Refresh every open application's due date and mark the newly overdue."""
    count = 0
    for request in selectors.open_requests().iterator():
        services.refresh_request_clock(request, today=today)
        count += 1
    return count


def send_reminders(*, today: datetime.date) -> int:
    """Remind the handlers (and the office) of applications due soon or overdue, once a day
    each. The mail names the number and the date only."""
    threshold = policy().due_soon_days
    sent = 0
    for request in selectors.open_requests().exclude(due_on=None).select_related("handling_agency"):
        if request.clock_state not in ("due_soon", "overdue"):
            continue
        if request.events.filter(code=RequestEvent.Code.REMINDED, on=today).exists():
            continue
        roles = StaffRole.objects.filter(role=StaffRole.Role.OFFICE)
        if request.handling_agency_id:
            roles = roles | StaffRole.objects.filter(
                agency_id=request.handling_agency_id, role=StaffRole.Role.HANDLER
            )
        addresses = sorted(
            {
                role.user.email
                for role in roles.select_related("user")
                if role.user.email and role.user.is_active
            }
        )
        with transaction.atomic():
            for address in addresses:
                queue_mail(
                    to=address,
                    subject=_("Application %(number)s is due on %(date)s")
                    % {
                        "number": request.number,
                        "date": request.due_on.isoformat() if request.due_on else "",
                    },
                    body=_(
                        "Application %(number)s: %(state)s, due on %(date)s (reminders start "
                        "%(days)d working days before)."
                    )
                    % {
                        "number": request.number,
                        "state": InfoRequest.State(request.state).label,
                        "date": request.due_on.isoformat() if request.due_on else "",
                        "days": threshold,
                    },
                    topic="info_requests.reminder",
                )
            RequestEvent.objects.create(
                request=request,
                code=RequestEvent.Code.REMINDED,
                at=timezone.now(),
                on=today,
                from_state=request.state,
                to_state=request.state,
                data={"recipients": len(addresses)},
            )
        sent += 1
    return sent


def render_notices() -> int:
    """Render the DOCX and PDF of the notices issued since the last run (a download renders
    one at once when it comes first)."""
    from gongkai.info_requests.letters import render_pending_notices

    try:
        return render_pending_notices()
    except InfoRequestError as error:  # the notice font is missing: the other jobs still ran
        logger.error("Notices not rendered: %s", error.message)
        return 0


def run_all(*, today: datetime.date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    results = {
        "closed": close_lapsed(today=today),
        "refreshed": refresh_clocks(today=today),
        "reminded": send_reminders(today=today),
        "notices_rendered": render_notices(),
    }
    logger.info("Application jobs: %s", results)
    return results


@task()
def run_request_jobs() -> dict[str, int]:
    """``manage.py run_request_jobs`` as a job (the scheduler: daily after midnight)."""
    return run_all()
