"""Context variables shared by the request and the services it calls."""

from contextvars import ContextVar

# The client address of the request being served, for the audit trail; None outside requests.
request_address: ContextVar[str | None] = ContextVar("request_address", default=None)

# A memo that lives for one request (set by RequestContextMiddleware): apps store answers there
# that many checks of the same request would otherwise query again (a user's staff roles, say).
# None outside requests, where nothing is memoised.
request_memo: ContextVar[dict | None] = ContextVar("request_memo", default=None)
