"""Fuzzing the services that take what people type (issue 9, "Fuzzing"): segmentation and
personal-data masking, the search query and the search itself, document-number parsing, the
working-day calendar and the deadline clock, the sanitiser, and the cleaning of every public
form. Any input ends in a result or in the service's own, translated error — never another
exception — and the search never returns what is not published.

Each property runs a few fixed cases in the normal suite and thousands in the ``slow`` run.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gongkai.catalogue.docnumbers import (
    DocumentNumberError,
    doc_number_key,
    is_doc_number,
    normalize_doc_number,
    parse_doc_number,
)
from gongkai.core.clock import ClockError, ClockEvent, EventKind, compute_clock
from gongkai.core.html import html_to_text, sanitize_html
from gongkai.core.text import find_personal_data, mask_text, normalize, segment
from gongkai.core.workdays import (
    CalendarNotCovered,
    add_working_days,
    is_working_day,
    working_days_between,
)
from gongkai.search.engine import SearchQuery, search
from tests.fuzz import strategies as fuzz
from tests.test_xss import PAYLOADS, executable_markup

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 10)


# --------------------------------------------------------------------------- text tools


def segmentation(text: str) -> None:
    tokens = segment(text)
    assert all(isinstance(token, str) and token.strip() for token in tokens)
    assert normalize(normalize(text)) == normalize(text)


def masking(text: str) -> None:
    masked = mask_text(text)
    found = {f.value for f in find_personal_data(text) if f.risk == "high"}
    # What was found is found no more (the same digits may still stand inside a longer number,
    # which is no identity or phone number).
    assert not found & {f.value for f in find_personal_data(masked) if f.risk == "high"}


html_pieces = st.lists(
    st.one_of(
        st.sampled_from(PAYLOADS),
        st.sampled_from(["<p>", "</p>", "<a href='", "'>", "<table><tr><td>", "<img src=", '"']),
        fuzz.text,
    ),
    max_size=8,
).map("".join)


def sanitising(html: str) -> None:
    cleaned = sanitize_html(html)
    assert executable_markup(f"<html><body>{cleaned}</body></html>") == []
    assert sanitize_html(cleaned) == cleaned
    html_to_text(cleaned)


# --------------------------------------------------------------------------- document numbers

doc_numbers = st.one_of(
    fuzz.text,
    st.builds(
        lambda prefix, left, year, right, serial, tail: (
            f"{prefix}{left}{year}{right}{serial}{tail}"
        ),
        st.sampled_from(["张政办发", "淄政字", "区民政局", "", "X"]),
        st.sampled_from(["〔", "[", "（", "(", "﹝", "【", ""]),
        st.integers(min_value=0, max_value=99999),
        st.sampled_from(["〕", "]", "）", ")", "﹞", "】", ""]),
        st.one_of(st.integers(min_value=-5, max_value=10**8).map(str), st.just("第5")),
        st.sampled_from(["号", "號", "", "号号"]),
    ),
)


def document_numbers(value: str) -> None:
    try:
        parsed = parse_doc_number(value, today=TODAY)
    except DocumentNumberError as error:
        assert str(error)
    else:
        assert parse_doc_number(str(parsed), today=TODAY) == parsed
        assert normalize_doc_number(value, today=TODAY) == str(parsed)
        assert parsed.serial >= 1
    assert isinstance(doc_number_key(value), str)
    assert isinstance(is_doc_number(value), bool)


# --------------------------------------------------------------------------- calendar and clock

days = st.dates(min_value=datetime.date(1990, 1, 1), max_value=datetime.date(2040, 12, 31))


def working_days(start: datetime.date, n: int) -> None:
    try:
        end = add_working_days(start, n)
    except CalendarNotCovered as error:
        assert str(error)
        return
    if n >= 0:
        assert working_days_between(start, end) == n  # the documented round trip
    if n > 0:
        assert end > start and is_working_day(end)
    if n < 0:
        assert end < start and is_working_day(end)


events = st.lists(
    st.builds(
        ClockEvent,
        kind=st.sampled_from(list(EventKind.values)),
        date=st.dates(min_value=datetime.date(2025, 1, 1), max_value=datetime.date(2026, 6, 30)),
        days=st.integers(min_value=-5, max_value=40),
        reason=fuzz.text,
    ),
    max_size=8,
)


def clock(items: list[ClockEvent], limit: int, start: datetime.date) -> None:
    timeline = [ClockEvent(EventKind.START, start), *sorted(items, key=lambda e: e.date)]
    try:
        reading = compute_clock(timeline, limit=limit, today=TODAY)
    except (ClockError, CalendarNotCovered) as error:
        assert str(error)
        return
    assert reading.limit == limit + reading.extension
    assert reading.left == reading.limit - reading.used
    assert all(isinstance(line, str) for line in reading.explanation)


# --------------------------------------------------------------------------- the properties

PROPERTIES: dict[str, tuple[Callable[..., None], dict[str, Any]]] = {
    "segmentation": (segmentation, {"text": fuzz.text}),
    "personal data masking": (masking, {"text": fuzz.text}),
    "sanitiser": (sanitising, {"html": html_pieces}),
    "document numbers": (document_numbers, {"value": doc_numbers}),
    "working days": (working_days, {"start": days, "n": st.integers(-400, 400)}),
    "deadline clock": (
        clock,
        {
            "items": events,
            "limit": st.integers(min_value=-2, max_value=60),
            "start": st.dates(
                min_value=datetime.date(2025, 1, 1), max_value=datetime.date(2026, 3, 10)
            ),
        },
    ),
}


@pytest.mark.parametrize("name", PROPERTIES)
def test_services_take_any_input(name):
    prop, strategies = PROPERTIES[name]
    fuzz.normal(30)(given(**strategies)(prop))()


@pytest.mark.slow
@pytest.mark.once
@pytest.mark.parametrize("name", PROPERTIES)
def test_services_take_any_input_thousands_of_cases(name):
    prop, strategies = PROPERTIES[name]
    fuzz.thorough(1000)(given(**strategies)(prop))()


# --------------------------------------------------------------------------- search

params = st.dictionaries(
    st.sampled_from(
        [
            "q",
            "agency",
            "statutory_item",
            "topic",
            "genre",
            "year",
            "validity",
            "type",
            "sort",
            "page",
            "other",
        ]
    ),
    fuzz.value,
    max_size=6,
)


def _search_world(django_capture_on_commit_callbacks: Any) -> tuple[str, str]:
    """A published document and an unpublished one with the same words: the public title
    of the first, a word only the second has. (A working copy's title ends in （工作稿）.)"""
    from tests.catalogue.public_helpers import join, make_document
    from tests.factories import AgencyFactory

    agency = join(AgencyFactory())
    with django_capture_on_commit_callbacks(execute=True):
        public = make_document(agency, title="最低生活保障资金发放公开明细")
        make_document(agency, title="最低生活保障资金内部草稿明细", state="draft")
    return public.title.removesuffix("（工作稿）"), "内部草稿"


def _search_property(draft_word: str) -> Callable[..., None]:
    def run(values: dict[str, Any], words: str) -> None:
        if words:
            values = {**values, "q": words + str(values.get("q", ""))[:20]}
        query = SearchQuery.from_params(values)
        result = search(query)
        for hit in result.hits:
            assert draft_word not in hit.title
            assert "工作稿" not in hit.title  # never the editor's working copy

    return run


WORDS = st.sampled_from(["", "最低生活保障", "草稿", "内部草稿明细", "资金 发放", "明细"])


def test_search_takes_any_query_and_returns_only_published(django_capture_on_commit_callbacks):
    public_title, draft_word = _search_world(django_capture_on_commit_callbacks)
    found = search(SearchQuery.from_params({"q": "最低生活保障"}))
    assert [hit.title for hit in found.hits] == [public_title]  # the property can fail
    fuzz.normal(25)(given(values=params, words=WORDS)(_search_property(draft_word)))()


@pytest.mark.slow
@pytest.mark.once
def test_search_takes_any_query_thousands_of_cases(django_capture_on_commit_callbacks):
    _public_title, draft_word = _search_world(django_capture_on_commit_callbacks)
    fuzz.thorough(1000)(given(values=params, words=WORDS)(_search_property(draft_word)))()


# --------------------------------------------------------------------------- form cleaning


def _forms() -> dict[str, Callable[[dict[str, Any]], Any]]:
    from gongkai.citizens import forms as citizen_forms
    from gongkai.info_requests import forms as request_forms
    from gongkai.interaction.consultations.forms import CommentForm
    from gongkai.interaction.letters import forms as letter_forms

    return {
        "application": request_forms.ApplicationForm,
        "application status": request_forms.StatusLookupForm,
        "correction": request_forms.CorrectionForm,
        "letter": letter_forms.LetterForm,
        "letter status": letter_forms.StatusLookupForm,
        "comment": lambda data: CommentForm(data, articles=[]),
        "sign-up": citizen_forms.SignUpForm,
        "sign-in": citizen_forms.SignInForm,
        "password reset": citizen_forms.PasswordResetRequestForm,
        "new password": citizen_forms.SetPasswordForm,
    }


def _cleaning(make: Callable[[dict[str, Any]], Any]) -> Callable[..., None]:
    field_names = list(make({}).fields)

    def run(values: dict[str, Any]) -> None:
        form = make(values)
        if form.is_valid():
            for name, value in form.cleaned_data.items():
                if isinstance(value, str):
                    assert "\x00" not in value, name  # PostgreSQL refuses NUL in text
        else:
            assert form.errors

    run.field_names = field_names  # type: ignore[attr-defined]
    return run


def _form_data(field_names: list[str]) -> Any:
    return st.dictionaries(st.sampled_from([*field_names, "extra"]), fuzz.value, max_size=12)


def test_the_public_forms_clean_any_input():
    for make in _forms().values():
        run = _cleaning(make)
        fuzz.normal(10)(given(values=_form_data(run.field_names))(run))()  # type: ignore[attr-defined]


@pytest.mark.slow
@pytest.mark.once
def test_the_public_forms_clean_any_input_thousands_of_cases():
    for make in _forms().values():
        run = _cleaning(make)
        fuzz.thorough(1000)(given(values=_form_data(run.field_names))(run))()  # type: ignore[attr-defined]


# --------------------------------------------------------------------------- what the fuzzers found


def test_an_identity_number_typed_right_before_other_digits_is_masked():
    """Found by the slow fuzzer: an ID ending in X directly followed by digits (a phone
    number typed without a space) was left in clear."""
    masked = mask_text("身份证11010519491231002X13912345678")
    assert "11010519491231002X" not in masked
    assert masked == "身份证110105********002X139****5678"
    twice = mask_text("11010519491031000X11010519491031000X")
    assert "19491031" not in twice


def test_a_document_number_reads_the_same_once_normalised():
    """Found by the slow fuzzer: a combining mark after a space composed differently when the
    normalised number was read again."""
    parsed = parse_doc_number("A´〔2000〕1号", today=TODAY)
    assert parse_doc_number(str(parsed), today=TODAY) == parsed
