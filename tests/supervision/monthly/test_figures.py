"""Every figure of a month's table equals a count recomputed here directly from the records
with plain ORM filters — records on both sides of the month's edges, of two agencies, made
through their apps' services on their dates."""

from __future__ import annotations

import pytest
from django.db.models import F, Q

from gongkai.catalogue.models import Document, DocumentVersion, ListRecord
from gongkai.info_requests.models import InfoRequest
from gongkai.interaction.letters import services as letter_services
from gongkai.interaction.letters.models import Letter
from gongkai.supervision.monthly import figures, services
from gongkai.supervision.monthly.models import MonthlyFigure
from tests.interaction.letters.conftest import letter_input
from tests.supervision.monthly.conftest import D, at

pytestmark = pytest.mark.django_db

START, END = D(2025, 3, 1), D(2025, 3, 31)
IN_MARCH = (START, END)


def recount(agency) -> dict[str, set[int]]:
    """The month's figures of ``agency``, counted straight from the tables."""
    versions = DocumentVersion.objects.filter(
        document__agency=agency, published_at__date__range=IN_MARCH, metadata__manner="proactive"
    )
    requests = InfoRequest.objects.filter(
        Q(handling_agency=agency) | Q(handling_agency=None, agency=agency)
    )
    replied = requests.filter(replied_on__range=IN_MARCH)
    letters = Letter.objects.filter(
        Q(handling_agency=agency) | Q(handling_agency=None, agency=agency)
    )
    letters_replied = letters.filter(replied_on__range=IN_MARCH)
    rated = letters.exclude(rating="").filter(rated_at__date__range=IN_MARCH)

    def ids(rows) -> set[int]:
        return set(rows.values_list("pk", flat=True))

    return {
        "documents_published": ids(versions),
        "documents_late": ids(versions.filter(metadata__late=True)),
        "requests_received": ids(requests.filter(received_on__range=IN_MARCH)),
        "requests_replied": ids(replied),
        "requests_on_time": ids(replied.filter(replied_on__lte=F("due_on"))),
        "letters_received": ids(
            letters.filter(received_on__range=IN_MARCH).exclude(state=Letter.State.REJECTED)
        ),
        "letters_replied": ids(letters_replied),
        "letters_on_time": ids(letters_replied.filter(replied_on__lte=F("due_on"))),
        "letters_rated": ids(rated),
        "letters_satisfied": ids(rated.filter(rating__in=["satisfied", "fairly_satisfied"])),
        "lists_updated": ids(
            ListRecord.objects.filter(agency=agency, published_at__date__range=IN_MARCH)
        ),
    }


@pytest.fixture
def march(dept, other_dept, office, publish_document, interpret, application, letter, list_record):
    """A March 2025 of records for both departments, with neighbours just outside it."""
    made: dict[str, object] = {}
    # Documents: the month's edges in Beijing time (23:00 on 28 Feb is 15:00 UTC, and so is
    # midnight on 1 March UTC-wise the day before), a late one, one not proactively disclosed.
    publish_document(dept, D(2025, 2, 28), hour=23)
    publish_document(dept, START, hour=0)
    publish_document(dept, D(2025, 3, 14))
    publish_document(dept, END, hour=23)
    publish_document(dept, D(2025, 4, 1), hour=0)
    made["late"] = publish_document(dept, D(2025, 3, 10), formed=D(2025, 1, 2))
    publish_document(
        dept, D(2025, 3, 11), manner=Document.Manner.ON_REQUEST, manner_reason="依申请公开"
    )
    publish_document(other_dept, D(2025, 3, 12))
    # Policies needing an interpretation (lag 3 working days).
    needs = {"needs_interpretation": True}
    made["feb_policy"] = publish_document(dept, D(2025, 2, 26), **needs)  # due 3 March: none
    made["mar25_policy"] = publish_document(dept, D(2025, 3, 25), **needs)  # due 28 March
    publish_document(dept, D(2025, 3, 28), **needs)  # due 2 April: next month's
    interpreted = publish_document(dept, D(2025, 3, 10), **needs)  # due 13 March
    interpret(interpreted, D(2025, 3, 12))
    made["late_interpreted"] = publish_document(dept, D(2025, 3, 3), **needs)  # due 6 March
    interpret(made["late_interpreted"], D(2025, 3, 20))
    # Applications (2019 rules, 20 working days).
    application(D(2025, 3, 3), handling=dept, replied=D(2025, 3, 10))  # on time
    application(D(2025, 2, 20), handling=dept, replied=D(2025, 3, 5))  # received in February
    application(D(2025, 1, 20), handling=dept, replied=D(2025, 3, 4))  # due 21 Feb: late
    application(D(2025, 3, 31), handling=dept)  # open
    application(D(2025, 3, 5), handling=None, asked=dept)  # with the office, asked of dept
    application(D(2025, 3, 6), handling=other_dept, asked=dept)  # handled by the other
    # Letters (consultations: 5 working days).
    letter(
        D(2025, 3, 3), handling=dept, replied=D(2025, 3, 5), rating="satisfied", rated=D(2025, 3, 6)
    )
    letter(
        D(2025, 3, 10),
        handling=dept,
        replied=D(2025, 3, 24),
        rating="unsatisfied",
        rated=D(2025, 3, 25),
    )  # due 17 March: late
    letter(
        D(2025, 3, 20),
        handling=dept,
        replied=D(2025, 4, 2),
        rating="fairly_satisfied",
        rated=D(2025, 4, 3),
    )
    letter(
        D(2025, 2, 25),
        handling=dept,
        replied=D(2025, 2, 27),
        rating="fairly_satisfied",
        rated=D(2025, 3, 2),
    )  # rated in March
    letter(D(2025, 3, 28), handling=dept)
    letter(D(2025, 3, 14), handling=other_dept, replied=D(2025, 3, 17))
    with at(D(2025, 3, 18)):
        refused, _code = letter_services.submit_letter(
            letter_input(agency=dept), submission_key="monthly-refused-0001"
        )
        letter_services.reject_letter(
            refused, actor=office, reason=Letter.Rejection.OUT_OF_SCOPE, note="请向法院咨询。"
        )
    # Structured lists.
    list_record(dept, D(2025, 3, 8))
    list_record(dept, D(2025, 4, 1))
    list_record(other_dept, D(2025, 3, 9))
    return made


def frozen(publication, agency) -> dict[str, MonthlyFigure]:
    return {row.key: row for row in publication.figures.filter(agency=agency)}


def test_every_figure_equals_a_recount_from_the_records(march, dept, other_dept, office):
    publication = services.compute_month(2025, 3, actor=office)

    for agency in (dept, other_dept):
        rows = frozen(publication, agency)
        for key, expected in recount(agency).items():
            assert set(rows[key].record_ids) == expected, (agency.name, key)
            assert rows[key].value == len(expected), (agency.name, key)


def test_the_recount_is_not_trivial(march, dept, office):
    """The records above land where they should: each figure is tested with something in it."""
    rows = frozen(services.compute_month(2025, 3, actor=office), dept)
    values = {key: row.value for key, row in rows.items()}

    assert values == {
        "documents_published": 10,  # 3 plain, 1 late, 4 policies, 2 interpretations
        "documents_late": 1,
        "interpretations_missing": 3,
        "requests_received": 3,
        "requests_replied": 3,
        "requests_on_time": 2,
        "letters_received": 4,
        "letters_replied": 2,
        "letters_on_time": 1,
        "letters_rated": 3,
        "letters_satisfied": 2,
        "lists_updated": 1,
    }


def test_interpretations_missing_are_counted_in_the_month_their_lag_ends(march, dept, office):
    rows = frozen(services.compute_month(2025, 3, actor=office), dept)

    expected = {march["feb_policy"].pk, march["mar25_policy"].pk, march["late_interpreted"].pk}
    assert set(rows["interpretations_missing"].record_ids) == expected
    # Recounted: the policies whose lag of 3 working days ended in March (due 3, 6 and 28
    # March), without an interpretation published on or before that day.
    due = {
        march["feb_policy"].pk: D(2025, 3, 3),
        march["mar25_policy"].pk: D(2025, 3, 28),
        march["late_interpreted"].pk: D(2025, 3, 6),
    }
    for pk, day in due.items():
        assert not Document.objects.filter(
            kind=Document.Kind.INTERPRETATION, interprets=pk, published_at__date__lte=day
        ).exists()


def test_measures_serve_any_agency_and_period(march, dept, other_dept):
    """The figure functions are pure: the same counts for one agency, several, any period."""
    late = figures.figure("documents_late")
    published = figures.figure("documents_published")

    assert late.measure(dept, START, END).record_ids == (march["late"].versions.get().pk,)
    many = published.measure_many([dept, other_dept], START, END)
    assert {pk: m.value for pk, m in many.items()} == {dept.pk: 10, other_dept.pk: 1}
    assert published.measure(dept, D(2025, 2, 28), D(2025, 2, 28)).value == 1  # the 23:00 one
    quarter = published.measure(dept, D(2025, 1, 1), D(2025, 4, 30)).value
    assert quarter == 10 + 2 + 1  # February's two, April's one
    assert list(late.records(late.measure(dept, START, END).record_ids)) == [
        march["late"].versions.get()
    ]
    assert published.measure_many([], START, END) == {}


def test_late_publications_count_working_days_across_the_national_day_holiday(
    dept, office, publish_document
):
    """Formed on 15 September 2025, due on 17 October: 20 working days across the National
    Day holiday (1–8 October, with 28 September and 11 October worked). Counting weekdays
    only would make the due date 13 October."""
    formed = D(2025, 9, 15)
    on_time = [
        publish_document(dept, D(2025, 10, 16), formed=formed),
        publish_document(dept, D(2025, 10, 17), formed=formed),
    ]
    late = publish_document(dept, D(2025, 10, 20), formed=formed)

    rows = frozen(services.compute_month(2025, 10, actor=office), dept)

    assert rows["documents_published"].value == 3
    assert rows["documents_late"].record_ids == [late.versions.get().pk]
    for document in on_time:
        assert document.versions.get().metadata["due_date"] == "2025-10-17"


def test_a_month_spans_its_first_to_its_last_day():
    assert figures.month_range(2024, 2) == (D(2024, 2, 1), D(2024, 2, 29))
    assert figures.month_range(2025, 12) == (D(2025, 12, 1), D(2025, 12, 31))


def test_rates_are_percentages_of_the_frozen_counts():
    assert str(figures.percentage(2, 3)) == "66.7"
    assert str(figures.percentage(1, 8)) == "12.5"
    assert figures.percentage(0, 0) is None


def test_agencies_joining_or_leaving_in_the_month_have_their_row(office, dept, agency_factory):
    from gongkai.agencies.models import MembershipChange
    from gongkai.agencies.services import record_membership_change

    joined = agency_factory(name="测试区新闻办")
    record_membership_change(
        joined, actor=None, system=True, change=MembershipChange.Change.JOINED, date=D(2025, 3, 15)
    )
    left = agency_factory(name="测试区原指挥中心")
    for change, day in (("joined", D(2020, 1, 1)), ("left", D(2025, 3, 10))):
        record_membership_change(left, actor=None, system=True, change=change, date=day)
    never = agency_factory(name="测试区非成员单位")

    publication = services.compute_month(2025, 3, actor=office)

    names = set(publication.figures.values_list("agency_name", flat=True))
    assert {dept.name, joined.name, left.name} <= names
    assert never.name not in names
    assert publication.figures.count() == len(names) * len(figures.FIGURES)
