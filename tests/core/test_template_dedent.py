"""The .html templates' indentation removed at load time (gongkai.core.template_dedent)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Engine, engines
from django.test import override_settings
from django.utils import translation

from gongkai.core.template_dedent import AppDirectoriesLoader, FilesystemLoader, dedent_template

GONGKAI = Path(settings.BASE_DIR) / "gongkai"

SOURCE = """{% load i18n %}
<div class="page">
    <p>
        {% if name %}
            Hello <b>{{ name }}</b>
            <i>again</i>
        {% endif %}
    </p>


    <pre class="code">
    keep   this
        as it is
    </pre>
    <textarea name="t">
  line one
      line two</textarea>
    <script>
      const a = 1;
    </script>
    <input type="text"
           value="first
      second"
           title='one
        two'>
    {% blocktranslate with n=name %}
        Dear {{ n }},
          as written.
    {% endblocktranslate %}
    {% verbatim %}
        {{ not a variable }}
    {% endverbatim %}
</div>
"""

EXPECTED = """{% load i18n %}
<div class="page">
<p>
{% if name %}
Hello <b>{{ name }}</b>
<i>again</i>
{% endif %}
</p>
<pre class="code">
    keep   this
        as it is
    </pre>
<textarea name="t">
  line one
      line two</textarea>
<script>
      const a = 1;
    </script>
<input type="text"
value="first
      second"
title='one
        two'>
{% blocktranslate with n=name %}
        Dear {{ n }},
          as written.
    {% endblocktranslate %}
{% verbatim %}
        {{ not a variable }}
    {% endverbatim %}
</div>
"""


def _engine(**options) -> Engine:
    """A plain engine (no cached loader) that knows {% load i18n %}."""
    return Engine(libraries={"i18n": "django.templatetags.i18n"}, **options)


def test_indentation_removed_and_raw_text_kept():
    assert dedent_template(SOURCE) == EXPECTED


def test_rendering_differs_only_in_whitespace_runs_and_keeps_pre_and_textarea():
    context = Context({"name": "  Ada\n    Lovelace"})  # a variable's whitespace is its own
    before = _engine(
        loaders=[("django.template.loaders.locmem.Loader", {"page.html": SOURCE})]
    ).get_template("page.html")
    after = _engine(
        loaders=[("django.template.loaders.locmem.Loader", {"page.html": EXPECTED})]
    ).get_template("page.html")
    with translation.override("en"):
        old, new = before.render(context), after.render(context)
    assert len(new) < len(old)
    assert "<b>  Ada\n    Lovelace</b>" in new
    assert re.sub(r"\s+", " ", old) == re.sub(r"\s+", " ", new)
    for element in ("pre", "textarea", "script"):
        pattern = rf"<{element}\b.*?</{element}>"
        assert re.findall(pattern, old, re.S) == re.findall(pattern, new, re.S)
    # Inline elements on neighbouring lines still have whitespace between them.
    assert "</b>\n<i>" in new


def test_blocktranslate_still_translated(tmp_path):
    """An indented blocktranslate of a dedented template still finds its Chinese message."""
    (tmp_path / "page.html").write_text(
        "{% load i18n %}\n<p>\n    {% blocktranslate with agency=name %}"
        "Waiting for you at {{ agency }}{% endblocktranslate %}\n    <span>\n"
        "      {% blocktranslate trimmed with agency=name %}\n        Waiting for you at"
        " {{ agency }}\n      {% endblocktranslate %}\n    </span>\n</p>\n"
    )
    engine = _engine(dirs=[tmp_path], loaders=["gongkai.core.template_dedent.FilesystemLoader"])
    with override_settings(GONGKAI_TEMPLATE_DEDENT=True), translation.override("zh-hans"):
        rendered = engine.get_template("page.html").render(Context({"name": "城关镇"}))
    assert rendered == "\n<p>\n城关镇待您处理的事项\n<span>\n城关镇待您处理的事项\n</span>\n</p>\n"


def test_every_template_changes_only_whitespace_and_keeps_raw_elements():
    """Over all our .html templates: the same text once whitespace runs are one space, and
    every <pre>, <textarea>, <script> and <style> byte for byte."""
    paths = sorted(GONGKAI.rglob("templates/**/*.html"))
    assert len(paths) > 100
    saved = 0
    for path in paths:
        source = path.read_text()
        result = dedent_template(source)
        assert re.sub(r"[ \t\n]+", " ", source) == re.sub(r"[ \t\n]+", " ", result), path
        for element in ("pre", "textarea", "script", "style"):
            pattern = rf"<{element}\b.*?</{element}>"
            assert re.findall(pattern, source, re.S | re.I) == re.findall(
                pattern, result, re.S | re.I
            ), (path, element)
        saved += len(source) - len(result)
    assert saved > 50_000


def test_no_break_spaces_and_ideographic_spaces_kept():
    source = "<p>\n\u3000\u3000段落\n  \u00a0x</p>"
    assert dedent_template(source) == "<p>\n\u3000\u3000段落\n\u00a0x</p>"


def test_comment_block_not_read_as_html():
    """A commented-out opening <pre> does not keep the rest of the template as written."""
    source = "{% comment %}\n  <pre>\n{% endcomment %}\n    <p>x</p>"
    assert dedent_template(source) == "{% comment %}\n  <pre>\n{% endcomment %}\n<p>x</p>"


@pytest.mark.parametrize("loader_class", [FilesystemLoader, AppDirectoriesLoader])
def test_project_engine_loads_through_the_cached_and_dedenting_loaders(loader_class):
    engine = engines["django"].engine
    (cached,) = engine.template_loaders
    assert cached.__class__.__name__ == "Loader"
    assert cached.__module__ == "django.template.loaders.cached"
    assert any(isinstance(loader, loader_class) for loader in cached.loaders)


def test_switch_off_gives_the_source_back(tmp_path):
    (tmp_path / "page.html").write_text(SOURCE)
    (tmp_path / "page.txt").write_text(SOURCE)
    engine = _engine(dirs=[tmp_path], loaders=["gongkai.core.template_dedent.FilesystemLoader"])
    with override_settings(GONGKAI_TEMPLATE_DEDENT=True):
        assert engine.get_template("page.html").source == EXPECTED
        assert engine.get_template("page.txt").source == SOURCE  # plain text: never touched
    with override_settings(GONGKAI_TEMPLATE_DEDENT=False):
        assert engine.get_template("page.html").source == SOURCE


def test_white_space_pre_only_on_pre_elements():
    """The stylesheets' white-space: pre* rules style <pre> or <textarea> elements only: any
    other element so styled would need adding to the raw elements of the dedenting."""
    rule = re.compile(r"([^{}]+)\{[^}]*white-space:\s*(?:pre|break-spaces)[^}]*\}")
    classes = set()
    for css in (GONGKAI / "static").rglob("*.css"):
        for selectors in rule.findall(css.read_text()):
            classes.update(re.findall(r"\.([A-Za-z0-9_-]+)", selectors))
            for selector in selectors.split(","):
                element = re.match(r"\s*([a-z]+)", selector.strip().split()[-1])
                assert element is None or element.group(1) in ("pre", "textarea"), selector
    assert classes  # .cs-diff-lines at least: the test reads the rules it means to
    templates = "\n".join(p.read_text() for p in GONGKAI.rglob("templates/**/*.html"))
    for name in classes:
        for tag in re.findall(rf"<([a-z0-9]+)[^>]*class=\"[^\"]*\b{name}\b", templates):
            assert tag in ("pre", "textarea"), (name, tag)


def test_named_verbatim_kept_until_its_own_end():
    source = "{% verbatim x %}\n  {% endverbatim %}\n  a{% endverbatim x %}\n  <p>b</p>"
    expected = "{% verbatim x %}\n  {% endverbatim %}\n  a{% endverbatim x %}\n<p>b</p>"
    assert dedent_template(source) == expected
