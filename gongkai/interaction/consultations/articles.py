"""Splitting the text of a draft into its articles (第一条, 第二条 …), for comments per article.

Pure functions: no database, no settings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# 第一条, 第十二条, 第一百零三条, 第3条 — at the start of a line.
_ARTICLE_RE = re.compile(r"^\s*(第[〇零一二三四五六七八九十百千两0-9０-９]{1,8}条)[\s　]*(.*)$")
# Chapter and section headings (第一章 总则, 第二节 …) are not part of an article's text.
_DIVISION_RE = re.compile(r"^\s*第[〇零一二三四五六七八九十百千两0-9０-９]{1,8}[章节编]")
# A heading in brackets right after the number: 第一条【立法目的】…
_HEADING_RE = re.compile(r"^[【\[]([^】\]]{1,100})[】\]][\s　]*(.*)$")

MAX_ARTICLES = 500


@dataclass(frozen=True)
class ArticleData:
    """One article as typed: its number, an optional heading and its text."""

    number: str
    heading: str
    text: str


def articles_from_text(text: str) -> list[ArticleData]:
    """The articles of ``text``: each begins on a line with its number (第…条).

    Lines before the first article (the title, a preamble) and chapter or section headings
    are left out; the lines after an article's first one are its further paragraphs. A text
    without article numbers gives no articles.
    """
    articles: list[tuple[str, str, list[str]]] = []
    for line in (text or "").splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        match = _ARTICLE_RE.match(stripped)
        if match:
            number, rest = match.group(1), match.group(2).strip()
            heading = ""
            bracket = _HEADING_RE.match(rest)
            if bracket:
                heading, rest = bracket.group(1).strip(), bracket.group(2).strip()
            articles.append((number, heading, [rest] if rest else []))
            if len(articles) > MAX_ARTICLES:
                break
        elif _DIVISION_RE.match(stripped):
            continue
        elif articles:
            articles[-1][2].append(stripped)
    return [
        ArticleData(number=number, heading=heading, text="\n".join(lines))
        for number, heading, lines in articles[:MAX_ARTICLES]
    ]
