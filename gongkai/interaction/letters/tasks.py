"""The daily jobs of letters: thin, repeat-safe loops over a selector, one service each.

Run by ``manage.py run_letter_jobs`` (from cron or a systemd timer, daily and after a
restart). Running them twice on a day does nothing the second time: a closed letter is not due
any more, the overdue mark is written once a clock and a reminder once a day a letter.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from gongkai.agencies.models import StaffRole
from gongkai.core.mail import queue_mail
from gongkai.interaction.letters import selectors, services
from gongkai.interaction.letters.models import Letter, LetterEvent

logger = logging.getLogger(__name__)

Code = LetterEvent.Code


def refresh_clocks(*, today: datetime.date) -> int:
    """Refresh every open letter's due date and mark the newly overdue."""
    count = 0
    for letter in selectors.open_letters().iterator():
        services.refresh_letter_clock(letter, today=today)
        count += 1
    return count


def close_unrated(*, today: datetime.date) -> int:
    """Close the replied letters whose writers did not rate the reply in time."""
    closed = 0
    for letter in selectors.replied_unrated(today=today).iterator():
        if services.close_unrated_letter(letter, today=today) is not None:
            closed += 1
    return closed


def _recipients(letter: Letter) -> list[str]:
    """Who is reminded: the handling agency's handlers (its reviewers while the reply waits
    for review), or the office while no agency has the letter yet."""
    if letter.handling_agency_id is None:
        roles = StaffRole.objects.filter(role=StaffRole.Role.OFFICE)
    else:
        reviewing = letter.state == Letter.State.REVIEW
        role = StaffRole.Role.REVIEWER if reviewing else StaffRole.Role.HANDLER
        roles = StaffRole.objects.filter(agency_id=letter.handling_agency_id, role=role)
    return sorted(
        {
            row.user.email
            for row in roles.select_related("user")
            if row.user.email and row.user.is_active
        }
    )


def send_reminders(*, today: datetime.date) -> int:
    """Remind whoever the letter waits for of letters due soon or overdue, at most once a day
    a letter. The mail names the number, the state and the date only (not the writer)."""
    sent = 0
    rows = (
        selectors.open_letters()
        .filter(clock_state__in=["due_soon", "overdue"])
        .exclude(due_on=None)
        .select_related("handling_agency", "letter_type")
    )
    for letter in rows:
        if letter.events.filter(code=Code.REMINDED, on=today).exists():
            continue
        addresses = _recipients(letter)
        with transaction.atomic():
            locked = Letter.objects.select_for_update().get(pk=letter.pk)
            if locked.events.filter(code=Code.REMINDED, on=today).exists():
                continue  # another run reminded it meanwhile
            due = letter.due_on.isoformat() if letter.due_on else ""
            overdue = letter.clock_state == "overdue"
            for address in addresses:
                queue_mail(
                    to=address,
                    subject=(
                        _("Letter %(number)s is overdue since %(date)s")
                        if overdue
                        else _("Letter %(number)s is due on %(date)s")
                    )
                    % {"number": letter.number, "date": due},
                    body=_(
                        "Letter %(number)s (%(type)s): %(state)s, reply due on %(date)s. "
                        "Open it in the workbench: %(url)s"
                    )
                    % {
                        "number": letter.number,
                        "type": letter.letter_type.name,
                        "state": Letter.State(letter.state).label,
                        "date": due,
                        "url": _workbench_url(letter),
                    },
                    topic="letters.reminder",
                )
            LetterEvent.objects.create(
                letter=locked,
                code=Code.REMINDED,
                at=timezone.now(),
                on=today,
                from_state=locked.state,
                to_state=locked.state,
                data={"recipients": len(addresses), "clock": letter.clock_state},
            )
        sent += 1
    return sent


def _workbench_url(letter: Letter) -> str:
    site = getattr(settings, "GONGKAI_SITE_URL", "").rstrip("/")
    return site + reverse("letters_staff:detail", args=[letter.pk])


def run_all(*, today: datetime.date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    results = {
        "refreshed": refresh_clocks(today=today),
        "closed": close_unrated(today=today),
        "reminded": send_reminders(today=today),
    }
    logger.info("Letter jobs: %s", results)
    return results


@task()
def run_letter_jobs() -> dict[str, int]:
    """``manage.py run_letter_jobs`` as a job (the scheduler: daily after midnight)."""
    return run_all()
