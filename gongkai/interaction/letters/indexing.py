"""Public Q&A (公开答复) in the search index: registered with ``gongkai.search.sources``.

The index reads a Q&A through ``selectors.published_qa`` — the same gate as the public pages —
and only its public texts (masked and confirmed by a reviewer), its type and the agency that
replied: never the letter's own subject, text or reply, nor its writer. Search re-indexes it
after each commit that saved it (proposed, published, withdrawn) and checks every hit against
the gate, so a withdrawn Q&A or one whose letter was reopened is never shown.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse

from gongkai.interaction.letters.models import PublishedLetter
from gongkai.interaction.letters.selectors import published_qa
from gongkai.search.models import SearchEntry
from gongkai.search.sources import IndexItem, IndexSource, Watched, register_source


def _rows() -> QuerySet[PublishedLetter]:
    """The gate with the public columns the index reads, and nothing of the writer."""
    return published_qa().select_related(
        "letter__letter_type", "letter__handling_agency"
    ).only(
        "public_subject", "public_content", "public_reply", "published_at",
        "letter", "letter__replied_at",
        "letter__letter_type", "letter__letter_type__name",
        "letter__letter_type__leader_name", "letter__letter_type__leader_title",
        "letter__handling_agency", "letter__handling_agency__name",
    )  # fmt: skip


def qa_item(publication: PublishedLetter) -> IndexItem:
    """What the index holds of a published Q&A: its public texts, dated by the reply."""
    letter = publication.letter
    agency = letter.handling_agency
    return IndexItem(
        kind=SearchEntry.Kind.QA,
        title=publication.public_subject,
        url=reverse("letters:qa_detail", args=[publication.pk]),
        agency_id=agency.pk if agency is not None else None,
        published_at=letter.replied_at or publication.published_at,
        meta="\n".join([letter.letter_type.display_name, agency.name if agency else ""]),
        body="\n".join([publication.public_content, publication.public_reply]),
    )


def _own_id(instance: Any) -> int | None:
    return int(instance.pk) if instance.pk is not None else None


def register() -> None:
    register_source(
        IndexSource(
            source=SearchEntry.Source.QA,
            public=published_qa,
            rows=_rows,
            item=qa_item,
            agency_path="letter__handling_agency",
            watched=(Watched(PublishedLetter, _own_id),),
        )
    )
