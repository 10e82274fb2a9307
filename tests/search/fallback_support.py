"""Helpers of the fallback tests: what they publish and how they search."""

from __future__ import annotations

from gongkai.search.engine import SearchQuery, search

POLICY = "关于提高城乡低保标准的通知"
LATE = "春季森林防火工作方案"


def found(q: str, **filters) -> tuple[bool, list[str]]:
    """Whether the answer came from the fallback, and the titles of its hits."""
    result = search(SearchQuery(q=q, **filters))
    return result.fallback, [hit.title for hit in result.hits]
