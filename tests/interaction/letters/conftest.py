"""Fixtures for letters: the office, the handling agency's handler and reviewer, a stranger of
another agency, the default letter types, and helpers that walk a letter through the services
on chosen dates."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from gongkai.agencies.models import StaffRole
from gongkai.interaction.letters import services
from gongkai.interaction.letters.models import Letter, LetterType

WRITER_NAME = "李晓华"
WRITER_PHONE = "13987654321"
WRITER_EMAIL = "xiaohua.li@example.cn"
SUBJECT = "小区门口路灯不亮"
CONTENT = "华光路东段小区门口的路灯已经坏了两个星期，晚上出行很不方便，请尽快维修。"
REPLY = "您反映的路灯问题已转交区城管执法局，已于本周完成维修，感谢您的监督。"


def at(day: datetime.date, hour: int = 10):
    """Travel to ``day`` at ``hour`` Beijing time (a context manager)."""
    moment = datetime.datetime(day.year, day.month, day.day, hour, tzinfo=datetime.UTC)
    return time_machine.travel(moment - datetime.timedelta(hours=8), tick=False)


def letter_type(slug: str = "consultation") -> LetterType:
    """One of the default types the migration seeds (REGULATION.md §1)."""
    return LetterType.objects.get(slug=slug)


def letter_input(kind: str = "consultation", **overrides) -> services.LetterInput:
    values = {
        "letter_type": letter_type(kind),
        "name": WRITER_NAME,
        "phone": WRITER_PHONE,
        "email": WRITER_EMAIL,
        "subject": SUBJECT,
        "content": CONTENT,
        "consent_to_publish": True,
    }
    values.update(overrides)
    return services.LetterInput(**values)


@pytest.fixture
def office(db, agency, staff_role_factory):
    """A member of the disclosure office (公开办)."""
    return staff_role_factory(agency=agency, role=StaffRole.Role.OFFICE).user


@pytest.fixture
def handling_agency(db, agency_factory):
    return agency_factory(name="测试区城市管理局", short_name="区城管局", slug="urban")


@pytest.fixture
def next_agency(db, agency_factory):
    """Another agency a letter can be transferred to."""
    return agency_factory(name="测试区住房和城乡建设局", short_name="区住建局", slug="housing")


@pytest.fixture
def handler(db, handling_agency, staff_role_factory):
    """The handling agency's case handler (承办人)."""
    return staff_role_factory(agency=handling_agency, role=StaffRole.Role.HANDLER).user


@pytest.fixture
def reviewer(db, handling_agency, staff_role_factory):
    """The handling agency's reviewer (审核人)."""
    return staff_role_factory(agency=handling_agency, role=StaffRole.Role.REVIEWER).user


@pytest.fixture
def stranger(db, other_agency, staff_role_factory):
    """A handler and reviewer of another agency: must see and change nothing of these letters."""
    user = staff_role_factory(agency=other_agency, role=StaffRole.Role.HANDLER).user
    staff_role_factory(agency=other_agency, role=StaffRole.Role.REVIEWER, user=user)
    return user


@pytest.fixture
def write(db, django_capture_on_commit_callbacks):
    """Write a letter online on a date: ``write(date, kind="consultation", **overrides)``."""
    counter = iter(range(1, 10_000))

    def run(day: datetime.date, kind: str = "consultation", **overrides) -> Letter:
        key = f"test-letter-{next(counter):04d}"
        with at(day), django_capture_on_commit_callbacks(execute=True):
            letter, _code = services.submit_letter(
                letter_input(kind, **overrides), submission_key=key
            )
        return letter

    return run


@pytest.fixture
def assigned(write, office, handling_agency):
    """A letter written, accepted and assigned to the handling agency on a date."""

    def run(day: datetime.date, kind: str = "consultation", **overrides) -> Letter:
        letter = write(day, kind, **overrides)
        with at(day):
            return services.accept_letter(letter, actor=office, handling_agency=handling_agency)

    return run


@pytest.fixture
def replied(assigned, handler, reviewer, django_capture_on_commit_callbacks):
    """A letter assigned on ``day``, drafted, reviewed and replied on ``reply_day``."""

    def run(day: datetime.date, reply_day: datetime.date | None = None, **kwargs) -> Letter:
        letter = assigned(day, **kwargs)
        reply_day = reply_day or day
        with at(reply_day), django_capture_on_commit_callbacks(execute=True):
            services.draft_reply(letter, actor=handler, reply_text=REPLY)
            services.submit_for_review(letter, actor=handler)
            return services.review_letter(letter, actor=reviewer, approve=True)

    return run
