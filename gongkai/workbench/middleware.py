"""The workbench's own middleware: a member of staff whose password has expired
(``GONGKAI_PASSWORD_MAX_AGE_DAYS``, decision 0024) can only change it or sign out."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from gongkai.core.passwords import password_expired

ALLOWED = ("workbench:password", "workbench:logout", "workbench:login")


class PasswordExpiryMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: object, args: object, kwargs: object
    ) -> HttpResponse | None:
        if not request.path.startswith(("/workbench/", "/admin/")):
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        match = request.resolver_match
        if match is not None and match.view_name in ALLOWED:
            return None
        if not password_expired(user):
            return None
        messages.warning(request, _("Your password has expired: choose a new one to go on."))
        return HttpResponseRedirect(reverse("workbench:password"))
