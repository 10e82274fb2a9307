"""Fixtures for hotline sessions, service logs, channel figures and opinion responses: the
office, an agency's editor, another agency's editor, and the configuration (a programme, a
service point, a channel) they enter figures against."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings

from gongkai.agencies.models import StaffRole
from gongkai.core.models import AuditEntry
from gongkai.interaction.channels.models import (
    Channel,
    ChannelFigure,
    HotlineProgramme,
    HotlineSession,
    OpinionResponse,
    ServiceLog,
    ServicePoint,
)

Role = StaffRole.Role
TODAY = datetime.date(2026, 11, 20)  # a Friday, the injected "today" of the services


@pytest.fixture
def office(db, staff_role_factory, agency_factory):
    """A member of the disclosure office (公开办), in the general office."""
    return staff_role_factory(agency=agency_factory(), role=Role.OFFICE).user


@pytest.fixture
def editor(db, agency, staff_role_factory):
    """An editor (信息员) of ``agency``."""
    return staff_role_factory(agency=agency, role=Role.EDITOR).user


@pytest.fixture
def stranger(db, other_agency, staff_role_factory):
    """An editor of another agency: must change nothing of ``agency``'s."""
    return staff_role_factory(agency=other_agency, role=Role.EDITOR).user


@pytest.fixture
def handler(db, agency, staff_role_factory):
    """Staff of ``agency`` without an entering role (a case handler)."""
    return staff_role_factory(agency=agency, role=Role.HANDLER).user


@pytest.fixture
def programme(db):
    return HotlineProgramme.objects.create(name="政风行风热线")


@pytest.fixture
def point(db, agency):
    return ServicePoint.objects.create(
        agency=agency, name="档案馆查档接待室", kind=ServicePoint.Kind.ARCHIVE
    )


@pytest.fixture
def channel(db, agency):
    return Channel.objects.create(
        agency=agency,
        name="今日张店",
        kind=Channel.Kind.MICROBLOG,
        metrics=["posts", "messages_answered", "followers"],
        opened_on=datetime.date(2013, 8, 1),
    )


@pytest.fixture
def english(client):
    """Pages in English, so that the tests can read their messages."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def everything() -> tuple:
    """What a refused or invalid request must leave exactly as it was."""
    return (
        list(
            HotlineSession.objects.order_by("pk").values_list(
                "pk", "aired_on", "calls", "answered_on_air", "follow_ups", "notes"
            )
        ),
        list(
            ServiceLog.objects.order_by("pk").values_list(
                "pk",
                "date",
                "visitors",
                "phone_consultations",
                "files_consulted",
                "pages_copied",
                "certificates_issued",
            )
        ),
        list(
            ChannelFigure.objects.order_by("pk").values_list(
                "pk", "year", "month", "metric", "value"
            )
        ),
        list(
            OpinionResponse.objects.order_by("pk").values_list(
                "pk", "state", "topic", "found_on", "responded_on", "response_url", "agency_id"
            )
        ),
        AuditEntry.objects.filter(kind=AuditEntry.Kind.CHANGE).count(),
    )


@pytest.fixture
def catalogue_document(db, agency, staff_role_factory):
    """A function making a catalogue document of ``agency`` through the catalogue's services:
    published (the default) or left a draft."""
    from gongkai.catalogue import services as catalogue
    from gongkai.catalogue.models import Document

    writer = staff_role_factory(agency=agency, role=Role.EDITOR).user
    reviewer = staff_role_factory(agency=agency, role=Role.REVIEWER).user

    def make(title: str = "关于供暖问题的情况通报", *, published: bool = True) -> Document:
        document = catalogue.create_document(
            agency=agency,
            actor=writer,
            kind=Document.Kind.NEWS,
            title=title,
            summary="情况通报",
            body="<p>经核实，相关小区供暖已恢复正常。</p>",
        )
        if published:
            document = catalogue.submit_document(document, actor=writer)
            document = catalogue.approve_document(document, actor=reviewer)
        return document

    return make
