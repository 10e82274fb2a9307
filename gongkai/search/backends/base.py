"""The interface every search backend offers to ``gongkai.search``.

A backend owns the full-text structure next to ``SearchEntry`` and the SQL that matches and
ranks tokens in it. Tokens arrive already segmented by ``gongkai.core.text`` and are passed to
the database as parameters only: user text never reaches an engine's query language unescaped.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Any

Sql = tuple[str, list[Any]]


class SearchBackend(ABC):
    name: str = ""
    vendor: str = ""  # the database vendor the backend needs

    @abstractmethod
    def write(self, entry_ids: Sequence[int]) -> None:
        """Bring the full-text rows of these entries up to date with ``SearchEntry``."""

    @abstractmethod
    def delete(self, entry_ids: Sequence[int]) -> None:
        """Remove the full-text rows of these entries (call before deleting the entries)."""

    @abstractmethod
    def clear(self) -> None:
        """Remove every full-text row."""

    @abstractmethod
    def match_sql(self, tokens: Sequence[str]) -> Sql:
        """A ``SELECT`` of the ids of the entries holding every token."""

    @abstractmethod
    def ranked_ids(
        self,
        tokens: Sequence[str],
        *,
        within: Sql,
        exact_key: str | None,
        exact_index: str | None,
        limit: int,
        offset: int,
    ) -> list[int]:
        """The ids of the entries of ``within`` in order of relevance, one page.

        An entry whose 文号 key or index number is the exact one comes first; then the best
        match (title above metadata above body); then the most recent.
        """
