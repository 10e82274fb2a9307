"""The annual report as a record (REG 49–50): created in the year's format, its prose drafted
from the figures and edited with every revision kept, checked, sent through the catalogue's
confidentiality review (REG 17) into the body's 政府信息公开年报 column, found by search, and
reminded before its deadlines."""

from __future__ import annotations

import datetime
from datetime import date as D

import pytest
import time_machine
from django.test import override_settings
from django.urls import reverse

from gongkai.agencies import services as agency_services
from gongkai.agencies.models import Agency, StaffRole
from gongkai.catalogue import services as catalogue_services
from gongkai.catalogue.models import Document
from gongkai.catalogue.selectors import public as catalogue_selectors
from gongkai.core.models import AuditEntry, Export, OutgoingMail
from gongkai.info_requests.outcomes import Outcome
from gongkai.reports.annual import reminders, services
from gongkai.reports.annual.models import AnnualReport, ReportReminder, SectionRevision
from gongkai.reports.annual.shells import reports_due
from gongkai.search.engine import SearchQuery, search
from tests.info_requests.conftest import at
from tests.workbooks import parts

pytestmark = pytest.mark.django_db

Role = StaffRole.Role
Scope = AnnualReport.Scope
APPLICANT_NAME = "司马蔺如"  # planted: must never reach a report


def moment(day: datetime.date) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, 2, tzinfo=datetime.UTC)


@pytest.fixture
def government(db, agency_factory, agency, handling_agency):
    """The people's government, with the office's agency and the handling agency as members
    since 2020."""
    gov = agency_factory(kind=Agency.Kind.GOVERNMENT, name="测试区人民政府", short_name="区政府")
    for member in (gov, agency, handling_agency):
        agency_services.record_membership_change(
            member, actor=None, change="joined", date=D(2020, 1, 1), system=True
        )
    return gov


@pytest.fixture
def gov_editor(office, government, staff_role_factory):
    """The office's member, also the government's editor (so that it can publish)."""
    staff_role_factory(user=office, agency=government, role=Role.EDITOR)
    return office


@pytest.fixture
def gov_reviewer(government, staff_role_factory):
    return staff_role_factory(agency=government, role=Role.REVIEWER).user


@pytest.fixture
def year_of_applications(received, answer):
    """Three applications of 2025: two answered in the year, one carried forward."""
    first = answer(received(D(2025, 3, 3)), D(2025, 3, 7), Outcome.DISCLOSED)
    second = answer(received(D(2025, 6, 2), "business"), D(2025, 6, 6), Outcome.PARTLY_DISCLOSED)
    third = received(D(2025, 12, 29))
    return [first, second, third]


@pytest.fixture
def report_2025(gov_editor, government, year_of_applications):
    with at(D(2026, 1, 5)):
        return services.create_report(
            agency=government, year=2025, scope=Scope.GOVERNMENT, actor=gov_editor
        )


# --------------------------------------------------------------------------- creating


@pytest.mark.parametrize(
    ("year", "expected"),
    [(2025, "fmt2021"), (2021, "fmt2021"), (2020, "fmt2019"), (2014, "seed2014")],
)
def test_reg_50_the_format_is_chosen_by_the_year(gov_editor, government, year, expected):
    with at(D(2026, 1, 5)):
        report = services.create_report(
            agency=government, year=year, scope=Scope.GOVERNMENT, actor=gov_editor
        ) if year >= 2020 else services.create_report(
            agency=government, year=year, scope=Scope.AGENCY, actor=gov_editor
        )  # fmt: skip
    assert report.format == expected


def test_reg_50_a_format_can_be_chosen_explicitly(gov_editor, government):
    with at(D(2026, 1, 5)):
        report = services.create_report(
            agency=government,
            year=2025,
            scope=Scope.GOVERNMENT,
            actor=gov_editor,
            report_format="seed2014",
        )
    assert report.format == "seed2014"
    assert [s.key for s in services.content_of(report).sections][-1] == "11"


def test_creating_is_refused_with_a_reason_and_changes_nothing(
    government, gov_editor, handling_agency, staff_role_factory
):
    editor = staff_role_factory(agency=handling_agency, role=Role.EDITOR).user

    def call(agency: Agency, year: int, scope: str, actor, report_format: str = "") -> dict:
        return {
            "agency": agency, "year": year, "scope": scope, "actor": actor,
            "report_format": report_format,
        }  # fmt: skip

    gov, dept = government, handling_agency
    refusals = [
        (call(gov, 2025, Scope.AGENCY, editor), "Only the"),  # someone else's agency
        (call(dept, 2025, Scope.GOVERNMENT, editor), "Only the"),  # the government's report
        (call(dept, 2025, Scope.GOVERNMENT, gov_editor), "people's government"),
        (call(gov, 2027, Scope.AGENCY, gov_editor), "from 2008"),
        (call(gov, 2007, Scope.AGENCY, gov_editor), "from 2008"),
        (call(gov, 2025, "everyone", gov_editor), "Choose whose work"),
        (call(gov, 2025, Scope.AGENCY, gov_editor, "fmt1999"), "Choose one of"),
    ]
    with at(D(2026, 1, 5)):
        for arguments, message in refusals:
            with pytest.raises(services.ReportError) as refused:
                services.create_report(**arguments)
            assert message in refused.value.message
        assert not AnnualReport.objects.exists()
        services.create_report(agency=handling_agency, year=2025, scope=Scope.AGENCY, actor=editor)
        with pytest.raises(services.ReportError, match="already has a report"):
            services.create_report(
                agency=handling_agency, year=2025, scope=Scope.AGENCY, actor=editor
            )
    assert AnnualReport.objects.count() == 1


# --------------------------------------------------------------------------- prose


def test_reg_50_sections_start_from_drafts_and_every_revision_is_kept(report_2025, gov_editor):
    content = services.content_of(report_2025)
    first = content.section("1")
    assert "3" in first.text  # the draft quotes the year's figures: 3 applications
    assert services.section_texts(report_2025) == {}

    with at(D(2026, 1, 6)):
        one = services.save_section(
            report_2025, section="1", text="第一稿。\r\n\r\n第二段。", actor=gov_editor
        )
    with at(D(2026, 1, 7)):
        two = services.save_section(report_2025, section="1", text="第二稿。", actor=gov_editor)
        again = services.save_section(report_2025, section="1", text="第二稿。  ", actor=gov_editor)
    assert one is not None and one.text == "第一稿。\n\n第二段。"
    assert two is not None and again is None  # unchanged text: no revision
    assert services.section_texts(report_2025) == {"1": "第二稿。"}
    assert services.content_of(report_2025).section("1").text == "第二稿。"
    assert SectionRevision.objects.filter(report=report_2025).count() == 2
    assert AuditEntry.objects.filter(action="reports.save_section").count() == 2


def test_editing_a_section_is_refused_with_a_reason(
    report_2025, gov_editor, handling_agency, staff_role_factory
):
    stranger = staff_role_factory(agency=handling_agency, role=Role.EDITOR).user
    with pytest.raises(services.ReportPermissionDenied):
        services.save_section(report_2025, section="1", text="x", actor=stranger)
    with pytest.raises(services.ReportError, match="no text to edit"):
        services.save_section(report_2025, section="3", text="x", actor=gov_editor)  # a table
    with pytest.raises(services.ReportError, match="at most"):
        services.save_section(report_2025, section="1", text="字" * 20_001, actor=gov_editor)
    assert not SectionRevision.objects.exists()


def test_reg_50_a_figure_edited_in_the_prose_fails_the_check(report_2025, gov_editor):
    assert services.check_report(report_2025).passed
    draft = services.content_of(report_2025).section("1").text
    assert "收到政府信息公开申请3件" in draft
    with at(D(2026, 1, 6)):
        services.save_section(
            report_2025,
            section="1",
            text=draft.replace("收到政府信息公开申请3件", "收到政府信息公开申请30件"),
            actor=gov_editor,
        )
    check = services.check_report(report_2025)
    assert not check.passed
    assert [(p.section, p.found, p.expected) for p in check.prose] == [("1", "30", 3)]
    with pytest.raises(services.ReportError, match="fails 1 checks"):
        services.send_for_publication(report_2025, actor=gov_editor, now=moment(D(2026, 1, 8)))
    assert report_2025.document is None


# --------------------------------------------------------------------------- publishing


def test_reg_49_publishing_goes_through_the_catalogues_review_into_the_annual_reports(
    report_2025, gov_editor, gov_reviewer, government, django_capture_on_commit_callbacks
):
    with pytest.raises(services.ReportError, match="once the year is over"):
        services.send_for_publication(report_2025, actor=gov_editor, now=moment(D(2025, 12, 31)))

    document = services.send_for_publication(
        report_2025, actor=gov_editor, now=moment(D(2026, 1, 8))
    )
    report_2025.refresh_from_db()
    assert report_2025.document == document
    assert document.state == Document.State.SUBMITTED
    assert services.state_of(report_2025) == services.State.IN_REVIEW
    assert document.title == "测试区人民政府2025年政府信息公开工作年度报告"
    assert document.genre.code == "baogao"
    assert "三、收到和处理政府信息公开申请情况" in document.body
    assert sorted(a.content_type for a in document.attachments.all()) == [
        "application/pdf",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ]
    assert report_2025.snapshot["title"] == document.title
    # Frozen: the text can no longer change, nor be sent twice.
    with pytest.raises(services.ReportError, match="can no longer"):
        services.save_section(report_2025, section="1", text="改动", actor=gov_editor)
    with pytest.raises(services.ReportError, match="already"):
        services.send_for_publication(report_2025, actor=gov_editor, now=moment(D(2026, 1, 8)))

    with django_capture_on_commit_callbacks(execute=True):
        catalogue_services.approve_document(document, actor=gov_reviewer, now=moment(D(2026, 1, 9)))
    document.refresh_from_db()
    report_2025.refresh_from_db()
    assert services.state_of(report_2025) == services.State.PUBLISHED
    assert list(catalogue_selectors.annual_reports(government)) == [document]
    hits = search(SearchQuery(q="政府信息公开工作年度报告")).hits
    assert document.title in [hit.title for hit in hits]


def test_a_report_sent_back_by_the_reviewer_can_be_edited_and_sent_again(
    report_2025, gov_editor, gov_reviewer
):
    document = services.send_for_publication(
        report_2025, actor=gov_editor, now=moment(D(2026, 1, 8))
    )
    catalogue_services.reject_document(
        document, actor=gov_reviewer, comment="请补充第五部分。", now=moment(D(2026, 1, 9))
    )
    report_2025.refresh_from_db()
    assert services.is_editable(report_2025)
    services.save_section(report_2025, section="5", text="补充的改进措施。", actor=gov_editor)
    again = services.send_for_publication(report_2025, actor=gov_editor, now=moment(D(2026, 1, 12)))
    again.refresh_from_db()
    assert again.pk == document.pk
    assert "补充的改进措施。" in again.body
    assert again.attachments.count() == 2


def test_only_an_editor_of_the_reporting_body_sends_it(report_2025, office, government):
    StaffRole.objects.filter(user=office, agency=government, role=Role.EDITOR).delete()
    from gongkai.agencies.permissions import forget_roles

    forget_roles(office)
    with pytest.raises(services.ReportPermissionDenied, match="editor of 测试区人民政府"):
        services.send_for_publication(report_2025, actor=office, now=moment(D(2026, 1, 8)))
    assert not Document.objects.exists()


def test_no_personal_data_reaches_the_report(report_2025, gov_editor, year_of_applications):
    for request in year_of_applications:
        request.name = APPLICANT_NAME
        request.phone = "13900009999"
        request.save(update_fields=["name", "phone"])
    document = services.send_for_publication(
        report_2025, actor=gov_editor, now=moment(D(2026, 1, 8))
    )
    report_2025.refresh_from_db()
    for text in (document.body, str(report_2025.snapshot)):
        assert APPLICANT_NAME not in text
        assert "13900009999" not in text


# --------------------------------------------------------------------------- reminders


def test_reg_49_reminder_stages_before_31_january_and_31_march():
    due = D(2026, 1, 31)
    assert reminders.stage_on(D(2025, 12, 31), due) is None
    assert reminders.stage_on(D(2026, 1, 1), due) == "early"
    assert reminders.stage_on(D(2026, 1, 24), due) == "late"
    assert reminders.stage_on(D(2026, 1, 31), due) == "late"
    assert reminders.stage_on(D(2026, 2, 1), due) == "overdue"
    assert [d.due for d in reminders.deadlines_for(D(2026, 3, 2))] == [
        D(2026, 1, 31),
        D(2026, 3, 31),
    ]


def test_reg_49_reminders_go_once_per_stage_and_not_to_published_bodies(
    government, gov_editor, handling_agency, agency, staff_role_factory
):
    editor = staff_role_factory(agency=handling_agency, role=Role.EDITOR).user
    editor.email = "editor@example.com"
    editor.save()
    gov_editor.email = "office@example.com"
    gov_editor.save()

    def mails() -> list[tuple[str, str]]:
        return list(
            OutgoingMail.objects.filter(topic="reports.reminder")
            .order_by("pk")
            .values_list("recipient", "subject")
        )

    assert reminders.send_reminders(today=D(2026, 1, 10)) == 2  # the two departments
    assert reminders.send_reminders(today=D(2026, 1, 12)) == 0  # same stage: nothing more
    assert [to for to, _subject in mails()] == ["editor@example.com"]
    assert "2025" in mails()[0][1]

    assert reminders.send_reminders(today=D(2026, 1, 26)) == 2  # a week before
    assert reminders.send_reminders(today=D(2026, 3, 5)) == 3  # overdue ×2, the government
    assert mails()[-1][0] == "office@example.com"
    stages = set(ReportReminder.objects.values_list("agency_id", "stage"))
    assert (government.pk, "early") in stages
    assert len(stages) == 7


def test_reg_49_a_published_report_is_not_reminded(report_2025, gov_editor, gov_reviewer):
    document = services.send_for_publication(
        report_2025, actor=gov_editor, now=moment(D(2026, 1, 8))
    )
    catalogue_services.approve_document(document, actor=gov_reviewer, now=moment(D(2026, 1, 9)))
    reminders.send_reminders(today=D(2026, 3, 5))
    assert not ReportReminder.objects.filter(scope=Scope.GOVERNMENT).exists()


def test_the_office_sees_the_governments_report_in_its_queue_until_published(
    report_2025, gov_editor, handling_agency, staff_role_factory
):
    with at(D(2026, 3, 10)):
        items = list(reports_due(gov_editor, None))
        assert [item.due for item in items] == [D(2026, 3, 31)]
        stranger = staff_role_factory(agency=handling_agency, role=Role.EDITOR).user
        assert list(reports_due(stranger, None)) == []
    with at(D(2025, 11, 1)):
        assert list(reports_due(gov_editor, None)) == []


# --------------------------------------------------------------------------- pages


def test_the_workbench_pages_need_the_right_role(
    client, report_2025, gov_editor, handling_agency, staff_role_factory
):
    detail = reverse("reports_staff:detail", args=[report_2025.pk])
    response = client.get(detail)
    assert response.status_code == 302 and "sign-in" in response["Location"]

    stranger = staff_role_factory(agency=handling_agency, role=Role.EDITOR).user
    client.force_login(stranger)
    assert client.get(detail).status_code == 404
    assert client.get(reverse("reports_staff:index")).status_code == 200
    response = client.post(
        reverse("reports_staff:section", args=[report_2025.pk, "1"]), {"text": "x"}
    )
    assert response.status_code == 404
    assert not SectionRevision.objects.exists()


def test_every_number_links_to_the_records_behind_it(
    client, report_2025, gov_editor, year_of_applications
):
    for request in year_of_applications:
        request.name = APPLICANT_NAME
        request.save(update_fields=["name"])
    records_url = reverse("reports_staff:records", args=[report_2025.pk])
    with at(D(2026, 1, 6)):
        client.force_login(gov_editor)
        page = client.get(reverse("reports_staff:detail", args=[report_2025.pk]))
        assert page.status_code == 200
        text = page.content.decode()
        assert APPLICANT_NAME not in text
        assert records_url in text
        # The first link of table 三 is 一、本年新收 of 自然人: the two personal applications.
        start = text.index(records_url)
        link = text[start : text.index('"', start)].replace("&amp;", "&")
        listing = client.get(link)
        assert listing.status_code == 200
        body = listing.content.decode()
        assert APPLICANT_NAME not in body
        numbers = [r.number for r in year_of_applications]
        assert sum(number in body for number in numbers) >= 1
        assert client.get(records_url + "?table=3&row=999&cell=0").status_code == 404
        assert client.get(records_url + "?table=x&row=a&cell=b").status_code == 404


@pytest.mark.parametrize("kind", ["html", "xlsx", "json"])
def test_each_download_opens(client, report_2025, gov_editor, kind):
    client.force_login(gov_editor)
    response = client.get(reverse("reports_staff:download", args=[report_2025.pk, kind]))
    assert response.status_code == 200
    payload = response.content
    assert payload
    assert "attachment" in response["Content-Disposition"]


def _built_in_the_request(report, kind):
    """What the page's DOCX and PDF links answered with before decision 0041: the report as
    it stands, written in the site's language."""
    from django.utils import translation

    from gongkai.reports.render import docx, pdf

    content = services.content_of(report)
    with translation.override("zh-hans"):
        return (docx.render_docx if kind == "docx" else pdf.render_pdf)(content)


@pytest.mark.parametrize("kind", ["docx", "pdf"])
def test_the_word_and_pdf_files_are_exports_and_what_the_links_built(
    client, report_2025, gov_editor, kind, exported
):
    client.force_login(gov_editor)
    client.cookies["gongkai_language"] = "en"
    page = client.get(reverse("reports_staff:detail", args=[report_2025.pk])).content.decode()
    assert reverse("reports_staff:export", args=[report_2025.pk, kind]) in page
    assert reverse("reports_staff:download", args=[report_2025.pk, kind]) not in page
    # Not written in the request any more: the link's old address is no download.
    assert (
        client.get(reverse("reports_staff:download", args=[report_2025.pk, kind])).status_code
        == 404
    )
    with time_machine.travel(moment(D(2026, 1, 6)), tick=False):
        response = exported(client, reverse("reports_staff:export", args=[report_2025.pk, kind]))
        expected = _built_in_the_request(report_2025, kind)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert "attachment" in response["Content-Disposition"]
    content = response.getvalue()
    if kind == "pdf":
        assert response["Content-Type"] == "application/pdf"
        assert content == expected
    else:
        assert parts(content) == parts(expected)  # a zip archive: entry by entry
    export = Export.objects.get()
    assert export.filename.endswith(f".{kind}") and "2025" in export.filename
    assert "2025" in export.description
    for action in ("exports.request", "exports.download"):
        entry = AuditEntry.objects.get(action=action, actor=gov_editor)
        assert entry.details["parameters"] == {"report": str(report_2025.pk), "format": kind}


def test_a_report_export_is_refused_to_who_may_not_read_the_report(
    client, report_2025, staff_role_factory, handling_agency, private_media
):
    outsider = staff_role_factory(agency=handling_agency, role=Role.EDITOR).user
    client.force_login(outsider)
    url = reverse("reports_staff:export", args=[report_2025.pk, "pdf"])
    assert client.post(url).status_code == 404  # as if the report did not exist
    assert client.get(url).status_code == 405
    assert not Export.objects.exists()


def test_a_report_export_of_an_unknown_format_writes_nothing(
    client, report_2025, gov_editor, private_media
):
    client.force_login(gov_editor)
    for kind in ("html", "exe"):
        url = reverse("reports_staff:export", args=[report_2025.pk, kind])
        assert client.post(url).status_code == 404
    assert not Export.objects.exists()
    assert not AuditEntry.objects.filter(action="exports.request").exists()


def test_a_report_export_built_after_the_role_is_withdrawn_fails_with_a_message(
    client, report_2025, gov_editor, private_media, django_capture_on_commit_callbacks
):
    from gongkai.core.exports import run_export

    settings_backend = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    client.force_login(gov_editor)
    client.cookies["gongkai_language"] = "en"
    with (
        override_settings(TASKS=settings_backend),
        django_capture_on_commit_callbacks(execute=True),
    ):
        client.post(reverse("reports_staff:export", args=[report_2025.pk, "docx"]))
    export = Export.objects.get()
    assert export.state == Export.State.QUEUED
    gov_editor.staff_roles.all().delete()
    run_export(export.pk)
    export.refresh_from_db()
    assert export.state == Export.State.FAILED
    assert not export.file
    assert export.error == "You may not download this report."


def test_the_create_form_refuses_bad_input_with_a_message(client, gov_editor, government):
    with at(D(2026, 1, 5)):
        client.force_login(gov_editor)
        client.cookies["gongkai_language"] = "en"
        response = client.post(
            reverse("reports_staff:create"),
            {"year": "2099", "agency": government.pk, "scope": Scope.GOVERNMENT},
        )
        assert response.status_code == 400
        assert "less than or equal to 2026" in response.content.decode()
        assert not AnnualReport.objects.exists()
        response = client.post(
            reverse("reports_staff:create"),
            {"year": "2025", "agency": government.pk, "scope": Scope.GOVERNMENT},
        )
    assert response.status_code == 302
    report = AnnualReport.objects.get()
    assert (report.year, report.scope, report.format) == (2025, Scope.GOVERNMENT, "fmt2021")
