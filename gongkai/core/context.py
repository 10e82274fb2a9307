"""Context variables shared by the request and the services it calls."""

from collections.abc import Callable, Hashable
from contextvars import ContextVar
from typing import Any, TypeVar

T = TypeVar("T")

# The client address of the request being served, for the audit trail; None outside requests.
request_address: ContextVar[str | None] = ContextVar("request_address", default=None)

# A memo that lives for one request (set by RequestContextMiddleware): apps store answers there
# that many checks of the same request would otherwise query again (a user's staff roles, say).
# None outside requests, where nothing is memoised.
request_memo: ContextVar[dict | None] = ContextVar("request_memo", default=None)
# The memo's key saying the request is a GET or HEAD: one that, as a rule, changes nothing.
SAFE_REQUEST = "core.safe_request"


def once_a_request(key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, memoised for the request under ``key`` (computed every time outside a
    request). For what a page reads several times and nothing in the request changes — the
    frame's site identity, a report's tables — never for what the request itself may write."""
    memo: dict[Any, Any] | None = request_memo.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]
