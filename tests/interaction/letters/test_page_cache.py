"""The public page cache (decision 0033) and letters: a letter published in public Q&A reaches
the cached Q&A pages at once; a withdrawn one leaves them; the writer's data never does."""

from __future__ import annotations

import datetime

import pytest
from django.db import transaction
from django.urls import reverse

from gongkai.interaction.letters import services
from tests.interaction.letters.conftest import WRITER_EMAIL, WRITER_NAME, WRITER_PHONE, at

pytestmark = pytest.mark.django_db

WRITTEN = datetime.date(2025, 9, 22)
ANSWERED = datetime.date(2025, 9, 25)
TODAY = datetime.date(2025, 9, 29)
SUBJECT = "缓存测试：华光路路灯"


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.GONGKAI_PAGE_CACHE = True


def test_a_published_letter_reaches_the_cached_q_and_a_pages(
    client, replied, reviewer, django_capture_on_commit_callbacks
):
    letter = replied(WRITTEN, ANSWERED)
    qa = reverse("letters:qa_list")
    client.get(qa)
    assert client.get(qa)["X-Cache"] == "HIT"
    assert SUBJECT not in client.get(qa).content.decode()

    with at(TODAY), django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        proposal = services.propose_publication(letter, actor=reviewer)
        published = services.publish_letter(
            letter,
            actor=reviewer,
            subject=SUBJECT,
            content=proposal.public_content,
            reply=proposal.public_reply,
        )
    response = client.get(qa)
    assert response["X-Cache"] == "MISS"
    assert SUBJECT in response.content.decode()
    detail = reverse("letters:qa_detail", args=[published.pk])
    client.get(detail)
    hit = client.get(detail)
    assert hit["X-Cache"] == "HIT"
    for private in (WRITER_NAME, WRITER_PHONE, WRITER_EMAIL):
        assert private not in hit.content.decode()

    with at(TODAY), django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        services.withdraw_publication(letter, actor=reviewer, reason="撤回测试")
    assert SUBJECT not in client.get(qa).content.decode()
    assert client.get(detail).status_code == 404
