"""Page visits: counted per path and day, without anything about the visitor."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import OperationalError, connection
from django.db.models import QuerySet
from django.urls import reverse

from gongkai.catalogue import visits
from gongkai.catalogue.models import PageVisit
from gongkai.catalogue.selectors.public import visit_total
from gongkai.catalogue.visits import buffer_visit, count_visit, flush_visits, pending_visits
from tests.catalogue.public_helpers import join, make_document

DAY = datetime.date(2024, 5, 6)


@pytest.mark.django_db
def test_each_view_of_a_public_page_is_counted_per_path_and_day(client, agency):
    join(agency)
    document = make_document(agency)
    document_url = reverse("catalogue:document", args=[document.pk])

    client.get(document_url)
    client.get(document_url, REMOTE_ADDR="10.0.0.9", HTTP_USER_AGENT="Kiosk")
    client.get(reverse("catalogue:index"), {"agency": agency.slug, "page": "1"})
    client.get(reverse("catalogue:agency_guide", args=[agency.slug]))

    counts = dict(PageVisit.objects.values_list("path", "count"))
    assert counts == {
        document_url: 2,
        reverse("catalogue:index"): 1,  # the path only: no query string
        reverse("catalogue:agency_guide", args=[agency.slug]): 1,
    }
    # Nothing about the visitor is kept: the row has a path, a day and a count.
    assert {field.name for field in PageVisit._meta.get_fields()} == {"id", "path", "day", "count"}
    # No cookie of its own (the shell's forms set only the CSRF cookie).
    assert set(client.cookies) <= {"csrftoken"}


@pytest.mark.django_db
def test_pages_that_are_not_found_or_not_public_are_not_counted(client, agency):
    join(agency)
    draft = make_document(agency, state="draft")

    client.get(reverse("catalogue:document", args=[draft.pk]))
    client.get(reverse("catalogue:column", args=["no-such"]))
    client.head(reverse("catalogue:index"))

    assert not PageVisit.objects.exists()


@pytest.mark.django_db
def test_count_visit_adds_one_per_call_on_its_day(settings):
    count_visit("/catalogue/", day=DAY)
    count_visit("/catalogue/", day=DAY)
    count_visit("/catalogue/", day=DAY + datetime.timedelta(days=1))
    count_visit("/documents/1/", day=datetime.date(2023, 12, 31))

    assert PageVisit.objects.get(path="/catalogue/", day=DAY).count == 2
    assert PageVisit.objects.count() == 3
    assert visit_total(year=2024) == 3
    assert visit_total(year=2023) == 1
    assert visit_total(year=2024, path_prefix="/documents/") == 0


@pytest.mark.django_db
def test_count_visit_recovers_when_another_request_inserted_the_row_first(monkeypatch):
    """The race: our update finds no row, another request inserts it, our insert fails."""
    original_update = QuerySet.update
    raced = []

    def update_after_a_concurrent_insert(self, **kwargs):
        if self.model is PageVisit and not raced:
            raced.append(True)
            result = original_update(self, **kwargs)  # finds nothing: 0
            PageVisit.objects.create(path="/catalogue/", day=DAY, count=5)  # the other request
            return result
        return original_update(self, **kwargs)

    monkeypatch.setattr(QuerySet, "update", update_after_a_concurrent_insert)

    count_visit("/catalogue/", day=DAY)

    assert PageVisit.objects.get(path="/catalogue/", day=DAY).count == 6


@pytest.mark.django_db
def test_long_paths_are_cut_to_the_column_length():
    count_visit("/" + "页" * 400, day=DAY)

    assert len(PageVisit.objects.get().path) == 300


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_views_are_all_counted_on_postgresql():
    threads, per_thread = 4, 15
    barrier = threading.Barrier(threads)

    def visit() -> None:
        try:
            barrier.wait()
            for _ in range(per_thread):
                count_visit("/catalogue/", day=DAY)
        finally:
            connection.close()

    workers = [threading.Thread(target=visit) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    assert PageVisit.objects.get(path="/catalogue/", day=DAY).count == threads * per_thread


# --------------------------------------------------------------------------- the buffer


@pytest.fixture
def buffered(settings):
    """Views counted in memory and written when the oldest is an hour old or 5 are waiting."""
    settings.GONGKAI_VISIT_FLUSH_SECONDS = 3600
    settings.GONGKAI_VISIT_BUFFER_MAX = 5
    return settings


@pytest.mark.django_db
def test_buffered_views_are_written_in_one_batch_when_enough_are_waiting(client, agency, buffered):
    join(agency)
    document = make_document(agency)
    document_url = reverse("catalogue:document", args=[document.pk])

    for _ in range(4):
        client.get(document_url)
    client.get(reverse("catalogue:index"))

    # The fifth view wrote all five, and nothing is left in memory.
    assert dict(PageVisit.objects.values_list("path", "count")) == {
        document_url: 4,
        reverse("catalogue:index"): 1,
    }
    assert pending_visits() == 0


@pytest.mark.django_db
def test_buffered_views_wait_in_memory_without_a_query(agency, buffered, django_assert_num_queries):
    with django_assert_num_queries(0):
        buffer_visit("/catalogue/", day=DAY)
        buffer_visit("/catalogue/", day=DAY)

    assert not PageVisit.objects.exists()
    assert pending_visits() == 2


@pytest.mark.django_db
def test_buffered_views_are_written_when_the_oldest_is_due(buffered, monkeypatch):
    buffered.GONGKAI_VISIT_FLUSH_SECONDS = 60
    clock = [1000.0]
    monkeypatch.setattr(visits.time, "monotonic", lambda: clock[0])

    buffer_visit("/catalogue/", day=DAY)
    clock[0] += 59
    buffer_visit("/catalogue/", day=DAY)
    assert not PageVisit.objects.exists()
    clock[0] += 1
    buffer_visit("/documents/1/", day=DAY)

    assert dict(PageVisit.objects.values_list("path", "count")) == {
        "/catalogue/": 2,
        "/documents/1/": 1,
    }


@pytest.mark.django_db
def test_the_year_total_includes_the_views_still_in_memory(buffered):
    count_visit("/catalogue/", day=DAY, count=7)
    buffer_visit("/catalogue/", day=DAY)
    buffer_visit("/documents/1/", day=DAY)

    assert visit_total(year=2024) == 9
    assert pending_visits() == 0


@pytest.mark.django_db
def test_views_the_database_refuses_are_kept_for_the_next_flush(buffered, monkeypatch):
    buffer_visit("/catalogue/", day=DAY)
    buffer_visit("/catalogue/", day=DAY)

    def refuse(*args, **kwargs):
        raise OperationalError("database is locked")

    with monkeypatch.context() as patched:
        patched.setattr(visits, "count_visit", refuse)
        assert flush_visits() == 0
    assert pending_visits() == 2

    assert flush_visits() == 2
    assert PageVisit.objects.get(path="/catalogue/", day=DAY).count == 2


@pytest.mark.django_db
def test_views_served_from_the_page_cache_are_counted_too(client, agency, buffered, settings):
    settings.GONGKAI_PAGE_CACHE = True
    join(agency)
    document = make_document(agency)
    document_url = reverse("catalogue:document", args=[document.pk])

    assert client.get(document_url)["X-Cache"] == "MISS"
    assert client.get(document_url)["X-Cache"] == "HIT"
    assert client.get(document_url)["X-Cache"] == "HIT"

    assert flush_visits() == 3
    assert PageVisit.objects.get(path=document_url).count == 3
