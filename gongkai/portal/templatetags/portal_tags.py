"""Template tags for the public site's shell."""

from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise

from gongkai.portal.navigation import ResolvedNavEntry, main_navigation

register = template.Library()


@dataclass(frozen=True)
class NavLink:
    key: str
    label: str | Promise
    url: str
    current: bool


def _is_current(entry: ResolvedNavEntry, path: str) -> bool:
    current = path == entry.url if entry.url == "/" else path.startswith(entry.url)
    return current or any(path.startswith(url) for url in entry.also if url != "/")


def _path(context: template.Context) -> str:
    request = context.get("request")
    return request.path if request is not None else ""


@register.simple_tag(takes_context=True)
def portal_navigation(context: template.Context) -> list[NavLink]:
    """The main navigation with the entry for the current page marked."""
    path = _path(context)
    return [
        NavLink(key=entry.key, label=entry.label, url=entry.url, current=_is_current(entry, path))
        for entry in main_navigation()
    ]


@register.simple_tag(takes_context=True)
def portal_navigation_current(context: template.Context) -> str:
    """The keys of the entries ``portal_navigation`` marks current, joined: what the frame's
    kept header varies on (``{% shared_fragment %}``)."""
    path = _path(context)
    return ",".join(entry.key for entry in main_navigation() if _is_current(entry, path))


@register.simple_tag
def search_url() -> str:
    """The site search's address, or "" while no search app is installed."""
    try:
        return reverse("search:results")
    except NoReverseMatch:
        return ""
