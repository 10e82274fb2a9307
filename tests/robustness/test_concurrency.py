"""Concurrency (issue 9): many citizens applying at the same moment, through the real HTTP stack.

Each submission is a real request — session, CSRF, the form, the service, the commit — served
by a pool of server threads with their own database connections (``conftest.http_server``),
so that numbers, sessions and the double-submission guard are raced as in production.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection

from gongkai.info_requests import services
from gongkai.info_requests.models import InfoRequest, RequestEvent
from tests.catalogue.public_helpers import join
from tests.info_requests.conftest import at
from tests.robustness.conftest import (
    APPLY,
    Visitor,
    acknowledged_number,
    application_form,
    form_opened_earlier,
    in_parallel,
    open_form,
)
from tests.robustness.records import assert_every_application_whole, assert_gap_free

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

DAY = datetime.date(2025, 9, 1)  # a Monday


def _visitor(server, n: int) -> Visitor:
    return Visitor(server.host, server.port, address=f"10.0.{n // 250}.{n % 250 + 1}")


def _apply_in_parallel(server, agency, count: int) -> list:
    """``count`` citizens open the form, then all send it at once; their responses."""
    visitors = [_visitor(server, n) for n in range(count)]

    def apply(n: int, barrier) -> object:
        visitor = visitors[n]
        form = open_form(visitor) if n == 0 else form_opened_earlier(visitor)
        barrier.wait()
        return visitor.post(
            APPLY, application_form(agency.pk, description=f"第{n}号申请：财政预算执行情况", **form)
        )

    return in_parallel(count, apply)


def _assert_all_acknowledged(responses, count: int) -> list[str]:
    statuses = sorted({response.status for response in responses})
    assert statuses == [302], f"answers other than the acknowledgement: {statuses}"
    numbers = [acknowledged_number(response) for response in responses]
    assert None not in numbers
    assert len(set(numbers)) == count, "a tracking number was given twice"
    return numbers


@pytest.mark.postgres
def test_200_parallel_online_applications_make_200_records_with_gap_free_numbers(
    http_server, agency
):
    """Issue 9, "Concurrency": 200 parallel online applications on PostgreSQL → 200 records,
    unique gap-free tracking numbers, no server error."""
    member = join(agency)
    with at(DAY):
        responses = _apply_in_parallel(http_server, member, 200)

    numbers = _assert_all_acknowledged(responses, 200)
    assert InfoRequest.objects.count() == 200
    assert_gap_free(numbers, DAY.year)
    assert assert_every_application_whole() == 200


def test_50_parallel_writers_on_sqlite_never_meet_database_is_locked(http_server, agency):
    """Issue 9, "Concurrency": 50 parallel writers on a SQLite file (WAL, busy timeout,
    IMMEDIATE transactions) → no "database is locked", every one acknowledged."""
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite writers' test (PostgreSQL has its own above)")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
    member = join(agency)
    with at(DAY):
        responses = _apply_in_parallel(http_server, member, 50)

    numbers = _assert_all_acknowledged(responses, 50)
    assert not any("database is locked" in response.body for response in responses)
    assert_gap_free(numbers, DAY.year)
    assert assert_every_application_whole() == 50


def test_20_parallel_submissions_of_one_form_make_one_application(http_server, agency):
    """Issue 9, "Concurrency": 20 parallel identical submissions with one form token (a
    double click, a retry, a refresh all at once) → one record, one number, one mail; every
    answer leads to that application, and the browser is shown its query code."""
    member = join(agency)
    with at(DAY):
        browser = _visitor(http_server, 0)
        form = application_form(member.pk, **open_form(browser))

        def submit(n: int, barrier) -> object:
            # One browser (its cookies and form), each request through another proxy address
            # (the per-address CAPTCHA sees a retry, not a flood).
            twin = Visitor(browser.host, browser.port, _visitor(http_server, n).address)
            twin.cookies = dict(browser.cookies)
            barrier.wait()
            return twin.post(APPLY, form)

        responses = in_parallel(20, submit)
        statuses = sorted({response.status for response in responses})
        assert statuses == [302], statuses
        assert {acknowledged_number(response) for response in responses} == {
            InfoRequest.objects.get().number
        }
        request = InfoRequest.objects.get()
        assert request.submission_key == form["submission_key"]
        assert RequestEvent.objects.filter(code=RequestEvent.Code.SUBMITTED).count() == 1
        assert_gap_free([request.number], DAY.year)
        assert assert_every_application_whole() == 1

        shown = browser.get(responses[0].location)
    assert shown.status == 200
    assert request.number in shown.body
    code = re.search(r'class="query-code">([A-Z0-9]+)<', shown.body)
    assert code, "the browser that applied is shown the query code"
    assert services.check_query_code(request, code.group(1))
