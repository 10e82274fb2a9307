"""The administrator's calendar: the services of ``gongkai.core.calendar`` and the admin pages.

Requests ask for the English interface, and the service tests run in English, so that the
assertions read the English messages.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from gongkai.core.calendar import (
    CalendarError,
    add_calendar_year,
    clear_calendar_day,
    import_calendar_csv,
    parse_calendar_csv,
    set_calendar_day,
)
from gongkai.core.models import AuditEntry, CalendarDay, CalendarYear
from gongkai.core.workdays import is_working_day, reload_calendar

pytestmark = pytest.mark.django_db

IMPORT_URL = reverse("admin:core_calendaryear_import")
EN: dict[str, str] = {}  # the English interface comes from the language cookie (fixture)

GOOD_2027 = """date,kind,name
2027-01-01,holiday,元旦
2027-01-02,休,元旦
2027-01-03,假,元旦
2027-02-06,班,春节
2027-02-07,holiday,春节
"""

BAD_2027 = """date,kind,name
2027-01-01,holiday,元旦
2027-13-01,holiday,not a date
2027-02-08,班,a Monday worked
2027-02-09,rest,unknown kind
2027-01-01,holiday,twice
"""


@pytest.fixture(autouse=True)
def english_interface(client, settings):
    """Messages are asserted in English: the visitor chose English with the language switch."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture(autouse=True)
def fresh_calendar():
    reload_calendar()
    with translation.override("en"):
        yield
    reload_calendar()


@pytest.fixture
def admin_user(user_factory):
    return user_factory(is_superuser=True, is_staff=True)


@pytest.fixture
def staff_user(user_factory):
    """Staff who may enter the admin site but not change the calendar."""
    return user_factory(is_staff=True)


@pytest.fixture
def calendar_editor(user_factory):
    user = user_factory(is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="change_calendarday"))
    return user


def calendar_snapshot():
    return (
        list(CalendarYear.objects.values_list("year", "source", "notice")),
        list(CalendarDay.objects.values_list("date", "kind", "name")),
        AuditEntry.objects.count(),
    )


# --- Services --------------------------------------------------------------------------------


def test_import_replaces_the_year_wholly_and_writes_an_audit_entry(calendar_editor):
    years = import_calendar_csv(GOOD_2027, actor=calendar_editor, notice="国办发明电〔2026〕1号")
    assert [year.year for year in years] == [2027]
    year = CalendarYear.objects.get(year=2027)
    assert (year.source, year.notice) == (CalendarYear.Source.IMPORT, "国办发明电〔2026〕1号")
    assert CalendarDay.objects.filter(date__year=2027).count() == 5
    assert CalendarDay.objects.get(date=date(2027, 2, 6)).kind == CalendarDay.Kind.SWAPPED_WORKDAY
    entry = AuditEntry.objects.get(action="core.import_calendar")
    assert entry.actor == calendar_editor
    assert entry.details["holidays"] == 4
    assert entry.details["workdays"] == 1

    # Importing 2027 again with one day fewer drops that day.
    import_calendar_csv("2027-01-01,holiday,元旦\n", actor=calendar_editor)
    assert list(CalendarDay.objects.filter(date__year=2027).values_list("date", flat=True)) == [
        date(2027, 1, 1)
    ]


def test_import_over_a_package_year_replaces_its_days(admin_user):
    import_calendar_csv(b"2025-10-01,holiday,National Day\n", actor=admin_user)
    assert CalendarDay.objects.filter(date__year=2025).count() == 1
    assert CalendarYear.objects.get(year=2025).source == CalendarYear.Source.IMPORT
    assert CalendarDay.objects.filter(date__year=2024).count() > 1  # other years untouched


def test_import_reads_gb18030_files(admin_user):
    import_calendar_csv("日期,类型,名称\n2027-01-01,休,元旦\n".encode("gb18030"), actor=admin_user)
    assert CalendarDay.objects.get(date=date(2027, 1, 1)).name == "元旦"


def test_a_bad_file_reports_every_row_and_writes_nothing(admin_user):
    before = calendar_snapshot()
    with pytest.raises(CalendarError) as excinfo:
        import_calendar_csv(BAD_2027, actor=admin_user)
    errors = excinfo.value.errors
    assert len(errors) == 4
    assert errors[0].startswith("Row 3: “2027-13-01” is not a date")
    assert errors[1] == (
        "Row 4: 2027-02-08 is a Monday; a swapped working day must fall on a Saturday or Sunday."
    )
    assert errors[2].startswith("Row 5: “rest” is not a kind of day")
    assert errors[3] == "Row 6: 2027-01-01 appears twice (first in row 2)."
    assert str(excinfo.value) == "Nothing was imported: the file has 4 errors."
    assert calendar_snapshot() == before


def test_an_empty_file_is_refused():
    with pytest.raises(CalendarError, match="no calendar rows"):
        parse_calendar_csv("date,kind,name\n\n")


def test_services_refuse_an_actor_without_the_permission(staff_user):
    before = calendar_snapshot()
    with pytest.raises(PermissionDenied):
        import_calendar_csv(GOOD_2027, actor=staff_user)
    with pytest.raises(PermissionDenied):
        add_calendar_year(2027, actor=staff_user)
    with pytest.raises(PermissionDenied):
        set_calendar_day(date(2025, 10, 12), kind="workday", actor=staff_user)
    with pytest.raises(PermissionDenied):
        clear_calendar_day(date(2025, 10, 1), actor=staff_user)
    assert calendar_snapshot() == before


def test_set_and_clear_a_day(calendar_editor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        day = set_calendar_day(
            date(2025, 10, 12), kind="workday", name="调休", actor=calendar_editor
        )
    assert day.kind == CalendarDay.Kind.SWAPPED_WORKDAY
    assert CalendarYear.objects.get(year=2025).source == CalendarYear.Source.MANUAL
    assert is_working_day(date(2025, 10, 12)) is True
    with django_capture_on_commit_callbacks(execute=True):
        clear_calendar_day(date(2025, 10, 1), actor=calendar_editor)
    assert is_working_day(date(2025, 10, 1)) is True  # a plain Wednesday now
    actions = list(AuditEntry.objects.order_by("id").values_list("action", flat=True))
    assert actions == ["core.set_calendar_day", "core.clear_calendar_day"]


def test_day_edits_are_checked(calendar_editor):
    with pytest.raises(CalendarError, match="must fall on a Saturday or Sunday"):
        set_calendar_day(date(2025, 10, 13), kind="workday", actor=calendar_editor)
    with pytest.raises(CalendarError, match="does not cover 2027; add the year first"):
        set_calendar_day(date(2027, 1, 1), kind="holiday", actor=calendar_editor)
    with pytest.raises(CalendarError, match="no holiday or swapped working day"):
        clear_calendar_day(date(2025, 10, 13), actor=calendar_editor)
    with pytest.raises(CalendarError, match="covers 2025 already"):
        add_calendar_year(2025, actor=calendar_editor)
    with pytest.raises(CalendarError, match="outside 1990–2200"):
        add_calendar_year(2300, actor=calendar_editor)


# --- Admin pages -------------------------------------------------------------------------------


def test_import_through_the_admin_page(client, admin_user, django_capture_on_commit_callbacks):
    client.force_login(admin_user)
    page = client.get(IMPORT_URL, **EN)
    assert page.status_code == 200
    upload = SimpleUploadedFile("2027.csv", GOOD_2027.encode(), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            IMPORT_URL, {"file": upload, "notice": "国办发明电〔2026〕1号"}, follow=True, **EN
        )
    assert response.redirect_chain[-1][0] == reverse("admin:core_calendaryear_changelist")
    assert "The arrangement for 2027 was imported." in response.content.decode()
    assert CalendarYear.objects.get(year=2027).source == CalendarYear.Source.IMPORT
    assert CalendarDay.objects.filter(date__year=2027).count() == 5
    assert AuditEntry.objects.filter(action="core.import_calendar", actor=admin_user).exists()
    assert is_working_day(date(2027, 2, 6)) is True


def test_import_of_pasted_rows(client, admin_user):
    client.force_login(admin_user)
    response = client.post(IMPORT_URL, {"text": "2027-01-01,休,元旦", "notice": ""}, **EN)
    assert response.status_code == 302
    assert CalendarDay.objects.filter(date=date(2027, 1, 1)).exists()


def test_bad_csv_in_the_admin_shows_row_errors_and_writes_nothing(client, admin_user):
    client.force_login(admin_user)
    before = calendar_snapshot()
    upload = SimpleUploadedFile("bad.csv", BAD_2027.encode(), content_type="text/csv")
    response = client.post(IMPORT_URL, {"file": upload}, **EN)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nothing was imported: the file has 4 errors." in html
    assert "Row 3: “2027-13-01” is not a date" in html
    assert "Row 4: 2027-02-08 is a Monday" in html
    assert "Row 6: 2027-01-01 appears twice" in html
    assert calendar_snapshot() == before


def test_an_empty_import_form_asks_for_a_file(client, admin_user):
    client.force_login(admin_user)
    response = client.post(IMPORT_URL, {"notice": ""}, **EN)
    assert response.status_code == 200
    assert "Choose a CSV file or paste its rows." in response.content.decode()


def test_staff_without_the_permission_cannot_import(client, staff_user):
    client.force_login(staff_user)
    before = calendar_snapshot()
    assert client.get(IMPORT_URL).status_code == 403
    upload = SimpleUploadedFile("2027.csv", GOOD_2027.encode(), content_type="text/csv")
    assert client.post(IMPORT_URL, {"file": upload}).status_code == 403
    assert calendar_snapshot() == before


def test_a_visitor_is_sent_to_sign_in(client):
    before = calendar_snapshot()
    response = client.post(IMPORT_URL, {"text": GOOD_2027})
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]
    assert calendar_snapshot() == before


def test_an_editor_with_the_permission_may_import(client, calendar_editor):
    client.force_login(calendar_editor)
    response = client.post(IMPORT_URL, {"text": GOOD_2027}, **EN)
    assert response.status_code == 302
    assert CalendarYear.objects.filter(year=2027).exists()


def test_calendar_year_pages(client, admin_user, django_assert_max_num_queries):
    client.force_login(admin_user)
    # 23 years are listed: a query per year for its day counts would break this bound, while
    # the admin's and the site's own queries (session, user, context) stay well inside it.
    with django_assert_max_num_queries(20):
        listing = client.get(reverse("admin:core_calendaryear_changelist"), **EN)
    assert listing.status_code == 200
    assert IMPORT_URL in listing.content.decode()
    counts = {
        year.year: (year.holidays, year.workdays) for year in listing.context["cl"].result_list
    }
    assert counts[2025] == (28, 5)
    assert counts[2026] == (33, 6)
    year = CalendarYear.objects.get(year=2025)
    page = client.get(reverse("admin:core_calendaryear_change", args=[year.pk]), **EN)
    assert page.status_code == 200
    assert "国庆节" in page.content.decode()
    assert "2025-09-28" in page.content.decode()


def test_adding_a_year_in_the_admin_goes_through_the_service(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:core_calendaryear_add"), {"year": "2027", "notice": "通知"}, **EN
    )
    assert response.status_code == 302
    year = CalendarYear.objects.get(year=2027)
    assert (year.source, year.notice) == (CalendarYear.Source.MANUAL, "通知")
    assert AuditEntry.objects.filter(action="core.add_calendar_year").count() == 1


def test_calendar_years_cannot_be_deleted_in_the_admin(client, admin_user):
    client.force_login(admin_user)
    year = CalendarYear.objects.get(year=2025)
    response = client.post(
        reverse("admin:core_calendaryear_delete", args=[year.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert CalendarYear.objects.filter(year=2025).exists()


def test_calendar_day_admin_saves_through_the_service(client, admin_user):
    client.force_login(admin_user)
    listing = client.get(
        reverse("admin:core_calendarday_changelist"), {"year": "2025", "kind": "holiday"}, **EN
    )
    assert listing.status_code == 200
    response = client.post(
        reverse("admin:core_calendarday_add"),
        {"date": "2025-10-12", "kind": "workday", "name": "test"},
        **EN,
    )
    assert response.status_code == 302
    assert CalendarDay.objects.get(date=date(2025, 10, 12)).kind == "workday"
    assert AuditEntry.objects.filter(action="core.set_calendar_day").count() == 1
    assert CalendarYear.objects.get(year=2025).source == CalendarYear.Source.MANUAL


def test_calendar_day_admin_refuses_a_weekday_swapped_working_day(client, admin_user):
    client.force_login(admin_user)
    before = calendar_snapshot()
    response = client.post(
        reverse("admin:core_calendarday_add"),
        {"date": "2025-10-13", "kind": "workday", "name": ""},
        **EN,
    )
    assert response.status_code == 200
    assert "must fall on a Saturday or Sunday" in response.content.decode()
    assert calendar_snapshot() == before


def test_calendar_day_admin_delete_clears_through_the_service(client, admin_user):
    client.force_login(admin_user)
    day = CalendarDay.objects.get(date=date(2025, 10, 1))
    response = client.post(reverse("admin:core_calendarday_delete", args=[day.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not CalendarDay.objects.filter(date=date(2025, 10, 1)).exists()
    assert AuditEntry.objects.filter(action="core.clear_calendar_day").count() == 1


# --- Users and the audit trail -------------------------------------------------------------


def test_user_admin_shows_full_name_and_phone(client, admin_user):
    client.force_login(admin_user)
    page = client.get(reverse("admin:core_user_change", args=[admin_user.pk]), **EN)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="full_name"' in html
    assert 'name="phone"' in html
    assert client.get(reverse("admin:core_user_add"), **EN).status_code == 200


def test_audit_entries_are_read_only_in_the_admin(client, admin_user):
    set_calendar_day(date(2025, 10, 12), kind="workday", actor=admin_user)
    entry = AuditEntry.objects.get()
    client.force_login(admin_user)
    listing = client.get(reverse("admin:core_auditentry_changelist"), **EN)
    assert listing.status_code == 200
    assert "core.set_calendar_day" in listing.content.decode()
    assert client.get(reverse("admin:core_auditentry_add")).status_code == 403
    page = client.get(reverse("admin:core_auditentry_change", args=[entry.pk]), **EN)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    response = client.post(
        reverse("admin:core_auditentry_delete", args=[entry.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk).exists()
