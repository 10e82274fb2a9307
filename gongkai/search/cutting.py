"""The costly half of an index row — HTML to text and segmentation — as plain functions of
plain strings, importable without Django, so that a rebuild can run them in worker processes
that never touch the database (``indexing.rebuild_index(workers=…)``)."""

from __future__ import annotations

from typing import Any

from gongkai.core.html import html_to_text
from gongkai.core.text import segment_for_index

SNIPPET_TEXT_LIMIT = 50_000  # characters of plain text kept for snippets

# What ``text_values`` needs: the title, the metadata text, the summary, the body's HTML and
# the attachments' texts.
Texts = tuple[str, str, str, str, tuple[str, ...]]


def join_lines(*parts: str) -> str:
    return "\n".join(part for part in parts if part)


def text_values(texts: Texts) -> dict[str, Any]:
    """The snippet text and the three segmented fields of a document's index row."""
    title, meta, summary, body_html, attachment_texts = texts
    body = html_to_text(body_html)
    return {
        "snippet_text": join_lines(summary, body, *attachment_texts)[:SNIPPET_TEXT_LIMIT],
        "title_tokens": segment_for_index(title),
        "meta_tokens": segment_for_index(meta),
        "body_tokens": segment_for_index(join_lines(body, *attachment_texts)),
    }


def cut_many(many: list[Texts]) -> list[dict[str, Any]]:
    """``text_values`` of each, in order: one task for a worker process."""
    return [text_values(texts) for texts in many]
