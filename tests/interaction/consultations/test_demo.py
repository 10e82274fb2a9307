"""The demonstration consultations: a closed one with comments and its published feedback
linked to a published document, for 2025 and 2026, and one open now; a second load changes
nothing."""

from __future__ import annotations

import datetime
import io

import pytest
import time_machine
from django.urls import reverse

from gongkai.agencies import demo as agencies_demo
from gongkai.catalogue.selectors.public import public_document_rows
from gongkai.interaction.consultations import demo, selectors
from gongkai.interaction.consultations.models import (
    CONSULTATION_TZ,
    Comment,
    Consultation,
    ConsultationEvent,
    Feedback,
)

pytestmark = pytest.mark.django_db

State = Consultation.State


def snapshot() -> dict[str, object]:
    return {
        "consultations": sorted(Consultation.objects.values_list("pk", "state", "title")),
        "comments": Comment.objects.count(),
        "events": ConsultationEvent.objects.count(),
        "feedback": Feedback.objects.count(),
    }


@pytest.fixture(autouse=True)
def _present():
    """The demonstration is loaded on a day after all its stories (instead of conftest's)."""
    moment = datetime.datetime(2026, 11, 27, 10, 0, tzinfo=CONSULTATION_TZ)
    with time_machine.travel(moment, tick=False):
        yield


@pytest.fixture
def loaded():
    agencies_demo.load(io.StringIO())
    out = io.StringIO()
    demo.load(out)
    return out.getvalue()


def test_the_demonstration_consultations(loaded, client):
    assert "3 created" in loaded
    with_feedback = Consultation.objects.filter(state=State.FEEDBACK).order_by("opens_on")
    assert [c.opens_on.year for c in with_feedback] == [2025, 2026]
    for consultation in with_feedback:
        counts = selectors.feedback_counts(consultation)
        assert counts.received >= 5
        assert counts.undecided == counts.pending == 0
        assert counts.adopted and counts.not_adopted
        assert consultation.final_document is not None
        assert public_document_rows().filter(pk=consultation.final_document_id).exists()
        page = client.get(reverse("consultations:detail", args=[consultation.pk]))
        assert page.status_code == 200
        assert reverse("catalogue:document", args=[consultation.final_document_id]) in (
            page.content.decode()
        )
    running = Consultation.objects.get(state=State.OPEN)
    assert selectors.phase_of(running) == selectors.Phase.OPEN
    assert selectors.pending_comments(running).count() == 2
    assert selectors.shown_comments(running).count() == 3


def test_a_second_load_changes_nothing(loaded):
    before = snapshot()
    out = io.StringIO()
    demo.load(out)
    assert "0 created, 3 already present" in out.getvalue()
    assert snapshot() == before


def test_the_catalogues_final_document_is_reused(client):
    from gongkai.agencies.models import Agency, StaffRole
    from gongkai.catalogue import services as catalogue_services
    from gongkai.core.models import User

    agencies_demo.load(io.StringIO())
    education = Agency.objects.get(slug="education")
    editor = User.objects.get(username="edu-editor")
    reviewer = User.objects.get(username="edu-reviewer")
    assert StaffRole.objects.filter(user=reviewer, agency=education).exists()
    document = catalogue_services.create_document(
        agency=education, actor=editor, kind="document", title=demo.ADMISSION.final.title
    )
    catalogue_services.submit_document(document, actor=editor)
    catalogue_services.approve_document(document, actor=reviewer)

    demo.load(io.StringIO())
    consultation = Consultation.objects.get(title=demo.ADMISSION.title)
    assert consultation.final_document == document
