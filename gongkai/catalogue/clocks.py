"""Time limits of proactive disclosure, on the working-day calendar of ``core.clock``.

* REG 26: information is published within 20 working days (the agency's setting) of the day it
  was formed or changed. :func:`publication_clock` reads that clock for a document: running
  while it is a draft or in review, stopped on the day the version went out.
* 三同步: a policy that needs an interpretation should have it published with it; after the
  agency's lag (default 3 working days) :func:`interpretations_missing` lists the policy.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from gongkai.agencies.models import Agency
from gongkai.catalogue.models import AgencyCatalogueSettings, Document
from gongkai.core.clock import ClockError, ClockEvent, ClockReading, EventKind, compute_clock
from gongkai.core.workdays import CalendarNotCovered, add_working_days

State = Document.State


def catalogue_settings_for(agency_or_document: object) -> AgencyCatalogueSettings:
    """The agency's catalogue settings, or the defaults when it has none saved (not saved)."""
    agency = getattr(agency_or_document, "agency", agency_or_document)
    try:
        return agency.catalogue_settings  # type: ignore[attr-defined]
    except AgencyCatalogueSettings.DoesNotExist:
        return AgencyCatalogueSettings(agency=agency)  # type: ignore[misc]


def clock_start(document: Document) -> datetime.date | None:
    """The day the REG 26 clock runs from: the later of formation and change."""
    dates = [day for day in (document.formation_date, document.changed_date) if day is not None]
    return max(dates) if dates else None


def publication_clock(
    document: Document,
    *,
    today: datetime.date | None = None,
    published_on: datetime.date | None = None,
) -> ClockReading | None:
    """The REG 26 clock of ``document``'s working copy as of ``today``.

    Stopped on ``published_on`` when given, else, for a published document not being
    amended, on the day of its publication. None when the document has no formation or
    change date, when that date is after ``today``, or when the calendar does not cover it.
    """
    today = today or timezone.localdate()
    start = clock_start(document)
    if start is None or start > today:
        return None
    if (
        published_on is None
        and document.published_at
        and not document.amendment_state
        and document.state in (State.PUBLISHED, State.WITHDRAWN)
    ):
        published_on = timezone.localdate(document.published_at)
    events = [ClockEvent(EventKind.START, start)]
    if published_on is not None:
        events.append(ClockEvent(EventKind.STOP, min(max(published_on, start), today)))
    limit = catalogue_settings_for(document).publication_limit_days
    try:
        return compute_clock(events, limit=limit, today=today)
    except (CalendarNotCovered, ClockError):
        return None


def publication_due_date(document: Document) -> datetime.date | None:
    """The REG 26 due date of the working copy (None without a formation or change date)."""
    start = clock_start(document)
    if start is None:
        return None
    try:
        return add_working_days(start, catalogue_settings_for(document).publication_limit_days)
    except CalendarNotCovered:
        return None


@dataclass(frozen=True)
class MissingInterpretation:
    """A published policy still without its interpretation after the agency's lag."""

    document: Document
    published_on: datetime.date
    due: datetime.date  # the last working day the interpretation was expected


def _policies_without_interpretation() -> QuerySet[Document]:
    interpreted = Document.objects.filter(
        kind=Document.Kind.INTERPRETATION, state=State.PUBLISHED
    ).values("interprets")
    return (
        Document.objects.filter(
            state=State.PUBLISHED, needs_interpretation=True, published_at__isnull=False
        )
        .exclude(pk__in=interpreted)
        .select_related("agency", "agency__catalogue_settings")
        .order_by("published_at", "pk")
    )


def interpretations_missing(
    *, today: datetime.date | None = None, agency: Agency | None = None
) -> list[MissingInterpretation]:
    """Published policies needing an interpretation, none published, past the lag."""
    today = today or timezone.localdate()
    policies = _policies_without_interpretation()
    if agency is not None:
        policies = policies.filter(agency=agency)
    missing: list[MissingInterpretation] = []
    for policy in policies:
        assert policy.published_at is not None  # noqa: S101 - filtered above
        published_on = timezone.localdate(policy.published_at)
        try:
            due = add_working_days(
                published_on, catalogue_settings_for(policy).interpretation_lag_days
            )
        except CalendarNotCovered:
            continue
        if today > due:
            missing.append(MissingInterpretation(policy, published_on, due))
    return missing
