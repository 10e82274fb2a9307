"""The workbench's navigation, to which each capability adds its staff pages.

An app registers its entry in its ``AppConfig.ready()``, with a predicate saying who sees it::

    from gongkai.workbench.navigation import register_nav_entry

    register_nav_entry("documents", _("Documents"), "catalogue:staff_list",
                       order=20, visible=permissions.can_edit_documents)

Registering a key again replaces the entry. An entry whose URL name does not resolve, or whose
predicate refuses the user, is left out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from gongkai.agencies.permissions import can_view_audit_trail, is_administrator


def _everyone(user: object) -> bool:
    return True


@dataclass(frozen=True)
class NavEntry:
    key: str
    label: str | Promise
    url_name: str
    order: int
    visible: Callable[..., bool]


@dataclass(frozen=True)
class NavLink:
    key: str
    label: str | Promise
    url: str


_entries: dict[str, NavEntry] = {}


def register_nav_entry(
    key: str,
    label: str | Promise,
    url_name: str,
    *,
    order: int = 100,
    visible: Callable[..., bool] = _everyone,
) -> None:
    """Add (or replace) entry ``key``; ``visible(user)`` decides who sees it."""
    _entries[key] = NavEntry(key=key, label=label, url_name=url_name, order=order, visible=visible)


def unregister_nav_entry(key: str) -> None:
    _entries.pop(key, None)


def navigation_for(user: object) -> list[NavLink]:
    links = []
    for entry in sorted(_entries.values(), key=lambda e: (e.order, e.key)):
        if not entry.visible(user):
            continue
        try:
            url = reverse(entry.url_name)
        except NoReverseMatch:
            continue
        links.append(NavLink(key=entry.key, label=entry.label, url=url))
    return links


register_nav_entry("home", _("My queue"), "workbench:home", order=0)
register_nav_entry("exports", _("My exports"), "workbench:exports", order=890)
register_nav_entry(
    "audit", _("Audit trail"), "workbench:audit", order=900, visible=can_view_audit_trail
)
register_nav_entry(
    "configuration", _("Configuration"), "admin:index", order=1000, visible=is_administrator
)
