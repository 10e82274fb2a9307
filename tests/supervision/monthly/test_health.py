"""The site-health watch at its exact boundaries: two weeks for the home page and news
columns, six months for notice and policy columns, three months for a letter, the warning a
few working days before each (on the official calendar), empty columns; the job repeat-safe."""

from __future__ import annotations

import pytest

from gongkai.catalogue.models import Column
from gongkai.supervision.monthly import health, services, tasks
from gongkai.supervision.monthly.models import HealthCheck, HealthSettings
from tests.supervision.monthly.conftest import D, moment

pytestmark = pytest.mark.django_db

State = HealthCheck.State


def findings(day) -> dict[str, health.Finding]:
    return {finding.scope_key: finding for finding in health.evaluate(day)}


def column(slug: str) -> Column:
    return Column.objects.get(slug=slug)


@pytest.mark.parametrize(
    ("today", "state"),
    [
        (D(2025, 3, 11), State.OK),
        (D(2025, 3, 12), State.WARNING),  # 3 working days before the 17th
        (D(2025, 3, 17), State.WARNING),  # two weeks after the update: the last day
        (D(2025, 3, 18), State.OVERDUE),
    ],
)
def test_news_columns_and_the_home_page_are_due_every_two_weeks(
    today, state, dept, publish_document
):
    publish_document(dept, D(2025, 3, 3), kind="news", doc_number="", columns=[column("gzdt")])

    found = findings(today)

    news, parent = column("gzdt"), column("zwdt")
    for key in (
        "site:home",
        f"site:column:{news.pk}",
        f"site:column:{parent.pk}",  # 政务动态 shows what is filed under 工作动态
        f"agency:{dept.pk}:column:{news.pk}",
    ):
        assert found[key].state == state, key
        assert found[key].last_update == D(2025, 3, 3)
        assert found[key].deadline == D(2025, 3, 17)
        assert found[key].warn_from == D(2025, 3, 12)


@pytest.mark.parametrize(
    ("today", "state"),
    [
        (D(2025, 9, 25), State.OK),
        (D(2025, 9, 26), State.WARNING),  # 29, 28 (a swapped working Sunday), 26 September
        (D(2025, 9, 30), State.WARNING),  # six months after 31 March: the last day
        (D(2025, 10, 1), State.OVERDUE),
    ],
)
def test_notice_and_policy_columns_are_due_every_six_months(today, state, dept, publish_document):
    publish_document(dept, D(2025, 3, 31), columns=[column("tzgg")])

    found = findings(today)

    notices = column("tzgg")
    for key in (
        f"site:column:{notices.pk}",
        f"agency:{dept.pk}:column:{notices.pk}",
        f"agency:{dept.pk}:disclosure",
    ):
        assert found[key].state == state, key
        assert found[key].deadline == D(2025, 9, 30)
        assert found[key].warn_from == D(2025, 9, 26)


def test_six_months_end_on_the_last_day_of_a_shorter_month():
    assert health.add_months(D(2024, 8, 31), 6) == D(2025, 2, 28)
    assert health.add_months(D(2023, 8, 31), 6) == D(2024, 2, 29)
    assert health.add_months(D(2025, 12, 15), 3) == D(2026, 3, 15)
    assert health.add_months(D(2026, 1, 10), -12) == D(2025, 1, 10)


def test_columns_never_filled_are_empty_and_columns_without_a_limit_only_that(
    dept, other_dept, publish_document
):
    publish_document(dept, D(2025, 3, 3), columns=[column("zdly-jy")])  # a key area

    found = findings(D(2025, 12, 1))

    press = column("xwfb")
    assert found[f"site:column:{press.pk}"].state == State.EMPTY
    assert found[f"site:column:{press.pk}"].last_update is None
    education = found[f"site:column:{column('zdly-jy').pk}"]
    assert (education.state, education.deadline) == (State.OK, None)  # no time limit
    assert found[f"agency:{other_dept.pk}:disclosure"].state == State.EMPTY
    assert f"agency:{dept.pk}:column:{column('zdly-jy').pk}" not in found  # watched site-wide


def test_a_list_record_updates_its_column(dept, list_record):
    record_type_column = column("zdly-xzql")
    list_record(dept, D(2025, 6, 2))

    found = findings(D(2025, 6, 3))

    assert found[f"site:column:{record_type_column.pk}"].last_update == D(2025, 6, 2)
    assert found[f"site:column:{column('zdly').pk}"].last_update == D(2025, 6, 2)


@pytest.mark.parametrize(
    ("today", "state"),
    [
        (D(2025, 4, 3), State.OK),
        (D(2025, 4, 7), State.WARNING),  # 9, 8, 7 April (after the Qingming holiday)
        (D(2025, 4, 10), State.WARNING),  # three months after receipt: the last day
        (D(2025, 4, 11), State.OVERDUE),
    ],
)
def test_a_letter_may_wait_three_months_for_its_answer(today, state, dept, letter):
    waiting = letter(D(2025, 1, 10), handling=dept)

    found = findings(today)

    for key in ("site:letters", f"agency:{dept.pk}:letters"):
        assert found[key].state == state, key
        if state != State.OK:
            assert found[key].deadline == D(2025, 4, 10)
            assert found[key].record_ids == (waiting.pk,)


def test_a_letter_answered_late_fails_for_a_year_after_its_receipt(dept, other_dept, letter):
    late = letter(D(2025, 1, 10), handling=dept, replied=D(2025, 4, 15))
    letter(D(2025, 1, 10), handling=other_dept, replied=D(2025, 4, 10))  # on the last day

    during = findings(D(2025, 6, 1))
    after = findings(D(2026, 1, 11))

    assert during[f"agency:{dept.pk}:letters"].state == State.OVERDUE
    assert during[f"agency:{dept.pk}:letters"].record_ids == (late.pk,)
    assert during[f"agency:{dept.pk}:letters"].detail["answered_late"] == 1
    assert during[f"agency:{other_dept.pk}:letters"].state == State.OK
    assert during["site:letters"].state == State.OVERDUE
    assert after[f"agency:{dept.pk}:letters"].state == State.OK


def test_the_limits_are_settings(dept, publish_document):
    HealthSettings.objects.create(
        news_days=7, notice_months=3, letter_months=1, warn_working_days=1
    )
    publish_document(dept, D(2025, 3, 3), kind="news", doc_number="", columns=[column("gzdt")])

    found = findings(D(2025, 3, 10))

    news = found[f"site:column:{column('gzdt').pk}"]
    assert (news.deadline, news.warn_from, news.state) == (
        D(2025, 3, 10),
        D(2025, 3, 7),
        State.WARNING,
    )


def test_the_daily_job_is_repeat_safe(dept, publish_document, letter):
    publish_document(dept, D(2025, 3, 3), kind="news", doc_number="", columns=[column("gzdt")])
    letter(D(2025, 1, 10), handling=dept)

    first = tasks.check_site_health(now=moment(D(2025, 3, 12), 1))
    rows = sorted(HealthCheck.objects.values_list("pk", "scope_key", "state"))
    second = tasks.check_site_health(now=moment(D(2025, 3, 12), 9))

    assert first == second == len(rows)
    assert sorted(HealthCheck.objects.values_list("pk", "scope_key", "state")) == rows
    tasks.check_site_health(now=moment(D(2025, 3, 13), 1))
    assert HealthCheck.objects.filter(checked_on=D(2025, 3, 13)).count() == len(rows)
    assert HealthCheck.objects.count() == 2 * len(rows)
    news = HealthCheck.objects.get(
        checked_on=D(2025, 3, 12), scope_key=f"agency:{dept.pk}:column:{column('gzdt').pk}"
    )
    assert (news.state, news.deadline) == (State.WARNING, D(2025, 3, 17))


def test_the_office_may_check_now_and_others_may_not(office, dept_staff):
    from gongkai.supervision.monthly.workflow import MonthlyPermissionDenied

    with pytest.raises(MonthlyPermissionDenied):
        services.record_health_checks(actor=dept_staff, today=D(2025, 3, 12))
    assert not HealthCheck.objects.exists()
    assert services.record_health_checks(actor=office, today=D(2025, 3, 12)) > 0
