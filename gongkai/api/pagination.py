"""The page-number pagination of the API's lists.

django-ninja's ``PageNumberPagination`` takes any page number from 1 up, and a large one reaches
the database as an OFFSET beyond its integer range — a server error on SQLite and PostgreSQL
alike (found by the schema fuzzer, issue 9). Here the page number has an upper bound in the
schema, so that such a request is answered 422 like any other invalid parameter.
"""

from __future__ import annotations

from ninja import Field, Schema
from ninja.pagination import PageNumberPagination

MAX_PAGE = 100_000


class PageNumbers(PageNumberPagination):
    """``PageNumberPagination`` with the page number at most :data:`MAX_PAGE`."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1)
