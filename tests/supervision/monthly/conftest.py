"""Fixtures for monthly performance and the site-health watch: two member departments with
their staff, the office, and helpers that make the records the figures count — documents,
interpretations, list records, applications and letters — through their apps' services on
chosen dates, the way people would."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest

from gongkai.agencies.models import Agency, MembershipChange, StaffRole
from gongkai.agencies.services import record_membership_change
from gongkai.catalogue import lists
from gongkai.catalogue import services as catalogue
from gongkai.catalogue.models import Column, Document, ListRecord, RecordType
from gongkai.info_requests import services as requests
from gongkai.info_requests.models import InfoRequest
from gongkai.info_requests.outcomes import Outcome
from gongkai.interaction.letters import services as letters
from gongkai.interaction.letters.models import Letter
from tests.info_requests.conftest import application_data
from tests.interaction.letters.conftest import REPLY, letter_input

D = datetime.date
Role = StaffRole.Role
JOINED = D(2020, 1, 1)


def moment(day: datetime.date, hour: int = 10, minute: int = 0) -> datetime.datetime:
    """``day`` at ``hour`` Beijing time (aware)."""
    zone = datetime.timezone(datetime.timedelta(hours=8))
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)


def at(day: datetime.date, hour: int = 10):
    """Travel to ``day`` at ``hour`` Beijing time (a context manager)."""
    import time_machine

    return time_machine.travel(moment(day, hour), tick=False)


def join(agency: Agency, date: datetime.date = JOINED) -> Agency:
    record_membership_change(
        agency, actor=None, system=True, change=MembershipChange.Change.JOINED, date=date
    )
    return agency


@pytest.fixture
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def government(db, agency_factory):
    return join(agency_factory(name="测试区人民政府", kind=Agency.Kind.GOVERNMENT, sort_order=0))


@pytest.fixture
def dept(db, agency_factory):
    """A member department: the agency whose figures most tests count."""
    return join(agency_factory(name="测试区教育局", short_name="教育局", sort_order=1))


@pytest.fixture
def other_dept(db, agency_factory):
    """Another member department: its records must never count for ``dept``."""
    return join(agency_factory(name="测试区卫生局", short_name="卫生局", sort_order=2))


@pytest.fixture
def office(db, government, staff_role_factory):
    """A member of the disclosure office (公开办)."""
    return staff_role_factory(agency=government, role=Role.OFFICE).user


def _staff(staff_role_factory, agency: Agency, *roles: str):
    user = staff_role_factory(agency=agency, role=roles[0]).user
    for role in roles[1:]:
        staff_role_factory(agency=agency, role=role, user=user)
    return user


@pytest.fixture
def dept_staff(db, dept, staff_role_factory):
    """``dept``'s editor, handler (of applications and letters)."""
    return _staff(staff_role_factory, dept, Role.EDITOR, Role.HANDLER)


@pytest.fixture
def dept_reviewer(db, dept, staff_role_factory):
    """``dept``'s reviewer (documents, letters) and legal reviewer (applications)."""
    return _staff(staff_role_factory, dept, Role.REVIEWER, Role.LEGAL_REVIEWER)


@pytest.fixture
def other_staff(db, other_dept, staff_role_factory):
    return _staff(staff_role_factory, other_dept, Role.EDITOR, Role.HANDLER)


@pytest.fixture
def other_reviewer(db, other_dept, staff_role_factory):
    return _staff(staff_role_factory, other_dept, Role.REVIEWER, Role.LEGAL_REVIEWER)


@pytest.fixture
def staff_of(dept, other_dept, dept_staff, dept_reviewer, other_staff, other_reviewer):
    """The (editor-handler, reviewer) pair of each department, by agency id."""
    return {dept.pk: (dept_staff, dept_reviewer), other_dept.pk: (other_staff, other_reviewer)}


# --- records --------------------------------------------------------------------------------


@pytest.fixture
def publish_document(db, staff_of) -> Callable[..., Document]:
    """``publish_document(agency, day, formed=None, **fields)``: a document formed on
    ``formed`` (default: the day before) and published on ``day`` at 10:00."""
    counter = iter(range(1, 10_000))

    def run(
        agency: Agency,
        day: datetime.date,
        *,
        formed: datetime.date | None = None,
        hour: int = 10,
        **fields,
    ) -> Document:
        editor, reviewer = staff_of[agency.pk]
        n = next(counter)
        values = {
            "kind": Document.Kind.DOCUMENT,
            "title": f"关于做好第{n}项工作的通知",
            "summary": "内容概述",
            "body": f"<p>第{n}项工作的正文。</p>",
            "formation_date": formed or day - datetime.timedelta(days=1),
            "doc_number": f"测教发〔{day.year}〕{n}号",
        }
        values.update(fields)
        when = moment(day, hour)
        document = catalogue.create_document(agency=agency, actor=editor, now=when, **values)
        catalogue.submit_document(document, actor=editor, now=when)
        return catalogue.approve_document(document, actor=reviewer, now=when)

    return run


@pytest.fixture
def interpret(db, staff_of, publish_document) -> Callable[..., Document]:
    """``interpret(policy, day)``: an interpretation of ``policy`` published on ``day``."""

    def run(policy: Document, day: datetime.date) -> Document:
        editor, _reviewer = staff_of[policy.agency_id]
        interpretation = publish_document(
            policy.agency,
            day,
            kind=Document.Kind.INTERPRETATION,
            title=f"《{policy.title}》政策解读",
            doc_number="",
        )
        return catalogue.link_interpretation(
            interpretation, policies=[policy], actor=editor, now=moment(day, 11)
        )

    return run


@pytest.fixture
def news_column(db) -> Column:
    return Column.objects.get(slug="gzdt")


@pytest.fixture
def list_record(db, staff_of) -> Callable[..., ListRecord]:
    """``list_record(agency, day)``: a power-list record published on ``day``."""
    counter = iter(range(1, 10_000))

    def run(agency: Agency, day: datetime.date) -> ListRecord:
        editor, _reviewer = staff_of[agency.pk]
        record_type = RecordType.objects.get(code="power-list")
        record = lists.create_record(
            record_type,
            agency=agency,
            actor=editor,
            values={
                "item_name": f"第{next(counter)}项行政许可事项",
                "power_type": "行政许可",
                "implementing_agency": agency.name,
                "legal_basis": "《中华人民共和国行政许可法》",
            },
        )
        lists.publish_records([record], actor=editor, now=moment(day))
        record.refresh_from_db()
        return record

    return run


@pytest.fixture
def application(db, office, staff_of, django_capture_on_commit_callbacks):
    """``application(received, handling=agency, replied=None, asked=None)``: an application
    received online on ``received`` and assigned that day to ``handling`` (left with the
    office when None); replied through the legal review on ``replied`` when given."""
    counter = iter(range(1, 10_000))

    def run(
        received: datetime.date,
        *,
        handling: Agency | None,
        replied: datetime.date | None = None,
        asked: Agency | None = None,
    ) -> InfoRequest:
        with at(received), django_capture_on_commit_callbacks(execute=True):
            request, _code = requests.submit_request(
                application_data(), agency=asked or handling, submission_key=f"m-{next(counter)}"
            )
            if handling is not None:
                request = requests.accept_request(request, actor=office, handling_agency=handling)
        if replied is not None:
            handler, legal = staff_of[handling.pk]  # type: ignore[union-attr]
            with at(replied), django_capture_on_commit_callbacks(execute=True):
                requests.draft_reply(
                    request, actor=handler, outcome=Outcome.DISCLOSED, reply_text="予以公开。"
                )
                requests.submit_for_review(request, actor=handler)
                requests.review_request(request, actor=legal, approve=True)
        request.refresh_from_db()
        return request

    return run


@pytest.fixture
def letter(db, office, staff_of, django_capture_on_commit_callbacks):
    """``letter(received, handling=agency, replied=None, rating=None, rated=None)``: a
    consultation letter written online on ``received``, accepted and assigned that day
    (left with the office when ``handling`` is None), replied on ``replied`` and rated on
    ``rated`` when given."""
    counter = iter(range(1, 10_000))

    def run(
        received: datetime.date,
        *,
        handling: Agency | None,
        replied: datetime.date | None = None,
        rating: str = "",
        rated: datetime.date | None = None,
        kind: str = "consultation",
        accept: bool = True,
    ) -> Letter:
        with at(received), django_capture_on_commit_callbacks(execute=True):
            item, _code = letters.submit_letter(
                letter_input(kind), submission_key=f"monthly-letter-{next(counter):04d}"
            )
            if accept:
                item = letters.accept_letter(item, actor=office, handling_agency=handling)
        if replied is not None:
            handler, reviewer = staff_of[handling.pk]  # type: ignore[union-attr]
            with at(replied), django_capture_on_commit_callbacks(execute=True):
                letters.draft_reply(item, actor=handler, reply_text=REPLY)
                letters.submit_for_review(item, actor=handler)
                item = letters.review_letter(item, actor=reviewer, approve=True)
        if rating:
            when = rated or replied or received
            with django_capture_on_commit_callbacks(execute=True):
                comment = "答复没有解决问题。" if rating == "unsatisfied" else ""
                item = letters.rate_letter(
                    item, rating=rating, comment=comment, now=moment(when, 20)
                )
        item.refresh_from_db()
        return item

    return run
