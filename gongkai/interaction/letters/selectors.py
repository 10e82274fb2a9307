"""Queries the letters' pages, jobs and (later) the Q&A and statistics share."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import F, Q, QuerySet

from gongkai.interaction.letters.models import Letter, LetterEvent, LetterType
from gongkai.interaction.letters.permissions import letters_visible_to
from gongkai.interaction.letters.workflow import ACTIVE_STATES, OPEN_STATES

State = Letter.State


def active_letter_types() -> QuerySet[LetterType]:
    """The types the public may write to now, in their display order."""
    return (
        LetterType.objects.filter(active=True).select_related("agency").order_by("sort_order", "id")
    )


def open_letters() -> QuerySet[Letter]:
    """Letters whose reply clock runs (accepted, not yet replied)."""
    return Letter.objects.filter(state__in=OPEN_STATES)


def replied_unrated(*, today: datetime.date) -> QuerySet[Letter]:
    """Replied letters waiting for the writer's rating (the job closes the stale ones)."""
    return Letter.objects.filter(state=State.REPLIED, replied_on__lt=today)


def queue_for(user: Any, *, state: str = "", agency_id: int | None = None) -> QuerySet[Letter]:
    """The letters ``user`` may see that still wait for someone, the most urgent first
    (letters without a due date — not yet accepted, or replied — after them)."""
    rows = letters_visible_to(user).filter(state__in=ACTIVE_STATES)
    if state:
        rows = rows.filter(state=state)
    if agency_id:
        rows = rows.filter(handling_agency_id=agency_id)
    return rows.select_related("letter_type", "agency", "handling_agency").order_by(
        F("due_on").asc(nulls_last=True), "received_on", "id"
    )


def finished_for(user: Any, *, state: str = "", agency_id: int | None = None) -> QuerySet[Letter]:
    """The closed and rejected letters ``user`` may see, the latest first."""
    rows = letters_visible_to(user).exclude(state__in=ACTIVE_STATES)
    if state:
        rows = rows.filter(state=state)
    if agency_id:
        rows = rows.filter(handling_agency_id=agency_id)
    return rows.select_related("letter_type", "agency", "handling_agency").order_by(
        "-received_on", "-id"
    )


# Which states wait for which role (my queue): the office receives and routes, the handler
# drafts, the reviewer approves.
WAITING_FOR: dict[str, tuple[str, ...]] = {
    "office": (State.RECEIVED, State.ACCEPTED),
    "handler": (State.HANDLING,),
    "reviewer": (State.REVIEW,),
}


def overdue_letters(*, today: datetime.date) -> QuerySet[Letter]:
    return open_letters().filter(due_on__lt=today)


def history_of(letter: Letter) -> QuerySet[LetterEvent]:
    return letter.events.select_related("actor").order_by("on", "at", "id")


def find_by_number(number: str) -> Letter | None:
    number = number.strip()
    if not number or len(number) > 64:
        return None
    return (
        Letter.objects.select_related("letter_type", "agency", "handling_agency")
        .filter(number__iexact=number)
        .first()
    )


def search_letters(rows: QuerySet[Letter], text: str) -> QuerySet[Letter]:
    """Staff search by number or words of the subject (the rows come from
    ``letters_visible_to``)."""
    text = text.strip()
    if not text:
        return rows
    return rows.filter(Q(number__icontains=text) | Q(subject__icontains=text))
