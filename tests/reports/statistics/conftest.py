"""Fixtures for statistics reporting: the departments, their staff and the office of the
monthly-performance tests, with their helpers that make the records the metrics count
(documents, applications, letters) through the apps' services on chosen dates; and a small
form definition whose figures the tests count independently."""

from __future__ import annotations

import datetime

import pytest

from gongkai.reports.statistics.models import StatisticsField, StatisticsForm
from gongkai.reports.statistics.periods import MONTHLY, period_from_key
from tests.supervision.monthly import conftest as monthly

D = datetime.date
moment = monthly.moment
at = monthly.at

# The monthly tests' people and records, shared.
english = monthly.english
government = monthly.government
dept = monthly.dept
other_dept = monthly.other_dept
office = monthly.office
dept_staff = monthly.dept_staff
dept_reviewer = monthly.dept_reviewer
other_staff = monthly.other_staff
other_reviewer = monthly.other_reviewer
staff_of = monthly.staff_of
publish_document = monthly.publish_document
interpret = monthly.interpret
application = monthly.application
letter = monthly.letter

MARCH = period_from_key(MONTHLY, "2025-03")


@pytest.fixture
def test_form(db) -> StatisticsForm:
    """A monthly form due on the 10th: documents, applications and letters counted by the
    platform, one whole number, one decimal and a remark typed in."""
    form = StatisticsForm.objects.create(
        code="test-monthly", title="测试月报表", period=MONTHLY, due_day=10, remind_days=3
    )
    rows = [
        ("documents", "主动公开政府信息（条）", "integer", "documents_published", True),
        ("received", "收到申请（件）", "integer", "requests_received", True),
        ("answered", "答复申请（件）", "integer", "requests_answered", True),
        ("letters", "收到来信（件）", "integer", "letters_received", True),
        ("new_media", "政务新媒体发布（条）", "integer", "", True),
        ("budget", "工作经费（万元）", "decimal", "", True),
        ("remarks", "备注", "text", "", False),
    ]
    for order, (key, label, kind, source, required) in enumerate(rows, start=1):
        StatisticsField.objects.create(
            form=form, key=key, label=label, kind=kind, source=source, order=order,
            required=required,
        )  # fmt: skip
    # Only the test's form is active: the shipped ones would add their own submissions.
    StatisticsForm.objects.exclude(pk=form.pk).update(active=False)
    return form


@pytest.fixture
def march_records(dept, other_dept, publish_document, interpret, application, letter):
    """Records of March 2025 (and around it) for ``dept`` and ``other_dept``."""
    policy = publish_document(dept, D(2025, 3, 3))
    publish_document(dept, D(2025, 3, 31), hour=23)  # late in the evening: still March
    publish_document(dept, D(2025, 4, 1), hour=0)  # just after: April
    publish_document(other_dept, D(2025, 3, 12))
    interpret(policy, D(2025, 3, 5))  # an interpretation is not a document here
    application(D(2025, 3, 4), handling=dept, replied=D(2025, 3, 20))
    application(D(2025, 3, 6), handling=dept)
    application(D(2025, 2, 27), handling=dept, replied=D(2025, 3, 3))
    application(D(2025, 3, 10), handling=other_dept)
    letter(D(2025, 3, 11), handling=dept, replied=D(2025, 3, 14))
    letter(D(2025, 3, 12), handling=other_dept)
    return policy


def join_agency(agency):
    """``agency`` joined the disclosure system on 1 January 2020."""
    return monthly.join(agency)
