"""Rich text: sanitising what editors paste, and plain text for the index and the screening.

Every piece of HTML that reaches a page from a form or an import goes through
:func:`sanitize_html` (``nh3``, bindings to the Rust ``ammonia`` sanitiser) with an allow-list
for government documents: structure, emphasis, lists, tables, links and images, and nothing that
runs, styles or embeds. :func:`html_to_text` turns (any) HTML into plain text.
"""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser
from urllib.parse import urlsplit

import nh3

ALLOWED_TAGS = frozenset(
    {
        "p", "br", "hr", "h2", "h3", "h4", "h5", "h6",
        "strong", "em", "u", "s", "sub", "sup",
        "ul", "ol", "li", "blockquote", "pre", "code",
        "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td",
        "a", "img", "figure", "figcaption", "span", "div",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": frozenset({"href", "title"}),
    "img": frozenset({"src", "alt", "width", "height"}),
    "th": frozenset({"colspan", "rowspan", "scope"}),
    "td": frozenset({"colspan", "rowspan"}),
}
# Removed together with their content (everything else not allowed keeps its text).
REMOVED_WITH_CONTENT = frozenset(
    {
        "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet",
        "noscript", "template", "svg", "math", "textarea", "select", "button", "title", "head",
    }
)  # fmt: skip
LINK_SCHEMES = frozenset({"http", "https", "mailto"})
IMAGE_SCHEMES = frozenset({"http", "https"})

_DIMENSION_RE = re.compile(r"[0-9]{1,4}%?")
_SPAN_RE = re.compile(r"[1-9][0-9]{0,2}")
_TH_SCOPES = frozenset({"row", "col", "rowgroup", "colgroup"})
# Characters browsers ignore inside a URL's scheme (``java\tscript:``).
_URL_NOISE_RE = re.compile(r"[\x00-\x20\x7f]+")


def _url_allowed(value: str, schemes: frozenset[str]) -> bool:
    url = _URL_NOISE_RE.sub("", value)
    try:
        scheme = urlsplit(url).scheme
    except ValueError:
        return False
    # No scheme is a relative URL: a path, a fragment or a query on this site.
    return scheme.lower() in schemes if scheme else not url.startswith("\\")


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    """Checks the allow-list cannot express: URL schemes per tag, numeric sizes."""
    if attribute == "href":
        return value if _url_allowed(value, LINK_SCHEMES) else None
    if attribute == "src":
        return value if _url_allowed(value, IMAGE_SCHEMES) else None
    if attribute in {"width", "height"}:
        return value if _DIMENSION_RE.fullmatch(value.strip()) else None
    if attribute in {"colspan", "rowspan"}:
        return value if _SPAN_RE.fullmatch(value.strip()) else None
    if attribute == "scope":
        return value if value in _TH_SCOPES else None
    return value


_cleaner = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    clean_content_tags=set(REMOVED_WITH_CONTENT),
    attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
    attribute_filter=_filter_attribute,
    strip_comments=True,
    link_rel="noopener noreferrer",
    url_schemes=set(LINK_SCHEMES),
)


def sanitize_html(html: str) -> str:
    """``html`` reduced to the allow-list; safe to render with ``|safe``.

    Scripts, styles and embedded frames go with their content; other tags not allowed are
    removed but keep their text; ``style``, ``class`` and event-handler attributes are dropped;
    links may point to http, https, mailto or this site and get ``rel="noopener noreferrer"``;
    images may come from http, https or this site (never ``data:``).
    """
    if not html:
        return ""
    return _cleaner.clean(html)


# --- Plain text ----------------------------------------------------------------------------

_BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "br", "caption", "dd", "div", "dl", "dt",
        "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
        "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table", "tbody", "tfoot",
        "thead", "tr", "ul",
    }
)  # fmt: skip
_CELL_TAGS = frozenset({"td", "th"})
_SKIPPED_TAGS = REMOVED_WITH_CONTENT
_VOID_TAGS = frozenset({"br", "hr", "img", "input", "meta", "link", "col", "area", "wbr"})
_SPACES_RE = re.compile(r"[^\S\n]+")


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.skipping:
            if tag == self.skipping[-1] and tag not in _VOID_TAGS:
                self.skipping.append(tag)
            return
        if tag in _SKIPPED_TAGS:
            self.skipping.append(tag)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")
        elif tag in _CELL_TAGS:
            self.parts.append(" ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if not self.skipping and (tag in _BLOCK_TAGS):
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if self.skipping:
            if tag == self.skipping[-1]:
                self.skipping.pop()
            return
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")
        elif tag in _CELL_TAGS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


# A tag as the sanitiser writes it: a lower-case name, attributes in double quotes holding no
# angle bracket, no space before ``>``. Anything else in a text sends it to the parser.
_SIMPLE_TAG_RE = re.compile(r'<(/?)([a-z][a-z0-9]*)((?: [a-z][a-z-]*="[^"<>]*")*)(/?)>')


def _simple_parts(html: str) -> list[str] | None:
    """What :class:`_TextExtractor` collects from ``html``, when every ``<`` in it starts a
    simple tag (:data:`_SIMPLE_TAG_RE`) and nothing is skipped with its content: the sanitised
    bodies of the catalogue. ``None`` otherwise (comments, scripts, stray ``<``, upper case…),
    for the parser to read. Cutting a body this way takes a tenth of the parser's time, which
    was two fifths of a bulk import's indexing (issue 10)."""
    parts: list[str] = []
    position = 0
    for match in _SIMPLE_TAG_RE.finditer(html):
        start = match.start()
        if start > position:
            data = html[position:start]
            if "<" in data:
                return None
            parts.append(unescape(data) if "&" in data else data)
        position = match.end()
        closing, tag, attributes, self_closing = match.groups()
        if tag in _SKIPPED_TAGS or (closing and (attributes or self_closing)):
            return None
        if tag in _BLOCK_TAGS:
            parts.append("\n")
        elif tag in _CELL_TAGS and not self_closing:
            parts.append(" ")
    data = html[position:]
    if "<" in data:
        return None
    if data:
        parts.append(unescape(data) if "&" in data else data)
    return parts


def html_to_text(html: str) -> str:
    """The text of ``html``: block elements on lines of their own, entities decoded.

    Script and style content is dropped; table cells are separated by a space; runs of spaces
    (including no-break and ideographic spaces) become one; empty lines are removed.
    """
    if not html:
        return ""
    parts = _simple_parts(html)
    if parts is None:
        extractor = _TextExtractor()
        extractor.feed(html)
        extractor.close()
        parts = extractor.parts
    # The pattern never spans a line break: one substitution over the whole text is the same
    # as one a line, at a fraction of the calls.
    lines = (line.strip() for line in _SPACES_RE.sub(" ", "".join(parts)).split("\n"))
    return "\n".join(line for line in lines if line)
