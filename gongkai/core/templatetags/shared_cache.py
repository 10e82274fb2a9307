"""``{% shared_fragment "name" [vary …] %}…{% endshared_fragment %}``: a part of a page that
is the same for every visitor, rendered once a process until public data next changes
(``gongkai.core.shared_cache``).

The key is the name, the active language and the values after the name (what else the part
depends on: ``elder_mode``, say), with the URLconf and script prefix its links are made with.
Only for what shows no request, visitor or form: no CSRF token, no path, no signed-in person —
a frame's site identity, its footer — except inside a ``{% hole %}…{% endhole %}``: what a
hole holds is rendered for each request, where it stands in the kept fragment (a form's CSRF
token and ``next``, the search box's words). A hole may stand in an included template; not
inside a loop, whose variables a hole would not see. Outside a shared fragment a hole renders
what it holds, as if it were not there.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from django import template
from django.template.base import (
    FilterExpression,
    NodeList,
    Parser,
    TextNode,
    Token,
    Variable,
    VariableNode,
)
from django.urls import get_script_prefix, get_urlconf
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

from gongkai.core.shared_cache import until_public_change

register = template.Library()

# The holes of the fragment being built, with the loop it was built in (none, most often).
_building: ContextVar[tuple[list[HoleNode], Any] | None] = ContextVar(
    "shared_fragment_building", default=None
)
# Where a hole stands in a fragment while it is built: no template writes a NUL character.
_MARK = "\x00shared-fragment-hole\x00"


def _lookups(node: template.Node) -> tuple[str, ...] | None:
    """The names of ``{{ a.b }}`` (no filter, not a literal, not translated), else None."""
    if type(node) is not VariableNode:
        return None
    expression = node.filter_expression
    var = expression.var
    if expression.filters or not isinstance(var, Variable) or var.lookups is None:
        return None
    if var.translate:
        return None
    return tuple(var.lookups)


def _ready(context: template.Context, lookups: tuple[str, ...]) -> SafeString | None:
    """``{{ a.b }}``'s text where ``a`` (and what it leads to) are plain dicts and the value
    is a ``SafeString``: what Django's lookup (a dict's key is tried first) and printing (a
    safe string is neither localised nor escaped) would give. None: render it as Django does.
    """
    try:
        value = context[lookups[0]]
    except KeyError:
        return None
    for name in lookups[1:]:
        if value.__class__ is not dict or name not in value:
            return None
        value = value[name]
    return value if value.__class__ is SafeString else None


class HoleNode(template.Node):
    def __init__(self, nodelist: NodeList) -> None:
        self.nodelist = nodelist
        # What the hole holds, node by node: its text, the names of a plain ``{{ a.b }}``,
        # or None (render the node). A page that prepares its values as safe strings in
        # dicts (the document page) has most of its holes printed without the template
        # engine's lookup, localising and escaping (docs/performance.md, fifth pass).
        self.plan = [
            (node, str(node.s) if type(node) is TextNode else None, _lookups(node))
            for node in nodelist
        ]

    def _render_holding(self, context: template.Context) -> SafeString:
        """``self.nodelist.render(context)``, faster for text and ready values."""
        parts: list[str] = []
        for node, text, lookups in self.plan:
            if text is not None:
                parts.append(text)
                continue
            if lookups is not None:
                value = _ready(context, lookups)
                if value is not None:
                    parts.append(value)
                    continue
            parts.append(node.render_annotated(context))  # type: ignore[arg-type]
        return SafeString("".join(parts))

    def render(self, context: template.Context) -> SafeString | str:
        building = _building.get()
        if building is None:
            return self._render_holding(context)
        holes, loop = building
        if context.get("forloop") is not loop:
            raise template.TemplateSyntaxError("A {% hole %} cannot stand inside a loop.")
        holes.append(self)
        return _MARK


class SharedFragmentNode(template.Node):
    def __init__(
        self, nodelist: NodeList, name: FilterExpression, vary: list[FilterExpression]
    ) -> None:
        self.nodelist = nodelist
        self.name = name
        self.vary = vary

    def render(self, context: template.Context) -> SafeString:
        parts: list[Any] = [
            "fragment",
            self.name.resolve(context),
            translation.get_language() or "",
            *(value.resolve(context) for value in self.vary),
            # The addresses it links to: a request's URLconf (tests) and the script prefix.
            get_urlconf() or "",
            get_script_prefix(),
        ]
        key = ":".join(str(part) for part in parts)
        segments, holes = until_public_change(key, lambda: self._build(context))
        if not holes:
            return segments[0]
        text: list[str] = [segments[0]]
        for hole, segment in zip(holes, segments[1:], strict=True):
            # A hole's render: its content, or its mark when an enclosing fragment is built.
            text.append(hole.render(context))
            text.append(segment)
        return mark_safe("".join(text))

    def _build(
        self, context: template.Context
    ) -> tuple[tuple[SafeString, ...], tuple[HoleNode, ...]]:
        """The fragment cut at its holes: the text around them and the holes in order."""
        holes: list[HoleNode] = []
        token = _building.set((holes, context.get("forloop")))
        try:
            text = self.nodelist.render(context)
        finally:
            _building.reset(token)
        segments = text.split(_MARK)
        if len(segments) != len(holes) + 1:
            raise template.TemplateSyntaxError(
                f"shared fragment {self.name.token!r}: its text holds a NUL character."
            )
        return tuple(mark_safe(segment) for segment in segments), tuple(holes)


@register.tag("shared_fragment")
def shared_fragment(parser: Parser, token: Token) -> SharedFragmentNode:
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError(f"{bits[0]!r} takes a name.")
    nodelist = parser.parse(("endshared_fragment",))
    parser.delete_first_token()
    return SharedFragmentNode(
        nodelist,
        parser.compile_filter(bits[1]),
        [parser.compile_filter(bit) for bit in bits[2:]],
    )


@register.tag("hole")
def hole(parser: Parser, token: Token) -> HoleNode:
    if len(token.split_contents()) != 1:
        raise template.TemplateSyntaxError("'hole' takes no arguments.")
    nodelist = parser.parse(("endhole",))
    parser.delete_first_token()
    return HoleNode(nodelist)
