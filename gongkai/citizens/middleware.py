"""``request.citizen``: the signed-in citizen's account, or None."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from gongkai.citizens.session import citizen_from_session


class CitizenMiddleware:
    """Sets ``request.citizen`` (after the session middleware). One query, and only for a
    browser whose session holds a citizen's sign-in."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.citizen = citizen_from_session(request)  # type: ignore[attr-defined]
        return self.get_response(request)
