"""The workbench's own middleware: a member of staff who has not yet given the second factor
(decision 0026) can only give it or sign out; one whose password has expired
(``GONGKAI_PASSWORD_MAX_AGE_DAYS``, decision 0024) can only change it or sign out."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from gongkai.core.passwords import password_expired
from gongkai.core.two_factor import passed_second_factor, two_factor_required

# The pages a signed-in member of staff reaches before the second factor.
SECOND_FACTOR_PAGES = ("workbench:two_factor", "workbench:two_factor_enrol", "workbench:logout")
STAFF_PATHS = ("/workbench/", "/admin/")


class TwoFactorMiddleware:
    """Until the second factor is given, a password alone opens nothing (issue 9).

    The workbench and the admin lead to the code page (which leads on to enrolment for a
    member of staff without an authenticator); everywhere else — the public site, the API —
    the session counts as no sign-in at all, so that no page or endpoint that trusts
    ``request.user`` can be reached with the password alone. One place for every URL, rather
    than a check in each app's access decorators. Needs django-otp's ``OTPMiddleware`` before
    it (``request.user.is_verified()``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: object, args: object, kwargs: object
    ) -> HttpResponse | None:
        if not two_factor_required():
            return None
        user = request.user
        if not user.is_authenticated or passed_second_factor(user):
            return None
        match = request.resolver_match
        if match is not None and match.view_name in SECOND_FACTOR_PAGES:
            return None
        if request.path.startswith(STAFF_PATHS):
            return redirect_to_login(request.get_full_path(), reverse("workbench:two_factor"))
        anonymous = AnonymousUser()
        request.user = anonymous

        async def auser() -> AnonymousUser:
            return anonymous

        request.auser = auser  # type: ignore[attr-defined]
        return None


ALLOWED = ("workbench:password", "workbench:logout", "workbench:login")


class PasswordExpiryMiddleware:
    """An expired password can only be changed (or the session ended)."""

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
