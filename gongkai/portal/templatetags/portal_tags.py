"""Template tags for the public site's shell."""

from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise

from gongkai.portal.navigation import main_navigation

register = template.Library()


@dataclass(frozen=True)
class NavLink:
    key: str
    label: str | Promise
    url: str
    current: bool


@register.simple_tag(takes_context=True)
def portal_navigation(context: template.Context) -> list[NavLink]:
    """The main navigation with the entry for the current page marked."""
    request = context.get("request")
    path = request.path if request is not None else ""
    links = []
    for entry in main_navigation():
        current = path == entry.url if entry.url == "/" else path.startswith(entry.url)
        current = current or any(path.startswith(url) for url in entry.also if url != "/")
        links.append(NavLink(key=entry.key, label=entry.label, url=entry.url, current=current))
    return links


@register.simple_tag
def search_url() -> str:
    """The site search's address, or "" while no search app is installed."""
    try:
        return reverse("search:results")
    except NoReverseMatch:
        return ""
