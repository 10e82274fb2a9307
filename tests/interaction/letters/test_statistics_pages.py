"""The letters' statistics pages: the workbench's (who reads which agencies, the XLSX export)
and the public one (figures only, no personal data)."""

from __future__ import annotations

import datetime
import io

import pytest
from django.conf import settings
from django.urls import reverse

from gongkai.agencies.models import StaffRole
from gongkai.core.models import AuditEntry, Export
from gongkai.interaction.letters import exports, services
from gongkai.interaction.letters.models import Letter, LetterEvent
from gongkai.interaction.letters.staff_statistics import read_staff_statistics
from tests.interaction.letters.conftest import (
    SUBJECT,
    WRITER_EMAIL,
    WRITER_NAME,
    WRITER_PHONE,
    at,
)
from tests.workbooks import parts

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = D(2025, 11, 3)
STAFF_PAGE = "letters_staff:statistics"
EXPORT = "letters_staff:statistics_export"


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def letters(replied, write, office, next_agency, staff_role_factory):
    """Two letters answered by the handling agency (城管) and one by 住建, one refused."""
    first = replied(D(2025, 9, 26), D(2025, 10, 9))  # 4 working days
    second = replied(D(2025, 10, 13), D(2025, 10, 14))  # 1 working day
    refused = write(D(2025, 10, 15))
    with at(D(2025, 10, 15)):
        services.reject_letter(refused, actor=office, reason=Letter.Rejection.PETITION)
    housing = write(D(2025, 10, 20), "complaint")
    handler = staff_role_factory(agency=next_agency, role=StaffRole.Role.HANDLER).user
    reviewer = staff_role_factory(agency=next_agency, role=StaffRole.Role.REVIEWER).user
    with at(D(2025, 10, 20)):
        services.accept_letter(housing, actor=office, handling_agency=next_agency)
    with at(D(2025, 10, 22)):
        services.draft_reply(housing, actor=handler, reply_text="已安排上门维修，感谢反映。")
        services.submit_for_review(housing, actor=handler)
        services.review_letter(housing, actor=reviewer, approve=True)
    return [first, second, refused, housing]


def unchanged() -> tuple:
    return (
        list(Letter.objects.order_by("pk").values_list("pk", "state", "handling_agency_id")),
        LetterEvent.objects.count(),
        AuditEntry.objects.filter(kind=AuditEntry.Kind.CHANGE).count(),
    )


def get(client, name, **params):
    with at(TODAY):
        return client.get(reverse(name), params)


def post(client, name, **params):
    with at(TODAY):
        return client.post(reverse(name), params)


# --- the workbench -----------------------------------------------------------------------------


def test_the_office_reads_every_agency_and_the_government(
    english, office, letters, handling_agency, next_agency
):
    english.force_login(office)

    response = get(english, STAFF_PAGE, year=2025)

    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="statistics-agency"' in page
    assert handling_agency.name in page and next_agency.name in page
    assert "Not assigned to an agency" in page  # the refused letter
    assert '<span class="stat-value" data-figure="received">4</span>' in page
    # Through the portal: four letters, three replied.
    assert "75.0%" in page
    assert WRITER_NAME not in page and WRITER_PHONE not in page and SUBJECT not in page


def test_a_month_and_a_type(english, office, letters):
    english.force_login(office)
    complaint = letters[3].letter_type

    response = get(english, STAFF_PAGE, year=2025, month=10, letter_type=complaint.pk)

    page = response.content.decode()
    assert response.status_code == 200
    assert "From 2025-10-01 to 2025-10-31, read on 2025-11-03." in page
    assert '<span class="stat-value" data-figure="received">1</span>' in page
    assert '<span class="stat-value" data-figure="replied">1</span>' in page


def test_an_agencys_handler_reads_their_agency_only(
    english, handler, letters, handling_agency, next_agency
):
    english.force_login(handler)

    response = get(english, STAFF_PAGE, year=2025)

    page = response.content.decode()
    assert response.status_code == 200
    assert handling_agency.name in page
    assert next_agency.name not in page
    assert "Not assigned to an agency" not in page
    assert '<span class="stat-value" data-figure="received">2</span>' in page
    assert '<span class="stat-value" data-figure="replied">2</span>' in page
    own = get(english, STAFF_PAGE, year=2025, agency=handling_agency.pk)
    assert own.status_code == 200


def test_another_agencys_figures_are_refused_with_nothing_changed(
    english, stranger, handler, letters, handling_agency, next_agency
):
    before = unchanged()
    english.force_login(handler)
    for ask in (get, post):
        response = ask(
            english, STAFF_PAGE if ask is get else EXPORT, year=2025, agency=next_agency.pk
        )
        assert response.status_code == 403
        assert "You may read the letter statistics of your own agencies only." in (
            response.content.decode()
        )
    english.force_login(stranger)
    assert get(english, STAFF_PAGE, year=2025, agency=handling_agency.pk).status_code == 403
    assert post(english, EXPORT, year=2025, agency=handling_agency.pk).status_code == 403
    # With no agency named, the stranger reads their own agency: none of these letters.
    page = get(english, STAFF_PAGE, year=2025).content.decode()
    assert handling_agency.name not in page
    assert '<span class="stat-value" data-figure="received">0</span>' in page
    assert unchanged() == before


def test_staff_without_a_letters_role_and_visitors_are_refused(
    english, letters, agency, staff_role_factory
):
    editor = staff_role_factory(agency=agency, role=StaffRole.Role.EDITOR).user
    english.force_login(editor)
    assert get(english, STAFF_PAGE).status_code == 403
    assert post(english, EXPORT).status_code == 403
    english.logout()
    response = get(english, STAFF_PAGE)
    assert response.status_code == 302 and "sign-in" in response["Location"]


def test_an_invalid_filter_is_a_400(english, office, letters):
    english.force_login(office)
    assert get(english, STAFF_PAGE, year=1850).status_code == 400
    assert get(english, STAFF_PAGE, year=2025, month=13).status_code == 400
    assert post(english, EXPORT, year="x").status_code == 400
    assert not Export.objects.exists()


def test_the_page_reads_a_bounded_number_of_queries(
    english, office, letters, django_assert_max_num_queries
):
    english.force_login(office)
    get(english, STAFF_PAGE, year=2025)
    with django_assert_max_num_queries(20):  # the shell's and ~8 here, however many letters
        get(english, STAFF_PAGE, year=2025, month=10)


# --- the export ------------------------------------------------------------------------------


def export(exported, client, **params):
    """The file of the export button, through "My exports" (the job runs on TODAY)."""
    with at(TODAY):
        return exported(client, reverse(EXPORT), params)


def read_sheet(content: bytes) -> list[tuple]:
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(content)).active
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def test_the_export_is_a_flat_stable_table(english, office, letters, handling_agency, exported):
    english.force_login(office)

    response = export(exported, english, year=2025)

    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"].startswith('attachment; filename="letters-2025.xlsx"')
    rows = read_sheet(response.getvalue())
    header, body = rows[0], rows[1:]
    assert len(header) == 5 + len(exports.FIGURE_COLUMNS)
    assert header[:5] == ("Section", "Name", "From", "To", "Read on")
    assert [row[0] for row in body] == ["total"] + ["agency"] * 3 + ["type"] * 2 + ["month"] * 11
    total = dict(zip(header, body[0], strict=True))
    assert total["From"] == "2025-01-01" and total["To"] == "2025-12-31"
    assert total["Read on"] == "2025-11-03"
    assert (total["Received"], total["Replied"], total["Not accepted"]) == (4, 3, 1)
    assert total["Reply rate (%)"] == 75.0
    assert total["Mean working days to reply"] == 2.3  # (4 + 1 + 2) / 3
    urban = next(row for row in body if row[1] == handling_agency.name)
    assert dict(zip(header, urban, strict=True))["Replied"] == 2
    months = [row[1] for row in body if row[0] == "month"]
    assert months == [f"2025-{month:02d}" for month in range(1, 12)]
    assert all(len(row) == len(header) for row in body)


def test_the_export_of_a_month_names_its_file_and_keeps_the_year_by_month(
    english, office, letters, exported
):
    english.force_login(office)
    response = export(exported, english, year=2025, month=10)
    assert response["Content-Disposition"].startswith('attachment; filename="letters-2025-10.xlsx"')
    body = read_sheet(response.getvalue())[1:]
    assert (body[0][2], body[0][3]) == ("2025-10-01", "2025-10-31")
    assert len([row for row in body if row[0] == "month"]) == 11


def test_the_export_guards_against_formulas(english, office, letters, handling_agency, exported):
    handling_agency.name = '=HYPERLINK("http://example.invalid","x")'
    handling_agency.save(update_fields=["name"])
    english.force_login(office)

    rows = read_sheet(export(exported, english, year=2025).getvalue())

    names = [row[1] for row in rows]
    assert '\'=HYPERLINK("http://example.invalid","x")' in names
    assert exports.safe_cell("+1") == "'+1" and exports.safe_cell(3) == 3


# --- the public page ---------------------------------------------------------------------------


def test_the_public_page_shows_a_years_figures_without_personal_data(client, letters):
    with at(TODAY):
        response = client.get(reverse("letters:statistics"), {"year": 2025})

    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="statistics-month"' in page
    assert 'data-testid="statistics-agency"' in page
    assert "75.0%" in page  # the reply rate: 3 of the 4 letters through the portal
    for private in (WRITER_NAME, WRITER_PHONE, WRITER_EMAIL, SUBJECT, letters[0].number):
        assert private not in page


def test_the_public_page_is_linked_from_the_letters_index(client):
    page = client.get(reverse("letters:index")).content.decode()
    assert f'href="{reverse("letters:statistics")}"' in page


@pytest.mark.parametrize("year", ["20x5", "1850", "2999", "12345"])
def test_the_public_page_knows_no_such_year(client, year):
    assert client.get(reverse("letters:statistics"), {"year": year}).status_code == 404


def test_the_public_page_reads_a_bounded_number_of_queries(
    client, letters, django_assert_max_num_queries
):
    with at(TODAY):
        client.get(reverse("letters:statistics"), {"year": 2025})
        with django_assert_max_num_queries(12):
            client.get(reverse("letters:statistics"), {"year": 2025})


def test_the_queued_export_is_byte_for_byte_the_synchronous_workbook(
    english, office, letters, exported
):
    """The job builds exactly what the page's button used to answer with (the same builder
    on the same figures; the clock frozen, as the workbook records when it was written; the
    zip's own stamp of the sheet aside, see ``tests.workbooks``)."""
    english.force_login(office)
    response = export(exported, english, year=2025, month=10)
    with at(TODAY):
        _form, result, refused = read_staff_statistics(office, {"year": "2025", "month": "10"})
        assert result is not None and not refused
        expected = exports.export_xlsx(result.report, result.months)
    assert parts(response.getvalue()) == parts(expected)
