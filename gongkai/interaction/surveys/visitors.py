"""Recognising a visitor again without knowing who they are.

* **The visitor token** (surveys answered once per browser) is a random string in a long-lived
  cookie, the same for every survey. A response stores only an HMAC of the survey's id and the
  token, keyed by ``GONGKAI_SURVEY_VISITOR_KEY`` (else the secret key): the same browser is
  recognised on the same survey, while the database alone links no two surveys' responses and
  holds nothing that names a person.
* **The citizen account** (surveys for signed-in citizens only) is stood for the same way, by
  an HMAC of the survey's id and the account's id under the same key: never the id, the address
  or the name in clear, so that the database alone links no two surveys' answers of one
  citizen, nor an answer to an account.
* **The address limit** (surveys answered once per browser) counts answers per client address
  and survey in the cache for a window (``GONGKAI_SURVEY_ANSWERS_PER_ADDRESS`` in
  ``GONGKAI_SURVEY_ADDRESS_WINDOW`` seconds, default 20 an hour), under a keyed hash of the
  address: a script that throws its cookie away is stopped, while a school or an office behind
  one address can still answer. The address is never written to the database, not even in the
  audit trail (responses write no audit entry).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from django.conf import settings
from django.core.cache import cache

COOKIE_NAME = "gongkai_survey_visitor"
COOKIE_MAX_AGE = 365 * 24 * 3600  # a year: a survey rarely runs longer
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{32,64}$")

DEFAULT_ANSWERS_PER_ADDRESS = 20
DEFAULT_ADDRESS_WINDOW = 60 * 60  # seconds


def _key() -> bytes:
    key = getattr(settings, "GONGKAI_SURVEY_VISITOR_KEY", "") or settings.SECRET_KEY
    return key.encode()


def _digest(message: str) -> str:
    return hmac.new(_key(), message.encode(), hashlib.sha256).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


def valid_token(value: str | None) -> str | None:
    """``value`` when it has the form of a token this site issued, else None."""
    if value and TOKEN_RE.match(value):
        return value
    return None


def visitor_hash(survey_id: int, token: str) -> str:
    """The keyed hash that stands for the visitor in one survey's responses."""
    return _digest(f"survey:{survey_id}:visitor:{token}")


def account_hash(survey_id: int, account_id: int) -> str:
    """The keyed hash that stands for a signed-in citizen's account in one survey's responses.

    The survey's id is in the message, so one account hashes differently in each survey."""
    return _digest(f"survey:{survey_id}:citizen:{account_id}")


def answers_per_address() -> int:
    return int(getattr(settings, "GONGKAI_SURVEY_ANSWERS_PER_ADDRESS", DEFAULT_ANSWERS_PER_ADDRESS))


def address_window() -> int:
    return int(getattr(settings, "GONGKAI_SURVEY_ADDRESS_WINDOW", DEFAULT_ADDRESS_WINDOW))


def _address_key(survey_id: int, address: str | None) -> str:
    digest = _digest(f"address:{address or 'unknown'}")[:32]
    return f"surveys:answers:{survey_id}:{digest}"


def address_limit_reached(survey_id: int, address: str | None) -> bool:
    """Whether the address has answered the survey as often as the window allows."""
    return int(cache.get(_address_key(survey_id, address), 0)) >= answers_per_address()


def count_answer(survey_id: int, address: str | None) -> None:
    """Count one stored answer from ``address``; the window starts with the first."""
    key = _address_key(survey_id, address)
    window = address_window()
    cache.add(key, 0, timeout=window)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
