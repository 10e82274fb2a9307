"""The letters' statistics, counted by hand over letters written and handled through the services
across the National Day holiday of 2025 (10-01 to 10-08; Sunday 09-28 and Saturday 10-11 are
swapped working days), and the pure functions on facts made by hand."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from gongkai.agencies.models import StaffRole
from gongkai.interaction.letters import services, statistics
from gongkai.interaction.letters.models import Letter, LetterType
from gongkai.interaction.letters.statistics import (
    ALL,
    LetterFacts,
    RatingFact,
    ReplyFact,
    figures,
    letter_statistics,
    load_facts,
    load_facts_and_types,
    tabulate,
)
from tests.interaction.letters.conftest import REPLY, at, letter_input, letter_type

pytestmark = pytest.mark.django_db
D = datetime.date
Rating = Letter.Rating

SEPTEMBER = (D(2025, 9, 1), D(2025, 9, 30))
OCTOBER = (D(2025, 10, 1), D(2025, 10, 31))
YEAR = (D(2025, 1, 1), D(2025, 12, 31))
AS_OF = D(2025, 11, 3)


def reply(letter, handler, reviewer, day, capture):
    with at(day), capture(execute=True):
        services.draft_reply(letter, actor=handler, reply_text=REPLY)
        services.submit_for_review(letter, actor=handler)
        return services.review_letter(letter, actor=reviewer, approve=True)


def rate(letter, day, rating, *, reopen=False):
    moment = datetime.datetime(day.year, day.month, day.day, 12, tzinfo=datetime.UTC)
    return services.rate_letter(
        letter, rating=rating, comment="问题没有实际解决。", reopen=reopen, now=moment
    )


@pytest.fixture
def housing_staff(next_agency, staff_role_factory):
    handler = staff_role_factory(agency=next_agency, role=StaffRole.Role.HANDLER).user
    reviewer = staff_role_factory(agency=next_agency, role=StaffRole.Role.REVIEWER).user
    return handler, reviewer


@pytest.fixture
def story(
    write,
    assigned,
    office,
    handler,
    reviewer,
    next_agency,
    housing_staff,
    django_capture_on_commit_callbacks,
):
    """Five letters of September and October 2025:

    * L1 consultation online, accepted and assigned (城管) Fri 09-26, replied Thu 10-09 —
      09-28, 09-29, 09-30, 10-09: 4 working days, due 10-10, on time; rated 满意 10-10;
    * L2 complaint online, accepted and assigned (城管) 09-26, replied Fri 10-17 — 11 working
      days, due 10-16: late; rated 不满意 and reopened Mon 10-20, replied again Wed 10-22 (2
      working days, on time), rated 基本满意 10-23;
    * L3 consultation online, written Tue 09-30, not accepted 10-09 (an application for
      information);
    * L4 consultation by phone, received and accepted Mon 09-29, assigned to 住建, replied
      Fri 10-10 by 住建 — 09-30, 10-09, 10-10: 3 working days, on time;
    * L5 consultation online, accepted and assigned (城管) Thu 10-09, due 10-15, not replied:
      overdue at the end of October.
    """
    capture = django_capture_on_commit_callbacks
    l1 = assigned(D(2025, 9, 26), "consultation")
    l2 = assigned(D(2025, 9, 26), "complaint")
    l3 = write(D(2025, 9, 30), "consultation")
    with at(D(2025, 9, 29)):
        l4, _code = services.register_letter(
            letter_input("consultation", email=""),
            actor=office,
            channel=Letter.Channel.PHONE,
            received_on=D(2025, 9, 29),
        )
        l4 = services.accept_letter(l4, actor=office, handling_agency=next_agency)
    l1 = reply(l1, handler, reviewer, D(2025, 10, 9), capture)
    with at(D(2025, 10, 9)):
        l3 = services.reject_letter(l3, actor=office, reason=Letter.Rejection.INFO_REQUEST)
    l5 = assigned(D(2025, 10, 9), "consultation")
    with capture(execute=True):
        l1 = rate(l1, D(2025, 10, 10), Rating.SATISFIED)
    l4 = reply(l4, *housing_staff, D(2025, 10, 10), capture)
    l2 = reply(l2, handler, reviewer, D(2025, 10, 17), capture)
    with capture(execute=True):
        l2 = rate(l2, D(2025, 10, 20), Rating.UNSATISFIED, reopen=True)
    l2 = reply(l2, handler, reviewer, D(2025, 10, 22), capture)
    with capture(execute=True):
        l2 = rate(l2, D(2025, 10, 23), Rating.FAIRLY_SATISFIED)
    return {"l1": l1, "l2": l2, "l3": l3, "l4": l4, "l5": l5}


def read(period, *, as_of=AS_OF, **kwargs):
    return letter_statistics(*period, as_of=as_of, **kwargs)


# --- counted by hand ---------------------------------------------------------------------------


def test_september_counts_what_was_received_and_accepted_then(story):
    total = read(SEPTEMBER).total

    assert (total.received, total.accepted, total.rejected) == (4, 3, 0)
    assert (total.replied, total.rated, total.overdue) == (0, 0, 0)
    # The reply rate: L1, L2 and L3 came through the portal (L4 by phone); L1 and L2 replied.
    assert (total.received_online, total.replied_online) == (3, 2)
    assert total.reply_rate == Decimal("66.7")


def test_october_counts_the_replies_across_the_holiday(story):
    total = read(OCTOBER).total

    assert (total.received, total.accepted, total.rejected) == (1, 1, 1)
    # L1 (4 wd), L4 (3 wd), L2 late (11 wd), L2 again after reopening (2 wd).
    assert (total.replied, total.on_time, total.late) == (4, 3, 1)
    assert total.working_days == (2, 3, 4, 11)
    assert total.mean_working_days == Decimal("5.0")
    assert total.median_working_days == Decimal("3.5")
    assert total.on_time_rate == Decimal("75.0")
    assert (total.satisfied, total.fairly_satisfied, total.unsatisfied) == (1, 1, 1)
    assert total.satisfaction_rate == Decimal("66.7")
    assert total.reopened == 1
    assert total.overdue == 1  # L5, due 10-15
    assert (total.received_online, total.replied_online) == (1, 0)
    assert total.reply_rate == Decimal("0.0")


def test_the_year_by_agency_adds_up_to_the_government(story, handling_agency, next_agency):
    report = read(YEAR)

    assert report.total.received == 5
    assert (report.total.received_online, report.total.replied_online) == (4, 2)
    assert report.total.reply_rate == Decimal("50.0")
    rows = {row.key: row for row in report.by_agency}
    assert list(rows) == [handling_agency.pk, next_agency.pk, None]
    urban, housing, unassigned = rows[handling_agency.pk], rows[next_agency.pk], rows[None]
    assert urban.label == handling_agency.name
    assert (urban.figures.received, urban.figures.replied, urban.figures.late) == (3, 3, 1)
    assert urban.figures.reply_rate == Decimal("66.7")
    assert (urban.figures.rated, urban.figures.reopened, urban.figures.overdue) == (3, 1, 1)
    assert (housing.figures.received, housing.figures.replied) == (1, 1)
    assert housing.figures.reply_rate is None  # by phone: not in the portal's rate
    assert (unassigned.figures.received, unassigned.figures.rejected) == (1, 1)
    assert unassigned.figures.reply_rate == Decimal("0.0")
    for name in ("received", "accepted", "rejected", "replied", "rated", "overdue"):
        assert sum(getattr(row.figures, name) for row in rows.values()) == getattr(
            report.total, name
        )


def test_the_year_by_type_and_by_month(story):
    report = read(YEAR)

    by_type = {row.key: row.figures for row in report.by_type}
    consultation, complaint = letter_type("consultation"), letter_type("complaint")
    assert list(by_type) == [consultation.pk, complaint.pk]  # the types' display order
    assert (by_type[consultation.pk].received, by_type[consultation.pk].replied) == (4, 2)
    assert (by_type[complaint.pk].received, by_type[complaint.pk].replied) == (1, 2)
    months = {row.key.month: row.figures for row in report.by_month}
    assert list(months) == list(range(1, 12))  # nothing after the reading day (11-03)
    assert (months[9].received, months[10].received, months[11].received) == (4, 1, 0)
    assert (months[9].replied, months[10].replied) == (0, 4)
    assert months[11].overdue == 1  # L5 on 11-03


def test_an_agencys_staff_read_their_agency_only(story, handling_agency, next_agency):
    report = read(YEAR, agencies={next_agency.pk})

    assert [row.key for row in report.by_agency] == [next_agency.pk]
    assert (report.total.received, report.total.replied, report.total.rejected) == (1, 1, 0)
    assert read(YEAR, agencies={next_agency.pk}, agency_id=handling_agency.pk).total.is_empty


def test_a_filter_by_agency_and_type(story, handling_agency):
    complaint = letter_type("complaint")
    report = read(YEAR, agency_id=handling_agency.pk, type_id=complaint.pk)

    assert (report.total.received, report.total.replied, report.total.reopened) == (1, 2, 1)
    assert [row.key for row in report.by_type] == [complaint.pk]
    assert [row.key for row in report.by_agency] == [handling_agency.pk]


def test_a_later_change_does_not_rewrite_a_past_month(
    story, handler, reviewer, django_capture_on_commit_callbacks
):
    """What October counted stays: L5 replied and rated in November changes November only,
    and the overdue count of October's end is read from the events up to that day. Only the
    reply rate of October's letters rises, as it counts replies up to the reading day."""
    before = read(OCTOBER, as_of=D(2025, 10, 31)).total
    l5 = reply(story["l5"], handler, reviewer, D(2025, 11, 4), django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        rate(l5, D(2025, 11, 5), Rating.SATISFIED)

    after = read(OCTOBER, as_of=D(2025, 12, 31)).total
    for name in ("received", "accepted", "rejected", "replied", "on_time", "late", "overdue"):
        assert getattr(after, name) == getattr(before, name), name
    assert (after.satisfied, after.fairly_satisfied, after.unsatisfied) == (1, 1, 1)
    assert before.reply_rate == Decimal("0.0")
    assert after.reply_rate == Decimal("100.0")
    november = read((D(2025, 11, 1), D(2025, 11, 30)), as_of=D(2025, 12, 31)).total
    assert (november.replied, november.satisfied, november.late) == (1, 1, 1)
    # 10-10, 10-11 (swapped Saturday), three weeks of five, 11-03, 11-04.
    assert november.working_days == (19,)


def test_a_transfer_gives_the_reply_to_the_agency_that_answered(
    write, office, handling_agency, next_agency, housing_staff, django_capture_on_commit_callbacks
):
    letter = write(D(2025, 9, 26), "consultation")
    with at(D(2025, 9, 26)):
        services.accept_letter(letter, actor=office, handling_agency=handling_agency)
    with at(D(2025, 9, 29)):
        services.transfer_letter(letter, actor=office, agency=next_agency, reason="属住建职责")
    reply(letter, *housing_staff, D(2025, 9, 30), django_capture_on_commit_callbacks)

    report = read(SEPTEMBER)
    rows = {row.key: row.figures for row in report.by_agency}
    assert list(rows) == [next_agency.pk]
    assert (rows[next_agency.pk].received, rows[next_agency.pk].replied) == (1, 1)
    assert report.total.working_days == (3,)  # 09-28 (swapped Sunday), 09-29, 09-30


def test_the_facts_are_read_in_one_query(story, django_assert_num_queries):
    with django_assert_num_queries(1):
        facts = load_facts(*YEAR, as_of=AS_OF)
    assert len(facts) == 5
    assert [fact.pk for fact in facts] == sorted(fact.pk for fact in facts)
    l2 = next(fact for fact in facts if fact.pk == story["l2"].pk)
    assert [(reply.on, reply.working_days, reply.on_time) for reply in l2.replies] == [
        (D(2025, 10, 17), 11, False),
        (D(2025, 10, 22), 2, True),
    ]
    assert l2.starts == (D(2025, 9, 26), D(2025, 10, 20))


def test_the_facts_come_with_their_letters_types_in_the_same_query(
    story, django_assert_num_queries
):
    with django_assert_num_queries(1):
        facts, types = load_facts_and_types(*YEAR, as_of=AS_OF)
    assert facts == load_facts(*YEAR, as_of=AS_OF)
    assert set(types) == {fact.type_id for fact in facts}
    for row in types.values():
        kind = LetterType.objects.get(pk=row.pk)
        assert (row.name, row.active, row.sort_order) == (kind.name, kind.active, kind.sort_order)


def test_letters_finished_before_the_period_are_not_read(story):
    december = (D(2025, 12, 1), D(2025, 12, 31))
    read_facts = load_facts(*december, as_of=D(2025, 12, 31))
    # L1 and L2 were closed in October and L3 not accepted: nothing of theirs can count.
    # L4 waits for its rating, L5 for its reply.
    assert {fact.pk for fact in read_facts} == {story["l4"].pk, story["l5"].pk}
    assert read(december, as_of=D(2025, 12, 31)).total.overdue == 1


# --- pure functions ----------------------------------------------------------------------------


MARCH_3 = D(2025, 3, 3)
MARCH_20 = D(2025, 3, 20)


def facts(pk=1, *, channel="online", received=MARCH_3, replies=(), **kwargs) -> LetterFacts:
    return LetterFacts(
        pk=pk, type_id=7, channel=channel, received_on=received, replies=tuple(replies), **kwargs
    )


def answer(on, *, agency=10, days=3, due=MARCH_20) -> ReplyFact:
    return ReplyFact(on=on, agency_id=agency, started_on=MARCH_3, due_on=due, working_days=days)


def test_the_reply_rate_is_the_portals_letters_replied_by_the_reading_day():
    rows = [
        facts(1, replies=[answer(D(2025, 3, 10))]),  # replied in the month
        facts(2, replies=[answer(D(2025, 4, 2))]),  # replied the next month
        facts(3),  # not replied (not accepted, or still open)
        facts(4, channel="phone", replies=[answer(D(2025, 3, 5))]),  # not the portal
        facts(5, received=D(2025, 2, 27), replies=[answer(D(2025, 3, 4))]),  # February's
    ]
    march = (D(2025, 3, 1), D(2025, 3, 31))

    on_march_31 = figures(rows, start=march[0], end=march[1], as_of=D(2025, 3, 31))
    assert (on_march_31.received_online, on_march_31.replied_online) == (3, 1)
    assert on_march_31.reply_rate == Decimal("33.3")
    in_april = figures(rows, start=march[0], end=march[1], as_of=D(2025, 4, 30))
    assert (in_april.received_online, in_april.replied_online) == (3, 2)
    assert in_april.reply_rate == Decimal("66.7")
    assert in_april.received == 4  # every channel
    assert in_april.replied == 3  # the replies sent in March: 1, 4 and 5


def test_rates_of_nothing_are_none_and_percentages_round_half_up():
    empty = figures([], start=D(2025, 1, 1), end=D(2025, 1, 31), as_of=D(2025, 2, 1))
    assert empty.is_empty
    assert empty.reply_rate is None and empty.satisfaction_rate is None
    assert empty.mean_working_days is None and empty.median_working_days is None
    assert statistics.percent(1, 8) == Decimal("12.5")
    assert statistics.percent(2, 3) == Decimal("66.7")
    assert statistics.percent(1, 16) == Decimal("6.3")  # 6.25 rounds half up


def test_ratings_belong_to_the_agency_of_the_reply_rated():
    rows = [
        facts(
            1,
            replies=[answer(D(2025, 3, 10), agency=10)],
            ratings=(RatingFact(D(2025, 3, 11), Rating.SATISFIED, 10),),
        ),
        facts(
            2,
            replies=[answer(D(2025, 3, 10), agency=11)],
            ratings=(RatingFact(D(2025, 3, 12), Rating.UNSATISFIED, 11),),
        ),
    ]
    march = {"start": D(2025, 3, 1), "end": D(2025, 3, 31), "as_of": D(2025, 3, 31)}
    assert figures(rows, **march).satisfaction_rate == Decimal("50.0")
    assert figures(rows, agency=10, **march).satisfaction_rate == Decimal("100.0")
    assert figures(rows, agency={11}, **march).unsatisfied == 1
    assert figures(rows, agency=ALL, **march).rated == 2


def test_months_of_a_date_range_are_clipped_to_it():
    assert statistics.month_periods(D(2025, 1, 15), D(2025, 3, 10)) == [
        (D(2025, 1, 15), D(2025, 1, 31)),
        (D(2025, 2, 1), D(2025, 2, 28)),
        (D(2025, 3, 1), D(2025, 3, 10)),
    ]
    tables = tabulate(
        [facts(1, received=D(2025, 2, 3))],
        start=D(2025, 1, 15),
        end=D(2025, 3, 10),
        as_of=D(2025, 2, 20),
    )
    assert [row.key for row in tables.by_month] == [D(2025, 1, 1), D(2025, 2, 1)]
    assert tables.by_month[1].end == D(2025, 2, 28)
    assert tables.total.received == 1


@pytest.mark.parametrize(
    ("period", "as_of"),
    [
        (YEAR, AS_OF),
        (YEAR, D(2025, 12, 31)),
        (SEPTEMBER, AS_OF),
        (OCTOBER, AS_OF),
        (OCTOBER, D(2025, 10, 20)),
        ((D(2025, 12, 1), D(2025, 12, 31)), D(2025, 12, 31)),
        ((D(2025, 11, 4), D(2025, 12, 31)), AS_OF),  # a period after the reading day
    ],
)
def test_the_governments_counts_in_the_database_are_the_replayed_figures(
    story, period, as_of, django_assert_num_queries
):
    replayed = figures(load_facts(*period, as_of=as_of), start=period[0], end=period[1],
                       as_of=as_of, agency=ALL)  # fmt: skip
    with django_assert_num_queries(0 if period[0] > as_of else 1):
        counted = statistics.government_counts(*period, as_of=as_of)
    assert (
        counted.received,
        counted.replied,
        counted.satisfied,
        counted.fairly_satisfied,
        counted.unsatisfied,
        counted.rated,
    ) == (
        replayed.received,
        replayed.replied,
        replayed.satisfied,
        replayed.fairly_satisfied,
        replayed.unsatisfied,
        replayed.rated,
    )
    if period == YEAR:
        assert counted.received and counted.replied and counted.rated  # the story has them all
