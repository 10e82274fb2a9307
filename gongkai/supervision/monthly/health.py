"""The site-health watch (REGULATION.md §5): what the government-website inspection would find
today, computed from the catalogue's public documents and the letters, read-only.

Watched, each judged against :class:`~.models.HealthSettings` (defaults in brackets):

* **the home page** — the newest public document in the columns shown on it (all columns when
  none is marked) [updated at least every 14 days];
* **every column (栏目) of the portal**, with the columns below it — news and press columns
  [14 days], notice, policy and interpretation columns [6 months], the others only for being
  empty; a column that never had a public document or list record is **empty**;
* **every member agency**: its disclosure column (政府信息公开) as a whole [6 months, empty when
  it never published anything], and its part of each news, notice, policy or interpretation
  column it has published in [as the column];
* **letters** (留言办理), the site's and each agency's (the handling agency, or the one
  addressed): a letter not refused that is still unanswered more than 3 months after it was
  received, or that was answered later than that and received within the past year, fails;
  an unanswered letter nearing its 3 months is a warning.

A limit is passed when today is after the **deadline** — the last update plus the limit (a
letter's receipt plus 3 months) — and is **near** from ``warn_working_days`` working days before
the deadline (the day the warning starts is counted on the official calendar).
"""

from __future__ import annotations

import calendar
import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Max
from django.utils import timezone

from gongkai.agencies.selectors import members_on
from gongkai.catalogue.models import Column, Document, ListRecord
from gongkai.catalogue.selectors.public import public_document_rows
from gongkai.core.workdays import CalendarNotCovered, add_working_days
from gongkai.interaction.letters.models import Letter
from gongkai.supervision.monthly.models import HealthCheck, HealthSettings

Subject = HealthCheck.Subject
State = HealthCheck.State

DAYS = "days"
MONTHS = "months"

# Which columns have a time limit, and which: the inspection's news and notice/policy columns.
DAY_KINDS = frozenset({Column.Kind.NEWS, Column.Kind.PRESS})
MONTH_KINDS = frozenset({Column.Kind.NOTICES, Column.Kind.POLICY, Column.Kind.INTERPRETATION})
TIMED_KINDS = DAY_KINDS | MONTH_KINDS
# Letters still waiting for an answer (received, accepted, being handled or in review).
UNANSWERED = (
    Letter.State.RECEIVED,
    Letter.State.ACCEPTED,
    Letter.State.HANDLING,
    Letter.State.REVIEW,
)


def health_settings() -> HealthSettings:
    """The saved settings, or the defaults (not saved)."""
    return HealthSettings.objects.order_by("pk").first() or HealthSettings()


@dataclass(frozen=True)
class Rule:
    unit: str  # DAYS or MONTHS
    amount: int

    def deadline(self, since: datetime.date) -> datetime.date:
        if self.unit == DAYS:
            return since + datetime.timedelta(days=self.amount)
        return add_months(since, self.amount)


@dataclass(frozen=True)
class Finding:
    """What the watch found for one thing today (a :class:`HealthCheck` row to be)."""

    scope_key: str
    subject: str
    state: str
    agency_id: int | None = None
    column_id: int | None = None
    last_update: datetime.date | None = None
    deadline: datetime.date | None = None
    warn_from: datetime.date | None = None
    record_ids: tuple[int, ...] = ()
    detail: dict[str, Any] = field(default_factory=dict)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later, or the month's last day when it is shorter."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def warning_start(deadline: datetime.date, working_days: int) -> datetime.date:
    """The day the warning starts: ``working_days`` working days before the deadline.

    Where the calendar does not cover the dates yet, twice as many calendar days before it:
    early rather than late, and never a guess from weekends.
    """
    if working_days <= 0:
        return deadline
    try:
        return add_working_days(deadline, -working_days)
    except CalendarNotCovered:
        return deadline - datetime.timedelta(days=2 * working_days)


def judge(
    last_update: datetime.date | None,
    rule: Rule | None,
    *,
    today: datetime.date,
    warn_days: int,
) -> tuple[str, datetime.date | None, datetime.date | None]:
    """(state, deadline, warning start) of something last updated on ``last_update``."""
    if last_update is None:
        return State.EMPTY, None, None
    if rule is None:
        return State.OK, None, None
    deadline = rule.deadline(last_update)
    warn_from = warning_start(deadline, warn_days)
    if today > deadline:
        return State.OVERDUE, deadline, warn_from
    if today >= warn_from:
        return State.WARNING, deadline, warn_from
    return State.OK, deadline, warn_from


def rule_for(kind: str, settings: HealthSettings) -> Rule | None:
    if kind in DAY_KINDS:
        return Rule(DAYS, settings.news_days)
    if kind in MONTH_KINDS:
        return Rule(MONTHS, settings.notice_months)
    return None


def _rule_detail(rule: Rule | None) -> dict[str, Any]:
    return {"unit": rule.unit, "limit": rule.amount} if rule is not None else {}


def _later(a: datetime.date | None, b: datetime.date | None) -> datetime.date | None:
    if a is None:
        return b
    if b is None:
        return a
    return max(a, b)


class _Updates:
    """The last public update of every column, agency and (agency, column), as of today."""

    def __init__(self, today: datetime.date) -> None:
        zone = timezone.get_current_timezone()
        before = datetime.datetime.combine(
            today + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
        )
        public = public_document_rows().filter(published_at__lt=before)
        through = Document.columns.through.objects.filter(document__in=public)
        self.by_column: dict[int, datetime.date] = {}
        self.by_agency_column: dict[tuple[int, int], datetime.date] = {}
        self.by_agency: dict[int, datetime.date] = {}
        for row in through.values("column_id", "document__agency_id").annotate(
            last=Max("document__published_at")
        ):
            self._add(row["column_id"], row["document__agency_id"], row["last"])
        records = ListRecord.objects.filter(
            state=ListRecord.State.PUBLISHED,
            record_type__column__isnull=False,
            published_at__lt=before,
        )
        for record in records.values("record_type__column_id", "agency_id").annotate(
            last=Max("published_at")
        ):
            self._add(record["record_type__column_id"], record["agency_id"], record["last"])
        for agency in public.values("agency_id").annotate(last=Max("published_at")):
            day = timezone.localdate(agency["last"])
            self.by_agency[agency["agency_id"]] = max(
                self.by_agency.get(agency["agency_id"], day), day
            )
        self.any = max(self.by_agency.values(), default=None)

    def _add(self, column_id: int, agency_id: int, last: datetime.datetime) -> None:
        day = timezone.localdate(last)
        self.by_column[column_id] = max(self.by_column.get(column_id, day), day)
        key = (agency_id, column_id)
        self.by_agency_column[key] = max(self.by_agency_column.get(key, day), day)


def _subtrees(columns: list[Column]) -> dict[int, list[int]]:
    children: dict[int | None, list[int]] = defaultdict(list)
    for column in columns:
        children[column.parent_id].append(column.pk)
    trees: dict[int, list[int]] = {}
    for column in columns:
        ids, todo = [], [column.pk]
        while todo:
            current = todo.pop()
            if current in ids:
                continue
            ids.append(current)
            todo.extend(children.get(current, []))
        trees[column.pk] = ids
    return trees


def _column_findings(
    today: datetime.date, settings: HealthSettings, updates: _Updates, columns: list[Column]
) -> list[Finding]:
    warn = settings.warn_working_days
    trees = _subtrees(columns)
    findings = []

    def last_of(column_ids: Iterable[int]) -> datetime.date | None:
        last = None
        for pk in column_ids:
            last = _later(last, updates.by_column.get(pk))
        return last

    home_columns = [c.pk for c in columns if c.on_home_page]
    home_last = (
        last_of(pk for column in home_columns for pk in trees[column])
        if home_columns
        else updates.any
    )
    home_rule = Rule(DAYS, settings.news_days)
    state, deadline, warn_from = judge(home_last, home_rule, today=today, warn_days=warn)
    findings.append(
        Finding(
            "site:home",
            Subject.HOME,
            state,
            last_update=home_last,
            deadline=deadline,
            warn_from=warn_from,
            detail=_rule_detail(home_rule),
        )
    )
    for column in columns:
        rule = rule_for(column.kind, settings)
        last = last_of(trees[column.pk])
        state, deadline, warn_from = judge(last, rule, today=today, warn_days=warn)
        findings.append(
            Finding(
                f"site:column:{column.pk}",
                Subject.COLUMN,
                state,
                column_id=column.pk,
                last_update=last,
                deadline=deadline,
                warn_from=warn_from,
                detail=_rule_detail(rule),
            )
        )
    return findings


def _agency_findings(
    today: datetime.date,
    settings: HealthSettings,
    updates: _Updates,
    columns: list[Column],
    agency_ids: list[int],
) -> list[Finding]:
    warn = settings.warn_working_days
    timed = {c.pk: c for c in columns if c.kind in TIMED_KINDS}
    disclosure_rule = Rule(MONTHS, settings.notice_months)
    used: dict[int, list[int]] = defaultdict(list)
    for agency_id, column_id in updates.by_agency_column:
        if column_id in timed:
            used[agency_id].append(column_id)
    findings = []
    for agency_id in agency_ids:
        last = updates.by_agency.get(agency_id)
        state, deadline, warn_from = judge(last, disclosure_rule, today=today, warn_days=warn)
        findings.append(
            Finding(
                f"agency:{agency_id}:disclosure",
                Subject.DISCLOSURE,
                state,
                agency_id=agency_id,
                last_update=last,
                deadline=deadline,
                warn_from=warn_from,
                detail=_rule_detail(disclosure_rule),
            )
        )
        for column_id in sorted(used.get(agency_id, []), key=lambda pk: columns.index(timed[pk])):
            rule = rule_for(timed[column_id].kind, settings)
            last = updates.by_agency_column[(agency_id, column_id)]
            state, deadline, warn_from = judge(last, rule, today=today, warn_days=warn)
            findings.append(
                Finding(
                    f"agency:{agency_id}:column:{column_id}",
                    Subject.COLUMN,
                    state,
                    agency_id=agency_id,
                    column_id=column_id,
                    last_update=last,
                    deadline=deadline,
                    warn_from=warn_from,
                    detail=_rule_detail(rule),
                )
            )
    return findings


@dataclass
class _LetterTally:
    overdue: list[tuple[int, datetime.date]] = field(default_factory=list)  # (id, deadline)
    replied_late: list[tuple[int, datetime.date]] = field(default_factory=list)
    near: list[tuple[int, datetime.date, datetime.date]] = field(default_factory=list)

    def finding(self, scope_key: str, agency_id: int | None, months: int) -> Finding:
        detail = {
            "limit": months,
            "unit": MONTHS,
            "unanswered": len(self.overdue),
            "answered_late": len(self.replied_late),
            "near": len(self.near),
        }
        if self.overdue or self.replied_late:
            passed = [deadline for _pk, deadline in self.overdue + self.replied_late]
            ids = [pk for pk, _d in self.overdue + self.replied_late]
            return Finding(
                scope_key,
                Subject.LETTERS,
                State.OVERDUE,
                agency_id=agency_id,
                deadline=min(passed),
                record_ids=tuple(sorted(ids)),
                detail=detail,
            )
        if self.near:
            first = min(self.near, key=lambda row: row[1])
            return Finding(
                scope_key,
                Subject.LETTERS,
                State.WARNING,
                agency_id=agency_id,
                deadline=first[1],
                warn_from=first[2],
                record_ids=tuple(sorted(pk for pk, _d, _w in self.near)),
                detail=detail,
            )
        return Finding(scope_key, Subject.LETTERS, State.OK, agency_id=agency_id, detail=detail)


def _letter_findings(
    today: datetime.date, settings: HealthSettings, agency_ids: list[int]
) -> list[Finding]:
    months = settings.letter_months
    warn = settings.warn_working_days
    year_ago = add_months(today, -12)
    site = _LetterTally()
    by_agency: dict[int, _LetterTally] = defaultdict(_LetterTally)
    rows = Letter.objects.exclude(state=Letter.State.REJECTED).filter(received_on__lte=today)
    unanswered = rows.filter(state__in=UNANSWERED)
    answered = rows.filter(received_on__gte=year_ago, replied_on__isnull=False).exclude(
        state__in=UNANSWERED
    )
    fields = ("pk", "received_on", "replied_on", "handling_agency_id", "agency_id")
    for queryset, is_open in ((unanswered, True), (answered, False)):
        for pk, received, replied, handling_id, addressed_id in queryset.values_list(*fields):
            deadline = add_months(received, months)
            tallies = [site]
            owner = handling_id or addressed_id
            if owner is not None:
                tallies.append(by_agency[owner])
            if is_open and today > deadline:
                for tally in tallies:
                    tally.overdue.append((pk, deadline))
            elif is_open:
                warn_from = warning_start(deadline, warn)
                if today >= warn_from:
                    for tally in tallies:
                        tally.near.append((pk, deadline, warn_from))
            elif replied is not None and replied > deadline:
                for tally in tallies:
                    tally.replied_late.append((pk, deadline))
    findings = [site.finding("site:letters", None, months)]
    findings += [by_agency[pk].finding(f"agency:{pk}:letters", pk, months) for pk in agency_ids]
    return findings


def evaluate(today: datetime.date | None = None) -> list[Finding]:
    """Everything the watch looks at, judged as of ``today``: the site's home page, columns
    and letters, then each member agency's disclosure column, columns and letters."""
    today = today or timezone.localdate()
    settings = health_settings()
    columns = list(Column.objects.order_by("sort_order", "id"))
    agency_ids = list(members_on(today).order_by("sort_order", "id").values_list("pk", flat=True))
    updates = _Updates(today)
    findings = _column_findings(today, settings, updates, columns)
    findings += _agency_findings(today, settings, updates, columns, agency_ids)
    findings += _letter_findings(today, settings, agency_ids)
    return findings
