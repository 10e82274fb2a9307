"""Fixtures for assessment: the office (two members: an assessor and another), an agency's
editor, a stranger of another agency, member agencies, a scheme builder, and helpers that make
the records the measures read (documents, applications, letters) straight in the database."""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings

from gongkai.agencies.models import Agency, MembershipChange, StaffRole
from gongkai.catalogue.models import Document, DocumentVersion, StatutoryItem
from gongkai.core.models import AuditEntry
from gongkai.info_requests.models import InfoRequest
from gongkai.interaction.letters.models import Letter, LetterType
from gongkai.supervision.assessment import services
from gongkai.supervision.assessment.models import (
    AccountabilityRecord,
    EvidenceFile,
    HandScore,
    Indicator,
    IndicatorScheme,
    Score,
    Scorecard,
)
from gongkai.supervision.assessment.services import IndicatorInput

Role = StaffRole.Role
D = datetime.date
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
YEAR = 2025
AFTER_YEAR = datetime.datetime(2026, 1, 20, 10, tzinfo=SHANGHAI)  # publication time
DURING_YEAR = datetime.datetime(2025, 6, 2, 10, tzinfo=SHANGHAI)
APPLICANT = "王晓明"
APPLICANT_PHONE = "13912345678"
WRITER = "李晓华"
WRITER_PHONE = "13987654321"
PERSON = "周建军"  # of the accountability record


def moment(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


LONG_AGO = D(2000, 1, 1)


def join(agency: Agency, on: datetime.date = LONG_AGO) -> Agency:
    MembershipChange.objects.create(agency=agency, change="joined", date=on)
    return agency


def leave(agency: Agency, on: datetime.date) -> Agency:
    MembershipChange.objects.create(agency=agency, change="left", date=on)
    return agency


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Evidence files are stored under a directory of the test's own."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


def make_png() -> bytes:
    from tests.catalogue.conftest import make_png as png

    return png()


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def agency(db, agency_factory):
    return join(agency_factory(name="测试区教育局", short_name="区教育局", slug="education"))


@pytest.fixture
def other_agency(db, agency_factory):
    return join(agency_factory(name="测试区卫生局", short_name="区卫生局", slug="health"))


@pytest.fixture
def office_agency(db, agency_factory):
    return join(agency_factory(name="测试区政府办公室", short_name="区政府办", slug="office"))


@pytest.fixture
def office(db, office_agency, staff_role_factory):
    """A member of the disclosure office (公开办): defines, publishes, assesses."""
    return staff_role_factory(
        agency=office_agency, role=Role.OFFICE, user__full_name="公开办甲"
    ).user


@pytest.fixture
def colleague(db, office_agency, staff_role_factory):
    """Another member of the office, not the assessor of indicators assigned to ``office``."""
    return staff_role_factory(
        agency=office_agency, role=Role.OFFICE, user__full_name="公开办乙"
    ).user


@pytest.fixture
def editor(db, agency, staff_role_factory):
    """An editor (信息员) of ``agency``."""
    return staff_role_factory(agency=agency, role=Role.EDITOR).user


@pytest.fixture
def stranger(db, other_agency, staff_role_factory):
    """An editor and handler of another agency: sees nothing of ``agency``'s scorecards."""
    user = staff_role_factory(agency=other_agency, role=Role.EDITOR).user
    staff_role_factory(agency=other_agency, role=Role.HANDLER, user=user)
    return user


@pytest.fixture
def administrator(db, office_agency, staff_role_factory):
    return staff_role_factory(agency=office_agency, role=Role.ADMINISTRATOR).user


# --------------------------------------------------------------------------- records

_numbers = itertools.count(1)


def document(
    agency: Agency,
    *,
    published: datetime.date | None,
    title: str = "",
    item: StatutoryItem | None = None,
    late: bool | None = None,
    needs_interpretation: bool = False,
    kind: str = Document.Kind.DOCUMENT,
    interprets: list[Document] = (),  # type: ignore[assignment]
    manner: str = Document.Manner.PROACTIVE,
    state: str | None = None,
) -> Document:
    """A document straight in the database: published on ``published`` (with its version,
    its lateness recorded when ``late`` is not None) or a draft."""
    n = next(_numbers)
    state = state or (Document.State.PUBLISHED if published else Document.State.DRAFT)
    row = Document.objects.create(
        agency=agency,
        kind=kind,
        title=title or f"测试文件{n}",
        state=state,
        published_at=moment(published) if published else None,
        index_number=f"TEST/{n:05d}" if published else None,
        statutory_item=item,
        needs_interpretation=needs_interpretation,
        manner=manner,
        manner_reason="" if manner != Document.Manner.WITHHELD else "涉密",
        version=1 if published else 0,
    )
    if interprets:
        row.interprets.set(interprets)
    if published:
        metadata: dict[str, Any] = {}
        if late is not None:
            metadata = {
                "late": late,
                "due_date": (published - datetime.timedelta(days=3)).isoformat(),
            }
        DocumentVersion.objects.create(
            document=row, number=1, title=row.title, metadata=metadata,
            published_at=moment(published),
        )  # fmt: skip
    return row


def info_request(
    agency: Agency,
    *,
    received: datetime.date,
    due: datetime.date | None,
    replied: datetime.date | None = None,
    closed: datetime.date | None = None,
    handling: Agency | None = None,
    state: str | None = None,
) -> InfoRequest:
    n = next(_numbers)
    if state is None:
        state = InfoRequest.State.REPLIED if replied else InfoRequest.State.HANDLING
    return InfoRequest.objects.create(
        number=f"YSQ{n:06d}",
        query_code="x",
        channel=InfoRequest.Channel.ONLINE,
        submitted_at=moment(received),
        received_on=received,
        rule_set="2019",
        agency=agency,
        handling_agency=handling,
        state=state,
        applicant_kind=InfoRequest.ApplicantKind.PERSON,
        name=APPLICANT,
        id_type=InfoRequest.IdType.RESIDENT_ID,
        id_number="110101199003074258",
        id_digest=f"digest{n}",
        phone=APPLICANT_PHONE,
        description=f"申请公开{APPLICANT}家附近的规划",
        form=InfoRequest.Form.ELECTRONIC,
        delivery=InfoRequest.Delivery.EMAIL,
        due_on=due,
        replied_on=replied,
        closed_on=closed,
        outcome="disclosed" if state == InfoRequest.State.CLOSED else "",
    )


def letter(
    handling: Agency | None,
    *,
    received: datetime.date,
    due: datetime.date | None,
    replied: datetime.date | None = None,
    rating: str = "",
    addressed: Agency | None = None,
    state: str | None = None,
    closed: datetime.date | None = None,
) -> Letter:
    n = next(_numbers)
    if state is None:
        state = Letter.State.CLOSED if rating else (
            Letter.State.REPLIED if replied else Letter.State.HANDLING
        )  # fmt: skip
    return Letter.objects.create(
        number=f"LX{n:06d}",
        query_code="x",
        letter_type=LetterType.objects.get(slug="consultation"),
        channel=Letter.Channel.ONLINE,
        state=state,
        agency=addressed,
        handling_agency=handling,
        name=WRITER,
        phone=WRITER_PHONE,
        subject=f"{WRITER}反映的问题",
        content="内容",
        submitted_at=moment(received),
        received_on=received,
        accepted_on=received if state != Letter.State.REJECTED else None,
        limit_days=5,
        due_on=due,
        replied_on=replied,
        rating=rating,
        closed_on=closed,
        rejection_reason="duplicate" if state == Letter.State.REJECTED else "",
    )


def reg20_items() -> list[StatutoryItem]:
    return list(StatutoryItem.objects.filter(article=20, scope="all").order_by("sort_order"))


# --------------------------------------------------------------------------- schemes


def rows_simple() -> list[dict[str, Any]]:
    """A small scheme: a group of two computed indicators, a hand-scored deduction and a bonus."""
    return [
        {"code": "1", "name": "依申请公开与互动", "kind": "group"},
        {"code": "1.1", "name": "按时答复", "kind": "computed", "max_points": "20", "parent": "1",
         "measure": "request_reply_rate", "scoring": "linear",
         "parameters": {"zero_at": "60", "full_at": "100"}},
        {"code": "1.2", "name": "按时公开", "kind": "computed", "max_points": "10", "parent": "1",
         "measure": "late_publications", "scoring": "deduction",
         "parameters": {"per": "2", "floor": "0"}},
        {"code": "2", "name": "日常抽测", "kind": "manual", "max_points": "10"},
        {"code": "3", "name": "加分项", "kind": "manual", "max_points": "5", "unscored": "zero"},
    ]  # fmt: skip


def build_scheme(
    actor,
    *,
    year: int = YEAR,
    rows: list[dict[str, Any]] | None = None,
    activate: bool = True,
    now: datetime.datetime = DURING_YEAR,
    assessor=None,
) -> IndicatorScheme:
    scheme = services.create_scheme(year, title=f"{year}年度考核指标", actor=actor, now=now)
    made: dict[str, Indicator] = {}
    for order, row in enumerate(rows if rows is not None else rows_simple()):
        values = dict(row)
        parent = made.get(values.pop("parent", ""))
        made[row["code"]] = services.add_indicator(
            scheme,
            IndicatorInput(
                sort_order=order,
                parent=parent,
                assessor=assessor if row["kind"] == "manual" else None,
                **{k: Decimal(v) if k == "max_points" else v for k, v in values.items()},
            ),
            actor=actor,
        )
    if activate:
        services.activate_scheme(scheme, actor=actor, now=now)
    scheme.refresh_from_db()
    return scheme


def indicator(scheme: IndicatorScheme, code: str) -> Indicator:
    return scheme.indicators.get(code=code)


@pytest.fixture
def scheme(office):
    return build_scheme(office, assessor=office)


@pytest.fixture
def evidence_document(agency):
    """A public catalogue document of ``agency``, to give as evidence."""
    return document(agency, published=D(2025, 3, 3), title="关于日常抽查情况的通报")


def everything() -> tuple:
    """What a refused or invalid request must leave exactly as it was."""
    return (
        list(IndicatorScheme.objects.order_by("pk").values_list(
            "pk", "year", "version", "state", "title", "published_at"
        )),
        list(Indicator.objects.order_by("pk").values_list(
            "pk", "code", "name", "kind", "max_points", "parameters", "assessor_id", "parent_id"
        )),
        list(HandScore.objects.order_by("pk").values_list("pk", "points", "comment")),
        EvidenceFile.objects.count(),
        list(Scorecard.objects.order_by("pk").values_list("pk", "total", "rank")),
        Score.objects.count(),
        list(AccountabilityRecord.objects.order_by("pk").values_list(
            "pk", "person", "measure", "decided_on", "reason"
        )),
        AuditEntry.objects.filter(kind=AuditEntry.Kind.CHANGE).count(),
    )  # fmt: skip


def today_is(day: datetime.date):
    """Freeze "today" (Beijing time) for the views and services that read the clock."""
    import time_machine

    return time_machine.travel(moment(day), tick=False)
