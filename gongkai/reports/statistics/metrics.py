"""The metrics the platform computes for statistics forms: key → label and count function.

A metric counts records of another app over a period, through that app's selectors (the
reports app never reads another app's models). Each selector answers, in one aggregate query,
``(agency id, first day of month) -> count`` for many agencies at once; :meth:`Metric.value`
sums it for one agency and :meth:`Metric.values` for many. A form field names a metric by its
key in ``source``; an unknown key is refused when a definition is validated.

What each metric counts (local days, both ends included):

* ``documents_published``: documents and news items first published in the period, 主动公开;
* ``interpretations_published``: policy interpretations first published in the period;
* ``normative_registered``: normative documents entered in the register in the period;
* ``requests_received`` / ``requests_answered``: applications received (legal receipt date) /
  replied (reply date) in the period, for the agency asked; ``requests_overdue``: those whose
  reply limit passed in the period;
* ``letters_received`` (not refused) / ``letters_replied`` / ``letters_overdue``: letters, for
  the handling agency or else the agency addressed;
* ``consultations_published``: public consultations on drafts (建议征集) opened in the period.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from gongkai.catalogue.selectors import statistics as catalogue_statistics
from gongkai.info_requests import selectors as request_selectors
from gongkai.interaction.consultations import selectors as consultation_selectors
from gongkai.interaction.letters import selectors as letter_selectors

MonthlyCounts = dict[tuple[int, datetime.date], int]
Counter = Callable[..., MonthlyCounts]


@dataclass(frozen=True)
class Metric:
    key: str
    label: str | Promise
    counts: Counter  # (start, end, *, agency_ids) -> MonthlyCounts

    def values(
        self, agency_ids: Iterable[int], start: datetime.date, end: datetime.date
    ) -> dict[int, int]:
        """The metric of each agency over [start, end]: one query for them all."""
        ids = list(agency_ids)
        totals = dict.fromkeys(ids, 0)
        for (agency_id, _month), count in self.counts(start, end, agency_ids=ids).items():
            if agency_id in totals:
                totals[agency_id] += count
        return totals

    def value(self, agency_id: int, start: datetime.date, end: datetime.date) -> int:
        return self.values([agency_id], start, end)[agency_id]


_REGISTRY: dict[str, Metric] = {}


def register_metric(key: str, label: str | Promise, counts: Counter) -> Metric:
    """Add (or replace) a metric; returns it."""
    metric = Metric(key=key, label=label, counts=counts)
    _REGISTRY[key] = metric
    return metric


def metric(key: str) -> Metric | None:
    return _REGISTRY.get(key)


def metrics() -> list[Metric]:
    return list(_REGISTRY.values())


register_metric(
    "documents_published",
    _("documents published"),
    catalogue_statistics.documents_published_counts,
)
register_metric(
    "interpretations_published",
    _("interpretations published"),
    catalogue_statistics.interpretations_published_counts,
)
register_metric(
    "normative_registered",
    _("normative documents registered"),
    catalogue_statistics.normative_registered_counts,
)
register_metric(
    "requests_received", _("applications received"), request_selectors.requests_received_counts
)
register_metric(
    "requests_answered", _("applications answered"), request_selectors.requests_answered_counts
)
register_metric(
    "requests_overdue", _("applications overdue"), request_selectors.requests_overdue_counts
)
register_metric("letters_received", _("letters received"), letter_selectors.letters_received_counts)
register_metric("letters_replied", _("letters replied"), letter_selectors.letters_replied_counts)
register_metric("letters_overdue", _("letters overdue"), letter_selectors.letters_overdue_counts)
register_metric(
    "consultations_published",
    _("public consultations opened"),
    consultation_selectors.consultations_published_counts,
)
