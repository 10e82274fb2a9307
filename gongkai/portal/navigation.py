"""The portal's main navigation, to which each capability adds its own entry.

An app registers its entry in its ``AppConfig.ready()``::

    from gongkai.portal.navigation import register_nav_entry

    register_nav_entry("catalogue", _("Government information disclosure"),
                       "catalogue:index", order=20)

Registering a key again replaces the entry, so an app that brings a fuller page for a column
(the catalogue for 政府信息公开, say) takes the column over from the shell. An entry whose URL
name does not resolve is left out, so the header never links to a page that does not exist.

A column whose pages live under several addresses names them with ``also`` (URL names): the
entry is marked current on those pages too (政民互动 for /letters/, /surveys/ …).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavEntry:
    key: str
    label: str | Promise
    url_name: str
    order: int = 100
    also: tuple[str, ...] = ()  # URL names of the column's other pages


@dataclass(frozen=True)
class ResolvedNavEntry:
    key: str
    label: str | Promise
    url: str
    also: tuple[str, ...] = ()  # the addresses of the column's other pages that exist


_entries: dict[str, NavEntry] = {}
# The resolved entries by URLconf and script prefix: the addresses never change while the
# process runs, and every page's header asks for them (reversing each cost a millisecond a page).
_resolved: dict[tuple[str, str], tuple[ResolvedNavEntry, ...]] = {}


def register_nav_entry(
    key: str,
    label: str | Promise,
    url_name: str,
    *,
    order: int = 100,
    also: tuple[str, ...] = (),
) -> None:
    """Add (or replace) the main-navigation entry ``key``; lower ``order`` comes first;
    ``also`` names other pages of the column (marked current there too)."""
    _entries[key] = NavEntry(key=key, label=label, url_name=url_name, order=order, also=also)
    _resolved.clear()


def unregister_nav_entry(key: str) -> None:
    _entries.pop(key, None)
    _resolved.clear()


def main_navigation() -> list[ResolvedNavEntry]:
    """The entries whose pages exist, in order."""
    key = (str(get_urlconf() or settings.ROOT_URLCONF), get_script_prefix())
    if key not in _resolved:
        _resolved[key] = tuple(_resolve())
    return list(_resolved[key])


def _resolve() -> list[ResolvedNavEntry]:
    resolved = []
    for entry in sorted(_entries.values(), key=lambda e: (e.order, e.key)):
        try:
            url = reverse(entry.url_name)
        except NoReverseMatch:
            continue
        also = []
        for name in entry.also:
            try:
                also.append(reverse(name))
            except NoReverseMatch:
                continue
        resolved.append(
            ResolvedNavEntry(key=entry.key, label=entry.label, url=url, also=tuple(also))
        )
    return resolved


# The shell's own entries. The columns 政务动态 (news), 政策解读 (interpretations), 政民互动
# (interaction) and 依申请公开 (information requests) are registered by their apps.
register_nav_entry("home", _("Home"), "portal:home", order=0)
register_nav_entry(
    "disclosure", _("Government information disclosure"), "portal:agency_list", order=20
)
