"""Writes that bypass model saves still reach the index: a bulk import (the demo loader:
``tests/demo/test_search.py``)."""

from __future__ import annotations

import pytest

from gongkai.agencies.models import StaffRole
from gongkai.catalogue.bulk_import import import_catalogue
from gongkai.search.engine import SearchQuery, search
from tests.catalogue.test_bulk_import import row, xlsx

pytestmark = pytest.mark.django_db


def test_an_imported_catalogue_is_searchable_once_the_import_commits(
    agency, staff_role_factory, django_capture_on_commit_callbacks, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    from gongkai.agencies.services import record_membership_change

    record_membership_change(agency, actor=None, system=True, change="joined", date=_day())
    office = staff_role_factory(agency=agency, role=StaffRole.Role.OFFICE).user
    source = xlsx(row(agency, title="关于做好义务教育招生入学工作的通知", keywords="招生"))

    with django_capture_on_commit_callbacks(execute=True):
        report = import_catalogue(source, actor=office)

    assert report.ok and report.documents == 1
    hits = search(SearchQuery(q="招生入学")).hits
    assert [hit.title for hit in hits] == ["关于做好义务教育招生入学工作的通知"]


def _day():
    import datetime

    return datetime.date(2010, 1, 1)


def test_an_import_is_handed_to_the_engine_in_one_batch_not_one_document_at_a_time(
    agency, staff_role_factory, django_capture_on_commit_callbacks, settings, tmp_path, monkeypatch
):
    """Issue 10: indexing each imported document on its own committed the embedded index once
    a document (2,000 rows took 412 s); the rows now reach the engine a batch at a time."""
    settings.MEDIA_ROOT = tmp_path / "media"
    from gongkai.agencies.services import record_membership_change
    from gongkai.search.backends import get_backend

    record_membership_change(agency, actor=None, system=True, change="joined", date=_day())
    office = staff_role_factory(agency=agency, role=StaffRole.Role.OFFICE).user
    titles = [f"关于做好第{n}批义务教育招生入学工作的通知" for n in range(1, 6)]
    source = xlsx(
        *(
            row(agency, index_number=f"ZD-JY/2012-{n:04d}", title=title, keywords="招生")
            for n, title in enumerate(titles, 1)
        )
    )
    backend = type(get_backend())
    writes: list[int] = []
    original = backend.write

    def counted(self, entry_ids):  # type: ignore[no-untyped-def]
        writes.append(len(entry_ids))
        return original(self, entry_ids)

    monkeypatch.setattr(backend, "write", counted)

    with django_capture_on_commit_callbacks(execute=True):
        report = import_catalogue(source, actor=office)

    assert report.ok and report.documents == 5
    assert writes == [5]
    hits = search(SearchQuery(q="招生入学")).hits
    assert sorted(hit.title for hit in hits) == sorted(titles)
