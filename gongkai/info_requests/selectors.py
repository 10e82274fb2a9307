"""Queries the pages, the jobs and (later) the annual report share."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.db.models import (
    Case,
    Count,
    DateField,
    F,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import TruncMonth

from gongkai.info_requests.models import (
    Consultation,
    FeeNotice,
    InfoRequest,
    Remedy,
    RequestEvent,
)
from gongkai.info_requests.permissions import requests_visible_to
from gongkai.info_requests.workflow import OPEN_STATES

State = InfoRequest.State

# (agency id, first day of a month) -> how many: the shape of the statistics' counts.
MonthlyCounts = dict[tuple[int, datetime.date], int]


def open_requests() -> QuerySet[InfoRequest]:
    """Applications whose reply clock has not stopped."""
    return InfoRequest.objects.filter(state__in=OPEN_STATES)


def queue_for(user, *, state: str = "", agency_id: int | None = None) -> QuerySet[InfoRequest]:  # type: ignore[no-untyped-def]
    """The open applications ``user`` may see, the most urgent first (no due date last)."""
    rows = requests_visible_to(user).filter(state__in=OPEN_STATES)
    if state:
        rows = rows.filter(state=state)
    if agency_id:
        rows = rows.filter(handling_agency_id=agency_id)
    return rows.select_related("agency", "handling_agency").order_by(
        F("due_on").asc(nulls_last=True), "received_on", "id"
    )


def answered_for(user, *, state: str = "", agency_id: int | None = None) -> QuerySet[InfoRequest]:  # type: ignore[no-untyped-def]
    """The replied, delivered and closed applications ``user`` may see, the latest first."""
    rows = requests_visible_to(user).exclude(state__in=OPEN_STATES)
    if state:
        rows = rows.filter(state=state)
    if agency_id:
        rows = rows.filter(handling_agency_id=agency_id)
    return rows.select_related("agency", "handling_agency").order_by("-received_on", "-id")


# Which open states wait for which role (my queue): the office receives, the handler handles,
# the legal reviewer reviews, the head approves.
WAITING_FOR = {
    "office": (State.RECEIVED, State.ACCEPTED, State.CORRECTION),
    "handler": (State.HANDLING, State.CONSULTING, State.AWAITING_FEE),
    "legal_reviewer": (State.LEGAL_REVIEW,),
    "head": (State.HEAD_APPROVAL,),
}


def overdue_requests(*, today: datetime.date) -> QuerySet[InfoRequest]:
    return open_requests().filter(due_on__lt=today)


def corrections_lapsed(*, today: datetime.date) -> QuerySet[InfoRequest]:
    """Awaiting a correction whose deadline has passed (REG 30): to close as 其他处理-1."""
    return InfoRequest.objects.filter(state=State.CORRECTION, correction_due_on__lt=today)


def fees_lapsed(*, today: datetime.date) -> QuerySet[InfoRequest]:
    """Awaiting a fee whose 20 working days have passed: to close as 其他处理-2."""
    return InfoRequest.objects.filter(
        state=State.AWAITING_FEE, fees__settlement="", fees__due_on__lt=today
    ).distinct()


def consultations_lapsed(*, today: datetime.date) -> QuerySet[Consultation]:
    """Consultations still open after their 15 working days."""
    return Consultation.objects.filter(answered_on__isnull=True, due_on__lt=today)


def history_of(request: InfoRequest) -> QuerySet[RequestEvent]:
    return request.events.select_related("actor").order_by("on", "at", "id")


def find_by_number(number: str) -> InfoRequest | None:
    number = number.strip()
    if not number or len(number) > 64:
        return None
    return InfoRequest.objects.select_related("agency").filter(number__iexact=number).first()


def requests_of_applicant(user) -> QuerySet[InfoRequest]:  # type: ignore[no-untyped-def]
    """The applications a signed-in applicant made with their account."""
    if user is None or not user.is_authenticated:
        return InfoRequest.objects.none()
    return InfoRequest.objects.filter(user=user).select_related("agency")


def search_requests(rows: QuerySet[InfoRequest], text: str) -> QuerySet[InfoRequest]:
    """Staff search by number or words of the description (never by the applicant's data for
    staff outside the office: the rows come from ``requests_visible_to``)."""
    text = text.strip()
    if not text:
        return rows
    return rows.filter(Q(number__icontains=text) | Q(description__icontains=text))


def fees_collected(year: int, *, agency_ids: list[int] | None = None) -> Decimal:
    """Processing fees paid in ``year`` (by the day they were paid), for section 六 of the
    annual report; of the handling agencies ``agency_ids`` when given."""
    rows = FeeNotice.objects.filter(settlement=FeeNotice.Settlement.PAID, settled_on__year=year)
    if agency_ids is not None:
        rows = rows.filter(request__handling_agency_id__in=agency_ids)
    return rows.aggregate(total=Sum("amount"))["total"] or Decimal("0.00")


def fee_notices_paid(year: int, *, agency_ids: Iterable[int]) -> QuerySet[FeeNotice]:
    """The fee notices paid in ``year`` (by the day they were paid) for applications to the
    agencies ``agency_ids``: section 六 of the annual report states the fees collected and
    names the applications behind them. An application and its fee belong to the agency
    asked, in whose name the reply and the notice are issued, as in the report's table 三."""
    return (
        FeeNotice.objects.filter(
            settlement=FeeNotice.Settlement.PAID,
            settled_on__year=year,
            request__agency_id__in=list(agency_ids),
        )
        .select_related("request")
        .order_by("settled_on", "id")
    )


# --------------------------------------------------------------------------- annual report


def requests_received_through(
    last_day: datetime.date, *, agency_ids: Iterable[int]
) -> QuerySet[InfoRequest]:
    """Applications to the agencies ``agency_ids`` received on or before ``last_day``: the rows
    of the annual report's table 三 (REG 50). An application belongs to the agency asked, in
    whose name the reply is issued, whichever agency handled it."""
    return InfoRequest.objects.filter(agency_id__in=list(agency_ids), received_on__lte=last_day)


def applications_with_first_answers(
    last_day: datetime.date,
    not_answered_before: datetime.date,
    fields: Sequence[str],
    *,
    agency_ids: Iterable[int],
) -> Iterable[tuple[Any, ...]]:
    """``fields`` of the applications to the agencies ``agency_ids`` received by ``last_day``
    and not answered before ``not_answered_before`` (those a year starting on that day can still
    count), then whether each was replied after its due date, the day of its first answer
    (:func:`answering_event_condition`; ``None`` if never answered; it may be after
    ``last_day``, which the caller compares) and the outcome that answer recorded (``""`` if
    none):
    a row per application, in the order they were registered (by id). One read of the
    applications' own columns (``first_answered_on``, ``first_answer_outcome``): no search
    of the events (issue 10)."""
    late = Case(When(replied_on__gt=F("due_on"), then=Value(True)), default=Value(False))
    return (
        requests_received_through(last_day, agency_ids=agency_ids)
        .filter(Q(first_answered_on__isnull=True) | Q(first_answered_on__gte=not_answered_before))
        .order_by("id")
        .values_list(*fields, late, "first_answered_on", "first_answer_outcome")
    )


def remedies_during_or_filed(
    start: datetime.date, end: datetime.date, *, agency_ids: Iterable[int]
) -> QuerySet[Remedy]:
    """Reconsiderations and lawsuits about the agencies' applications that a year's report
    reads, in one: those before a reconsideration body or a court at some time from ``start``
    to ``end`` (filed by ``end`` and not decided before ``start``: table 四, REG 50), and those
    filed from ``start`` to ``end`` whatever became of them (the seed format's figures)."""
    return (
        Remedy.objects.filter(request__agency_id__in=list(agency_ids), filed_on__lte=end)
        .filter(Q(decided_on__isnull=True) | Q(decided_on__gte=start) | Q(filed_on__gte=start))
        .order_by("filed_on", "id")
    )


def requests_received_between(
    start: datetime.date, end: datetime.date, *, agency_ids: Iterable[int]
) -> QuerySet[InfoRequest]:
    """Applications to the agencies ``agency_ids`` received from ``start`` to ``end`` (both
    included): the applications a year's report counts as received, by the agency asked."""
    return InfoRequest.objects.filter(
        agency_id__in=list(agency_ids), received_on__gte=start, received_on__lte=end
    )


def fees_and_waivers(
    year: int, *, agency_ids: Iterable[int] | None = None
) -> tuple[Decimal, list[str]]:
    """:func:`fees_collected` and the tracking numbers of :func:`fee_waivers` (in the notices'
    order) in one query: the fee notices paid or waived in ``year``."""
    rows = FeeNotice.objects.filter(
        settlement__in=(FeeNotice.Settlement.PAID, FeeNotice.Settlement.WAIVED),
        settled_on__year=year,
    )
    if agency_ids is not None:
        rows = rows.filter(request__handling_agency_id__in=list(agency_ids))
    total, waived = Decimal("0.00"), []
    for settlement, amount, number in rows.order_by("issued_on", "id").values_list(
        "settlement", "amount", "request__number"
    ):
        if settlement == FeeNotice.Settlement.PAID:
            total += amount
        else:
            waived.append(number)
    return total, waived


def fee_waivers(year: int, *, agency_ids: Iterable[int] | None = None) -> QuerySet[FeeNotice]:
    """Fee notices waived (减免) in ``year``, by the day the waiver was settled; of the
    handling agencies ``agency_ids`` when given (as :func:`fees_collected` counts them)."""
    rows = FeeNotice.objects.filter(settlement=FeeNotice.Settlement.WAIVED, settled_on__year=year)
    if agency_ids is not None:
        rows = rows.filter(request__handling_agency_id__in=list(agency_ids))
    return rows


# --------------------------------------------------------------------------- statistics (统计报送)


def _monthly_counts(rows: QuerySet[Any], agency_field: str, date_field: str) -> MonthlyCounts:
    """``rows`` counted per (agency id, first day of the month of ``date_field``): one query."""
    counted = (
        rows.order_by()
        .annotate(stat_month=TruncMonth(date_field, output_field=DateField()))
        .values(agency_field, "stat_month")
        .annotate(stat_count=Count("pk", distinct=True))
    )
    return {(row[agency_field], row["stat_month"]): row["stat_count"] for row in counted}


def requests_received_counts(
    start: datetime.date, end: datetime.date, *, agency_ids: Iterable[int] | None = None
) -> MonthlyCounts:
    """Applications received (legal receipt date) from ``start`` to ``end`` inclusive, counted
    per agency asked and month — the agency in whose name the reply is issued, as in the
    annual report's table 三."""
    rows = InfoRequest.objects.filter(received_on__gte=start, received_on__lte=end)
    if agency_ids is not None:
        rows = rows.filter(agency_id__in=list(agency_ids))
    return _monthly_counts(rows, "agency_id", "received_on")


def requests_answered_counts(
    start: datetime.date, end: datetime.date, *, agency_ids: Iterable[int] | None = None
) -> MonthlyCounts:
    """Applications whose reply was issued from ``start`` to ``end`` (the reply date), counted
    per agency asked and month of the reply."""
    rows = InfoRequest.objects.filter(replied_on__gte=start, replied_on__lte=end)
    if agency_ids is not None:
        rows = rows.filter(agency_id__in=list(agency_ids))
    return _monthly_counts(rows, "agency_id", "replied_on")


def requests_overdue_counts(
    start: datetime.date, end: datetime.date, *, agency_ids: Iterable[int] | None = None
) -> MonthlyCounts:
    """Applications that became overdue (their ``overdue`` event) from ``start`` to ``end``,
    each counted once per agency asked and month in which its reply limit was passed."""
    rows = RequestEvent.objects.filter(code=RequestEvent.Code.OVERDUE, on__gte=start, on__lte=end)
    if agency_ids is not None:
        rows = rows.filter(request__agency_id__in=list(agency_ids))
    counted = (
        rows.order_by()
        .annotate(stat_month=TruncMonth("on", output_field=DateField()))
        .values("request__agency_id", "stat_month")
        .annotate(stat_count=Count("request_id", distinct=True))
    )
    return {(row["request__agency_id"], row["stat_month"]): row["stat_count"] for row in counted}
