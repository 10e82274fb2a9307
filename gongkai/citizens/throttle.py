"""Counters that refuse an action repeated too often from one place (an address, an account).

Kept in the cache, keyed by a digest (never an address or e-mail in clear). The window starts
with the first counted attempt and is not extended by later ones, as on the status page.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.core.cache import cache


@dataclass(frozen=True)
class Limit:
    scope: str  # e.g. "sign-in"
    limit: int  # attempts allowed in the window
    window: int  # seconds

    def _key(self, ident: str) -> str:
        digest = hashlib.sha256(ident.encode()).hexdigest()[:32]
        return f"citizens:{self.scope}:{digest}"

    def reached(self, ident: str) -> bool:
        """Whether ``ident`` has used up its attempts in the current window."""
        return int(cache.get(self._key(ident), 0)) >= self.limit

    def count(self, ident: str) -> None:
        key = self._key(ident)
        cache.add(key, 0, timeout=self.window)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=self.window)

    def clear(self, ident: str) -> None:
        cache.delete(self._key(ident))


HOUR = 60 * 60

# Wrong passwords from one address; then sign-in is refused there for the rest of the hour.
SIGN_IN_FAILURES = Limit("sign-in-failures", limit=20, window=HOUR)
# Wrong number-and-code pairs when claiming an application, per address (the status page
# allows ten an hour per address; claiming needs an account on top, so the same budget).
CLAIM_FAILURES = Limit("claim-failures", limit=10, window=HOUR)
# Sign-up and reset forms sent from one address, whatever the outcome (each may send a mail).
MAIL_FORMS_PER_ADDRESS = Limit("mail-forms", limit=10, window=HOUR)
# Mails to one account's address: beyond this the form still answers the same, but no mail goes
# out, so that the site cannot be used to flood someone's mailbox.
MAILS_PER_ACCOUNT = Limit("mails-per-account", limit=5, window=HOUR)
