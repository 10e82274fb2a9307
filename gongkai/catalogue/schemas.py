"""Shapes of the catalogue in the JSON API.

Only the public content goes out: the title, summary and body of a document's latest published
version (never the editor's working copy) and its catalogue fields.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.urls import reverse
from ninja import Field, Schema

from gongkai.catalogue.models import Attachment, Document, NormativeRegistration


def _absolute(context: Any, path: str) -> str:
    request = (context or {}).get("request")
    return request.build_absolute_uri(path) if request is not None else path


class AgencyRefOut(Schema):
    slug: str
    name: str


class TermOut(Schema):
    code: str
    name: str


class DocumentRefOut(Schema):
    """A link to another public document."""

    id: int
    index_number: str
    title: str = Field(description="The title of its latest published version.")
    url: str = Field(description="Its public page.")

    @staticmethod
    def resolve_title(obj: Document) -> str:
        return obj.public_title  # type: ignore[attr-defined]

    @staticmethod
    def resolve_url(obj: Document, context: Any) -> str:
        return _absolute(context, reverse("catalogue:document", args=[obj.pk]))


class DocumentOut(DocumentRefOut):
    """A catalogue entry (政府信息) as the catalogue lists it."""

    kind: str
    summary: str = Field(description="内容概述, from the latest published version.")
    agency: AgencyRefOut = Field(description="The issuing agency (发布机构).")
    doc_number: str = Field(description="文号, as written on the document.")
    published_at: datetime.datetime = Field(description="发布日期: first publication.")
    updated_at: datetime.datetime | None = Field(description="Publication of the latest version.")
    statutory_item: TermOut | None = Field(description="法定主动公开内容 (REG 20/21 item).")
    topic: TermOut | None = Field(description="主题分类.")
    genre: TermOut | None = Field(description="体裁.")
    columns: list[str] = Field(description="Slugs of the columns it appears in.")
    validity: str = Field(description="valid, expired, repealed or amended.")
    validity_label: str
    repeal_date: datetime.date | None
    is_normative: bool

    @staticmethod
    def resolve_doc_number(obj: Document) -> str:
        return obj.public_doc_number or ""  # type: ignore[attr-defined]

    @staticmethod
    def resolve_summary(obj: Document) -> str:
        return obj.public_summary or ""  # type: ignore[attr-defined]

    @staticmethod
    def resolve_updated_at(obj: Document) -> datetime.datetime | None:
        return obj.public_updated_at  # type: ignore[attr-defined]

    @staticmethod
    def resolve_columns(obj: Document) -> list[str]:
        return [column.slug for column in obj.columns.all()]

    @staticmethod
    def resolve_validity_label(obj: Document) -> str:
        return str(obj.get_validity_display())


class AttachmentOut(Schema):
    name: str = Field(description="The original file name.")
    content_type: str
    size: int
    url: str

    @staticmethod
    def resolve_name(obj: Attachment) -> str:
        return obj.original_name

    @staticmethod
    def resolve_url(obj: Attachment, context: Any) -> str:
        return _absolute(context, reverse("catalogue:attachment", args=[obj.document_id, obj.pk]))


class DocumentDetailOut(DocumentOut):
    """One public document with its text, attachments and related documents."""

    body: str = Field(description="The text as sanitised HTML.")
    formation_date: datetime.date | None = Field(description="成文日期.")
    effective_date: datetime.date | None = Field(description="生效日期.")
    keywords: str = Field(description="主题词.")
    source: str = Field(description="信息来源.")
    manner: str = Field(description="Always proactive: other documents are not public.")
    co_issuers: list[AgencyRefOut]
    attachments: list[AttachmentOut]
    amended_by: list[DocumentRefOut]
    repealed_by: list[DocumentRefOut]
    replaced_by: list[DocumentRefOut]
    amends: list[DocumentRefOut]
    repeals: list[DocumentRefOut]
    replaces: list[DocumentRefOut]
    interpretations: list[DocumentRefOut] = Field(description="政策解读 of this policy.")
    interpreted_policies: list[DocumentRefOut] = Field(
        description="The policies this interpretation explains."
    )

    @staticmethod
    def resolve_body(obj: Document) -> str:
        return obj.public_body  # type: ignore[attr-defined]

    @staticmethod
    def resolve_formation_date(obj: Document) -> datetime.date | None:
        return obj.public_metadata["formation_date"]  # type: ignore[attr-defined]

    @staticmethod
    def resolve_effective_date(obj: Document) -> datetime.date | None:
        return obj.public_metadata["effective_date"]  # type: ignore[attr-defined]

    @staticmethod
    def resolve_keywords(obj: Document) -> str:
        return obj.public_metadata["keywords"]  # type: ignore[attr-defined]

    @staticmethod
    def resolve_source(obj: Document) -> str:
        return obj.public_metadata["source"]  # type: ignore[attr-defined]

    @staticmethod
    def resolve_co_issuers(obj: Document) -> list[Any]:
        return obj.public_co_issuers  # type: ignore[attr-defined]

    @staticmethod
    def resolve_attachments(obj: Document) -> list[Attachment]:
        return obj.public_attachments  # type: ignore[attr-defined]

    @staticmethod
    def resolve_amended_by(obj: Document) -> list[Document]:
        return obj.public_relations.amended_by  # type: ignore[attr-defined]

    @staticmethod
    def resolve_repealed_by(obj: Document) -> list[Document]:
        return obj.public_relations.repealed_by  # type: ignore[attr-defined]

    @staticmethod
    def resolve_replaced_by(obj: Document) -> list[Document]:
        return obj.public_relations.replaced_by  # type: ignore[attr-defined]

    @staticmethod
    def resolve_amends(obj: Document) -> list[Document]:
        return obj.public_relations.amends  # type: ignore[attr-defined]

    @staticmethod
    def resolve_repeals(obj: Document) -> list[Document]:
        return obj.public_relations.repeals  # type: ignore[attr-defined]

    @staticmethod
    def resolve_replaces(obj: Document) -> list[Document]:
        return obj.public_relations.replaces  # type: ignore[attr-defined]

    @staticmethod
    def resolve_interpretations(obj: Document) -> list[Document]:
        return obj.public_relations.interpretations  # type: ignore[attr-defined]

    @staticmethod
    def resolve_interpreted_policies(obj: Document) -> list[Document]:
        return obj.public_relations.interpreted_policies  # type: ignore[attr-defined]


class NormativeYearOut(Schema):
    year: int
    made: int
    valid: int
    repealed: int
    expired: int
    amended: int


class NormativeEntryOut(Schema):
    number: str = Field(description="The unified registration number (统一登记编号).")
    year: int
    serial: int
    document: DocumentRefOut
    doc_number: str
    agency: AgencyRefOut
    published_at: datetime.datetime
    validity: str
    validity_label: str

    @staticmethod
    def resolve_document(obj: NormativeRegistration) -> Document:
        document = obj.document
        document.public_title = obj.public_title  # type: ignore[attr-defined]
        return document

    @staticmethod
    def resolve_doc_number(obj: NormativeRegistration) -> str:
        return obj.public_doc_number or ""  # type: ignore[attr-defined]

    @staticmethod
    def resolve_agency(obj: NormativeRegistration) -> Any:
        return obj.document.agency

    @staticmethod
    def resolve_published_at(obj: NormativeRegistration) -> datetime.datetime | None:
        return obj.document.published_at

    @staticmethod
    def resolve_validity(obj: NormativeRegistration) -> str:
        return obj.document.validity

    @staticmethod
    def resolve_validity_label(obj: NormativeRegistration) -> str:
        return str(obj.document.get_validity_display())


class NormativeRegisterOut(Schema):
    year: int | None = Field(description="The year shown; the latest one when none was asked.")
    years: list[NormativeYearOut] = Field(description="Every year of the register, newest first.")
    entries: list[NormativeEntryOut]
