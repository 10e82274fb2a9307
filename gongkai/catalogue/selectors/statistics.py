"""Counts of the catalogue per agency and month, for statistics reporting (统计报送).

Each function answers in one aggregate query a mapping ``(agency id, first day of the month) ->
count`` over the days ``start`` to ``end`` inclusive (local days, Asia/Shanghai). Documents are
counted at their **first** publication (version 1), so an amendment is not a new document;
only proactively disclosed (主动公开) versions count.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, DateField, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from gongkai.catalogue.models import Document, DocumentVersion, NormativeRegistration

# (agency id, first day of a month) -> how many.
MonthlyCounts = dict[tuple[int, datetime.date], int]


def _bounds(
    start: datetime.date, end: datetime.date
) -> tuple[datetime.datetime, datetime.datetime]:
    """[start 00:00, the day after end 00:00) in the site's time zone."""
    zone = timezone.get_current_timezone()
    after = end + datetime.timedelta(days=1)
    return (
        datetime.datetime.combine(start, datetime.time.min, tzinfo=zone),
        datetime.datetime.combine(after, datetime.time.min, tzinfo=zone),
    )


def _counts(rows: QuerySet[Any], agency_field: str, time_field: str) -> MonthlyCounts:
    counted = (
        rows.order_by()
        .annotate(stat_month=TruncMonth(time_field, output_field=DateField()))
        .values(agency_field, "stat_month")
        .annotate(stat_count=Count("pk", distinct=True))
    )
    return {(row[agency_field], row["stat_month"]): row["stat_count"] for row in counted}


def _first_publications(
    start: datetime.date, end: datetime.date, agency_ids: Iterable[int] | None
) -> QuerySet[DocumentVersion]:
    since, before = _bounds(start, end)
    rows = DocumentVersion.objects.filter(
        number=1,
        published_at__gte=since,
        published_at__lt=before,
        metadata__manner=Document.Manner.PROACTIVE.value,
    )
    if agency_ids is not None:
        rows = rows.filter(document__agency_id__in=list(agency_ids))
    return rows


def documents_published_counts(
    start: datetime.date, end: datetime.date, *, agency_ids: Iterable[int] | None = None
) -> MonthlyCounts:
    """Documents and news items (not interpretations) first published in the period with the
    manner 主动公开, per agency and month."""
    rows = _first_publications(start, end, agency_ids).exclude(
        document__kind=Document.Kind.INTERPRETATION
    )
    return _counts(rows, "document__agency_id", "published_at")


def interpretations_published_counts(
    start: datetime.date, end: datetime.date, *, agency_ids: Iterable[int] | None = None
) -> MonthlyCounts:
    """Policy interpretations (政策解读) first published in the period, per agency and month."""
    rows = _first_publications(start, end, agency_ids).filter(
        document__kind=Document.Kind.INTERPRETATION
    )
    return _counts(rows, "document__agency_id", "published_at")


def normative_registered_counts(
    start: datetime.date, end: datetime.date, *, agency_ids: Iterable[int] | None = None
) -> MonthlyCounts:
    """Normative documents (行政规范性文件) entered in the register in the period (the time of
    registration), per the document's agency and month."""
    since, before = _bounds(start, end)
    rows = NormativeRegistration.objects.filter(registered_at__gte=since, registered_at__lt=before)
    if agency_ids is not None:
        rows = rows.filter(document__agency_id__in=list(agency_ids))
    return _counts(rows, "document__agency_id", "registered_at")
