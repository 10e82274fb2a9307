"""Fixtures for consultations on drafts: the agency's staff, consultations made and published
through the services, comments, and a fixed present (2026-03-10 10:00 in Shanghai).

Every test in this folder runs at :data:`NOW` (time_machine, not ticking), so that opening and
closing days are plain dates here.
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.test import Client

from gongkai.agencies.models import StaffRole
from gongkai.catalogue.models import Document
from gongkai.interaction.consultations import services
from gongkai.interaction.consultations.articles import ArticleData
from gongkai.interaction.consultations.models import CONSULTATION_TZ, Comment, Consultation

NOW = datetime.datetime(2026, 3, 10, 10, 0, tzinfo=CONSULTATION_TZ)
TODAY = NOW.date()
EARLIER = datetime.datetime(2026, 1, 20, 10, 0, tzinfo=CONSULTATION_TZ)
PAST = {"opens_on": datetime.date(2026, 2, 1), "closes_on": datetime.date(2026, 3, 9)}
CONTACT = "13900001234"  # a commenter's phone: must never reach a public page

ARTICLES = [
    ArticleData("第一条", "目的", "为了规范管理，制定本办法。"),
    ArticleData("第二条", "适用范围", "本办法适用于本区。"),
]

_keys = itertools.count(1)


def new_key() -> str:
    return f"test-submission-{next(_keys):06d}"


@pytest.fixture(autouse=True)
def _present():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Attachments are written under a temporary directory, never the real media root."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def en_client() -> Client:
    """A browser that chose the English interface (messages are asserted in English); the
    site ignores Accept-Language, only the visitor's language cookie switches it."""
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def editor(db, agency, staff_role_factory):
    """An editor (信息员) of ``agency``: prepares consultations."""
    return staff_role_factory(agency=agency, role=StaffRole.Role.EDITOR).user


@pytest.fixture
def reviewer(db, agency, staff_role_factory):
    """A reviewer (审核人) of ``agency``: publishes, moderates, closes, reports."""
    return staff_role_factory(agency=agency, role=StaffRole.Role.REVIEWER).user


@pytest.fixture
def office_user(db, agency_factory, staff_role_factory):
    """A member of the disclosure office (公开办), held in an agency of its own."""
    return staff_role_factory(agency=agency_factory(), role=StaffRole.Role.OFFICE).user


@pytest.fixture
def other_editor(db, other_agency, staff_role_factory):
    return staff_role_factory(agency=other_agency, role=StaffRole.Role.EDITOR).user


@pytest.fixture
def other_reviewer(db, other_agency, staff_role_factory):
    """A reviewer of another agency: must be refused everything here."""
    return staff_role_factory(agency=other_agency, role=StaffRole.Role.REVIEWER).user


@pytest.fixture
def make_consultation(db, agency, editor) -> Callable[..., Consultation]:
    """A draft made through ``services.create_consultation``; open from 2026-03-01 to
    2026-03-31 with two articles unless told otherwise."""

    def make(**fields: Any) -> Consultation:
        values: dict[str, Any] = {
            "agency": agency,
            "actor": editor,
            "title": "张店区测试管理办法（征求意见稿）",
            "summary": "起草说明。",
            "body": "<p>第一条 为了规范管理，制定本办法。</p><p>第二条 本办法适用于本区。</p>",
            "opens_on": datetime.date(2026, 3, 1),
            "closes_on": datetime.date(2026, 3, 31),
            "moderation": Consultation.Moderation.BEFORE,
            "articles": ARTICLES,
        }
        values.update(fields)
        return services.create_consultation(**values)

    return make


@pytest.fixture
def published(make_consultation, reviewer) -> Callable[..., Consultation]:
    """A consultation made with ``make_consultation(**fields)`` and published by the reviewer
    (at ``now``, the present by default: give an earlier time for one past its closing day)."""

    def make(*, now: datetime.datetime | None = None, **fields: Any) -> Consultation:
        consultation = make_consultation(**fields)
        return services.publish_consultation(consultation, actor=reviewer, now=now)

    return make


@pytest.fixture
def comment_on() -> Callable[..., Comment]:
    """``comment_on(consultation, text=…, article=…, **fields)``: a comment of the public."""

    def make(consultation: Consultation, **fields: Any) -> Comment:
        values: dict[str, Any] = {
            "name": "王小明",
            "contact": CONTACT,
            "text": "建议增加一条关于监督的规定。",
            "submission_key": new_key(),
        }
        values.update(fields)
        comment, _created = services.submit_comment(consultation, **values)
        return comment

    return make


@pytest.fixture
def published_document(db, agency, editor, reviewer) -> Callable[..., Document]:
    """A catalogue document made, submitted and approved (published at once)."""
    from gongkai.catalogue import services as catalogue_services

    counter = itertools.count(1)

    def make(**fields: Any) -> Document:
        values: dict[str, Any] = {
            "agency": agency,
            "actor": editor,
            "kind": Document.Kind.DOCUMENT,
            "title": f"张店区测试管理办法（第{next(counter)}号）",
            "summary": "内容概述",
            "body": "<p>正文。</p>",
            "formation_date": datetime.date(2026, 3, 1),
        }
        values.update(fields)
        document = catalogue_services.create_document(**values)
        document = catalogue_services.submit_document(document, actor=editor)
        return catalogue_services.approve_document(document, actor=reviewer)

    return make


@pytest.fixture
def closed_with_comments(published, comment_on, reviewer) -> Callable[..., Consultation]:
    """A consultation that took comments (shown at once) and closed early, ready for its
    feedback: returns it; its comments are ``consultation.comments``."""

    def make(count: int = 3, **fields: Any) -> Consultation:
        fields.setdefault("moderation", Consultation.Moderation.AT_ONCE)
        consultation = published(**fields)
        for n in range(count):
            comment_on(consultation, text=f"第{n + 1}条意见。")
        return services.close_consultation(consultation, actor=reviewer, reason="提前结束。")

    return make
