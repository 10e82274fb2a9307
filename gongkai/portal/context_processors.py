"""Template context every public and staff page needs: the site's identity and elder mode."""

from __future__ import annotations

from django.http import HttpRequest

from gongkai.agencies.selectors import site_identity

ELDER_MODE_COOKIE = "gongkai_elder"


def portal(request: HttpRequest) -> dict:
    return {
        "site": site_identity(),
        "elder_mode": request.COOKIES.get(ELDER_MODE_COOKIE) == "1",
    }
