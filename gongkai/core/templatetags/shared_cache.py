"""``{% shared_fragment "name" [vary …] %}…{% endshared_fragment %}``: a part of a page that
is the same for every visitor, rendered once a process until public data next changes
(``gongkai.core.shared_cache``).

The key is the name, the active language and the values after the name (what else the part
depends on: ``elder_mode``, say). Only for what shows no request, visitor or form: no CSRF
token, no path, no signed-in person — a frame's site identity, its footer.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template.base import FilterExpression, NodeList, Parser, Token
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

from gongkai.core.shared_cache import until_public_change

register = template.Library()


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
        ]
        key = ":".join(str(part) for part in parts)
        return until_public_change(key, lambda: mark_safe(self.nodelist.render(context)))


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
