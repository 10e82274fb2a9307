"""The lockout check in front of the model backend (django-axes, decision 0025)."""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.http import HttpRequest


class LockoutBackend(AxesStandaloneBackend):
    """Axes' check, for sign-ins that come with a request — every sign-in form, the admin's
    included. A check of a password made by code without a request (a management command,
    the test client's ``login``) has no client to lock out and no form to answer: Axes would
    refuse it with an error, so it is passed on to the next backend unchecked."""

    def authenticate(  # type: ignore[override]
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is None:
            return None
        super().authenticate(request, username=username, password=password, **kwargs)
        return None
