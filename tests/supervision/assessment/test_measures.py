"""Each measure on records made for the purpose: the figure it gives, and that it equals a count
recomputed directly from the records with plain ORM filters. The records behind a figure carry
numbers, titles and dates only — never an applicant's or a writer's personal data."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db.models import F, Q

from gongkai.catalogue.models import Document, DocumentVersion
from gongkai.info_requests.models import InfoRequest
from gongkai.interaction.letters.models import Letter
from gongkai.supervision.assessment import measures
from gongkai.supervision.assessment.measures import MEASURES
from tests.supervision.assessment.conftest import (
    APPLICANT,
    APPLICANT_PHONE,
    WRITER,
    WRITER_PHONE,
    document,
    info_request,
    letter,
    reg20_items,
)

pytestmark = pytest.mark.django_db

D = datetime.date
START, END = D(2025, 1, 1), D(2025, 12, 31)


def no_personal_data(result) -> None:
    text = repr(result.records)
    for secret in (APPLICANT, APPLICANT_PHONE, WRITER, WRITER_PHONE):
        assert secret not in text


def test_the_registry_names_every_measure_with_a_unit_and_a_description():
    assert set(MEASURES) == {
        "statutory_coverage",
        "documents_published",
        "late_publications",
        "interpretation_coverage",
        "request_reply_rate",
        "letter_reply_rate",
        "letter_satisfaction",
    }
    for measure in MEASURES.values():
        assert measure.unit in (measures.PERCENT, measures.COUNT)
        assert str(measure.description)


def test_request_reply_rate(agency, other_agency):
    on_time = info_request(
        agency, received=D(2025, 3, 2), due=D(2025, 3, 30), replied=D(2025, 3, 30)
    )
    late = info_request(agency, received=D(2025, 5, 6), due=D(2025, 6, 3), replied=D(2025, 6, 4))
    # Asked of the agency, never assigned (the agency answers for it): replied on time.
    unassigned = info_request(
        agency, received=D(2025, 7, 1), due=D(2025, 7, 29), replied=D(2025, 7, 8)
    )
    # Handled by the agency although asked of another: counts for the agency.
    handled = info_request(
        other_agency, handling=agency, received=D(2025, 8, 1), due=D(2025, 8, 29),
        replied=D(2025, 8, 20),
    )  # fmt: skip
    # Unanswered at the end of the period, past its due date: counts as late.
    overdue = info_request(agency, received=D(2025, 11, 20), due=D(2025, 12, 18))
    # Not counted: replied before or after the period, still within its time, another agency's,
    # asked of the agency but handled by another, closed without reply before the period ends.
    info_request(agency, received=D(2024, 12, 1), due=D(2024, 12, 29), replied=D(2024, 12, 20))
    info_request(agency, received=D(2025, 12, 20), due=D(2026, 1, 19), replied=D(2026, 1, 10))
    info_request(agency, received=D(2025, 12, 22), due=D(2026, 1, 21))
    info_request(other_agency, received=D(2025, 4, 1), due=D(2025, 4, 29), replied=D(2025, 4, 2))
    info_request(agency, handling=other_agency, received=D(2025, 4, 1), due=D(2025, 4, 29),
                 replied=D(2025, 4, 2))  # fmt: skip
    info_request(agency, received=D(2025, 9, 1), due=D(2025, 9, 29), closed=D(2025, 9, 20),
                 state=InfoRequest.State.CLOSED)  # fmt: skip

    result = measures.request_reply_rate(agency, START, END)

    assert (result.numerator, result.denominator, result.value) == (3, 5, Decimal("60.00"))
    assert [row.pk for row in result.records] == [
        on_time.pk, late.pk, unassigned.pk, handled.pk, overdue.pk
    ]  # fmt: skip
    assert result.records[0].label == on_time.number
    # The same counts with plain ORM filters.
    mine = InfoRequest.objects.filter(
        Q(handling_agency=agency) | Q(handling_agency__isnull=True, agency=agency)
    )
    replied = mine.filter(replied_on__range=(START, END))
    unanswered = mine.filter(due_on__lt=END, received_on__lte=END, replied_on__isnull=True,
                             closed_on__isnull=True)  # fmt: skip
    assert result.denominator == replied.count() + unanswered.count()
    assert result.numerator == replied.filter(replied_on__lte=F("due_on")).count()
    no_personal_data(result)


def test_request_reply_rate_without_applications_is_none(agency):
    result = measures.request_reply_rate(agency, START, END)
    assert (result.value, result.numerator, result.denominator, result.records) == (None, 0, 0, ())


def test_late_publications_count_versions_recorded_late_in_the_period(agency, other_agency):
    late_one = document(agency, published=D(2025, 2, 3), late=True)
    document(agency, published=D(2025, 2, 4), late=False)
    document(agency, published=D(2025, 2, 5))  # lateness not recorded (an import): not late
    document(agency, published=D(2024, 12, 31), late=True)  # before the period
    document(other_agency, published=D(2025, 3, 3), late=True)
    late_two = document(agency, published=D(2025, 12, 31), late=True)

    result = measures.late_publications(agency, START, END)

    assert (result.value, result.numerator, result.denominator) == (Decimal(2), 2, None)
    assert [row.pk for row in result.records] == [late_one.pk, late_two.pk]
    recount = DocumentVersion.objects.filter(
        document__agency=agency, published_at__date__range=(START, END), metadata__late=True
    ).count()
    assert result.numerator == recount


def test_interpretation_coverage(agency, other_agency):
    covered = document(agency, published=D(2025, 3, 3), needs_interpretation=True)
    document(other_agency, published=D(2025, 3, 4), kind="interpretation", interprets=[covered])
    uncovered = document(agency, published=D(2025, 4, 1), needs_interpretation=True)
    late_cover = document(agency, published=D(2025, 12, 1), needs_interpretation=True)
    # Its interpretation came out after the period: not covered by its end.
    document(agency, published=D(2026, 1, 5), kind="interpretation", interprets=[late_cover])
    # A draft interpretation does not count.
    document(agency, published=None, kind="interpretation", interprets=[uncovered])
    document(agency, published=D(2025, 5, 1))  # needs none
    document(agency, published=D(2024, 5, 1), needs_interpretation=True)  # before the period

    result = measures.interpretation_coverage(agency, START, END)

    assert (result.numerator, result.denominator, result.value) == (1, 3, Decimal("33.33"))
    assert [(row.pk, row.counted) for row in result.records] == [
        (covered.pk, True), (uncovered.pk, False), (late_cover.pk, False)
    ]  # fmt: skip
    policies = Document.objects.filter(
        agency=agency, state="published", needs_interpretation=True,
        published_at__date__range=(START, END),
    )  # fmt: skip
    interpreted = policies.filter(
        interpretations__state="published",
        interpretations__kind="interpretation",
        interpretations__published_at__date__lte=END,
    ).distinct()
    assert (result.numerator, result.denominator) == (interpreted.count(), policies.count())


def test_statutory_coverage_counts_items_with_a_public_document_by_the_end(agency, other_agency):
    items = reg20_items()
    assert len(items) == 15
    document(agency, published=D(2014, 5, 1), item=items[0])  # long before: still counts
    document(agency, published=D(2025, 5, 1), item=items[0])
    document(agency, published=D(2025, 6, 1), item=items[3])
    document(agency, published=D(2026, 1, 2), item=items[4])  # after the period
    document(agency, published=None, item=items[5])  # a draft
    document(agency, published=D(2025, 6, 1), item=items[6], manner="withheld")  # not public
    document(other_agency, published=D(2025, 6, 1), item=items[7])

    result = measures.statutory_coverage(agency, START, END)

    assert (result.numerator, result.denominator, result.value) == (2, 15, Decimal("13.33"))
    assert [row.label for row in result.records if row.counted] == [items[0].name, items[3].name]
    recount = (
        Document.objects.filter(
            agency=agency, state="published", manner="proactive", versions__isnull=False,
            statutory_item__article=20, published_at__date__lte=END,
        )
        .values("statutory_item").distinct().count()
    )  # fmt: skip
    assert result.numerator == recount


def test_documents_published_counts_public_documents_first_published_in_the_period(agency):
    document(agency, published=D(2025, 1, 1))
    document(agency, published=D(2025, 12, 31))
    document(agency, published=D(2024, 12, 31))
    document(agency, published=D(2025, 6, 1), manner="withheld")
    document(agency, published=None)

    result = measures.documents_published(agency, START, END)

    assert (result.value, result.numerator) == (Decimal(2), 2)
    recount = Document.objects.filter(
        agency=agency, state="published", manner="proactive",
        published_at__date__range=(START, END),
    ).count()  # fmt: skip
    assert result.numerator == recount


def test_letter_reply_rate_and_satisfaction(agency, other_agency):
    a = letter(agency, received=D(2025, 3, 2), due=D(2025, 3, 9), replied=D(2025, 3, 5),
               rating="satisfied")  # fmt: skip
    b = letter(agency, received=D(2025, 4, 2), due=D(2025, 4, 9), replied=D(2025, 4, 10),
               rating="unsatisfied")  # fmt: skip
    c = letter(agency, received=D(2025, 5, 6), due=D(2025, 5, 13), replied=D(2025, 5, 13),
               rating="fairly_satisfied")  # fmt: skip
    d = letter(agency, received=D(2025, 6, 2), due=D(2025, 6, 9), replied=D(2025, 6, 3))  # unrated
    overdue = letter(agency, received=D(2025, 12, 1), due=D(2025, 12, 8))
    addressed = letter(None, addressed=agency, received=D(2025, 7, 1), due=D(2025, 7, 8),
                       replied=D(2025, 7, 2), rating="satisfied")  # fmt: skip
    letter(agency, received=D(2025, 8, 1), due=None, state=Letter.State.REJECTED)
    letter(other_agency, received=D(2025, 8, 1), due=D(2025, 8, 8), replied=D(2025, 8, 2),
           rating="satisfied")  # fmt: skip
    letter(agency, received=D(2024, 8, 1), due=D(2024, 8, 8), replied=D(2024, 8, 2))

    rate = measures.letter_reply_rate(agency, START, END)
    satisfaction = measures.letter_satisfaction(agency, START, END)

    assert {row.pk for row in rate.records} == {a.pk, b.pk, c.pk, d.pk, overdue.pk, addressed.pk}
    assert (rate.numerator, rate.denominator, rate.value) == (4, 6, Decimal("66.67"))
    assert (satisfaction.numerator, satisfaction.denominator) == (3, 4)
    assert satisfaction.value == Decimal("75.00")
    mine = Letter.objects.filter(
        Q(handling_agency=agency) | Q(handling_agency__isnull=True, agency=agency)
    ).exclude(state="rejected")
    replied = mine.filter(replied_on__range=(START, END))
    unanswered = mine.filter(due_on__lt=END, replied_on__isnull=True, closed_on__isnull=True)
    assert rate.denominator == replied.count() + unanswered.count()
    assert rate.numerator == replied.filter(replied_on__lte=F("due_on")).count()
    rated = replied.exclude(rating="")
    assert satisfaction.denominator == rated.count()
    assert (
        satisfaction.numerator == rated.filter(rating__in=["satisfied", "fairly_satisfied"]).count()
    )
    no_personal_data(rate)
    no_personal_data(satisfaction)


def test_a_record_row_survives_the_json_it_is_frozen_as(agency):
    info_request(agency, received=D(2025, 3, 2), due=D(2025, 3, 30), replied=D(2025, 3, 3))
    row = measures.request_reply_rate(agency, START, END).records[0]
    assert measures.RecordRow.from_json(row.as_json()) == row
