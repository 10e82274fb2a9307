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
