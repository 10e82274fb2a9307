"""Fuzzing the public forms and pages through the test client (issue 9, "Fuzzing"): every
public form (:mod:`tests.fuzz.world`) sent with generated values in its fields — valid
submissions with one or more fields replaced, and fields of the wrong kind — and the public
pages asked with generated query strings. No answer is a server error, and no page shows what
is not published (a draft document whose words the generated input carries).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from gongkai.catalogue.models import Document
from tests.catalogue.public_helpers import make_document
from tests.fuzz import strategies as fuzz
from tests.fuzz.world import build_world, public_forms, ready_client, today

pytestmark = pytest.mark.django_db

DRAFT_WORD = "内部草稿事项"  # what the generated queries ask for
DRAFT_MARK = "ZQXDRAFTONLY"  # in the draft's title only: a page showing it shows the draft
PAGES = [
    ("search:results", {}),
    ("info_requests:apply", {}),
    ("info_requests:status", {}),
    ("letters:write", {}),
    ("letters:qa_list", {}),
    ("consultations:list", {}),
    ("surveys:index", {}),
    ("catalogue:index", {}),
    ("catalogue:normative", {}),
    ("catalogue:interpretations", {}),
    ("portal:home", {}),
]
QUERY_KEYS = ["q", "page", "agency", "type", "year", "sort", "phase", "number", "validity", "topic"]


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    """The fuzzer sends more than the limits allow from one address: it tests the forms."""
    settings.GONGKAI_RATE_LIMITS = {"public_write": "0/600", "search": "0/60"}


def _with_draft(world: Any) -> None:
    make_document(
        world.agency, title=f"{DRAFT_WORD}的通知 {DRAFT_MARK}", state=Document.State.DRAFT
    )


def _mutated(form: Any) -> Any:
    """A valid submission of ``form`` with some fields replaced by generated values."""
    base = form.data()
    names = sorted({*base, *form.text_fields, "submission_key", "extra"})
    return st.dictionaries(st.sampled_from(names), fuzz.value, max_size=len(names)).map(
        lambda changes: {**base, **changes}
    )


def _check(response: Any) -> None:
    assert response.status_code < 500, response.content[:2000]
    if response.get("Content-Type", "").startswith(("text/html", "application/json")):
        assert DRAFT_MARK not in response.content.decode(), "an unpublished document leaked"


def _fuzz_forms(examples: Any) -> None:
    world = build_world()
    _with_draft(world)
    for form in public_forms(world):
        with today():
            client = ready_client(form, world)

        examples(given(data=_mutated(form))(_sender(client, form.url)))()


def _sender(client: Client, url: str) -> Any:
    def send(data: dict[str, Any]) -> None:
        with today():
            _check(client.post(url, data))

    return send


def _fuzz_pages(examples: Any) -> None:
    world = build_world()
    _with_draft(world)
    client = Client()
    words = st.sampled_from(["", DRAFT_WORD, "通知", "测试区"])

    @examples
    @given(
        page=st.sampled_from(PAGES),
        query=st.dictionaries(st.sampled_from(QUERY_KEYS), fuzz.value, max_size=4),
        word=words,
    )
    def visit(page: tuple[str, dict[str, Any]], query: dict[str, Any], word: str) -> None:
        name, kwargs = page
        if word:
            query = {**query, "q": word + str(query.get("q", ""))[:10]}
        with today():
            _check(client.get(reverse(name, kwargs=kwargs), query))
            _check(client.post(reverse("info_requests:suggest"), {"q": query.get("q", "")}))

    visit()


def test_public_forms_never_fail_on_any_input():
    """About fifty generated submissions over every public form."""
    _fuzz_forms(fuzz.normal(4))


def test_public_pages_never_fail_and_never_show_unpublished_on_any_query():
    _fuzz_pages(fuzz.normal(25))


@pytest.mark.slow
@pytest.mark.once
def test_public_forms_never_fail_on_any_input_thousands_of_cases():
    _fuzz_forms(fuzz.thorough(300))


@pytest.mark.slow
@pytest.mark.once
def test_public_pages_never_fail_on_any_query_thousands_of_cases():
    _fuzz_pages(fuzz.thorough(1000))


def test_a_nul_character_in_any_parameter_is_dropped_before_any_view(client):
    """Found by this fuzzer on PostgreSQL (which can neither store nor compare text with NUL):
    ``/letters/write/?type=%00`` reached a database filter and answered 500."""
    from gongkai.interaction.letters.models import Letter, LetterType

    page = client.get(reverse("letters:write"), {"type": "complaint\x00"})
    assert page.status_code == 200
    complaint = LetterType.objects.get(slug="complaint")
    assert client.get(reverse("search:results"), {"q\x00": "x\x00"}).status_code == 200
    assert client.get("/api/v1/documents", {"agency": "\x00"}).status_code == 200
    posted = client.post(
        reverse("letters:write"),
        {
            "submission_key": "nul-submission-0000001",
            "letter_type": str(complaint.pk),
            "name": "李晓华\x00",
            "phone": "13987654321",
            "email": "xiaohua.li@example.cn",
            "subject": "路灯\x00不亮",
            "content": "华光路东段小区门口的路灯已经坏了两个星期。",
        },
    )
    assert posted.status_code == 302
    assert Letter.objects.get().subject == "路灯不亮"
