"""Proactive disclosure (主动公开): documents, their taxonomies, review and publication."""

from gongkai.catalogue.models.documents import (
    Attachment,
    Document,
    DocumentEvent,
    DocumentRelation,
    DocumentVersion,
    NormativeRegistration,
    ScreeningFinding,
)
from gongkai.catalogue.models.lists import ListRecord, RecordField, RecordType
from gongkai.catalogue.models.settings import AgencyCatalogueSettings, SensitiveTerm
from gongkai.catalogue.models.taxonomy import Column, Genre, StatutoryItem, Topic
from gongkai.catalogue.models.visits import PageVisit

__all__ = [
    "AgencyCatalogueSettings",
    "Attachment",
    "Column",
    "Document",
    "DocumentEvent",
    "DocumentRelation",
    "DocumentVersion",
    "Genre",
    "ListRecord",
    "NormativeRegistration",
    "PageVisit",
    "RecordField",
    "RecordType",
    "ScreeningFinding",
    "SensitiveTerm",
    "StatutoryItem",
    "Topic",
]
