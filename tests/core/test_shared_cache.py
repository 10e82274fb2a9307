"""What pages share (gongkai.core.shared_cache): a value is kept until public data next changes,
never inside a transaction, never when switched off, never when built from a lagging replica."""

from __future__ import annotations

import re

import pytest
from django.db import transaction
from django.template import Context, Template, TemplateSyntaxError
from django.test import override_settings
from django.utils import translation
from django.utils.safestring import mark_safe

from gongkai.core import db_router, shared_cache
from gongkai.core.page_cache import invalidate_public_pages

# Outside the test's own transaction: the cache serves nothing inside one.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _shared_cache_on(settings):
    settings.GONGKAI_SHARED_CACHE = True
    shared_cache.forget()
    yield
    shared_cache.forget()


class Builds:
    """A value builder that counts its calls."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self) -> int:
        self.count += 1
        return self.count


def test_a_value_is_kept_until_public_data_changes():
    build = Builds()
    assert shared_cache.until_public_change("test.value", build) == 1
    assert shared_cache.until_public_change("test.value", build) == 1
    invalidate_public_pages()  # what a committed write to a public table does
    assert shared_cache.until_public_change("test.value", build) == 2
    assert build.count == 2


def test_a_committed_write_to_a_public_table_makes_the_value_stale(agency_factory):
    build = Builds()
    shared_cache.until_public_change("test.value", build)
    agency_factory(name="新设的单位")  # committed at once (autocommit)
    assert shared_cache.until_public_change("test.value", build) == 2


def test_nothing_is_kept_when_switched_off(settings):
    settings.GONGKAI_SHARED_CACHE = False
    build = Builds()
    shared_cache.until_public_change("test.value", build)
    shared_cache.until_public_change("test.value", build)
    assert build.count == 2


def test_a_transaction_reads_the_database_not_the_kept_value():
    build = Builds()
    shared_cache.until_public_change("test.value", build)
    with transaction.atomic():  # it may have written what the kept value predates
        assert shared_cache.until_public_change("test.value", build) == 2
    assert shared_cache.until_public_change("test.value", build) == 1  # kept, unchanged


def test_a_value_read_from_a_lagging_replica_is_not_kept(monkeypatch):
    monkeypatch.setattr(db_router, "read_from_replica", lambda: True)
    invalidate_public_pages()  # just changed: a replica may not have it yet
    build = Builds()
    shared_cache.until_public_change("test.value", build)
    shared_cache.until_public_change("test.value", build)
    assert build.count == 2


def test_a_fragment_is_kept_per_language_and_per_value_it_varies_on():
    template = Template(
        "{% load i18n shared_cache %}"
        '{% shared_fragment "test.fragment" mode %}{% translate "Home" %} {{ n }}'
        "{% endshared_fragment %}"
    )
    with translation.override("en"):
        assert template.render(Context({"mode": 1, "n": 1})) == "Home 1"
        assert template.render(Context({"mode": 1, "n": 2})) == "Home 1"  # kept
        assert template.render(Context({"mode": 2, "n": 3})) == "Home 3"  # varies on mode
    with translation.override("zh-hans"):
        assert template.render(Context({"mode": 1, "n": 4})) == "首页 4"
    invalidate_public_pages()
    with translation.override("en"):
        assert template.render(Context({"mode": 1, "n": 5})) == "Home 5"


def test_a_hole_is_rendered_for_each_request_where_it_stands_in_the_kept_fragment():
    template = Template(
        "{% load shared_cache %}"
        '{% shared_fragment "test.holes" %}<a>{{ n }}</a>'
        '<input value="{% hole %}{{ q }}{% endhole %}">{{ n }}{% hole %}[{{ n }}]{% endhole %}'
        "{% endshared_fragment %}"
    )
    assert template.render(Context({"n": 1, "q": "<x>"})) == (
        '<a>1</a><input value="&lt;x&gt;">1[1]'
    )
    assert template.render(Context({"n": 2, "q": "y"})) == '<a>1</a><input value="y">1[2]'


def test_a_hole_in_an_included_template_and_in_a_fragment_inside_the_fragment(settings):
    settings.TEMPLATES = [
        {
            **settings.TEMPLATES[0],
            "APP_DIRS": False,
            "OPTIONS": {
                **settings.TEMPLATES[0]["OPTIONS"],
                "loaders": [
                    (
                        "django.template.loaders.locmem.Loader",
                        {
                            "form.html": "{% load shared_cache %}<form>{% hole %}{{ token }}"
                            '{% endhole %}{% shared_fragment "test.inner" %}{{ n }}'
                            "{% hole %}({{ token }}){% endhole %}{% endshared_fragment %}</form>",
                            "page.html": '{% load shared_cache %}{% shared_fragment "test.outer" %}'
                            '{{ n }}{% include "form.html" %}{% endshared_fragment %}',
                        },
                    )
                ],
            },
        }
    ]
    from django.template.loader import render_to_string

    assert render_to_string("page.html", {"n": 1, "token": "a"}) == "1<form>a1(a)</form>"
    assert render_to_string("page.html", {"n": 2, "token": "b"}) == "1<form>b1(b)</form>"


def test_a_hole_outside_a_fragment_renders_what_it_holds_and_one_in_a_loop_is_refused():
    assert (
        Template("{% load shared_cache %}{% hole %}{{ q }}{% endhole %}").render(
            Context({"q": "<x>"})
        )
        == "&lt;x&gt;"
    )
    in_loop = Template(
        "{% load shared_cache %}"
        '{% shared_fragment "test.loop" %}{% for i in items %}{% hole %}{{ i }}{% endhole %}'
        "{% endfor %}{% endshared_fragment %}"
    )
    with pytest.raises(TemplateSyntaxError):
        in_loop.render(Context({"items": [1, 2]}))


def test_a_hole_prints_ready_values_as_the_template_engine_would():
    """A hole prints a safe string found through plain dicts without the engine's lookup;
    anything else (an unsafe string, an object, a filter, a missing name) as Django does."""

    class Row:
        title = "<o>"

        def __getitem__(self, name):
            return mark_safe("<item>")  # Django tries obj[name] first: a dict-like wins

    template = Template(
        "{% load shared_cache %}{% hole %}[{{ page.a }}|{{ page.b }}|{{ page.c.d }}|"
        "{{ page.n }}|{{ row.title }}|{{ page.a|length }}|{{ missing.x }}|{{ page.e }}|"
        '{{ "lit" }}]{% endhole %}'
    )
    context = {
        "page": {
            "a": mark_safe("<b>ready</b>"),
            "b": "<unsafe>",
            "c": {"d": mark_safe("&amp;")},
            "n": 1234567,
        },
        "row": Row(),
    }
    expected = "[<b>ready</b>|&lt;unsafe&gt;|&amp;|1234567|<item>|12|||lit]"
    plain = Template(
        "{% load shared_cache %}[{{ page.a }}|{{ page.b }}|{{ page.c.d }}|{{ page.n }}|"
        '{{ row.title }}|{{ page.a|length }}|{{ missing.x }}|{{ page.e }}|{{ "lit" }}]'
    )
    assert template.render(Context(context)) == plain.render(Context(context)) == expected
    with translation.override("en"), override_settings(USE_THOUSAND_SEPARATOR=True):
        # an integer is localised as Django prints it
        assert template.render(Context(context)) == plain.render(Context(context))
        assert "1,234,567" in template.render(Context(context))


def test_the_frame_s_forms_keep_each_visitor_s_token_and_address(client, agency):
    """The portal's header is kept once a process (language, elder mode, current entry), its
    forms' CSRF token and ``next`` and the search box's words rendered for each request."""
    first = client.get("/agencies/?q=%3Cb%3E").content.decode()
    assert any(name.startswith("fragment:portal.header:") for name in shared_cache._kept)
    client.cookies.clear()
    second = client.get("/agencies/?x=1").content.decode()

    assert first.count('name="next" value="/agencies/?q=%3Cb%3E"') == 2
    assert second.count('name="next" value="/agencies/?x=1"') == 2
    assert 'name="q"\nvalue="&lt;b&gt;"' in first.replace(" ", "")
    tokens = [
        re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page) for page in (first, second)
    ]
    assert len(tokens[0]) == 2 and len(set(tokens[0])) == 1  # one token for the page's forms
    assert tokens[0][0] != tokens[1][0]
