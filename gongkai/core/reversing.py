"""A page's addresses of one URL pattern, reversed once and filled in for each value.

``{% url %}`` and ``reverse()`` walk the URLconf's patterns on every call; a page printing
the same pattern for a few values (a document, its agencies, its attachments) paid that each
time (docs/performance.md, "The uncached document page, fifth pass"). ``PatternAddress``
reverses its pattern once with a sentinel for each argument, per URLconf and script prefix
(as shared fragments are keyed, decision 0052), keeps the address escaped as ``{% url %}``
prints it, and puts each call's values where the sentinels stand. A value that reversing
would change (anything but a non-negative ``int`` or an ASCII slug) goes through
``reverse()`` itself, so the answer is always Django's.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import escape
from django.utils.safestring import SafeString

# Values no address is made with: integers within the int converter's range, slugs.
_INT_SENTINEL = 2_071_694_100
_SLUG_SENTINEL = "gongkai-address-sentinel-{}"
# What quoting, escaping and the converters leave as they are.
_PLAIN = re.compile(r"[-a-zA-Z0-9_]+")

_kept: dict[tuple[str, str, str], tuple[str, ...] | None] = {}


@receiver(setting_changed)
def _settings_changed(**kwargs: Any) -> None:
    _kept.clear()


class PatternAddress:
    """``PatternAddress("catalogue:document", int)(9985)`` is ``{% url 'catalogue:document'
    9985 %}`` as the template prints it (escaped)."""

    def __init__(self, name: str, *kinds: type) -> None:
        if any(kind not in (int, str) for kind in kinds):
            raise TypeError("a PatternAddress takes int or str (slug) arguments")
        self.name = name
        self.kinds = kinds

    def _sentinels(self) -> list[Any]:
        return [
            _INT_SENTINEL + i if kind is int else _SLUG_SENTINEL.format(i)
            for i, kind in enumerate(self.kinds)
        ]

    def _pieces(self) -> tuple[str, ...] | None:
        """The escaped address cut where the arguments stand, or None where it cannot be."""
        key = (self.name, str(get_urlconf() or ""), get_script_prefix())
        try:
            return _kept[key]
        except KeyError:
            pass
        sentinels = self._sentinels()
        text: str = escape(reverse(self.name, args=sentinels))
        pieces: tuple[str, ...] | None = ()
        for sentinel in sentinels:
            before, found, text = text.partition(str(sentinel))
            if not found or str(sentinel) in text:
                pieces = None
                break
            pieces = (*pieces, before)  # type: ignore[misc]
        if pieces is not None and any(str(s) in "".join(pieces) for s in sentinels):
            pieces = None
        if pieces is not None:
            pieces = (*pieces, text)
        _kept[key] = pieces
        return pieces

    def __call__(self, *args: Any) -> SafeString:
        if len(args) == len(self.kinds) and all(
            (type(value) is int and value >= 0)
            if kind is int
            else (type(value) is str and _PLAIN.fullmatch(value) is not None)
            for value, kind in zip(args, self.kinds, strict=True)
        ):
            pieces = self._pieces()
            if pieces is not None:
                text = [pieces[0]]
                for value, piece in zip(args, pieces[1:], strict=True):
                    text.append(str(value))
                    text.append(piece)
                return SafeString("".join(text))
        return escape(reverse(self.name, args=args))
