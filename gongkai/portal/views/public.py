"""The public site's own pages: home, agency directory, agency page, accessibility settings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from gongkai.agencies.models import Agency
from gongkai.agencies.selectors import agency_by_slug, public_agency_list
from gongkai.catalogue.selectors.public import home_sections
from gongkai.portal.context_processors import ELDER_MODE_COOKIE

ELDER_MODE_COOKIE_AGE = 365 * 24 * 60 * 60  # a year: the choice is a lasting preference


@dataclass(frozen=True)
class AgencyGroup:
    kind: str
    label: Any
    agencies: list[Agency]

    @property
    def count(self) -> int:
        return len(self.agencies)


def group_by_kind(agencies: list[Agency]) -> list[AgencyGroup]:
    """Agencies in groups by kind, the kinds in the order the model declares them."""
    by_kind: dict[str, list[Agency]] = {}
    for agency in agencies:
        by_kind.setdefault(agency.kind, []).append(agency)
    return [
        AgencyGroup(kind=kind, label=label, agencies=by_kind[kind])
        for kind, label in Agency.Kind.choices
        if kind in by_kind
    ]


def home(request: HttpRequest) -> HttpResponse:
    agencies = list(public_agency_list())
    return render(
        request,
        "portal/home.html",
        {
            "agency_groups": group_by_kind(agencies),
            "agency_count": len(agencies),
            "sections": home_sections(),  # the main columns' latest items, the key areas
        },
    )


def agency_list(request: HttpRequest) -> HttpResponse:
    agencies = list(public_agency_list())
    return render(
        request,
        "portal/agency_list.html",
        {"agency_groups": group_by_kind(agencies), "agency_count": len(agencies)},
    )


def agency_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        agency = agency_by_slug(slug)
    except Agency.DoesNotExist:
        agency = None
    if agency is None:
        raise Http404(_("No disclosure body has this address."))
    is_member = any(member.pk == agency.pk for member in public_agency_list())
    return render(request, "portal/agency_detail.html", {"agency": agency, "is_member": is_member})


def safe_next(request: HttpRequest, candidate: str | None) -> str:
    """``candidate`` when it is an address on this site, otherwise the home page."""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("portal:home")


@require_http_methods(["GET", "POST"])
def accessibility(request: HttpRequest) -> HttpResponse:
    """The elder / accessible mode (长者模式 / 无障碍模式), remembered in a cookie.

    A plain form post, so that it works without JavaScript; the visitor goes back to the page
    they came from when that page is on this site.
    """
    if request.method == "GET":
        return render(
            request,
            "portal/accessibility.html",
            {"next": safe_next(request, request.GET.get("next"))},
        )
    response = HttpResponseRedirect(safe_next(request, request.POST.get("next")))
    if request.POST.get("elder") == "1":
        response.set_cookie(
            ELDER_MODE_COOKIE,
            "1",
            max_age=ELDER_MODE_COOKIE_AGE,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
        )
    else:
        response.delete_cookie(ELDER_MODE_COOKIE, samesite="Lax")
    return response
