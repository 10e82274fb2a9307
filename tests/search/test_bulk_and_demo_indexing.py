"""Writes that bypass model saves still reach the index: a bulk import and the demo loader."""

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


@pytest.mark.slow
def test_the_demonstration_district_is_searchable(settings):
    from django.core.management import call_command

    settings.DEMO_MODE = True
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115

    result = search(SearchQuery(q="张政办发[2014]50号"))

    assert result.hits[0].title == "关于进一步加强政府信息公开工作的通知"
    assert search(SearchQuery(q="低保")).total > 0
    # The published Q&A and consultations on drafts, as content types of their own.
    from gongkai.interaction.consultations.selectors import public_consultations
    from gongkai.interaction.letters.selectors import published_qa

    assert search(SearchQuery(type="qa")).total == published_qa().count() > 0
    assert search(SearchQuery(type="consultation")).total == public_consultations().count() > 0
