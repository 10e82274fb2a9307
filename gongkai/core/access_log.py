"""gunicorn's access log without personal data or secrets (``deploy/gunicorn.conf.py``).

A line holds the time, the client address (as the audit trail does: needed to trace abuse,
and kept no longer than the logs are), the method, the *path* and the status, size and
duration. Never the query string (search words, form values, a tracking number typed into a
lookup), the referrer (another page's query string), the user agent, or a cookie; and the
secret part of the few paths that carry one — e-mail confirmation and password-reset tokens,
CAPTCHA ids — is replaced by ``…``.
"""

from __future__ import annotations

import re
from typing import Any

from gunicorn.glogging import Logger

# Paths whose last segment is a secret: /account/confirm/<token>/,
# /account/password-reset/<token>/ (not …/sent/), /captcha/<token>.png.
_SECRET_SEGMENTS = [
    re.compile(r"^(/(?:[a-z-]+/)*account/confirm/)[^/]+"),
    re.compile(r"^(/(?:[a-z-]+/)*account/password-reset/)(?!sent/)[^/]+"),
    re.compile(r"^(/(?:[a-z-]+/)*captcha/)[^/]+(?=\.png$)"),
]

ACCESS_LOG_FORMAT = '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'


def redact_path(path: str) -> str:
    """The path as it may be logged: secret segments replaced by ``…``."""
    for pattern in _SECRET_SEGMENTS:
        path = pattern.sub(r"\1…", path)
    return path


class AccessLogger(Logger):
    """gunicorn's logger whose access-log atoms hold nothing but the ones logged above."""

    _ALLOWED = ("h", "t", "m", "U", "s", "B", "b", "M", "D", "L", "T", "p", "H")

    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> dict:
        atoms = super().atoms(resp, req, environ, request_time)
        safe = {key: atoms[key] for key in self._ALLOWED if key in atoms}
        safe["U"] = redact_path(str(safe.get("U") or ""))
        return safe
