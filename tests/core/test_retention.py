"""Issue 9, retention: the personal data of applicants, letter writers, commenters, survey
respondents and closed citizens' accounts is anonymised a configurable number of years after
the case closed, by a repeat-safe job (``manage.py anonymise_personal_data``); the annual
report's tables and the statistics are unchanged; open cases are untouched; each record's
anonymisation is audited without the data (gongkai.core.retention, decision 0028)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from datetime import date as D
from io import StringIO
from typing import Any

import pytest
from django.apps import apps
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.test import Client

from gongkai.citizens.models import CitizenAccount
from gongkai.core import retention
from gongkai.core.models import AuditEntry, OutgoingMail
from gongkai.info_requests import services as request_services
from gongkai.info_requests.letters import notices_for
from gongkai.info_requests.models import InfoRequest, Remedy, RequestFile
from gongkai.interaction.consultations import selectors as consultation_selectors
from gongkai.interaction.letters import services as letter_services
from gongkai.interaction.letters.models import Letter, PublishedLetter
from gongkai.interaction.letters.statistics import letter_statistics
from gongkai.interaction.surveys.selectors import survey_results
from gongkai.reports.statistics.metrics import metrics
from gongkai.reports.tables import agency_scope, annual_tables, government_scope
from tests.info_requests.conftest import at
from tests.personal_data import (
    Desk,
    Person,
    answered_application,
    answered_survey,
    commented_consultation,
    make_desk,
    moment,
    person,
    published_as_qa,
    received_application,
    rendered,
    replied_letter,
)

pytestmark = pytest.mark.django_db

TODAY = D(2025, 6, 2)  # five years after 2 June 2020: what closed by then is anonymised
YEAR = 2019

# Closed in 2019: anonymised.
APPLICANT = person(
    "applicant", "薛翊宸", "37030319770305123", "13912190305", "xueyichen.s", "珣瑶路1号"
)
WRITER = person("writer", "裘珞琪", "37030319810822234", "13812190822", "qiuluoqi.s", "琛璐街2号")
COMMENTER = person(
    "commenter", "邴珺瑜", "37030319900101345", "13712190101", "bingjunyu.s", "翊珩巷3号"
)
RESPONDENT = person(
    "respondent", "桓琇莹", "37030319660606456", "13612190606", "huanxiuying.s", "璟岚里4号"
)
CLOSED_CITIZEN = person(
    "citizen", "阙璇玑", "37030319991111567", "13512191111", "quexuanji.s", "珂蓁苑5号"
)
GONE = (APPLICANT, WRITER, COMMENTER, RESPONDENT, CLOSED_CITIZEN)
# Free text of an anonymous survey answer: a name or an address cannot be recognised there.
UNDETECTABLE = {"respondent name", "respondent address"}
# Still needed: an open application, one closed too recently, one whose lawsuit is pending, a
# letter still open, an active citizen's account.
OPEN = person("open", "戚瑾瑜", "37030319720202678", "13412190202", "qijinyu.s", "琬舒小区6号")
RECENT = person("recent", "廖琦瑶", "37030319850505789", "13312190505", "liaoqiyao.s", "昕玥路7号")
CONTESTED = person(
    "contested", "项瑜珊", "37030319880808890", "13212190808", "xiangyushan.s", "珣路8号"
)
WAITING = person("waiting", "祁璟瑶", "37030319930303901", "13112190303", "qijingyao.s", "琛街9号")
ACTIVE_CITIZEN = person(
    "active", "柯琪瑛", "37030320000909012", "15012190909", "keqiying.s", "瑶路10号"
)
KEPT = (OPEN, RECENT, CONTESTED, WAITING, ACTIVE_CITIZEN)


@dataclass
class World:
    desk: Desk
    closed: InfoRequest
    open: InfoRequest
    recent: InfoRequest
    contested: InfoRequest
    letter: Letter
    waiting: Letter
    survey: Any
    consultation: Any
    files: list[str]
    notice_files: list[str]


@pytest.fixture
def world(
    agency_factory, staff_role_factory, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.GONGKAI_PERSONAL_DATA_YEARS = 5
    desk = make_desk(agency_factory, staff_role_factory)
    with django_capture_on_commit_callbacks(execute=True):
        gone_citizen = _citizen(CLOSED_CITIZEN, active=False, last_used=D(YEAR, 5, 6))
        _citizen(ACTIVE_CITIZEN, active=True, last_used=D(YEAR, 5, 6))
        closed = received_application(desk, APPLICANT, D(YEAR, 3, 4), citizen=gone_citizen)
        with at(D(YEAR, 3, 5)):
            request_services.add_request_file(
                closed,
                actor=desk.handler,
                kind=RequestFile.Kind.CORRESPONDENCE,
                uploaded_file=_pdf_upload(),
            )
        answered_application(desk, closed, D(YEAR, 3, 11))
        contested = received_application(desk, CONTESTED, D(YEAR, 4, 1), files=False)
        answered_application(desk, contested, D(YEAR, 4, 8))
        with at(D(YEAR, 5, 6)):
            request_services.record_remedy(
                contested,
                actor=desk.office,
                kind=Remedy.Kind.LITIGATION,
                body="测试区人民法院",
                filed_on=D(YEAR, 5, 6),
            )
        opened = received_application(desk, OPEN, D(YEAR, 9, 2), files=False)
        recent = received_application(desk, RECENT, D(2021, 3, 1), files=False)
        answered_application(desk, recent, D(2021, 3, 8))
        letter = replied_letter(desk, WRITER, D(YEAR, 4, 1), D(YEAR, 4, 8), consent=True)
        published_as_qa(desk, letter, D(YEAR, 4, 9))
        with at(D(YEAR, 4, 10)):
            letter_services.rate_letter(letter, rating=Letter.Rating.SATISFIED, comment="满意")
        waiting = replied_letter(desk, WAITING, D(YEAR, 6, 3), D(YEAR, 6, 10), consent=False)
        comments = commented_consultation(desk, COMMENTER, D(YEAR, 5, 6), D(YEAR, 5, 31))
        response = answered_survey(desk, RESPONDENT, D(YEAR, 7, 1), D(YEAR, 7, 31))
    notices = [rendered(notice) for notice in notices_for(closed)]
    return World(
        desk=desk,
        closed=closed,
        open=opened,
        recent=recent,
        contested=contested,
        letter=letter,
        waiting=waiting,
        survey=response.survey,
        consultation=comments[0].consultation,
        files=[f.file.name for f in closed.files.filter(kind__in=RequestFile.PERSONAL)]
        + [a.file.name for a in letter.attachments.all()],
        notice_files=[n.docx.name for n in notices] + [n.pdf.name for n in notices],
    )


def _citizen(someone: Person, *, active: bool, last_used: D) -> CitizenAccount:
    used = moment(last_used)
    return CitizenAccount.objects.create(
        email=someone.email,
        display_name=someone.name,
        password="!",
        created_at=used,
        email_verified_at=used,
        last_sign_in_at=used,
        is_active=active,
    )


def _pdf_upload():  # type: ignore[no-untyped-def]
    from tests.catalogue.conftest import make_pdf, upload

    return upload("回函.pdf", make_pdf(APPLICANT.phone))


def statistics(world: World) -> dict[str, Any]:
    """Every figure the records give for the year: the annual report's tables (government
    and department), the statistics forms' metrics, the letters' statistics, the survey's
    results and the consultation's feedback counts."""
    start, end = D(YEAR, 1, 1), D(YEAR, 12, 31)
    as_of = D(YEAR + 1, 1, 31)
    results = survey_results(world.survey, with_texts=True)
    return {
        "government": annual_tables(government_scope(YEAR)),
        "department": annual_tables(agency_scope(world.desk.department.pk, YEAR)),
        "metrics": {m.key: m.counts(start, end, agency_ids=None) for m in metrics()},
        "letters": letter_statistics(start, end, as_of=as_of),
        "survey": [
            (r.question.pk, r.answered, [(row.label, row.count) for row in r.rows], len(r.texts))
            for r in results.questions
        ],
        "feedback": consultation_selectors.feedback_counts(world.consultation),
    }


def database_text() -> str:
    """Every row of every table, as text."""
    return "\n".join(str(list(model._base_manager.values())) for model in apps.get_models())


def snapshot() -> dict[str, list[dict]]:
    return {
        model._meta.label: list(model._base_manager.order_by("pk").values())
        for model in apps.get_models()
    }


def run_job(today: D = TODAY) -> dict[str, int]:
    with at(today):
        return retention.anonymise_personal_data()


# --------------------------------------------------------------------------- the job


def test_statistics_and_annual_tables_are_identical_before_and_after(world):
    before = statistics(world)

    done = run_job()

    assert done == {
        "mail": done["mail"],
        "info_requests": 1,
        "letters": 1,
        "consultations": 2,
        "surveys": 1,
        "citizens": 1,
    }
    assert statistics(world) == before
    assert before["government"].three.cell("new") == 3  # the tables count the applications


def test_no_value_of_an_anonymised_person_remains_in_the_database(
    world, django_capture_on_commit_callbacks
):
    kept_before = database_text()
    for someone in GONE:
        assert someone.name in kept_before
    for stored in world.files + world.notice_files:
        assert default_storage.exists(stored), stored

    with django_capture_on_commit_callbacks(execute=True):  # files go once the change commits
        run_job()

    text = database_text()
    leftovers = [
        f"{label}: {value}"
        for someone in GONE
        for label, value in someone.values().items()
        if value in text and label not in UNDETECTABLE
    ]
    assert leftovers == []
    # A survey stores no one's name: what a respondent wrote about themselves in a free text
    # is masked where it can be recognised (identity number, mobile, e-mail), and the
    # opinion stays.
    answer = world.survey.responses.get().answers.exclude(text="").get().text
    assert "希望回访" in answer and RESPONDENT.phone not in answer
    for stored in world.files + world.notice_files:
        assert not default_storage.exists(stored), stored


def test_the_case_its_events_dates_and_outcome_stay_and_the_change_is_audited(world):
    events = list(world.closed.events.values("code", "on", "from_state", "to_state"))
    letter_events = list(world.letter.events.values("code", "on", "from_state", "to_state"))
    qa = PublishedLetter.objects.values().get(letter=world.letter)

    run_job()

    closed = InfoRequest.objects.get(pk=world.closed.pk)
    assert closed.name == retention.ANONYMISED
    assert (closed.id_number, closed.id_digest, closed.phone, closed.email, closed.address) == (
        ("",) * 5
    )
    assert closed.citizen_id is None
    assert "（已匿名）" in closed.reply_text and "予以公开" in closed.reply_text
    assert closed.assistance == closed.fee_waiver_reason == ""
    assert (closed.number, closed.received_on, closed.closed_on, closed.outcome) == (
        world.closed.number,
        world.closed.received_on,
        world.closed.closed_on,
        world.closed.outcome,
    )
    assert list(closed.events.values("code", "on", "from_state", "to_state")) == events
    assert list(closed.files.values_list("kind", flat=True)) == [RequestFile.Kind.RELEASED]
    for notice in notices_for(closed):
        assert notice.body.startswith(retention.ANONYMISED)
        assert not notice.docx and not notice.pdf  # rendered again from the text on demand
    letter = Letter.objects.get(pk=world.letter.pk)
    assert (letter.name, letter.phone, letter.email) == (retention.ANONYMISED, "", "")
    assert letter.rating == Letter.Rating.SATISFIED and not letter.attachments.exists()
    assert list(letter.events.values("code", "on", "from_state", "to_state")) == letter_events
    # The public Q&A was masked and confirmed by a reviewer when published: it stays as it is.
    assert PublishedLetter.objects.values().get(letter=world.letter) == qa
    # One entry a record (by the system), naming the fields; the values are in no entry
    # (test_no_value_of_an_anonymised_person_remains_in_the_database reads every table).
    entries = AuditEntry.objects.filter(action__contains="anonymise")
    assert set(entries.values_list("action", flat=True)) >= {
        "info_requests.anonymise_request",
        "letters.anonymise_letter",
        "consultations.anonymise_comments",
        "surveys.anonymise_responses",
        "citizens.anonymise_account",
    }
    # Staff still open both cases (the name shown is （已匿名）).
    staff = Client()
    staff.force_login(world.desk.office)
    with at(TODAY):
        for url in (f"/workbench/requests/{closed.pk}/", f"/workbench/letters/{letter.pk}/"):
            page = staff.get(url)
            assert page.status_code == 200 and "（已匿名）" in page.content.decode(), url
    entry = entries.get(action="info_requests.anonymise_request")
    assert (entry.actor, entry.kind, entry.object_repr) == (
        None,
        AuditEntry.Kind.CHANGE,
        world.closed.number,
    )
    assert "id_number" in entry.details["fields"]
    assert entry.details["files_deleted"] == 2


def test_open_recent_and_contested_cases_and_active_accounts_are_untouched(world):
    kept = [world.open, world.recent, world.contested]
    before = {
        "requests": list(InfoRequest.objects.filter(pk__in=[r.pk for r in kept]).values()),
        "letter": Letter.objects.values().get(pk=world.waiting.pk),
        "account": CitizenAccount.objects.values().get(email=ACTIVE_CITIZEN.email),
    }

    run_job()

    after = {
        "requests": list(InfoRequest.objects.filter(pk__in=[r.pk for r in kept]).values()),
        "letter": Letter.objects.values().get(pk=world.waiting.pk),
        "account": CitizenAccount.objects.values().get(email=ACTIVE_CITIZEN.email),
    }
    assert after == before
    text = database_text()
    for someone in KEPT:
        assert someone.name in text


def test_running_the_job_again_changes_nothing(world):
    run_job()
    first = snapshot()

    assert set(run_job().values()) == {0}
    assert snapshot() == first


# --------------------------------------------------------------------------- the command


def test_the_command_runs_the_job_after_the_years_set_and_reports_what_it_did(world, settings):
    settings.GONGKAI_PERSONAL_DATA_YEARS = 7  # 2019 + 7 > 2025: nothing is due yet
    with at(TODAY):
        call_command("anonymise_personal_data", stdout=StringIO())
    assert InfoRequest.objects.get(pk=world.closed.pk).name == APPLICANT.name

    settings.GONGKAI_PERSONAL_DATA_YEARS = 5
    out = StringIO()
    with at(TODAY):
        call_command("anonymise_personal_data", stdout=out)
    assert "2020-06-02" in out.getvalue()
    assert InfoRequest.objects.get(pk=world.closed.pk).name == retention.ANONYMISED

    again = StringIO()
    call_command("anonymise_personal_data", "--today", TODAY.isoformat(), stdout=again)
    assert ": 0 anonymised" in again.getvalue()
    assert ": 1 anonymised" not in again.getvalue()


def test_the_command_refuses_a_malformed_day(db):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("anonymise_personal_data", "--today", "2025-13-01")


# --------------------------------------------------------------------------- pieces


def test_mail_sent_before_the_cutoff_loses_its_recipient_subject_and_body(db):
    old = OutgoingMail.objects.create(
        created_at=moment(D(YEAR, 3, 4)),
        topic="info_requests.submitted",
        recipient=APPLICANT.email,
        subject="您的申请已收到",
        body=f"{APPLICANT.name}：您的申请已收到。",
        next_attempt_at=moment(D(YEAR, 3, 4)),
        sent_at=moment(D(YEAR, 3, 4)),
    )
    waiting = OutgoingMail.objects.create(
        created_at=moment(D(YEAR, 3, 4)),
        recipient=OPEN.email,
        subject="未发出",
        body="未发出",
        next_attempt_at=moment(D(YEAR, 3, 4)),
    )

    assert retention.anonymise_mail(D(2020, 6, 2)) == 1
    assert retention.anonymise_mail(D(2020, 6, 2)) == 0

    old.refresh_from_db()
    waiting.refresh_from_db()
    assert (old.recipient, old.subject, old.body, old.topic) == ("", "", "", old.topic)
    assert waiting.recipient == OPEN.email  # not sent yet: still needed
    entry = AuditEntry.objects.get(action="core.anonymise_mail")
    assert entry.details == {"mails": 1, "before": "2020-06-02"}


@pytest.mark.parametrize(
    ("today", "years", "cutoff"),
    [
        (D(2025, 6, 2), 5, D(2020, 6, 2)),
        (D(2024, 2, 29), 5, D(2019, 2, 28)),
        (D(2025, 1, 1), 1, D(2024, 1, 1)),
    ],
)
def test_the_cutoff_is_the_same_day_years_before(settings, today, years, cutoff):
    settings.GONGKAI_PERSONAL_DATA_YEARS = years

    assert retention.personal_data_cutoff(today) == cutoff


def test_scrub_replaces_the_persons_values_and_masks_identifying_numbers():
    text = f"{APPLICANT.name}（{APPLICANT.address}）电话{APPLICANT.phone}，另一号码13000001111。"

    scrubbed = retention.scrub(text, own=[APPLICANT.name, APPLICANT.address, APPLICANT.phone, "x"])

    assert APPLICANT.name not in scrubbed and APPLICANT.address not in scrubbed
    assert APPLICANT.phone not in scrubbed and "13000001111" not in scrubbed
    assert scrubbed.startswith("（已匿名）（（已匿名）")


@pytest.mark.parametrize(
    ("days", "years", "ids"),
    [
        (365, 5, []),
        (183, 5, []),
        (182, 5, ["gongkai.retention.E001"]),
        ("forever", 5, ["gongkai.retention.E001"]),
        (365, 0, ["gongkai.retention.E002"]),
        (365, 3, ["gongkai.retention.W001"]),
    ],
)
def test_the_settings_are_checked(settings, days, years, ids):
    """The audit trail is kept at least six months (Cybersecurity Law art. 21)."""
    settings.GONGKAI_AUDIT_RETENTION_DAYS = days
    settings.GONGKAI_PERSONAL_DATA_YEARS = years

    assert [message.id for message in retention.check_retention_settings()] == ids


def test_every_app_holding_personal_data_registers_its_anonymiser():
    assert {anonymiser.name for anonymiser in retention.anonymisers()} == {
        "mail",
        "info_requests",
        "letters",
        "consultations",
        "surveys",
        "citizens",
    }


def test_nothing_to_do_writes_nothing(db):
    before = AuditEntry.objects.count()

    assert set(run_job(datetime.date(2025, 1, 1)).values()) == {0}
    assert AuditEntry.objects.count() == before
