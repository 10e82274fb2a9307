"""The agency a member of staff is working for, kept in the session.

Staff with roles in several agencies (and the office, who sees them all) choose the agency in
the workbench header; the choice is stored as ``workbench_agency_id`` and always checked again
against ``agencies_visible_to`` when read, so a stale or forged value never grants anything.
"""

from __future__ import annotations

from django.http import HttpRequest

from gongkai.agencies.models import Agency
from gongkai.agencies.permissions import held_roles
from gongkai.agencies.selectors import agencies_of

SESSION_KEY = "workbench_agency_id"
_CACHE_ATTR = "_workbench_current_agency"
_AGENCIES_ATTR = "_workbench_agencies"


def workbench_agencies(request: HttpRequest) -> list[Agency]:
    """The agencies the user acts for, in display order: read once a request, for the agency
    switcher of every page's header and for :func:`current_agency`."""
    if not hasattr(request, _AGENCIES_ATTR):
        setattr(request, _AGENCIES_ATTR, list(agencies_of(request.user)))
    return getattr(request, _AGENCIES_ATTR)


def current_agency(request: HttpRequest) -> Agency | None:
    """The chosen agency if the user may still act for it, else the first (in display order)
    where they hold a role, else the first they may see."""
    if hasattr(request, _CACHE_ATTR):
        return getattr(request, _CACHE_ATTR)
    visible = workbench_agencies(request)
    agency = None
    chosen = request.session.get(SESSION_KEY)
    if isinstance(chosen, int):
        agency = next((candidate for candidate in visible if candidate.pk == chosen), None)
    if agency is None and request.user.pk is not None:
        held = {agency_id for agency_id, _role in held_roles(request.user)}
        agency = next((candidate for candidate in visible if candidate.pk in held), None)
        if agency is None and visible:
            agency = visible[0]
    setattr(request, _CACHE_ATTR, agency)
    return agency


def choose_agency(request: HttpRequest, agency: Agency) -> None:
    """Remember ``agency``; the caller has checked that the user may act for it."""
    request.session[SESSION_KEY] = agency.pk
    setattr(request, _CACHE_ATTR, agency)
