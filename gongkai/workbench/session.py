"""The agency a member of staff is working for, kept in the session.

Staff with roles in several agencies (and the office, who sees them all) choose the agency in
the workbench header; the choice is stored as ``workbench_agency_id`` and always checked again
against ``agencies_visible_to`` when read, so a stale or forged value never grants anything.
"""

from __future__ import annotations

from django.http import HttpRequest

from gongkai.agencies.models import Agency, StaffRole
from gongkai.agencies.permissions import agencies_visible_to

SESSION_KEY = "workbench_agency_id"
_CACHE_ATTR = "_workbench_current_agency"


def current_agency(request: HttpRequest) -> Agency | None:
    """The chosen agency if the user may still act for it, else their first agency."""
    if hasattr(request, _CACHE_ATTR):
        return getattr(request, _CACHE_ATTR)
    visible = agencies_visible_to(request.user)
    agency = None
    chosen = request.session.get(SESSION_KEY)
    if isinstance(chosen, int):
        agency = visible.filter(pk=chosen).first()
    if agency is None and request.user.pk is not None:
        own = (
            StaffRole.objects.filter(user_id=request.user.pk, agency__in=visible)
            .select_related("agency")
            .order_by("agency__sort_order", "agency_id")
            .first()
        )
        agency = own.agency if own is not None else visible.order_by("sort_order", "id").first()
    setattr(request, _CACHE_ATTR, agency)
    return agency


def choose_agency(request: HttpRequest, agency: Agency) -> None:
    """Remember ``agency``; the caller has checked that the user may act for it."""
    request.session[SESSION_KEY] = agency.pk
    setattr(request, _CACHE_ATTR, agency)
