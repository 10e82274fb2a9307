"""Measures: figures computed from the platform's own records for one agency and one period.

A computed indicator names one of these (``Indicator.measure``); its scoring function turns the
figure into points (:mod:`.scoring`). Each measure is a pure function of ``(agency, start,
end)`` — both dates included — returning a :class:`MeasureResult`: the figure, the counts it
is made of, and the records behind it, so that every figure on a scorecard can be traced to
rows (DESIGN.md, "History"). The records carry only what staff may see of another agency's
work on a scorecard: numbers, titles and dates — never an applicant's or writer's personal data,
nor the text they wrote.

The figures and the counts the tests recompute with plain ORM filters:

``request_reply_rate``
    依申请公开按时答复率. The applications the agency is responsible for — its handling agency,
    or the agency asked while none was assigned — that were replied in the period, plus those
    still unanswered at its end after their due date. On time: replied on or before the due
    date of the reply clock (``InfoRequest.due_on``, recomputed from the events by the
    applications' services). Percentage; none when there is no such application.
``late_publications``
    REG 26 超期公开. Versions of the agency's documents published in the period after their
    20-working-day limit, as recorded on the version when it was published
    (``catalogue.selectors.staff.late_publications``). A count.
``interpretation_coverage``
    政策解读率. The agency's published policies that need an interpretation (三同步) and were
    first published in the period; covered when a published interpretation of them had come
    out by the end of the period. Percentage; none without such a policy.
``letter_reply_rate``
    来信按时办复率. As for applications: letters the agency handles (or, while unassigned, was
    addressed), replied in the period or unanswered past their due date at its end; on time:
    replied on or before the due date of the letter's reply clock. Percentage.
``letter_satisfaction``
    来信满意率. Of those letters replied in the period that their writers rated, the share rated
    满意 or 基本满意. Percentage; none when no reply was rated.
``statutory_coverage``
    法定主动公开内容完整率. REG 20's fifteen items: covered when the agency has at least one
    public document filed under the item, published by the end of the period. Percentage.
``documents_published``
    主动公开信息数. The agency's public documents first published in the period. A count.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from gongkai.agencies.models import Agency
from gongkai.catalogue.models import Document, StatutoryItem
from gongkai.catalogue.selectors.public import public_document_rows
from gongkai.catalogue.selectors.staff import late_publications as late_publication_versions
from gongkai.catalogue.selectors.staff import late_publications_of
from gongkai.core.context import request_memo
from gongkai.info_requests.models import InfoRequest
from gongkai.interaction.letters.models import Letter

HUNDREDTH = Decimal("0.01")
PERCENT = "percent"
COUNT = "count"


@dataclass(frozen=True)
class RecordRow:
    """One record behind a figure, as the drill-down lists it (no personal data).

    ``counted`` says whether it counts in the numerator (replied on time, interpreted,
    covered …); for a count, every row counts. ``details`` holds codes and dates only, so that
    the row is frozen into a published ``Score`` in no language: :attr:`note` words it when it
    is shown.
    """

    kind: str  # "request", "letter", "version", "document", "statutory_item"
    pk: int | None
    label: str  # a tracking number, a title, an item's name
    date: datetime.date | None
    counted: bool
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def note(self) -> str:
        """The details in words, in the language of the page showing them."""
        details = self.details
        if "rating" in details:
            return str(dict(Letter.Rating.choices).get(details["rating"], details["rating"]))
        if "replied" in details:
            if details["replied"]:
                return gettext("due %(due)s, replied %(replied)s") % {
                    "due": details.get("due") or "—",
                    "replied": details["replied"],
                }
            return gettext("due %(due)s, not replied by the end of the period") % {
                "due": details.get("due") or "—"
            }
        if "version" in details:
            return gettext("due %(due)s, version %(number)s") % {
                "due": details.get("due") or "—",
                "number": details["version"],
            }
        if "interpreted" in details:
            if details["interpreted"]:
                return gettext("interpretation published")
            return gettext("no interpretation published")
        if "documents" in details:
            return ngettext(
                "%(count)s public document", "%(count)s public documents", details["documents"]
            ) % {"count": details["documents"]}
        return str(details.get("index_number", ""))

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "pk": self.pk,
            "label": self.label,
            "date": self.date.isoformat() if self.date else None,
            "counted": self.counted,
            "details": self.details,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RecordRow:
        return cls(
            kind=str(data.get("kind", "")),
            pk=data.get("pk"),
            label=str(data.get("label", "")),
            date=datetime.date.fromisoformat(data["date"]) if data.get("date") else None,
            counted=bool(data.get("counted")),
            details=dict(data.get("details") or {}),
        )


@dataclass(frozen=True)
class MeasureResult:
    """A figure and what it is made of. ``value`` is None when there was nothing to measure
    (a rate without a single record); ``denominator`` is None for a plain count."""

    value: Decimal | None
    numerator: int
    denominator: int | None
    records: tuple[RecordRow, ...]


MeasureFunction = Callable[[Agency, datetime.date, datetime.date], MeasureResult]
# The same measure for many agencies over one period, by agency id: one or two queries for all
# of them where the single function would run them once an agency (the scorecards of every
# member). It must give exactly what ``function`` gives each agency.
BatchFunction = Callable[[list[Agency], datetime.date, datetime.date], dict[int, MeasureResult]]


@dataclass(frozen=True)
class Measure:
    code: str
    label: str | Promise
    unit: str  # PERCENT or COUNT
    function: MeasureFunction
    description: str | Promise
    batch: BatchFunction | None = None

    def for_agencies(
        self, agencies: list[Agency], start: datetime.date, end: datetime.date
    ) -> dict[int, MeasureResult]:
        """The measure of each of ``agencies`` over ``start``–``end``, by agency id."""
        if self.batch is not None:
            return self.batch(agencies, start, end)
        return {agency.pk: self.function(agency, start, end) for agency in agencies}

    @property
    def unit_sign(self) -> str:
        return "%" if self.unit == PERCENT else ""


def rate(numerator: int, denominator: int) -> Decimal | None:
    """``numerator`` of ``denominator`` as a percentage rounded half-up to hundredths."""
    if not denominator:
        return None
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(
        HUNDREDTH, rounding=ROUND_HALF_UP
    )


def _rate_result(rows: Iterable[RecordRow]) -> MeasureResult:
    records = tuple(rows)
    counted = sum(1 for row in records if row.counted)
    return MeasureResult(rate(counted, len(records)), counted, len(records), records)


def _count_result(rows: Iterable[RecordRow]) -> MeasureResult:
    records = tuple(rows)
    return MeasureResult(Decimal(len(records)), len(records), None, records)


def _iso(day: datetime.date | None) -> str | None:
    return day.isoformat() if day else None


# --------------------------------------------------------------------------- applications


def responsible_for_requests(agency: Agency) -> Q:
    """Applications ``agency`` answers for: it handles them, or was asked and none handles."""
    return Q(handling_agency=agency) | Q(handling_agency__isnull=True, agency=agency)


def requests_due_in(
    agency: Agency | None, start: datetime.date, end: datetime.date, *, responsible: Q | None = None
) -> QuerySet:
    """The applications behind ``request_reply_rate``: replied in the period, or unanswered
    at its end (neither replied nor closed by then) with the due date before it. (``responsible``
    stands for ``agency`` when many agencies' are read at once.)"""
    replied = Q(replied_on__gte=start, replied_on__lte=end)
    unanswered = (
        Q(received_on__lte=end, due_on__lt=end)
        & (Q(replied_on__isnull=True) | Q(replied_on__gt=end))
        & (Q(closed_on__isnull=True) | Q(closed_on__gt=end))
    )
    whose = _whose(agency, responsible, responsible_for_requests)
    return (
        InfoRequest.objects.filter(whose).filter(replied | unanswered).order_by("received_on", "pk")
    )


def _reply_row(
    kind: str, end: datetime.date, pk: int, number: str, received_on, due_on, replied_on
) -> RecordRow:
    replied = replied_on is not None and replied_on <= end
    on_time = replied and (due_on is None or replied_on <= due_on)
    details = {"due": _iso(due_on), "replied": _iso(replied_on) if replied else None}
    return RecordRow(kind, pk, number, received_on, on_time, details)


REPLY_FIELDS = ("pk", "number", "received_on", "due_on", "replied_on")


def request_reply_rate(agency: Agency, start: datetime.date, end: datetime.date) -> MeasureResult:
    return _rate_result(
        _reply_row("request", end, *row)
        for row in requests_due_in(agency, start, end).values_list(*REPLY_FIELDS)
    )


def _whose(agency: Agency | None, responsible: Q | None, condition: Callable[[Agency], Q]) -> Q:
    """``responsible`` when given (many agencies at once), else ``condition`` of ``agency``."""
    if responsible is not None:
        return responsible
    if agency is None:
        raise ValueError("an agency, or the condition on the responsible agencies, is needed")
    return condition(agency)


def _responsible(handling_agency_id: int | None, agency_id: int | None) -> int | None:
    """Who answers for an application or a letter (``responsible_for_requests``)."""
    return handling_agency_id if handling_agency_id is not None else agency_id


def _by_responsible(
    agencies: list[Agency], rows: Iterable[tuple[Any, ...]], make: Callable[..., RecordRow]
) -> dict[int, list[RecordRow]]:
    """Rows ``(handling_agency_id, agency_id, *fields)`` made into records, by the agency that
    answers for them (only ``agencies``)."""
    grouped: dict[int, list[RecordRow]] = {agency.pk: [] for agency in agencies}
    for handling_agency_id, agency_id, *fields in rows:
        responsible = _responsible(handling_agency_id, agency_id)
        if responsible in grouped:
            grouped[responsible].append(make(*fields))
    return grouped


def _responsible_among(agencies: list[Agency]) -> Q:
    pks = [agency.pk for agency in agencies]
    return Q(handling_agency_id__in=pks) | Q(handling_agency__isnull=True, agency_id__in=pks)


def request_reply_rates(
    agencies: list[Agency], start: datetime.date, end: datetime.date
) -> dict[int, MeasureResult]:
    rows = requests_due_in(None, start, end, responsible=_responsible_among(agencies)).values_list(
        "handling_agency_id", "agency_id", *REPLY_FIELDS
    )
    grouped = _by_responsible(agencies, rows, lambda *f: _reply_row("request", end, *f))
    return {pk: _rate_result(records) for pk, records in grouped.items()}


# --------------------------------------------------------------------------- publications


def _late_row(version: Any) -> RecordRow:
    return RecordRow(
        "version",
        version.document_id,
        version.title,
        timezone.localdate(version.published_at),
        True,
        {"due": version.metadata.get("due_date"), "version": version.number},
    )


def late_publications(agency: Agency, start: datetime.date, end: datetime.date) -> MeasureResult:
    return _count_result(
        _late_row(version) for version in late_publication_versions(agency, start, end)
    )


def late_publications_many(
    agencies: list[Agency], start: datetime.date, end: datetime.date
) -> dict[int, MeasureResult]:
    grouped: dict[int, list[RecordRow]] = {agency.pk: [] for agency in agencies}
    for version in late_publications_of(agencies, start, end):
        grouped[version.document.agency_id].append(_late_row(version))
    return {pk: _count_result(records) for pk, records in grouped.items()}


def policies_needing_interpretation(
    agency: Agency | None,
    start: datetime.date,
    end: datetime.date,
    *,
    agencies: list[Agency] | None = None,
) -> QuerySet[Document]:
    """The agency's published policies marked as needing an interpretation, first published
    in the period, each annotated ``interpreted``: a published interpretation of it had come
    out by the end of the period."""
    interpretations = Document.objects.filter(
        kind=Document.Kind.INTERPRETATION,
        state=Document.State.PUBLISHED,
        published_at__date__lte=end,
        interprets=OuterRef("pk"),
    )
    whose = Q(agency__in=agencies) if agencies is not None else Q(agency=agency)
    return (
        Document.objects.filter(
            whose,
            state=Document.State.PUBLISHED,
            needs_interpretation=True,
            published_at__date__gte=start,
            published_at__date__lte=end,
        )
        .annotate(interpreted=Exists(interpretations))
        .order_by("published_at", "pk")
    )


def _policy_row(policy: Document) -> RecordRow:
    return RecordRow(
        "document",
        policy.pk,
        policy.title,
        timezone.localdate(policy.published_at) if policy.published_at else None,
        policy.interpreted,  # type: ignore[attr-defined]
        {"interpreted": policy.interpreted},  # type: ignore[attr-defined]
    )


def interpretation_coverage(
    agency: Agency, start: datetime.date, end: datetime.date
) -> MeasureResult:
    return _rate_result(
        _policy_row(policy) for policy in policies_needing_interpretation(agency, start, end)
    )


def interpretation_coverages(
    agencies: list[Agency], start: datetime.date, end: datetime.date
) -> dict[int, MeasureResult]:
    grouped: dict[int, list[RecordRow]] = {agency.pk: [] for agency in agencies}
    for policy in policies_needing_interpretation(None, start, end, agencies=agencies):
        grouped[policy.agency_id].append(_policy_row(policy))
    return {pk: _rate_result(records) for pk, records in grouped.items()}


def statutory_coverage(agency: Agency, start: datetime.date, end: datetime.date) -> MeasureResult:
    return statutory_coverages([agency], start, end)[agency.pk]


def statutory_coverages(
    agencies: list[Agency], start: datetime.date, end: datetime.date
) -> dict[int, MeasureResult]:
    counts: dict[int, dict[int, int]] = {agency.pk: {} for agency in agencies}
    for row in (
        public_document_rows()
        .filter(agency__in=agencies, statutory_item__isnull=False, published_at__date__lte=end)
        .order_by()
        .values("agency_id", "statutory_item_id")
        .annotate(count=Count("pk"))
    ):
        counts[row["agency_id"]][row["statutory_item_id"]] = row["count"]
    items = _reg20_items()
    return {pk: _statutory_result(items, agency_counts) for pk, agency_counts in counts.items()}


def _reg20_items() -> list[StatutoryItem]:
    """REG 20's items for every agency: read once a request (a scorecard measures each
    indicator of the agency on one page)."""
    memo = request_memo.get()
    if memo is not None and "assessment.reg20_items" in memo:
        return memo["assessment.reg20_items"]
    items = list(
        StatutoryItem.objects.filter(article=20, scope=StatutoryItem.Scope.ALL).order_by(
            "sort_order", "number"
        )
    )
    if memo is not None:
        memo["assessment.reg20_items"] = items
    return items


def _statutory_result(items: list[StatutoryItem], counts: dict[int, int]) -> MeasureResult:
    rows = [
        RecordRow(
            "statutory_item",
            item.pk,
            item.name,
            None,
            counts.get(item.pk, 0) > 0,
            {"documents": counts.get(item.pk, 0)},
        )
        for item in items
    ]
    return _rate_result(rows)


def documents_published(agency: Agency, start: datetime.date, end: datetime.date) -> MeasureResult:
    return documents_published_many([agency], start, end)[agency.pk]


def documents_published_many(
    agencies: list[Agency], start: datetime.date, end: datetime.date
) -> dict[int, MeasureResult]:
    documents = (
        public_document_rows()
        .filter(agency__in=agencies, published_at__date__gte=start, published_at__date__lte=end)
        .order_by("published_at", "pk")
        .values_list("agency_id", "pk", "title", "published_at", "index_number")
    )
    grouped: dict[int, list[RecordRow]] = {agency.pk: [] for agency in agencies}
    for agency_id, pk, title, published_at, index_number in documents:
        grouped[agency_id].append(
            RecordRow(
                "document",
                pk,
                title,
                timezone.localdate(published_at),
                True,
                {"index_number": index_number or ""},
            )
        )
    return {pk: _count_result(records) for pk, records in grouped.items()}


# --------------------------------------------------------------------------- letters


def responsible_for_letters(agency: Agency) -> Q:
    """Letters ``agency`` answers for: it handles them, or was addressed and none handles."""
    return Q(handling_agency=agency) | Q(handling_agency__isnull=True, agency=agency)


def letters_due_in(
    agency: Agency | None, start: datetime.date, end: datetime.date, *, responsible: Q | None = None
) -> QuerySet[Letter]:
    """The letters behind ``letter_reply_rate``: replied in the period, or accepted and
    unanswered at its end (neither replied nor closed by then) with the due date before it."""
    replied = Q(replied_on__gte=start, replied_on__lte=end)
    unanswered = (
        Q(accepted_on__lte=end, due_on__lt=end)
        & (Q(replied_on__isnull=True) | Q(replied_on__gt=end))
        & (Q(closed_on__isnull=True) | Q(closed_on__gt=end))
    )
    whose = _whose(agency, responsible, responsible_for_letters)
    return (
        Letter.objects.filter(whose)
        .exclude(state=Letter.State.REJECTED)
        .filter(replied | unanswered)
        .order_by("received_on", "pk")
    )


def letter_reply_rate(agency: Agency, start: datetime.date, end: datetime.date) -> MeasureResult:
    return _rate_result(
        _reply_row("letter", end, *row)
        for row in letters_due_in(agency, start, end).values_list(*REPLY_FIELDS)
    )


def letter_reply_rates(
    agencies: list[Agency], start: datetime.date, end: datetime.date
) -> dict[int, MeasureResult]:
    rows = letters_due_in(None, start, end, responsible=_responsible_among(agencies)).values_list(
        "handling_agency_id", "agency_id", *REPLY_FIELDS
    )
    grouped = _by_responsible(agencies, rows, lambda *f: _reply_row("letter", end, *f))
    return {pk: _rate_result(records) for pk, records in grouped.items()}


SATISFIED = (Letter.Rating.SATISFIED, Letter.Rating.FAIRLY_SATISFIED)


def rated_letters(
    agency: Agency | None, start: datetime.date, end: datetime.date, *, responsible: Q | None = None
) -> QuerySet[Letter]:
    """The letters behind ``letter_satisfaction``: replied in the period and rated."""
    whose = _whose(agency, responsible, responsible_for_letters)
    return (
        Letter.objects.filter(whose)
        .filter(replied_on__gte=start, replied_on__lte=end)
        .exclude(rating="")
        .order_by("received_on", "pk")
    )


def _rated_row(pk: int, number: str, replied_on: datetime.date, rating: str) -> RecordRow:
    return RecordRow("letter", pk, number, replied_on, rating in SATISFIED, {"rating": rating})


RATED_FIELDS = ("pk", "number", "replied_on", "rating")


def letter_satisfaction(agency: Agency, start: datetime.date, end: datetime.date) -> MeasureResult:
    return _rate_result(
        _rated_row(*row) for row in rated_letters(agency, start, end).values_list(*RATED_FIELDS)
    )


def letter_satisfactions(
    agencies: list[Agency], start: datetime.date, end: datetime.date
) -> dict[int, MeasureResult]:
    rows = rated_letters(None, start, end, responsible=_responsible_among(agencies)).values_list(
        "handling_agency_id", "agency_id", *RATED_FIELDS
    )
    grouped = _by_responsible(agencies, rows, _rated_row)
    return {pk: _rate_result(records) for pk, records in grouped.items()}


# --------------------------------------------------------------------------- registry

MEASURES: dict[str, Measure] = {
    measure.code: measure
    for measure in (
        Measure(
            "statutory_coverage",
            _("REG 20 statutory items covered"),
            PERCENT,
            statutory_coverage,
            _(
                "The share of REG 20's fifteen statutory items under which the agency has a "
                "public document published by the end of the period."
            ),
            batch=statutory_coverages,
        ),
        Measure(
            "documents_published",
            _("documents published"),
            COUNT,
            documents_published,
            _("The agency's public documents first published in the period."),
            batch=documents_published_many,
        ),
        Measure(
            "late_publications",
            _("late publications (REG 26)"),
            COUNT,
            late_publications,
            _(
                "Versions published in the period after the 20-working-day limit from "
                "formation or change, as recorded when each was published."
            ),
            batch=late_publications_many,
        ),
        Measure(
            "interpretation_coverage",
            _("policies interpreted"),
            PERCENT,
            interpretation_coverage,
            _(
                "The share of the policies first published in the period that need an "
                "interpretation and had a published one by the end of the period."
            ),
            batch=interpretation_coverages,
        ),
        Measure(
            "request_reply_rate",
            _("applications replied on time"),
            PERCENT,
            request_reply_rate,
            _(
                "The share of applications replied in the period, or unanswered past their "
                "due date at its end, that were replied by the due date."
            ),
            batch=request_reply_rates,
        ),
        Measure(
            "letter_reply_rate",
            _("letters replied on time"),
            PERCENT,
            letter_reply_rate,
            _(
                "The share of letters replied in the period, or unanswered past their due date "
                "at its end, that were replied by the due date."
            ),
            batch=letter_reply_rates,
        ),
        Measure(
            "letter_satisfaction",
            _("letter writers satisfied"),
            PERCENT,
            letter_satisfaction,
            _(
                "The share of the replies of the period rated by their writers that were rated "
                "satisfied or fairly satisfied."
            ),
            batch=letter_satisfactions,
        ),
    )
}


def measure_choices() -> list[tuple[str, str | Promise]]:
    return [(measure.code, measure.label) for measure in MEASURES.values()]


def measure(code: str) -> Measure | None:
    return MEASURES.get(code)
