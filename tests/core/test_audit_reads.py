"""Issue 9, audit: every staff view of personal data writes an audit entry with the actor, the
time and the client address — an application's case page, its queue, the applicant's files
and notices; a letter's case page, queue, attachments and publication page; the comments of a
consultation with their names and contacts; a survey's free-text answers and exports; a
housing list's rows — and the entry names the fields, never their values."""

from __future__ import annotations

import datetime
from datetime import date as D

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gongkai.catalogue import lists
from gongkai.core.exports import run_export
from gongkai.core.models import AuditEntry, Export
from gongkai.info_requests import services as request_services
from gongkai.info_requests.letters import notices_for
from gongkai.info_requests.models import RequestFile
from gongkai.interaction.letters import services as letter_services
from tests.catalogue.conftest import make_pdf, upload
from tests.catalogue.lists_support import seed
from tests.info_requests.conftest import at
from tests.personal_data import (
    Desk,
    answered_application,
    answered_survey,
    commented_consultation,
    make_desk,
    person,
    received_application,
    rendered,
    replied_letter,
)

pytestmark = pytest.mark.django_db

ADDRESS = "198.51.100.23"
DAY = D(2025, 3, 3)
SOMEONE = person("someone", "濮琰琛", "37030319830417125", "13588880417", "puyanchen.s", "珣路9号")


@pytest.fixture
def desk(agency_factory, staff_role_factory, settings, tmp_path) -> Desk:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return make_desk(agency_factory, staff_role_factory)


def staff_client(user) -> Client:
    client = Client(REMOTE_ADDR=ADDRESS)
    client.force_login(user)
    return client


def assert_read_recorded(client: Client, url: str, user, *, fields: str | None = None) -> None:
    """GET ``url`` as ``user``: one more read entry by them, now, from the client's address,
    naming (with ``fields``, among others) what was shown, holding none of its values."""
    before = AuditEntry.objects.filter(kind=AuditEntry.Kind.READ).count()
    started = timezone.now()

    response = client.get(url)
    if response.streaming:
        b"".join(response.streaming_content)

    assert response.status_code == 200, url
    reads = AuditEntry.objects.filter(kind=AuditEntry.Kind.READ)
    assert reads.count() == before + 1, f"no read entry for {url}"
    entry = reads.latest("id")
    assert entry.actor == user
    assert entry.actor_name == user.get_username()
    assert entry.address == ADDRESS
    assert started - datetime.timedelta(seconds=1) <= entry.created_at <= timezone.now()
    if fields is not None:
        assert any(fields in str(name) for name in entry.details["fields"]), entry.details
    stored = str(AuditEntry.objects.filter(pk=entry.pk).values().get())
    for value in SOMEONE.values().values():
        assert value not in stored


def test_each_view_of_an_applicants_data_is_recorded(desk, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        request = received_application(desk, SOMEONE, DAY)
        with at(DAY):
            correspondence = request_services.add_request_file(
                request,
                actor=desk.handler,
                kind=RequestFile.Kind.CORRESPONDENCE,
                uploaded_file=upload("回函.pdf", make_pdf("letter")),
            )
        answered_application(desk, request, D(2025, 3, 10), close=False)
    identity = request.files.get(kind=RequestFile.Kind.IDENTITY)
    notice = rendered(notices_for(request).first())
    handler, office = staff_client(desk.handler), staff_client(desk.office)

    def url(name: str, *args) -> str:
        return reverse(f"info_requests_staff:{name}", args=[request.pk, *args])

    with at(D(2025, 3, 11)):
        assert_read_recorded(handler, url("detail"), desk.handler, fields="id_number")
        queue = reverse("info_requests_staff:queue") + "?show=closed"
        assert_read_recorded(office, queue, desk.office, fields="name")
        assert_read_recorded(handler, url("download_file", identity.pk), desk.handler)
        # Correspondence with the applicant carries their name and address (added here).
        assert_read_recorded(
            handler, url("download_file", correspondence.pk), desk.handler, fields="file:"
        )
        # A notice is addressed to the applicant by name (added here).
        assert_read_recorded(
            handler, url("download_notice", notice.pk, "docx"), desk.handler, fields="notice:"
        )


def test_each_view_of_a_writers_data_is_recorded(desk, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        letter = replied_letter(desk, SOMEONE, DAY, D(2025, 3, 5), consent=True)
        with at(D(2025, 3, 6)):
            letter_services.propose_publication(letter, actor=desk.reviewer)
    reviewer, office = staff_client(desk.reviewer), staff_client(desk.office)

    def url(name: str, *args) -> str:
        return reverse(f"letters_staff:{name}", args=[letter.pk, *args])

    with at(D(2025, 3, 6)):
        assert_read_recorded(reviewer, url("detail"), desk.reviewer, fields="phone")
        assert_read_recorded(office, reverse("letters_staff:queue"), desk.office)
        attachment = letter.attachments.get()
        assert_read_recorded(reviewer, url("download_attachment", attachment.pk), desk.reviewer)
        assert_read_recorded(reviewer, url("publication"), desk.reviewer)


def test_comments_survey_answers_and_housing_rows_are_recorded_when_shown(desk, private_media):
    comments = commented_consultation(desk, SOMEONE, D(2025, 3, 3), D(2025, 3, 20))
    response = answered_survey(desk, SOMEONE, D(2025, 4, 1), D(2025, 4, 20))
    survey = response.survey
    record_type = seed()["housing-allocation"]
    with at(D(2025, 5, 6)):
        lists.create_record(
            record_type,
            agency=desk.department,
            actor=desk.editor,
            values={
                "batch": "2025年第一批",
                "applicant_name": SOMEONE.name,
                "id_number": SOMEONE.id_number,
                "household_size": 2,
                "support_mode": "公共租赁住房",
                "notice_date": D(2025, 5, 6),
            },
        )
    reviewer, editor = staff_client(desk.reviewer), staff_client(desk.editor)

    with at(D(2025, 5, 6)):
        comments_url = reverse("consultations_staff:comments", args=[comments[0].consultation_id])
        assert_read_recorded(reviewer, comments_url, desk.reviewer, fields="comment.contact")
        # The free texts may hold whatever respondents wrote about themselves (added here).
        results_url = reverse("surveys_staff:results", args=[survey.pk])
        assert_read_recorded(editor, results_url, desk.editor, fields="answer:")
        # The answers' exports go through the queue (decision 0041): the download is the read.
        for name in ("export_csv", "export_xlsx"):
            editor.post(reverse(f"surveys_staff:{name}", args=[survey.pk]))
            export = Export.objects.filter(requested_by=desk.editor).latest("id")
            run_export(export.pk)  # the job, which runs after a commit this test never makes
            download = reverse("workbench:export_download", args=[export.pk])
            assert_read_recorded(editor, download, desk.editor)
        records_url = reverse("lists_staff:records", args=[record_type.code])
        assert_read_recorded(editor, records_url, desk.editor, fields="id_number")


def test_survey_results_without_free_texts_record_no_read(desk):
    """Choices and ratings are no one's personal data: showing them is not a read."""
    response = answered_survey(desk, SOMEONE, D(2025, 4, 1), D(2025, 4, 20))
    response.answers.filter(question__kind="text").update(text="")
    editor = staff_client(desk.editor)
    before = AuditEntry.objects.filter(kind=AuditEntry.Kind.READ).count()

    with at(D(2025, 5, 6)):
        page = editor.get(reverse("surveys_staff:results", args=[response.survey_id]))

    assert page.status_code == 200
    assert AuditEntry.objects.filter(kind=AuditEntry.Kind.READ).count() == before
