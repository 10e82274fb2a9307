"""The demonstration tables: every month of 2014 and of January 2025 to October 2026
published through the services, one month corrected, the figures those of the demonstration
records, and a second load that changes nothing."""

from __future__ import annotations

import pytest
from django.db.models import Sum

from gongkai.interaction.letters.models import Letter
from gongkai.supervision.monthly import demo
from gongkai.supervision.monthly.models import (
    HealthCheck,
    MonthlyFigure,
    MonthlyPublication,
)
from tests.demo.conftest import assert_unchanged
from tests.supervision.monthly.conftest import D

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(district):
    """The demonstration, loaded once for the package (``tests/demo/conftest.py``)."""
    return district.output


def test_every_month_is_published_in_order(loaded):
    months = sorted(
        MonthlyPublication.objects.filter(version=1).values_list("year", "month", "state")
    )

    assert [(y, m) for y, m, _s in months] == [(2014, m) for m in range(1, 13)] + [
        (2025, m) for m in range(1, 13)
    ] + [(2026, m) for m in range(1, 11)]
    assert {state for _y, _m, state in months} == {"published"}
    for publication in MonthlyPublication.objects.all():
        assert publication.published_at.date() > D(publication.year, publication.month, 28)
        assert publication.events.filter(code="published").count() == 1
    assert "34 months published, one of them corrected" in loaded


def test_june_2025_is_corrected_and_its_first_version_kept(loaded):
    first, second = MonthlyPublication.objects.filter(year=2025, month=6).order_by("version")
    late = Letter.objects.get(subject=demo.LATE_SUBJECT)

    assert (first.version, first.state, second.version, second.state) == (
        1,
        "published",
        2,
        "published",
    )
    assert second.published_at > first.published_at
    assert "更正为" in second.correction_note
    assert late.received_on == D(2025, 6, 27) and late.state == "closed"
    assert (
        late.pk
        not in first.figures.get(agency=late.handling_agency, key="letters_received").record_ids
    )
    assert (
        late.pk
        in second.figures.get(agency=late.handling_agency, key="letters_received").record_ids
    )


def test_the_2014_figures_are_the_letters_of_the_seed(loaded):
    """376 letters in 2014, 6 of them not accepted: 370 received, all replied on time."""
    figures = MonthlyFigure.objects.filter(publication__year=2014)
    total = dict(figures.values("key").annotate(n=Sum("value")).values_list("key", "n"))

    assert total["letters_received"] == 370
    received = Letter.objects.filter(received_on__year=2014).exclude(state="rejected")
    assert total["letters_received"] == received.count()
    assert total["letters_replied"] == total["letters_on_time"]


def test_the_site_was_checked_today(loaded):
    from django.utils import timezone

    assert HealthCheck.objects.filter(checked_on=timezone.localdate()).exists()


def test_a_second_load_changes_nothing(loaded, reloaded):
    assert_unchanged(reloaded, "supervision")
    assert "none loaded" in reloaded.output
