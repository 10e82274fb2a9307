"""The workbench pages: the permission matrix, filling in and submitting, the office's check,
queue and overview, the statistics page's figures against independent counts, its exports
(XLSX and CSV, formula-safe) and no personal data anywhere."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from gongkai.agencies.models import Agency
from gongkai.catalogue.models import Document, DocumentVersion
from gongkai.core.models import AuditEntry, Export
from gongkai.info_requests.models import InfoRequest
from gongkai.interaction.letters.models import Letter
from gongkai.reports.statistics import exports, services
from gongkai.reports.statistics.models import StatisticsSubmission
from gongkai.reports.statistics.staff_trends import read_trends
from gongkai.workbench.queue import queue_for
from tests.reports.statistics.conftest import MARCH, D, join_agency, moment
from tests.workbooks import parts

pytestmark = pytest.mark.django_db

State = StatisticsSubmission.State
MANUAL = {"new_media": "12", "budget": "3.5", "remarks": ""}


@pytest.fixture
def submission(test_form, dept):
    return services.open_submission(
        test_form, agency=dept, period=MARCH, actor=None, now=moment(D(2025, 4, 2))
    )


@pytest.fixture
def other_submission(test_form, other_dept):
    return services.open_submission(
        test_form, agency=other_dept, period=MARCH, actor=None, now=moment(D(2025, 4, 2))
    )


def _detail(submission: StatisticsSubmission) -> str:
    return reverse("statistics_staff:detail", args=[submission.pk])


def _post_values(client, submission, action="save", **overrides):
    data = {**submission.values, **MANUAL, **overrides, "action": action}
    return client.post(_detail(submission), data)


# --------------------------------------------------------------------------- permissions


@pytest.mark.parametrize(
    "name",
    ["statistics_staff:index", "statistics_staff:queue", "statistics_staff:overview",
     "statistics_staff:trends"],
)  # fmt: skip
def test_anonymous_visitors_are_sent_to_sign_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("workbench:login"))


def test_anonymous_visitors_cannot_open_a_submission(client, submission):
    response = client.get(_detail(submission))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("workbench:login"))


def test_an_agency_sees_its_own_submissions_and_never_another_agencys(
    english, submission, other_submission, dept_staff
):
    english.force_login(dept_staff)
    listing = english.get(reverse("statistics_staff:index")).content.decode()
    assert _detail(submission) in listing
    assert _detail(other_submission) not in listing
    assert english.get(_detail(submission)).status_code == 200
    assert english.get(_detail(other_submission)).status_code == 404
    before = other_submission.values
    assert _post_values(english, other_submission, new_media="99").status_code == 404
    other_submission.refresh_from_db()
    assert other_submission.values == before


@pytest.mark.parametrize(
    "name",
    ["statistics_staff:queue", "statistics_staff:overview", "statistics_staff:trends"],
)  # fmt: skip
def test_the_office_pages_are_refused_to_agency_staff(english, dept_staff, name):
    english.force_login(dept_staff)
    assert english.get(reverse(name)).status_code == 403


@pytest.mark.parametrize("name", ["statistics_staff:export_csv", "statistics_staff:export_xlsx"])
def test_the_export_buttons_are_the_offices_and_take_posts_only(
    client, english, dept_staff, office, name, private_media
):
    url = reverse(name)
    response = client.post(url, {"year": "2025"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("workbench:login"))
    english.force_login(dept_staff)
    assert english.post(url, {"year": "2025"}).status_code == 403
    english.force_login(office)
    assert english.get(url, {"year": "2025"}).status_code == 405
    assert not Export.objects.exists()
    assert not AuditEntry.objects.filter(action="exports.request").exists()


def test_agency_staff_cannot_return_or_accept(english, submission, dept_staff):
    services.save_values(submission, values={**submission.values, **MANUAL}, actor=dept_staff)
    services.submit_submission(submission, actor=dept_staff)
    english.force_login(dept_staff)
    url = reverse("statistics_staff:accept", args=[submission.pk])
    assert english.post(url).status_code == 403
    url = reverse("statistics_staff:return", args=[submission.pk])
    assert english.post(url, {"reason": "不行"}).status_code == 403
    submission.refresh_from_db()
    assert submission.state == State.SUBMITTED


def test_a_reviewer_of_the_agency_sees_but_cannot_fill(english, submission, dept_reviewer):
    english.force_login(dept_reviewer)
    page = english.get(_detail(submission))
    assert page.status_code == 200
    assert b'data-testid="values-form"' not in page.content
    before = submission.values
    assert _post_values(english, submission, new_media="5").status_code == 403
    submission.refresh_from_db()
    assert submission.values == before


def test_the_office_sees_every_submission(english, submission, other_submission, office):
    english.force_login(office)
    listing = english.get(reverse("statistics_staff:index")).content.decode()
    assert _detail(submission) in listing and _detail(other_submission) in listing
    assert english.get(_detail(other_submission)).status_code == 200


# --------------------------------------------------------------------------- filling and checking


def test_fill_save_and_submit_through_the_page(english, submission, dept_staff):
    english.force_login(dept_staff)
    response = _post_values(english, submission, new_media="x")
    assert response.status_code == 200
    assert "must be a whole number, 0 or more" in response.content.decode()
    submission.refresh_from_db()
    assert submission.values.get("new_media") is None  # nothing was saved
    response = _post_values(english, submission)
    assert response.status_code == 302
    submission.refresh_from_db()
    assert (submission.state, submission.values["new_media"]) == (State.DRAFT, "12")
    response = _post_values(english, submission, action="submit")
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.state == State.SUBMITTED


def test_the_office_returns_with_a_reason_and_accepts(english, submission, dept_staff, office):
    services.save_values(submission, values={**submission.values, **MANUAL}, actor=dept_staff)
    services.submit_submission(submission, actor=dept_staff)
    english.force_login(office)
    queue_page = english.get(reverse("statistics_staff:queue")).content.decode()
    assert _detail(submission) in queue_page
    url = reverse("statistics_staff:return", args=[submission.pk])
    english.post(url, {"reason": ""})
    submission.refresh_from_db()
    assert submission.state == State.SUBMITTED  # a return needs a reason
    english.post(url, {"reason": "请补充政务新媒体数据来源。"})
    submission.refresh_from_db()
    assert submission.state == State.RETURNED
    english.force_login(dept_staff)
    assert "请补充政务新媒体数据来源。" in english.get(_detail(submission)).content.decode()
    _post_values(english, submission, action="submit")
    submission.refresh_from_db()
    assert submission.state == State.RESUBMITTED
    english.force_login(office)
    english.post(reverse("statistics_staff:accept", args=[submission.pk]))
    submission.refresh_from_db()
    assert submission.state == State.ACCEPTED
    # Locked: the page shows no form and a post changes nothing.
    english.force_login(dept_staff)
    assert b'data-testid="values-form"' not in english.get(_detail(submission)).content
    _post_values(english, submission, new_media="77")
    submission.refresh_from_db()
    assert submission.values["new_media"] == "12"


def test_the_queues_of_the_workbench(submission, dept, dept_staff, office):
    mine = [item.url for item in queue_for(dept_staff, dept)]
    assert _detail(submission) in mine
    services.save_values(submission, values={**submission.values, **MANUAL}, actor=dept_staff)
    services.submit_submission(submission, actor=dept_staff)
    assert _detail(submission) not in [item.url for item in queue_for(dept_staff, dept)]
    assert _detail(submission) in [item.url for item in queue_for(office, None)]


def test_the_overview_says_who_has_submitted(
    english, test_form, submission, other_dept, dept_staff, office
):
    services.save_values(submission, values={**submission.values, **MANUAL}, actor=dept_staff)
    services.submit_submission(submission, actor=dept_staff)
    english.force_login(office)
    page = english.get(
        reverse("statistics_staff:overview"), {"form": test_form.code, "period": "2025-03"}
    ).content.decode()
    assert "1 of 3 agencies submitted." in page  # dept; other_dept and the government not
    assert other_dept.name in page
    response = english.post(
        reverse("statistics_staff:open"),
        {"form": test_form.code, "agency": other_dept.pk, "period": "2025-03"},
    )
    assert response.status_code == 302
    assert StatisticsSubmission.objects.filter(agency=other_dept, period_key="2025-03").exists()


# --------------------------------------------------------------------------- the statistics page


def _month_counts() -> dict[str, dict[int, int]]:
    """Every measure of 2025 by month, counted straight from the models in Python."""
    zone = datetime.timezone(datetime.timedelta(hours=8))
    counts: dict[str, dict[int, int]] = {
        key: dict.fromkeys(range(1, 13), 0)
        for key in ("documents", "received", "answered", "letters", "replied")
    }
    for version in DocumentVersion.objects.select_related("document"):
        local = version.published_at.astimezone(zone)
        if (
            version.number == 1
            and local.year == 2025
            and version.document.kind != Document.Kind.INTERPRETATION
        ):
            counts["documents"][local.month] += 1
    for request in InfoRequest.objects.all():
        if request.received_on.year == 2025:
            counts["received"][request.received_on.month] += 1
        if request.replied_on and request.replied_on.year == 2025:
            counts["answered"][request.replied_on.month] += 1
    for item in Letter.objects.exclude(state=Letter.State.REJECTED):
        if item.handling_agency_id or item.agency_id:
            if item.received_on.year == 2025:
                counts["letters"][item.received_on.month] += 1
            if item.replied_on and item.replied_on.year == 2025:
                counts["replied"][item.replied_on.month] += 1
    return counts


def test_the_statistics_page_equals_independent_counts(
    english, office, march_records, django_assert_max_num_queries
):
    english.force_login(office)
    with django_assert_max_num_queries(20):
        response = english.get(reverse("statistics_staff:trends"), {"year": "2025"})
    assert response.status_code == 200
    data = response.context["data"]
    expected = _month_counts()
    assert data.by_month["documents_published"] == [expected["documents"][m] for m in range(1, 13)]
    assert data.by_month["requests_received"] == [expected["received"][m] for m in range(1, 13)]
    assert data.by_month["requests_answered"] == [expected["answered"][m] for m in range(1, 13)]
    assert data.by_month["letters_received"] == [expected["letters"][m] for m in range(1, 13)]
    assert data.by_month["letters_replied"] == [expected["replied"][m] for m in range(1, 13)]
    assert data.by_month["documents_published"][2:4] == [3, 1]  # March, April
    assert data.by_year[2025]["requests_received"] == 4
    assert data.by_year[2024]["requests_received"] == 0
    assert b'id="statistics-chart-data"' in response.content
    assert b"statistics-charts.js" in response.content
    assert b"<script>" not in response.content  # no inline script (CSP)


def test_the_statistics_page_by_agency_and_the_agency_filter(
    english, office, dept, other_dept, march_records
):
    english.force_login(office)
    data = english.get(reverse("statistics_staff:trends"), {"year": "2025"}).context["data"]
    assert data.by_agency[dept.pk]["documents_published"] == 3  # March 3, March 31, April 1
    assert data.by_agency[other_dept.pk]["documents_published"] == 1
    assert data.by_agency[dept.pk]["requests_received"] == 3
    assert data.by_agency[dept.pk]["letters_replied"] == 1
    filtered = english.get(
        reverse("statistics_staff:trends"), {"year": "2025", "agency": other_dept.pk}
    ).context["data"]
    assert [agency.pk for agency in filtered.agencies] == [other_dept.pk]
    assert filtered.year_total("requests_received") == 1


def test_the_query_count_does_not_grow_with_the_agencies(
    english, office, march_records, agency_factory, django_assert_max_num_queries
):
    for number in range(8):
        join_agency(agency_factory(name=f"测试区第{number}办"))
    english.force_login(office)
    with django_assert_max_num_queries(20):
        english.get(reverse("statistics_staff:trends"), {"year": "2025"})


@pytest.fixture
def formula_agency(agency_factory):
    return join_agency(agency_factory(name='=HYPERLINK("http://x","y")', short_name="公式"))


def test_the_exports_open_and_neutralise_formulas(
    english, office, march_records, formula_agency, exported
):
    english.force_login(office)
    response = exported(english, reverse("statistics_staff:export_xlsx"), {"year": "2025"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="statistics-2025.xlsx"')
    workbook = load_workbook(io.BytesIO(response.getvalue()))
    assert len(workbook.sheetnames) == 3
    by_month, by_agency = workbook.worksheets[0], workbook.worksheets[1]
    assert by_month.cell(row=4, column=2).value == 3  # March's documents
    names = [row[0].value for row in by_agency.iter_rows(min_row=2)]
    assert "'" + formula_agency.name in names
    assert formula_agency.name not in names
    for row in by_agency.iter_rows(min_row=2):
        assert row[0].data_type == "s"

    response = exported(english, reverse("statistics_staff:export_csv"), {"year": "2025"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Cache-Control"] == "private, no-store"
    rows = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    cells = [cell for row in rows for cell in row]
    assert "'" + formula_agency.name in cells
    assert not any(cell.startswith("=") for cell in cells)
    march = next(row for row in rows if row and row[0] == "2025-03")
    assert march[1] == "3"


def _synchronous(user, query, extension):
    """What the page's export link answered with before decision 0041: the same filters read
    the same way, the same writer (``statistics.exports``), the same encoding."""
    _form, data = read_trends(user, query)
    if extension == "csv":
        return exports.trends_to_csv(data).encode("utf-8-sig")
    return exports.trends_to_xlsx(data)


@pytest.mark.parametrize("query", [{"year": "2025"}, {"year": "2025", "agency": "dept"}, {}])
def test_the_queued_files_are_what_the_links_built_in_the_request(
    english, office, march_records, dept, exported, query
):
    """CSV byte for byte; XLSX entry by entry (tests.workbooks: openpyxl stamps the sheet's
    zip entry with the time it wrote it)."""
    query = {name: str(dept.pk) if value == "dept" else value for name, value in query.items()}
    english.force_login(office)
    # The clock frozen: the workbook records when it was written.
    with time_machine.travel(moment(D(2026, 3, 5)), tick=False):
        csv_file = exported(english, reverse("statistics_staff:export_csv"), query).getvalue()
        xlsx_file = exported(english, reverse("statistics_staff:export_xlsx"), query).getvalue()
        expected_csv = _synchronous(office, query, "csv")
        expected_xlsx = _synchronous(office, query, "xlsx")
    assert csv_file == expected_csv
    assert parts(xlsx_file) == parts(expected_xlsx)
    if "agency" in query:
        assert dept.name in csv_file.decode("utf-8-sig")
    assert list(
        AuditEntry.objects.filter(action="exports.download", actor=office)
        .order_by("id")
        .values_list("details__parameters", flat=True)
    ) == [{**query, "format": "csv"}, {**query, "format": "xlsx"}]


def test_the_page_sends_the_filters_of_the_figures_it_shows(english, office, march_records, dept):
    english.force_login(office)
    page = english.get(reverse("statistics_staff:trends"), {"year": "2025", "agency": dept.pk})
    assert page.context["export_fields"] == [("year", "2025"), ("agency", str(dept.pk))]
    assert b'data-testid="export-csv"' in page.content
    # Filters the page could not read show this year's figures: the button exports those.
    page = english.get(reverse("statistics_staff:trends"), {"year": "1900"})
    assert page.context["export_fields"] == []


@pytest.mark.parametrize(
    "data", [{"year": "1900"}, {"year": "x"}, {"year": "2025", "agency": "999999"}]
)
def test_bad_filters_are_refused_with_a_message_and_nothing_is_written(
    english, office, march_records, data, private_media
):
    english.force_login(office)
    english.cookies["gongkai_language"] = "zh-hans"
    response = english.post(reverse("statistics_staff:export_csv"), data)
    assert response.status_code == 400
    assert "请更正统计的筛选条件" in response.content.decode()
    assert not Export.objects.exists()
    assert not AuditEntry.objects.filter(action="exports.request").exists()


def test_a_role_withdrawn_after_asking_refuses_the_download(
    english, office, march_records, private_media, django_capture_on_commit_callbacks
):
    english.force_login(office)
    with django_capture_on_commit_callbacks(execute=True):
        english.post(reverse("statistics_staff:export_csv"), {"year": "2025"})
    export = Export.objects.get()
    assert export.state == Export.State.DONE
    office.staff_roles.all().delete()
    response = english.get(reverse("workbench:export_download", args=[export.pk]))
    assert response.status_code == 403
    assert not AuditEntry.objects.filter(action="exports.download").exists()


def test_no_personal_data_on_the_pages_or_in_the_exports(
    english, office, dept_staff, submission, march_records, exported
):
    from tests.info_requests.conftest import APPLICANT_NAME, APPLICANT_PHONE, VALID_ID
    from tests.interaction.letters.conftest import WRITER_EMAIL, WRITER_NAME, WRITER_PHONE

    english.force_login(office)
    csv_file = exported(english, reverse("statistics_staff:export_csv"), {"year": "2025"})
    texts = [
        english.get(reverse("statistics_staff:trends"), {"year": "2025"}).content.decode(),
        csv_file.getvalue().decode("utf-8-sig"),
        english.get(_detail(submission)).content.decode(),
        english.get(reverse("statistics_staff:index")).content.decode(),
    ]
    xlsx_file = exported(english, reverse("statistics_staff:export_xlsx"), {"year": "2025"})
    workbook = load_workbook(io.BytesIO(xlsx_file.getvalue()))
    texts += [str(cell.value) for sheet in workbook for row in sheet.iter_rows() for cell in row]
    joined = "\n".join(texts)
    for secret in (
        APPLICANT_NAME,
        APPLICANT_PHONE,
        VALID_ID,
        WRITER_NAME,
        WRITER_PHONE,
        WRITER_EMAIL,
    ):
        assert secret not in joined


def test_a_non_member_body_is_not_listed(english, office, march_records, agency_factory):
    outsider = agency_factory(name="从未加入的单位", kind=Agency.Kind.PUBLIC_ENTERPRISE)
    english.force_login(office)
    data = english.get(reverse("statistics_staff:trends"), {"year": "2025"}).context["data"]
    assert outsider.pk not in data.by_agency


def test_the_lists_do_not_query_per_row(
    english, test_form, office, government, dept, other_dept, agency_factory,
    django_assert_max_num_queries,
):  # fmt: skip
    for number in range(6):
        join_agency(agency_factory(name=f"测试区第{number}街道"))
    from gongkai.reports.statistics import jobs

    jobs.open_period_submissions(now=moment(D(2025, 4, 2)))
    assert StatisticsSubmission.objects.count() == 9
    english.force_login(office)
    for name, params in [
        ("statistics_staff:index", {}),
        ("statistics_staff:queue", {}),
        ("statistics_staff:overview", {"form": test_form.code, "period": "2025-03"}),
    ]:
        with django_assert_max_num_queries(15):
            assert english.get(reverse(name), params).status_code == 200
