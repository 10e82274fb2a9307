"""Consultations on drafts (建议征集) in the search index: registered with
``gongkai.search.sources``.

Every published consultation — open, closed or with its feedback — is indexed through
``selectors.public_consultations`` (never a draft): its title, summary, the text of the draft,
its articles and the text of its attachments, all screened before publication. Comments are
not indexed, and a commenter's name or contact never is.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.urls import reverse

from gongkai.core.html import html_to_text
from gongkai.interaction.consultations.models import (
    Consultation,
    ConsultationArticle,
    ConsultationAttachment,
)
from gongkai.interaction.consultations.selectors import public_consultations
from gongkai.search.models import SearchEntry
from gongkai.search.sources import IndexItem, IndexSource, Watched, register_source


def _rows() -> QuerySet[Consultation]:
    return public_consultations().prefetch_related(
        Prefetch("articles", queryset=ConsultationArticle.objects.order_by("order", "id")),
        Prefetch(
            "attachments",
            queryset=ConsultationAttachment.objects.only("consultation_id", "text", "sort_order"),
        ),
    )


def consultation_item(consultation: Consultation) -> IndexItem:
    """What the index holds of a published consultation, dated by its publication."""
    articles = [
        "\n".join(part for part in (f"{a.number} {a.heading}".strip(), a.text) if part)
        for a in consultation.articles.all()
    ]
    attachments = [a.text for a in consultation.attachments.all() if a.text]
    draft = html_to_text(consultation.body or "")
    body = "\n".join(part for part in (draft, *articles, *attachments) if part)
    return IndexItem(
        kind=SearchEntry.Kind.CONSULTATION,
        title=consultation.title,
        url=reverse("consultations:detail", args=[consultation.pk]),
        agency_id=consultation.agency_id,
        published_at=consultation.published_at,
        meta="\n".join(part for part in (consultation.summary, consultation.agency.name) if part),
        body=body,
        snippet="\n".join(part for part in (consultation.summary, body) if part),
    )


def _own_id(instance: Any) -> int | None:
    return int(instance.pk) if instance.pk is not None else None


def register() -> None:
    register_source(
        IndexSource(
            source=SearchEntry.Source.CONSULTATION,
            public=public_consultations,
            rows=_rows,
            item=consultation_item,
            agency_path="agency",
            watched=(Watched(Consultation, _own_id),),
        )
    )
