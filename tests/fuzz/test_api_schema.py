"""schemathesis against the OpenAPI schema of ``/api/v1`` (issue 9, "Fuzzing").

The schema django-ninja publishes is loaded from the site itself, and for every operation
schemathesis generates requests — valid ones and ones that break the schema — and runs them
in-process through the WSGI application (no server, no network). Every answer passes
schemathesis's checks (no 5xx, a documented status code and content type, a body that matches
the schema), and none carries what is not published: a draft document, a withdrawn one and one
disclosed only on request are in the database with words the generated queries are steered to.

schemathesis is imported inside the tests: its import is slow, and collecting the suite should
not pay for it. Its pytest plugin is off (``-p no:schemathesis``, decision 0029).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import given
from hypothesis import strategies as st

from gongkai.catalogue.models import Document
from tests.catalogue.public_helpers import join, make_document
from tests.factories import AgencyFactory
from tests.fuzz import strategies as fuzz

pytestmark = pytest.mark.django_db

SECRET_WORD = "内部事项"  # in every unpublished document, and asked for by the fuzzer
SECRET_MARK = "ZQXNOTPUBLIC"  # only in the unpublished documents


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    settings.GONGKAI_RATE_LIMITS = {"public_write": "0/600", "search": "0/60"}


@pytest.fixture
def in_process() -> Iterator[None]:
    """Requests that reach the WSGI application directly keep the test's database connection
    (as Django's test client does): closing it between requests would end the test's
    transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def records(django_capture_on_commit_callbacks) -> dict[str, Document]:
    agency = join(AgencyFactory(slug="civil"))
    with django_capture_on_commit_callbacks(execute=True):
        published = make_document(agency, title="最低生活保障资金发放明细")
        hidden = {
            state: make_document(agency, title=f"{SECRET_WORD}{state} {SECRET_MARK}", state=state)
            for state in (Document.State.DRAFT, Document.State.WITHDRAWN)
        }
        hidden["on request"] = make_document(
            agency,
            title=f"{SECRET_WORD}依申请公开 {SECRET_MARK}",
            manner=Document.Manner.ON_REQUEST,
        )
    return {"published": published, **hidden}


def body_text(response: Any) -> str:
    """The answer as text, JSON's escaped characters decoded."""
    try:
        return json.dumps(response.json(), ensure_ascii=False)
    except ValueError:
        return response.text


def _schema() -> Any:
    import schemathesis

    from gongkai.wsgi import application

    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


def _steer(case: Any, word: str, key: str) -> None:
    """Point some cases at the unpublished documents: their words, their keys."""
    if not word:
        return
    if isinstance(case.query, dict) and "q" in case.query:
        case.query["q"] = word
    if isinstance(case.path_parameters, dict) and "key" in case.path_parameters:
        case.path_parameters["key"] = key


def _breaks_the_route(case: Any) -> bool:
    values = [unquote(str(value)) for value in (case.path_parameters or {}).values()]
    return any("\n" in value or "\r" in value for value in values)


def _fuzz(examples: Any, records: dict[str, Document]) -> int:
    schema = _schema()
    operations = [result.ok() for result in schema.get_all_operations()]
    keys = [str(document.pk) for document in records.values()]
    keys += [document.index_number for document in records.values() if document.index_number]
    calls = 0

    for operation in operations:

        def run(case: Any, word: str, key: str) -> None:
            nonlocal calls
            _steer(case, word, key)
            response = case.call()
            calls += 1
            if _breaks_the_route(case):
                # A line break in a path parameter matches no route: Django's 404 page answers,
                # before the API (and its JSON) is reached. Not found, and nothing shown.
                assert response.status_code == 404
                return
            case.validate_response(response)
            assert SECRET_MARK not in body_text(response), (case.path, case.query)

        examples(
            given(
                case=operation.as_strategy(),
                word=st.sampled_from(["", SECRET_WORD, SECRET_MARK]),
                key=st.sampled_from(keys),
            )(run)
        )()
    return calls


def test_the_api_answers_every_generated_request_by_its_schema_and_shows_only_published(
    in_process, records
):
    """A few hundred generated requests over every operation of /api/v1."""
    assert _fuzz(fuzz.normal(8), records) >= 50


def test_the_fuzzer_would_see_a_leak(in_process, records):
    """The leak check can fail: the published document's own words are found in an answer."""
    import schemathesis  # noqa: F401 - the same client the fuzzer uses

    schema = _schema()
    search = schema["/api/v1/search"]["GET"]
    case = search.Case(query={"q": "最低生活保障"})
    response = case.call()
    case.validate_response(response)
    assert "最低生活保障资金发放明细" in body_text(response)


@pytest.mark.slow
@pytest.mark.once
def test_the_api_fuzzed_with_thousands_of_requests(in_process, records):
    assert _fuzz(fuzz.thorough(400), records) >= 2000


def test_a_document_key_of_other_digits_is_not_found(client):
    """Found by the slow fuzzer: ``/api/v1/documents/¹`` answered 500 ("¹" is a digit to
    Python's ``isdigit`` but not to ``int``)."""
    for key in ("¹", "٣", "１２", "9" * 40):
        assert client.get(f"/api/v1/documents/{key}").status_code == 404, key
