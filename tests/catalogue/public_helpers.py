"""Helpers for the tests of the catalogue's public faces (pages, feeds, API, visits).

Published documents are made directly as rows — a ``Document`` in the published state with its
index number and publication time, and a ``DocumentVersion`` holding the public content — so
that these tests do not depend on the publication services.
"""

from __future__ import annotations

import datetime
import itertools
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from gongkai.agencies.models import Agency, MembershipChange
from gongkai.agencies.services import record_membership_change
from gongkai.catalogue.models import (
    Attachment,
    Column,
    Document,
    DocumentRelation,
    DocumentVersion,
    Genre,
    NormativeRegistration,
    StatutoryItem,
    Topic,
)

_serial = itertools.count(1)

PUBLISHED_AT = timezone.make_aware(datetime.datetime(2024, 5, 6, 10, 0))


def join(agency: Agency, date: datetime.date = datetime.date(2020, 1, 1)) -> Agency:
    record_membership_change(
        agency, actor=None, system=True, change=MembershipChange.Change.JOINED, date=date
    )
    return agency


def make_document(
    agency: Agency,
    *,
    title: str | None = None,
    summary: str = "内容概述",
    body: str = "<p>正文。</p>",
    state: str = Document.State.PUBLISHED,
    manner: str = Document.Manner.PROACTIVE,
    published_at: datetime.datetime | None = None,
    statutory_item: str | None = None,
    topic: str | None = None,
    genre: str | None = None,
    columns: tuple[str, ...] = (),
    with_version: bool | None = None,
    **fields: Any,
) -> Document:
    """A document of ``agency``; published ones get an index number, a time and a version.

    ``statutory_item``, ``topic`` and ``genre`` are codes and ``columns`` slugs of the seeded
    taxonomies. The working copy's title is marked so that a test can tell it from the public
    version's title.
    """
    n = next(_serial)
    title = title or f"关于做好第{n}项工作的通知"
    published = state in (Document.State.PUBLISHED, Document.State.WITHDRAWN)
    values: dict[str, Any] = {
        "agency": agency,
        "title": f"{title}（工作稿）",
        "summary": summary,
        "body": body,
        "state": state,
        "manner": manner,
        "formation_date": datetime.date(2024, 4, 1),
        "doc_number": f"测政发〔2024〕{n}号",
        "source": "测试区人民政府办公室",
        "keywords": "测试 工作",
    }
    if manner == Document.Manner.WITHHELD:
        values["manner_reason"] = "涉及国家秘密"
    if published:
        values["index_number"] = f"{agency.org_code}/2024-{n:05d}"
        values["published_at"] = published_at or PUBLISHED_AT
        values["version"] = 1
    if statutory_item:
        values["statutory_item"] = StatutoryItem.objects.get(code=statutory_item)
    if topic:
        values["topic"] = Topic.objects.get(code=topic)
    if genre:
        values["genre"] = Genre.objects.get(code=genre)
    values.update(fields)
    document = Document.objects.create(**values)
    if columns:
        document.columns.set(Column.objects.filter(slug__in=columns))
    if with_version if with_version is not None else published:
        DocumentVersion.objects.create(
            document=document,
            number=1,
            title=title,
            summary=summary,
            body=body,
            metadata=snapshot(document),
            published_at=document.published_at or PUBLISHED_AT,
        )
    return document


def snapshot(document: Document) -> dict[str, Any]:
    """The metadata a publication freezes with the version (as the services write it)."""
    values = {
        name: getattr(document, name)
        for name in (
            "index_number", "doc_number", "formation_date", "effective_date", "keywords",
            "source", "validity", "manner",
        )
    }  # fmt: skip
    return {
        name: value.isoformat() if isinstance(value, datetime.date) else value
        for name, value in values.items()
        if value is not None
    }


def add_version(document: Document, *, title: str, summary: str = "", body: str = "") -> None:
    number = document.versions.count() + 1
    DocumentVersion.objects.create(
        document=document,
        number=number,
        title=title,
        summary=summary,
        body=body,
        metadata=snapshot(document),
        published_at=document.published_at or PUBLISHED_AT,
    )
    document.version = number
    document.save(update_fields=["version"])


def make_attachment(document: Document, name: str, content: bytes, **fields: Any) -> Attachment:
    attachment = Attachment(
        document=document,
        original_name=name,
        content_type=fields.pop("content_type", "application/pdf"),
        size=len(content),
        sha256="0" * 64,
        **fields,
    )
    attachment.file.save(name, ContentFile(content), save=False)
    attachment.save()
    return attachment


def relate(later: Document, earlier: Document, kind: str) -> DocumentRelation:
    return DocumentRelation.objects.create(source=later, target=earlier, kind=kind)


def register(document: Document, *, year: int, serial: int) -> NormativeRegistration:
    return NormativeRegistration.objects.create(
        document=document,
        year=year,
        serial=serial,
        number=f"CSGS-{year}-{serial:03d}",
        registered_at=document.published_at or PUBLISHED_AT,
    )


# Documents of every kind that must never be public, made for ``agency``.
def non_public_documents(agency: Agency) -> dict[str, Document]:
    return {
        "draft": make_document(agency, title="草稿文件标题", state=Document.State.DRAFT),
        "submitted": make_document(agency, title="送审文件标题", state=Document.State.SUBMITTED),
        "approved": make_document(agency, title="待发布文件标题", state=Document.State.APPROVED),
        "withdrawn": make_document(agency, title="已撤回文件标题", state=Document.State.WITHDRAWN),
        "on_request": make_document(
            agency, title="依申请公开文件标题", manner=Document.Manner.ON_REQUEST
        ),
        "withheld": make_document(
            agency, title="不予公开文件标题", manner=Document.Manner.WITHHELD
        ),
    }


SECRET_TITLES = (
    "草稿文件标题",
    "送审文件标题",
    "待发布文件标题",
    "已撤回文件标题",
    "依申请公开文件标题",
    "不予公开文件标题",
)
