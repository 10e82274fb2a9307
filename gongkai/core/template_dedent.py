"""The templates' own indentation removed once, when an HTML template is loaded.

A third of a public page's bytes were the indentation of the template lines that made it (the
catalogue's 63 KB, docs/performance.md). A page goes out uncompressed to a client that asks for no
compression, and the page cache stores and sends those bytes on every hit, so the loaders here
rewrite each ``.html`` template's source before Django compiles it (the cached loader in front
compiles it once a process): in the template's own text, the spaces and tabs that begin or end a
line are dropped and runs of blank lines become one newline. A newline is always kept, so
whitespace between inline elements still renders as one space, and what a reader sees is the
same (docs/decisions/0046-template-indentation-removed-at-load-time.md).

Left byte for byte: the contents of ``<pre>``, ``<textarea>``, ``<script>`` and ``<style>``,
quoted attribute values (``value``, ``title`` and ``content`` keep what spans lines), the text
of ``{% blocktranslate %}``/``{% blocktrans %}`` (its message id must match the catalogue),
``{% verbatim %}`` and ``{% comment %}``, every template tag and variable, and so everything a
variable outputs (document bodies, citizens' text, rich text). Templates whose name does not end
in ``.html`` (plain-text, XML) are not touched. ``GONGKAI_TEMPLATE_DEDENT=0`` switches it off.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.template.base import Origin, tag_re
from django.template.loaders import app_directories, filesystem

# Elements whose text is shown (or run) as written. The stylesheets' one ``white-space: pre*``
# rule (.cs-diff-lines) is on <pre> elements; tests/core/test_template_dedent.py keeps it so.
_RAW_ELEMENTS = ("pre", "textarea", "script", "style")
_RAW_END = {name: re.compile(rf"</{name}(?![A-Za-z0-9-])", re.IGNORECASE) for name in _RAW_ELEMENTS}

# Spaces and tabs around a line break, and the blank lines after it: one newline instead.
# Only ASCII spaces and tabs: U+00A0 and U+3000 are shown, never removed.
_INDENTATION = re.compile(r"[ \t]*\n[ \t\n]*")
# In the HTML between tags: where a tag, a comment or a raw element begins.
_MARKUP_START = re.compile(r"<(?:(!--)|(/?)([A-Za-z][A-Za-z0-9-]*)|!)")
# Inside a tag: a quoted attribute value begins, or the tag ends.
_IN_TAG = re.compile(r"[\"'>]")

_DATA, _TAG, _DOUBLE_QUOTED, _SINGLE_QUOTED, _COMMENT, _RAW = range(6)


class _HtmlText:
    """The HTML state across a template's text pieces: where in the markup the next one starts.

    Template tags and variables between the pieces are opaque and change no state, so a tag
    like ``<input value="{{ value }}">`` is followed through. The state is a plain reading of
    the source from top to bottom: in the rare template whose ``{% if %}`` branches open an
    element differently, a piece may be kept although it could have been dedented, never the
    other way round as long as each raw element opens and closes in the same template.
    """

    def __init__(self) -> None:
        self.state = _DATA
        self.raw_element = ""  # the raw element whose closing tag ends _RAW
        self.tag_name = ""  # the tag being read in _TAG

    def feed(self, text: str, *, dedent: bool) -> str:
        """``text`` with its indentation removed where that changes nothing shown."""
        pieces: list[str] = []
        position = 0
        length = len(text)
        while position < length:
            start = position
            if self.state == _DATA:
                match = _MARKUP_START.search(text, position)
                if match is None:
                    position = length
                else:
                    position = match.end()
                    if match.group(1):
                        self.state = _COMMENT
                    else:
                        self.state = _TAG
                        opening = not match.group(2)
                        name = (match.group(3) or "").lower()
                        self.tag_name = name if opening else ""
                keep = False
            elif self.state == _TAG:
                match = _IN_TAG.search(text, position)
                if match is None:
                    position = length
                else:
                    position = match.end()
                    character = match.group()
                    if character == '"':
                        self.state = _DOUBLE_QUOTED
                    elif character == "'":
                        self.state = _SINGLE_QUOTED
                    elif self.tag_name in _RAW_ELEMENTS:
                        self.state, self.raw_element = _RAW, self.tag_name
                    else:
                        self.state = _DATA
                keep = False
            elif self.state in (_DOUBLE_QUOTED, _SINGLE_QUOTED):
                quote = '"' if self.state == _DOUBLE_QUOTED else "'"
                end = text.find(quote, position)
                position = length if end < 0 else end + 1
                if end >= 0:
                    self.state = _TAG
                keep = True  # an attribute's value, quotes included
            elif self.state == _COMMENT:
                end = text.find("-->", position)
                position = length if end < 0 else end + 3
                if end >= 0:
                    self.state = _DATA
                keep = False
            else:  # _RAW: up to the element's closing tag, which is read as a tag
                match = _RAW_END[self.raw_element].search(text, position)
                if match is None:
                    position = length
                else:
                    position = match.start()
                    self.state = _DATA
                keep = True
            piece = text[start:position]
            if dedent and not keep:
                piece = _INDENTATION.sub("\n", piece)
            pieces.append(piece)
        return "".join(pieces)


def _tag_words(tag: str) -> list[str]:
    return tag[2:-2].split()


def dedent_template(source: str) -> str:
    """``source`` (an HTML template) without the indentation of its own text.

    The template is split as Django's lexer splits it: text, and the ``{% %}``, ``{{ }}`` and
    ``{# #}`` between. Only text is changed, and only outside what the module's docstring keeps.
    """
    html = _HtmlText()
    pieces: list[str] = []
    verbatim_end = ""  # the tag that ends the current {% verbatim %} block
    kept_until: tuple[str, ...] = ()  # the end tags of the current blocktranslate or comment
    comment = False
    in_tag = False
    for bit in tag_re.split(source):
        if in_tag:
            if verbatim_end:
                if bit.startswith("{%") and bit[2:-2].strip() == verbatim_end:
                    verbatim_end = ""
            elif bit.startswith("{%"):
                words = _tag_words(bit)
                name = words[0] if words else ""
                if kept_until:
                    if name in kept_until:
                        kept_until, comment = (), False
                elif name == "verbatim":
                    verbatim_end = "end" + bit[2:-2].strip()  # as Django's lexer ends it
                elif name in ("blocktranslate", "blocktrans"):
                    kept_until = ("endblocktranslate", "endblocktrans")
                elif name == "comment":
                    kept_until, comment = ("endcomment",), True
            pieces.append(bit)
        elif comment:
            pieces.append(bit)  # never rendered; not read as HTML either
        else:
            pieces.append(html.feed(bit, dedent=not (verbatim_end or kept_until)))
        in_tag = not in_tag
    return "".join(pieces)


class _DedentMixin:
    """A template loader whose HTML templates come without their indentation."""

    def get_contents(self, origin: Origin) -> str:
        contents: str = super().get_contents(origin)  # type: ignore[misc]
        if getattr(settings, "GONGKAI_TEMPLATE_DEDENT", True) and str(origin.name).endswith(
            ".html"
        ):
            return dedent_template(contents)
        return contents


class FilesystemLoader(_DedentMixin, filesystem.Loader):
    """Django's filesystem loader (the project's ``templates`` folder), dedented."""


class AppDirectoriesLoader(_DedentMixin, app_directories.Loader):
    """Django's app-directories loader (each app's ``templates`` folder), dedented."""
