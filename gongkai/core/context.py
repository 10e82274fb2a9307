"""Context variables shared by the request and the services it calls."""

from contextvars import ContextVar

# The client address of the request being served, for the audit trail; None outside requests.
request_address: ContextVar[str | None] = ContextVar("request_address", default=None)
