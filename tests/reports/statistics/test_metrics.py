"""The metrics over the other apps' selectors: each equals an independent count, per agency
and month, overdue marks included, and a field names them by key."""

from __future__ import annotations

import pytest

from gongkai.info_requests import tasks as request_tasks
from gongkai.info_requests.models import RequestEvent
from gongkai.interaction.letters import tasks as letter_tasks
from gongkai.interaction.letters.models import LetterEvent
from gongkai.reports.statistics import metrics
from tests.reports.statistics.conftest import D

pytestmark = pytest.mark.django_db

MARCH = (D(2025, 3, 1), D(2025, 3, 31))
Q2 = (D(2025, 4, 1), D(2025, 6, 30))


def test_every_field_source_of_the_shipped_forms_is_a_registered_metric():
    from gongkai.reports.statistics.definitions import read_definitions

    sources = {f["source"] for form in read_definitions() for f in form["fields"] if f["source"]}
    assert sources <= {metric.key for metric in metrics.metrics()}


def test_the_march_metrics_per_agency(dept, other_dept, march_records):
    def value(key, agency):
        return metrics.metric(key).value(agency.pk, *MARCH)

    assert value("documents_published", dept) == 2
    assert value("interpretations_published", dept) == 1
    assert value("requests_received", dept) == 2
    assert value("requests_answered", dept) == 2
    assert value("letters_received", dept) == 1
    assert value("letters_replied", dept) == 1
    assert value("documents_published", other_dept) == 1
    assert value("letters_replied", other_dept) == 0
    both = metrics.metric("requests_received").values([dept.pk, other_dept.pk], *MARCH)
    assert both == {dept.pk: 2, other_dept.pk: 1}


def test_overdue_applications_and_letters_count_once_in_the_month_they_became_overdue(
    dept, other_dept, application, letter, django_capture_on_commit_callbacks
):
    application(D(2025, 3, 4), handling=dept)
    application(D(2025, 3, 5), handling=other_dept, replied=D(2025, 3, 10))
    letter(D(2025, 3, 4), handling=dept)
    with django_capture_on_commit_callbacks(execute=True):
        for day in (D(2025, 4, 28), D(2025, 5, 6), D(2025, 6, 2)):
            request_tasks.refresh_clocks(today=day)
            letter_tasks.refresh_clocks(today=day)
    request_marks = RequestEvent.objects.filter(code=RequestEvent.Code.OVERDUE)
    letter_marks = LetterEvent.objects.filter(code=LetterEvent.Code.OVERDUE)
    assert request_marks.count() == 1 and letter_marks.count() == 1
    assert metrics.metric("requests_overdue").values([dept.pk, other_dept.pk], *Q2) == {
        dept.pk: 1, other_dept.pk: 0,
    }  # fmt: skip
    assert metrics.metric("letters_overdue").values([dept.pk, other_dept.pk], *Q2) == {
        dept.pk: 1, other_dept.pk: 0,
    }  # fmt: skip
    month = request_marks.get().on.replace(day=1)
    counts = metrics.metric("requests_overdue").counts(*Q2, agency_ids=[dept.pk])
    assert counts == {(dept.pk, month): 1}
    assert metrics.metric("requests_overdue").value(dept.pk, *MARCH) == 0
