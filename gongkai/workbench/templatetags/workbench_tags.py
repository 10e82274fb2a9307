"""Template tags for the workbench's shell (header, navigation, agency switcher)."""

from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.utils.functional import Promise

from gongkai.agencies.models import Agency
from gongkai.workbench.alerts import Alert, alerts_for
from gongkai.workbench.navigation import navigation_for
from gongkai.workbench.session import current_agency, workbench_agencies

register = template.Library()


@dataclass(frozen=True)
class ShellLink:
    label: str | Promise
    url: str
    current: bool


@dataclass(frozen=True)
class Shell:
    links: list[ShellLink]
    agency: Agency | None
    agencies: list[Agency]  # the choices of the switcher; empty when there is nothing to switch


@register.simple_tag(takes_context=True)
def workbench_shell(context: template.Context) -> Shell | None:
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return None
    path = request.path
    entries = navigation_for(request.user)
    # The current entry is the one whose address is the longest start of the path (the notice
    # templates, under the applications' address, are current on their own pages); home only
    # on itself.
    matching = [
        link.url
        for link in entries
        if (path == link.url if link.key == "home" else path.startswith(link.url))
    ]
    current_url = max(matching, key=len, default=None)
    links = [
        ShellLink(label=link.label, url=link.url, current=link.url == current_url)
        for link in entries
    ]
    agencies = workbench_agencies(request)
    return Shell(
        links=links,
        agency=current_agency(request),
        agencies=agencies if len(agencies) > 1 else [],
    )


@register.simple_tag(takes_context=True)
def workbench_alerts(context: template.Context) -> list[Alert]:
    """The banners for the signed-in member of staff (``workbench.alerts``)."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return []
    return alerts_for(request.user)
