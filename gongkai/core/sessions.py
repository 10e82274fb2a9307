"""Sessions that end after a time without requests, saved at most once a minute to say so.

``SESSION_COOKIE_AGE`` (30 minutes by default, issue 9) is how long a staff or citizen session
lasts without a request. Django keeps such an inactivity expiry by saving the session on every
request (``SESSION_SAVE_EVERY_REQUEST``): three queries on SQLite (and a write to Redis or the
database everywhere) on every page a signed-in person opens, for a deadline that moves by
seconds. This middleware saves a session only when its last save is at least
``GONGKAI_SESSION_TOUCH_SECONDS`` old (60 by default), by writing the time of the save into it,
so a session ends between ``SESSION_COOKIE_AGE`` minus that and ``SESSION_COOKIE_AGE`` after
the last request — 29 to 30 minutes by default — and a page costs no write in between.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

TOUCHED = "_gongkai_touched"  # when the session was last saved (time.time(), whole seconds)


class SessionMiddleware(DjangoSessionMiddleware):
    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        session = getattr(request, "session", None)
        if session is not None and not session.is_empty():
            accessed = session.accessed  # Django varies on Cookie only if the view read it
            touched = session.get(TOUCHED, 0)  # loads the session if the view did not
            now = int(time.time())
            if not session.is_empty() and now - touched >= settings.GONGKAI_SESSION_TOUCH_SECONDS:
                session[TOUCHED] = now  # modified: saved below, with a new expiry
            session.accessed = accessed
        return super().process_response(request, response)


@receiver(user_logged_in, dispatch_uid="gongkai.core.sessions.touched_at_sign_in")
def touched_at_sign_in(sender: Any, request: HttpRequest | None, **kwargs: Any) -> None:
    """Signing in saves the session anyway: it counts as its first save, so that the pages
    opened in the next minute write nothing."""
    session = getattr(request, "session", None)
    if session is not None:
        session[TOUCHED] = int(time.time())
