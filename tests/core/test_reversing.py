"""A pattern's addresses reversed once (gongkai.core.reversing): the same text as ``{% url %}``
for every value, URLconf and script prefix."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.urls import NoReverseMatch, set_script_prefix, set_urlconf

from gongkai.core.reversing import PatternAddress


@pytest.fixture(autouse=True)
def _prefix_restored():
    yield
    set_script_prefix("/")
    set_urlconf(None)


def _url_tag(name: str, *args: object) -> str:
    names = " ".join(f"a{i}" for i in range(len(args)))
    template = Template(f"{{% url '{name}' {names} %}}")
    return template.render(Context({f"a{i}": value for i, value in enumerate(args)}))


@pytest.mark.parametrize(
    ("name", "kinds", "args"),
    [
        ("catalogue:document", (int,), (9985,)),
        ("catalogue:document", (int,), (0,)),
        ("catalogue:agency_disclosure", (str,), ("general-office",)),
        ("catalogue:attachment", (int, int), (12, 3)),
    ],
)
def test_the_address_is_the_url_tag_s(name, kinds, args):
    address = PatternAddress(name, *kinds)
    assert address(*args) == _url_tag(name, *args)
    assert address(*args) == _url_tag(name, *args)  # kept: the same again


def test_the_script_prefix_and_the_urlconf_are_respected():
    address = PatternAddress("catalogue:document", int)
    assert address(7) == "/documents/7/"
    set_script_prefix("/a&b/")
    assert address(7) == _url_tag("catalogue:document", 7) == "/a&amp;b/documents/7/"
    set_script_prefix("/")
    set_urlconf("tests.core.urls_other_document")
    assert address(7) == _url_tag("catalogue:document", 7) == "/elsewhere/7/"
    set_urlconf(None)
    assert address(7) == "/documents/7/"


def test_a_value_reversing_would_change_goes_through_reverse():
    address = PatternAddress("catalogue:agency_disclosure", str)
    # not a slug: Django's own answer, here its refusal
    with pytest.raises(NoReverseMatch):
        address("a b")
    with pytest.raises(NoReverseMatch):
        PatternAddress("catalogue:document", int)(-1)
    with pytest.raises(TypeError):
        PatternAddress("catalogue:document", float)
