"""What anyone may see of the catalogue: published documents that are proactively disclosed.

Every public page, feed, the sitemap and the JSON API reach documents through
:func:`published_documents` (or a selector built on it) and through nothing else, so that a
draft, a withdrawn document, or one disclosed only on application (依申请公开) or withheld
(不予公开) can never slip onto a public page.

The public content of a document is its latest published ``DocumentVersion``: its title,
summary and body, and the metadata frozen with it (文号, dates, keywords, source — see
:func:`public_metadata`). The ``Document`` row is the editor's working copy, which may already
hold an amendment that has not been approved. What the catalogue filters and counts in SQL
(agency, statutory item, topic, genre, columns, year of publication) and the validity, which
a later repeal changes at once, are read from the document row.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from django.db import connections
from django.db.models import (
    CharField,
    Count,
    Exists,
    F,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce, ExtractYear
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from gongkai.agencies.models import Agency
from gongkai.catalogue.models import (
    Attachment,
    Column,
    Document,
    DocumentRelation,
    DocumentVersion,
    Genre,
    NormativeRegistration,
    PageVisit,
    StatutoryItem,
    Topic,
)
from gongkai.catalogue.visits import flush_visits
from gongkai.core.prepared import INT_LIST, PreparedQuery

PAGE_SIZE = 20  # documents per page on every public list
FEED_SIZE = 30  # entries in an Atom feed

# 政府信息公开制度: rules (办法, 规定, 细则) that concern disclosure — their title names 公开, or
# the agency filed them in a column of the disclosure-work kind (政府信息公开工作情况公示).
RULE_GENRE_CODES = ("banfa", "guiding", "xize")
RULE_TITLE_WORD = "公开"
# 政府信息公开年报: reports (报告) whose title says they are the annual disclosure report.
ANNUAL_REPORT_GENRE_CODE = "baogao"
ANNUAL_REPORT_TITLE = "政府信息公开工作年度报告"

# Which REG 21 items apply to which kinds of agency (REG 20 applies to all).
_REG21_SCOPE_BY_KIND: dict[str, str] = {
    Agency.Kind.GOVERNMENT: StatutoryItem.Scope.COUNTY,
    Agency.Kind.GENERAL_OFFICE: StatutoryItem.Scope.COUNTY,
    Agency.Kind.DEPARTMENT: StatutoryItem.Scope.COUNTY,
    Agency.Kind.TOWN: StatutoryItem.Scope.TOWN,
    Agency.Kind.SUBDISTRICT: StatutoryItem.Scope.TOWN,
}


# --------------------------------------------------------------------------- the gate


def _public_condition(document: str = "") -> Q:
    """The public gate — published, proactively disclosed, with a published version — of the
    document a query reaches through the relation ``document`` ("" for documents themselves,
    ``"document"`` for a row that points to one), so that a row that joins its document asks
    the gate of it instead of looking it up again."""
    prefix = f"{document}__" if document else ""
    published = {
        f"{prefix}state": Document.State.PUBLISHED,
        f"{prefix}manner": Document.Manner.PROACTIVE,
    }
    return Q(**published) & Q(
        Exists(DocumentVersion.objects.filter(document=OuterRef(document or "pk")))
    )


def _public_filter() -> QuerySet[Document]:
    """Public documents without annotations: the base of aggregates and of ``Exists``."""
    return Document.objects.filter(_public_condition())


def public_document_rows() -> QuerySet[Document]:
    """The documents of ``published_documents()`` without its annotations: for ``Exists``
    checks, which need the condition and nothing else (the search engine's public gate)."""
    return _public_filter()


def _latest_version(field_name: str, document_ref: str = "pk") -> Subquery:
    return Subquery(
        DocumentVersion.objects.filter(document=OuterRef(document_ref))
        .order_by("-number")
        .values(field_name)[:1]
    )


def _latest_doc_number() -> Subquery:
    return Subquery(
        DocumentVersion.objects.filter(document=OuterRef("pk"))
        .order_by("-number")
        .annotate(value=KT("metadata__doc_number"))
        .values("value")[:1]
    )


def published_documents() -> QuerySet[Document]:
    """Documents the public may see, newest first: published, proactively disclosed, with a
    published version.

    Each carries ``public_title``, ``public_summary``, ``public_updated_at`` and
    ``public_doc_number`` from its latest version, and its issuing agency.
    """
    return (
        _public_filter()
        .annotate(
            public_title=_latest_version("title"),
            public_summary=_latest_version("summary"),
            public_updated_at=_latest_version("published_at"),
            public_doc_number=Coalesce(
                _latest_doc_number(), F("doc_number"), output_field=CharField()
            ),
        )
        .select_related("agency")
        .order_by("-published_at", "-id")
    )


def _with_detail(queryset: QuerySet[Document]) -> QuerySet[Document]:
    return queryset.select_related(
        "statutory_item", "topic", "topic__parent", "genre"
    ).prefetch_related("co_issuers", "columns")


def _public_version_with_document(pk: int) -> QuerySet[DocumentVersion]:
    document = OuterRef("document_id")
    return (
        DocumentVersion.objects.filter(
            document_id=pk,
            document__state=Document.State.PUBLISHED,
            document__manner=Document.Manner.PROACTIVE,
        )
        .select_related(
            "document",
            "document__agency",
            "document__topic",
            "document__topic__parent",
            "document__genre",
        )
        # Whether the page's other reads can find anything: most documents have no co-issuer,
        # attachment or relation, and a query not run costs nothing.
        .annotate(
            has_co_issuers=Exists(Document.co_issuers.through.objects.filter(document=document)),
            has_attachments=Exists(_attachments_as_published(document)),
            has_relations=Exists(
                DocumentRelation.objects.filter(Q(source=document) | Q(target=document))
            ),
            has_interpretation_rows=Exists(
                Document.interprets.through.objects.filter(
                    Q(from_document=document) | Q(to_document=document)
                )
            ),
        )
        .order_by("-number")[:1]
    )


_LARGEST_ID = 2**63 - 1  # a BigAutoField's largest value

# Compiled once a connection (gongkai.core.prepared): on the document page Django's compiling
# of its few small queries cost more than running them.
_PUBLIC_VERSION_WITH_DOCUMENT = PreparedQuery[DocumentVersion](_public_version_with_document, int)


def public_document(pk: int) -> Document | None:
    """One public document with what its page shows (not its columns, not its co-issuers), or
    None.

    The gate of ``published_documents()`` — published, proactively disclosed, with a published
    version — asked in one query as the page reads: the latest version with its document (no
    version: not public). The same ``public_*`` values, taken from that version (which
    ``public_version`` then returns without a query). On this page Django's compiling of the
    queries cost more than running them: the gate's ``Exists`` and the four correlated
    subqueries of ``published_documents()`` are left out, and the query is compiled once a
    connection.
    """
    if not 0 < pk <= _LARGEST_ID:  # the address's digits name no row (and SQLite refuses them)
        return None
    found = _PUBLIC_VERSION_WITH_DOCUMENT(pk)
    if not found:
        return None
    version = found[0]
    document = version.document
    _set_public_values(document, version)
    document._has_rows = {  # type: ignore[attr-defined]
        name: getattr(version, name) for name in _HAS_ROWS
    }
    return document


# What public_document reads with the document: whether the page's other queries find rows.
_HAS_ROWS = ("has_co_issuers", "has_attachments", "has_relations", "has_interpretation_rows")


def _may_have(document: Document, rows: str) -> bool:
    """False when ``public_document`` found that ``document`` has no such rows."""
    has_rows: dict[str, bool] | None = getattr(document, "_has_rows", None)
    return has_rows is None or has_rows[rows]


def _set_public_values(document: Document, version: DocumentVersion) -> None:
    """The ``public_*`` values of ``published_documents()``, from the public version."""
    document._public_version = version  # type: ignore[attr-defined]
    metadata = version.metadata if version.metadata else {}
    doc_number = metadata.get("doc_number") if isinstance(metadata, dict) else None
    document.public_title = version.title  # type: ignore[attr-defined]
    document.public_summary = version.summary  # type: ignore[attr-defined]
    document.public_updated_at = version.published_at  # type: ignore[attr-defined]
    document.public_doc_number = (  # type: ignore[attr-defined]
        document.doc_number if doc_number is None else str(doc_number)
    )


def public_document_by_key(key: str, *, detail: bool = False) -> Document | None:
    """A public document by its index number or, failing that, by its id.

    Index numbers are tried first: an index number made only of digits names that document
    and not the document with that id. ``detail`` loads what a document page shows.
    """
    documents = published_documents()
    if detail:
        documents = _with_detail(documents)
    document = documents.filter(index_number=key).first()
    if document is None and key.isascii() and key.isdigit():  # "¹".isdigit(), but no int
        document = documents.filter(pk=int(key)).first()
    return document


def public_version(document: Document) -> DocumentVersion | None:
    """The version the public reads: the latest published one."""
    if hasattr(document, "_public_version"):  # read with the document (public_document)
        return document._public_version
    return document.versions.order_by("-number").first()


# What the version snapshot holds beyond title, summary and body (services._VERSION_METADATA).
_SNAPSHOT_DATES = ("formation_date", "effective_date")
_SNAPSHOT_TEXTS = ("doc_number", "keywords", "source")


def public_metadata(document: Document, version: DocumentVersion | None) -> dict[str, Any]:
    """The metadata the public reads: 文号, 成文日期, 生效日期, 主题词 and 信息来源.

    They come from the published version's snapshot, so that an amendment in progress stays
    private until it is published; a version without a snapshot (an imported one, say) falls
    back to the document row.
    """
    snapshot = version.metadata if version is not None and version.metadata else None
    values: dict[str, Any] = {}
    for name in (*_SNAPSHOT_TEXTS, *_SNAPSHOT_DATES):
        if snapshot is None:
            values[name] = getattr(document, name)
            continue
        value = snapshot.get(name)
        if name in _SNAPSHOT_DATES:
            try:
                value = datetime.date.fromisoformat(value) if value else None
            except (TypeError, ValueError):
                value = None
        values[name] = value if value is not None else ("" if name in _SNAPSHOT_TEXTS else None)
    return values


def _public_attachment_rows() -> QuerySet[Attachment]:
    """Attachments of public documents as published: not those an amendment is adding."""
    return Attachment.objects.filter(
        Exists(_public_filter().filter(pk=OuterRef("document_id")))
    ).exclude(pending_change=Attachment.PendingChange.ADDED)


def public_attachments(document: Document) -> QuerySet[Attachment]:
    """A public document's attachments in display order (empty for any other document)."""
    return _public_attachment_rows().filter(document=document).order_by("sort_order", "id")


def _attachments_as_published(document_id: int | OuterRef) -> QuerySet[Attachment]:
    return (
        Attachment.objects.filter(document_id=document_id)
        .exclude(pending_change=Attachment.PendingChange.ADDED)
        .order_by("sort_order", "id")
    )


_ATTACHMENTS_AS_PUBLISHED = PreparedQuery[Attachment](_attachments_as_published, int)


def attachments_of_public_document(document: Document) -> list[Attachment]:
    """The attachments of ``document`` as published, in display order, for a document that
    came through the public gate (``public_document``, ``public_document_by_key``): the gate is
    not asked again."""
    if not _may_have(document, "has_attachments"):
        return []
    return _ATTACHMENTS_AS_PUBLISHED(document.pk, instance=document)


def _co_issuers(document_id: int) -> QuerySet[Agency]:
    return Document(pk=document_id).co_issuers.all()


_CO_ISSUERS = PreparedQuery[Agency](_co_issuers, int)


def co_issuers_of(document: Document) -> list[Agency]:
    """The agencies that issued ``document`` with its own (``document.co_issuers.all()``)."""
    if not _may_have(document, "has_co_issuers"):
        return []
    return _CO_ISSUERS(document.pk, instance=document)


def public_versions_of(document_ids: Iterable[int]) -> dict[int, DocumentVersion]:
    """The public version (the latest) of each of many documents, in one query."""
    latest: dict[int, DocumentVersion] = {}
    versions = DocumentVersion.objects.filter(document_id__in=list(document_ids)).order_by(
        "document_id", "number"
    )
    for version in versions:
        latest[version.document_id] = version
    return latest


def public_attachments_of(document_ids: Iterable[int]) -> dict[int, list[Attachment]]:
    """The public attachments of many documents, in display order, in one query."""
    found: dict[int, list[Attachment]] = {}
    rows = _public_attachment_rows().filter(document_id__in=list(document_ids))
    for attachment in rows.order_by("document_id", "sort_order", "id"):
        found.setdefault(attachment.document_id, []).append(attachment)
    return found


def public_attachment(document_pk: int, attachment_pk: int) -> Attachment | None:
    """An attachment of a public document, or None (for a draft, withdrawn or withheld one)."""
    return _public_attachment_rows().filter(pk=attachment_pk, document_id=document_pk).first()


# --------------------------------------------------------------------------- the catalogue

FACET_NAMES = ("agency", "statutory_item", "topic", "genre", "year", "validity")


@dataclass(frozen=True)
class CatalogueFilters:
    """The catalogue's filters as the visitor chose them (codes and slugs, not ids)."""

    agency: str = ""  # agency slug
    statutory_item: str = ""  # StatutoryItem.code
    topic: str = ""  # Topic.code; a top-level topic includes its sub-topics
    genre: str = ""  # Genre.code
    year: int | None = None  # year of publication
    validity: str = ""  # Document.Validity value
    column: str = ""  # Column.slug; a column includes its sub-columns

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> CatalogueFilters:
        """Filters from GET parameters; a malformed value is ignored, not an error."""

        def text(name: str) -> str:
            value = params.get(name) or ""
            return str(value).strip()[:80]

        year_text = text("year")
        year = int(year_text) if year_text.isdigit() and 1900 <= int(year_text) <= 2999 else None
        validity = text("validity")
        return cls(
            agency=text("agency"),
            statutory_item=text("statutory_item"),
            topic=text("topic"),
            genre=text("genre"),
            year=year,
            validity=validity if validity in Document.Validity.values else "",
            column=text("column"),
        )

    def as_params(self) -> dict[str, str]:
        """The filters that are set, as GET parameters."""
        params = {}
        for name in (*FACET_NAMES, "column"):
            value = getattr(self, name)
            if value not in ("", None):
                params[name] = str(value)
        return params

    def toggled(self, name: str, value: str) -> CatalogueFilters:
        """These filters with ``name`` set to ``value``, or cleared when it already is."""
        current = getattr(self, name)
        new_value: str | int | None
        if str(current) == value or value == "":
            new_value = None if name == "year" else ""
        else:
            new_value = int(value) if name == "year" else value
        changes: dict[str, Any] = {name: new_value}
        return replace(self, **changes)

    @property
    def active(self) -> bool:
        return bool(self.as_params())


def _column_subtree_slugs(slug: str) -> list[str]:
    """The column's slug and the slugs of every column below it (one query)."""
    columns = list(Column.objects.values_list("slug", "parent__slug"))
    children: dict[str | None, list[str]] = {}
    for child, parent in columns:
        children.setdefault(parent, []).append(child)
    found, todo = [], [slug]
    while todo:
        current = todo.pop()
        if current in found:
            continue
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def _in_columns(slugs: Iterable[str]) -> Exists:
    through = Document.columns.through
    return Exists(through.objects.filter(document_id=OuterRef("pk"), column__slug__in=slugs))


def filter_documents(
    queryset: QuerySet[Document], filters: CatalogueFilters, *, skip: str = ""
) -> QuerySet[Document]:
    """``queryset`` narrowed by ``filters`` (all but ``skip``); no filter adds duplicate rows."""
    if filters.agency and skip != "agency":
        queryset = queryset.filter(agency__slug=filters.agency)
    if filters.statutory_item and skip != "statutory_item":
        queryset = queryset.filter(statutory_item__code=filters.statutory_item)
    if filters.topic and skip != "topic":
        queryset = queryset.filter(
            Q(topic__code=filters.topic) | Q(topic__parent__code=filters.topic)
        )
    if filters.genre and skip != "genre":
        queryset = queryset.filter(genre__code=filters.genre)
    if filters.year is not None and skip != "year":
        queryset = queryset.filter(published_at__year=filters.year)
    if filters.validity and skip != "validity":
        queryset = queryset.filter(validity=filters.validity)
    if filters.column and skip != "column":
        queryset = queryset.filter(_in_columns(_column_subtree_slugs(filters.column)))
    return queryset


def catalogue_documents(filters: CatalogueFilters) -> QuerySet[Document]:
    """The catalogue's documents under ``filters``, newest first."""
    return filter_documents(published_documents(), filters)


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass(frozen=True)
class Facet:
    name: str
    label: str | Promise
    values: list[FacetValue] = field(default_factory=list)


# The facets one grouped query can count together: those whose own filter is not set share
# the same documents (all the filters), so their counts come from one pass over them.
_GROUPED_FACETS = ("agency", "statutory_item", "topic", "genre", "validity")

FacetRows = list[tuple[str, str, int]]  # value, label, count — in display order


def catalogue_facets(filters: CatalogueFilters) -> list[Facet]:
    """The counts per value of each facet.

    Each facet is counted under every filter except its own ("drill sideways"), so that the
    visitor who chose one agency still sees how many documents the other agencies have. The
    facets whose own filter is not set — all of them on the catalogue's first page — are
    counted together by one grouped query over the documents (``_grouped_facet_rows``); each
    of the others by an aggregate query of its own. The years are always counted apart.
    """

    def base(skip: str) -> QuerySet[Document]:
        return filter_documents(_public_filter(), filters, skip=skip).order_by()

    def selected(name: str, value: object) -> bool:
        return str(getattr(filters, name) or "") == str(value)

    together = [name for name in _GROUPED_FACETS if not getattr(filters, name)]
    grouped = _grouped_facet_rows(base(""), together) if len(together) > 1 else {}

    def rows(name: str) -> FacetRows:
        if name in grouped:
            return grouped[name]
        return _facet_rows(name, base(name))

    facets = [
        Facet(
            name,
            label,
            [
                FacetValue(value, text, count, selected(name, value))
                for value, text, count in rows(name)
            ],
        )
        for name, label in (
            ("agency", _("Issuing agency")),
            ("statutory_item", _("Statutory item")),
            ("topic", _("Topic")),
            ("genre", _("Genre")),
        )
    ]
    year_rows = _year_counts(base("year"))
    facets.append(
        Facet(
            "year",
            _("Year"),
            [
                FacetValue(str(r["year"]), str(r["year"]), r["count"], selected("year", r["year"]))
                for r in year_rows
            ],
        )
    )
    facets.append(
        Facet(
            "validity",
            _("Validity"),
            [
                FacetValue(value, text, count, selected("validity", value))
                for value, text, count in rows("validity")
            ],
        )
    )
    return facets


def _facet_rows(name: str, documents: QuerySet[Document]) -> FacetRows:
    """One facet's values, counted by one aggregate query over ``documents``."""
    if name == "agency":
        return _related_rows(documents, "agency", "slug", then_by="name", nullable=False)
    if name == "statutory_item":
        return _related_rows(documents, "statutory_item", "code", then_by="code")
    if name == "topic":
        topic_rows = (
            documents.filter(topic__isnull=False)
            .annotate(
                top_code=Coalesce("topic__parent__code", "topic__code"),
                top_name=Coalesce("topic__parent__name", "topic__name"),
                top_order=Coalesce("topic__parent__sort_order", "topic__sort_order"),
            )
            .values("top_code", "top_name", "top_order")
            .annotate(count=Count("id"))
            .order_by("top_order", "top_code")
        )
        return [(r["top_code"], r["top_name"], r["count"]) for r in topic_rows]
    if name == "genre":
        return _related_rows(documents, "genre", "code", then_by="code")
    if name == "validity":
        counts = {
            r["validity"]: r["count"]
            for r in documents.values("validity").annotate(count=Count("id"))
        }
        return [
            (value, str(label), counts[value])
            for value, label in Document.Validity.choices
            if counts.get(value)
        ]
    raise ValueError(name)


def _related_rows(
    documents: QuerySet[Document], relation: str, key: str, *, then_by: str, nullable: bool = True
) -> FacetRows:
    """``documents`` counted by the related row ``relation``: its ``key``, name and count, in
    the row's sort order and then by ``then_by``."""
    if nullable:
        documents = documents.filter(**{f"{relation}__isnull": False})
    value, name = f"{relation}__{key}", f"{relation}__name"
    rows = (
        documents.values(value, name, f"{relation}__sort_order")
        .annotate(count=Count("id"))
        .order_by(f"{relation}__sort_order", f"{relation}__{then_by}")
    )
    return [(r[value], r[name], r["count"]) for r in rows]


def _grouped_facet_rows(documents: QuerySet[Document], names: list[str]) -> dict[str, FacetRows]:
    """The values of the facets ``names``, all counted over ``documents`` by one query grouped
    by agency, statutory item, topic, genre and validity (a few hundred groups where each
    facet's own query walked every public document), then named from their small tables in
    the order each facet's query gives (the database's collation)."""
    combos = list(
        documents.values_list("agency_id", "statutory_item_id", "topic_id", "genre_id", "validity")
        .annotate(count=Count("id"))
        .order_by()
    )
    answer: dict[str, FacetRows] = {}

    def counted(position: int) -> dict[Any, int]:
        counts: dict[Any, int] = {}
        for combo in combos:
            if combo[position] is not None:
                counts[combo[position]] = counts.get(combo[position], 0) + combo[5]
        return counts

    if "agency" in names:
        counts = counted(0)
        agencies = Agency.objects.filter(pk__in=counts).order_by("sort_order", "name")
        answer["agency"] = [
            (slug, name, counts[pk])
            for pk, slug, name in agencies.values_list("pk", "slug", "name")
        ]
    if "statutory_item" in names:
        counts = counted(1)
        items = StatutoryItem.objects.filter(pk__in=counts).order_by("sort_order", "code")
        answer["statutory_item"] = [
            (code, name, counts[pk]) for pk, code, name in items.values_list("pk", "code", "name")
        ]
    if "topic" in names:
        counts = counted(2)
        # A sub-topic counts for its top-level topic; the tops in display order.
        tops: dict[str, tuple[str, int]] = {}
        topics = (
            Topic.objects.filter(pk__in=counts)
            .annotate(
                top_code=Coalesce("parent__code", "code"),
                top_name=Coalesce("parent__name", "name"),
                top_order=Coalesce("parent__sort_order", "sort_order"),
            )
            .order_by("top_order", "top_code")
            .values_list("pk", "top_code", "top_name")
        )
        for pk, code, name in topics:
            tops[code] = (name, tops.get(code, (name, 0))[1] + counts[pk])
        answer["topic"] = [(code, name, count) for code, (name, count) in tops.items()]
    if "genre" in names:
        counts = counted(3)
        genres = Genre.objects.filter(pk__in=counts).order_by("sort_order", "code")
        answer["genre"] = [
            (code, name, counts[pk]) for pk, code, name in genres.values_list("pk", "code", "name")
        ]
    if "validity" in names:
        counts = counted(4)
        answer["validity"] = [
            (value, str(label), counts[value])
            for value, label in Document.Validity.choices
            if counts.get(value)
        ]
    return answer


# --------------------------------------------------------------------------- columns


def column_by_slug(slug: str) -> Column | None:
    return Column.objects.select_related("parent").filter(slug=slug).first()


def first_column_of_kind(kind: str) -> Column | None:
    """The first top-level column of ``kind`` (政策解读, 重点领域 …) in display order."""
    return (
        Column.objects.filter(kind=kind, parent__isnull=True).order_by("sort_order", "id").first()
    )


def documents_in_column(column: Column) -> QuerySet[Document]:
    """Public documents filed in ``column`` or any column below it, newest first."""
    return published_documents().filter(_in_columns(_column_subtree_slugs(column.slug)))


def sub_columns(column: Column) -> QuerySet[Column]:
    return column.children.order_by("sort_order", "id")


@dataclass(frozen=True)
class ColumnSection:
    column: Column
    documents: list[Document]


@dataclass(frozen=True)
class HomeSections:
    columns: list[ColumnSection]  # the main columns (on_home_page) with their latest items
    key_areas: list[Column]  # the areas under the 重点领域 column(s)


# The newest filings (a document in a column) read first for the home page: the busy columns
# find their latest documents among them; the filings of the others are read whole.
HOME_RECENT_FILINGS = 500


def _latest_in_columns(columns: set[int], per_column: int) -> list[tuple[Any, int, int]]:
    """(publication time, document id, column id) of the latest ``per_column`` public documents
    filed in each of ``columns`` (in that column itself), newest first in each column.

    Two queries instead of a window numbering every public document of every column (0.1 s of
    the home page on the demonstration, whatever the columns): the newest
    ``HOME_RECENT_FILINGS`` filings in these columns, read in the order of the public
    documents' index — a column with ``per_column`` of them has its latest there —, then every
    public filing of the columns left (those with few documents, or none lately), ranked here.
    """
    through = Document.columns.through
    recent = list(
        through.objects.filter(
            column_id__in=columns,
            document__state=Document.State.PUBLISHED,
            document__manner=Document.Manner.PROACTIVE,
        )
        .filter(Exists(DocumentVersion.objects.filter(document=OuterRef("document_id"))))
        .order_by("-document__published_at", "-document_id")
        .values_list("document__published_at", "document_id", "column_id")[:HOME_RECENT_FILINGS]
    )
    found: dict[int, list[tuple[Any, int, int]]] = {}
    for row in recent:
        found.setdefault(row[2], []).append(row)
    left: set[int] = set()
    if len(recent) == HOME_RECENT_FILINGS:  # else every filing was read
        left = {column for column in columns if len(found.get(column, ())) < per_column}
    if left:
        # From the filings, not the documents: SQLite would otherwise walk every public
        # document in order for the few filed in these columns.
        rows = sorted(
            through.objects.filter(column_id__in=left)
            .filter(Exists(_public_filter().filter(pk=OuterRef("document_id"))))
            .annotate(
                published_at=Subquery(
                    Document.objects.filter(pk=OuterRef("document_id"))
                    .order_by()
                    .values("published_at")
                )
            )
            .values_list("published_at", "document_id", "column_id"),  # type: ignore[misc]
            reverse=True,
        )
        for column in left:
            found.pop(column, None)
        for row in rows:
            found.setdefault(row[2], []).append(row)
    return [row for rows_of_column in found.values() for row in rows_of_column[:per_column]]


def home_sections(*, per_column: int = 6) -> HomeSections:
    """The home page's columns with their latest documents and the key-area entrances.

    Three queries whatever the number of columns and documents: the column tree; the ids of
    the latest ``per_column`` public documents of every column, numbered per column by a
    window function (a document filed in two columns comes once per column); and those
    documents. (The window over the annotated documents computed the four subqueries of
    ``published_documents`` for every public document of every column: 0.3 s on the
    demonstration.)
    A column shows what was filed in it and in the columns below it.
    """
    columns = list(Column.objects.order_by("sort_order", "id"))
    children: dict[int | None, list[Column]] = {}
    for column in columns:
        children.setdefault(column.parent_id, []).append(column)

    def subtree(column: Column) -> list[int]:
        ids, todo = [], [column]
        while todo:
            current = todo.pop()
            if current.pk in ids:
                continue
            ids.append(current.pk)
            todo.extend(children.get(current.pk, []))
        return ids

    home = [column for column in columns if column.on_home_page]
    key_areas = [
        child
        for column in columns
        if column.kind == Column.Kind.KEY_AREA and column.parent_id is None
        for child in children.get(column.pk, [])
    ]
    subtrees = {column.pk: subtree(column) for column in home}
    wanted = {pk for ids in subtrees.values() for pk in ids}
    if not wanted or per_column <= 0:
        sections = [ColumnSection(column=column, documents=[]) for column in home]
        return HomeSections(columns=sections, key_areas=key_areas)

    by_column: dict[int, list[tuple[Any, int, int]]] = {}
    for row in _latest_in_columns(wanted, per_column):
        by_column.setdefault(row[2], []).append(row)
    # Each section's latest (newest first, ties by id) before any document is read: only those
    # are read, not the latest of every column of every subtree.
    chosen: dict[int, list[int]] = {}
    for column in home:
        unique = {
            row[1]: row[0]
            for column_id in subtrees[column.pk]
            for row in by_column.get(column_id, [])
        }
        latest = sorted(unique.items(), key=lambda item: (item[1], item[0]), reverse=True)
        chosen[column.pk] = [pk for pk, _published_at in latest[:per_column]]
    documents = published_documents().in_bulk({pk for pks in chosen.values() for pk in pks})

    sections = [
        ColumnSection(
            column=column,
            # Withdrawn between the queries: left out.
            documents=[documents[pk] for pk in chosen[column.pk] if pk in documents],
        )
        for column in home
    ]
    return HomeSections(columns=sections, key_areas=key_areas)


# --------------------------------------------------------------------------- agencies


def agency_documents(agency: Agency) -> QuerySet[Document]:
    """The public documents ``agency`` issued, newest first."""
    return published_documents().filter(agency=agency)


def disclosure_rules(agency: Agency) -> QuerySet[Document]:
    """政府信息公开制度: the agency's public rules on disclosure.

    A rule is a document of genre 办法, 规定 or 细则 that either names 公开 in its title or was
    filed in a disclosure-work column (政府信息公开工作情况公示).
    """
    through = Document.columns.through
    in_work_status = Exists(
        through.objects.filter(document_id=OuterRef("pk"), column__kind=Column.Kind.WORK_STATUS)
    )
    return agency_documents(agency).filter(
        Q(genre__code__in=RULE_GENRE_CODES)
        & (Q(public_title__contains=RULE_TITLE_WORD) | in_work_status)  # type: ignore[misc]
    )


def annual_reports(agency: Agency) -> QuerySet[Document]:
    """政府信息公开年报: the agency's reports titled as annual disclosure reports."""
    return agency_documents(agency).filter(  # type: ignore[misc]
        genre__code=ANNUAL_REPORT_GENRE_CODE, public_title__contains=ANNUAL_REPORT_TITLE
    )


@dataclass(frozen=True)
class StatutoryItemCount:
    item: StatutoryItem
    count: int


def statutory_item_counts(agency: Agency) -> list[StatutoryItemCount]:
    """The statutory items that apply to ``agency`` with its public documents under each.

    REG 20's items apply to every agency, REG 21's county items to the government and its
    departments and its town items to towns and sub-district offices; an item outside the
    agency's scope is still listed when the agency filed documents under it. Two queries.
    """
    counts = {
        row["statutory_item_id"]: row["count"]
        for row in _public_filter()
        .filter(agency=agency, statutory_item__isnull=False)
        .order_by()
        .values("statutory_item_id")
        .annotate(count=Count("id"))
    }
    scopes: list[str] = [StatutoryItem.Scope.ALL]
    if agency.kind in _REG21_SCOPE_BY_KIND:
        scopes.append(_REG21_SCOPE_BY_KIND[agency.kind])
    items = StatutoryItem.objects.filter(Q(scope__in=scopes) | Q(pk__in=list(counts))).order_by(
        "sort_order", "article", "number"
    )
    return [StatutoryItemCount(item=item, count=counts.get(item.pk, 0)) for item in items]


@dataclass(frozen=True)
class AgencyDisclosure:
    """What the agency's 政府信息公开 column shows on its first page."""

    agency: Agency
    document_count: int
    rule_count: int
    report_count: int
    statutory_items: list[StatutoryItemCount]
    latest: list[Document]


def agency_disclosure(agency: Agency, *, latest: int = 10) -> AgencyDisclosure:
    """The agency's disclosure column: counts of each sub-column and its latest documents."""
    return AgencyDisclosure(
        agency=agency,
        document_count=_public_filter().filter(agency=agency).count(),
        rule_count=disclosure_rules(agency).count(),
        report_count=annual_reports(agency).count(),
        statutory_items=statutory_item_counts(agency),
        latest=list(agency_documents(agency)[:latest]),
    )


# --------------------------------------------------------------------------- normative register


@dataclass(frozen=True)
class NormativeYear:
    year: int
    made: int  # registered that year
    valid: int  # of those, valid today
    repealed: int  # of those, repealed (废止)
    expired: int  # of those, expired (失效)
    amended: int  # of those, amended (已修订)


def _public_registrations() -> QuerySet[NormativeRegistration]:
    """Registrations of public documents: the catalogue's public gate (``_public_filter``:
    published, proactive, with a version) asked of the registration's own document, which
    every use joins anyway — not as an ``EXISTS`` looking the document up again for each
    registration (a province's 89,550 registrations, issue 10)."""
    return NormativeRegistration.objects.filter(_public_condition("document"))


def normative_years() -> list[NormativeYear]:
    """Per year of registration, newest first: normative documents made and their validity."""
    validity = Document.Validity
    rows = (
        _public_registrations()
        .order_by()
        .values("year")
        .annotate(
            made=Count("id"),
            valid=Count("id", filter=Q(document__validity=validity.VALID)),
            repealed=Count("id", filter=Q(document__validity=validity.REPEALED)),
            expired=Count("id", filter=Q(document__validity=validity.EXPIRED)),
            amended=Count("id", filter=Q(document__validity=validity.AMENDED)),
        )
        .order_by("-year")
    )
    return [NormativeYear(**row) for row in rows]


def normative_register(year: int) -> QuerySet[NormativeRegistration]:
    """The public register of normative documents (行政规范性文件) registered in ``year``.

    Each row carries its document (with the issuing agency), ``public_title`` and
    ``public_doc_number``.
    """
    return (
        _public_registrations()
        .filter(year=year)
        .select_related("document", "document__agency")
        .annotate(
            public_title=_latest_version("title", "document_id"),
            public_doc_number=Coalesce(
                Subquery(
                    DocumentVersion.objects.filter(document=OuterRef("document_id"))
                    .order_by("-number")
                    .annotate(value=KT("metadata__doc_number"))
                    .values("value")[:1]
                ),
                F("document__doc_number"),
                output_field=CharField(),
            ),
        )
        .order_by("serial", "id")
    )


def normative_registrations_of(agency_ids: Iterable[int]) -> QuerySet[NormativeRegistration]:
    """The public register's normative documents (行政规范性文件) issued by the agencies
    ``agency_ids``, with their documents: table 二 of the annual report counts them (REG 50)."""
    return (
        _public_registrations()
        .filter(document__agency_id__in=list(agency_ids))
        .select_related("document")
        .order_by("year", "serial", "id")
    )


# --------------------------------------------------------------------------- relations


@dataclass(frozen=True)
class DocumentRelations:
    """A document's links to later and earlier documents and to its interpretations."""

    amended_by: list[Document]
    repealed_by: list[Document]
    replaced_by: list[Document]
    amends: list[Document]
    repeals: list[Document]
    replaces: list[Document]
    interpretations: list[Document]  # interpretations of this policy (政策解读)
    interpreted_policies: list[Document]  # the policies this interpretation explains

    @property
    def successors(self) -> list[Document]:
        return [*self.repealed_by, *self.replaced_by, *self.amended_by]


def _relation_rows(document_id: int) -> QuerySet[DocumentRelation, tuple[int, int, str]]:
    return DocumentRelation.objects.filter(
        Q(source=document_id) | Q(target=document_id)
    ).values_list("source_id", "target_id", "kind")


def _interpretation_rows(document_id: int) -> QuerySet[Any, tuple[int, int]]:
    return Document.interprets.through.objects.filter(
        Q(from_document_id=document_id) | Q(to_document_id=document_id)
    ).values_list("from_document_id", "to_document_id")


def _published_documents_by_id(ids: list[int]) -> QuerySet[Document]:
    return published_documents().filter(pk__in=ids)


_RELATION_ROWS = PreparedQuery[tuple[int, int, str]](_relation_rows, int)
_INTERPRETATION_ROWS = PreparedQuery[tuple[int, int]](_interpretation_rows, int)
_PUBLISHED_DOCUMENTS_BY_ID = PreparedQuery[Document](_published_documents_by_id, INT_LIST)


def document_relations(document: Document) -> DocumentRelations:
    """The public documents related to ``document``; a withdrawn one is never linked.

    Three queries at most: the relation rows both ways, the interpretation rows both ways (not
    asked when ``public_document`` found none), and the related public documents by id.
    (Joining the interpretations' table to the public documents let SQLite walk every public
    document for the one or two rows it wanted.) Each compiled once a connection
    (``gongkai.core.prepared``).
    """
    relation_rows = (
        _RELATION_ROWS(document.pk, instance=document)
        if _may_have(document, "has_relations")
        else []
    )
    interpret_rows = (
        _INTERPRETATION_ROWS(document.pk, instance=document)
        if _may_have(document, "has_interpretation_rows")
        else []
    )
    other_ids = {source if target == document.pk else target for source, target, _ in relation_rows}
    for interpretation, policy in interpret_rows:
        if policy == document.pk:
            other_ids.add(interpretation)
        if interpretation == document.pk:
            other_ids.add(policy)
    others = {d.pk: d for d in _PUBLISHED_DOCUMENTS_BY_ID(sorted(other_ids))} if other_ids else {}
    groups: dict[str, list[Document]] = {
        name: []
        for name in (
            "amended_by",
            "repealed_by",
            "replaced_by",
            "amends",
            "repeals",
            "replaces",
            "interpretations",
            "interpreted_policies",
        )
    }
    incoming = {
        DocumentRelation.Kind.AMENDS: "amended_by",
        DocumentRelation.Kind.REPEALS: "repealed_by",
        DocumentRelation.Kind.REPLACES: "replaced_by",
    }
    outgoing = {
        DocumentRelation.Kind.AMENDS: "amends",
        DocumentRelation.Kind.REPEALS: "repeals",
        DocumentRelation.Kind.REPLACES: "replaces",
    }
    for source, target, kind in relation_rows:
        if target == document.pk and source in others:
            groups[incoming[DocumentRelation.Kind(kind)]].append(others[source])
        elif source == document.pk and target in others:
            groups[outgoing[DocumentRelation.Kind(kind)]].append(others[target])
    for interpretation, policy in interpret_rows:
        if policy == document.pk and interpretation in others:
            groups["interpretations"].append(others[interpretation])
        if interpretation == document.pk and policy in others:
            groups["interpreted_policies"].append(others[policy])
    for documents in groups.values():
        # Newest first, as published_documents() orders them.
        documents.sort(key=lambda d: (d.published_at, d.pk), reverse=True)
    return DocumentRelations(**groups)


# --------------------------------------------------------------------------- visits


def visit_total(*, year: int, path_prefix: str = "") -> int:
    """Page views counted in ``year`` (on pages under ``path_prefix``, when given).

    The views this process still holds in memory are written first (``visits.flush_visits``);
    other processes' are at most ``GONGKAI_VISIT_FLUSH_SECONDS`` behind."""
    flush_visits()
    visits = PageVisit.objects.filter(
        day__gte=datetime.date(year, 1, 1), day__lte=datetime.date(year, 12, 31)
    )
    if path_prefix:
        visits = visits.filter(path__startswith=path_prefix)
    return visits.aggregate(total=Sum("count"))["total"] or 0


# --------------------------------------------------------------------------- annual reports

ANNUAL_REPORT_STATUTORY_ITEM = "reg20-15"  # REG 49–50 require it: "other information" of REG 20
ANNUAL_REPORT_TOPIC = "zhzw-zwgk"  # 综合政务 · 政务公开
ANNUAL_REPORT_COLUMN = "gkgzqk"  # 政府信息公开工作情况公示


@dataclass(frozen=True)
class AnnualReportClassification:
    """How an annual report generated by the platform is catalogued: its genre puts it in the
    agency's 政府信息公开年报 column (:func:`annual_reports`)."""

    statutory_item: StatutoryItem | None
    topic: Topic | None
    genre: Genre | None
    columns: tuple[Column, ...]


def annual_report_classification() -> AnnualReportClassification:
    return AnnualReportClassification(
        statutory_item=StatutoryItem.objects.filter(code=ANNUAL_REPORT_STATUTORY_ITEM).first(),
        topic=Topic.objects.filter(code=ANNUAL_REPORT_TOPIC).first(),
        genre=Genre.objects.filter(code=ANNUAL_REPORT_GENRE_CODE).first(),
        columns=tuple(Column.objects.filter(slug=ANNUAL_REPORT_COLUMN)),
    )


# --------------------------------------------------------------------------- annual report


def documents_published_between(
    start: datetime.date, end: datetime.date, *, agency_ids: Iterable[int]
) -> QuerySet[Document]:
    """Public documents of the agencies ``agency_ids`` first published from ``start`` to
    ``end`` (both included, by the local date of publication), without annotations: what a
    year's report counts as posted (every kind) and as disclosed (documents and
    interpretations, the 政府信息公开 columns)."""
    return _public_filter().filter(
        published_between_days(start, end), agency_id__in=list(agency_ids)
    )


def _year_counts(documents: QuerySet[Document]) -> list[dict[str, int]]:
    """``[{"year", "count"}]`` of ``documents`` by the local year of publication, newest first,
    years without documents left out. On SQLite, counted with instant bounds per year between
    the first and the last publication (two queries), not by ``ExtractYear``, which SQLite
    computes with a Python function on every row: 2.8–10.9 s → 1.1–1.5 s on 100,000 documents
    under load (issue 10). PostgreSQL extracts the year natively, as fast as the bounds."""
    if connections[documents.db].vendor != "sqlite":
        rows = (
            documents.annotate(year=ExtractYear("published_at"))
            .values("year")
            .annotate(count=Count("id"))
            .order_by("-year")
        )
        return [{"year": row["year"], "count": row["count"]} for row in rows]
    bounds = documents.aggregate(first=Min("published_at"), last=Max("published_at"))
    if bounds["first"] is None:
        return []
    zone = timezone.get_current_timezone()
    years = range(
        bounds["last"].astimezone(zone).year, bounds["first"].astimezone(zone).year - 1, -1
    )
    counts = documents.aggregate(
        **{
            f"y{year}": Count(
                "id",
                filter=published_between_days(
                    datetime.date(year, 1, 1), datetime.date(year, 12, 31)
                ),
            )
            for year in years
        }
    )
    return [{"year": year, "count": counts[f"y{year}"]} for year in years if counts[f"y{year}"]]


def published_between_days(start: datetime.date, end: datetime.date) -> Q:
    """``published_at`` on a local day from ``start`` to ``end`` (both included), as bounds on
    the stored instant: the same rows as ``published_at__date__gte/lte``, but SQLite compares
    the column (and uses its index) instead of calling a Python function on every row to cut
    the date out of it — seconds on a province's million documents (issue 10)."""
    zone = timezone.get_current_timezone()
    return Q(
        published_at__gte=datetime.datetime.combine(start, datetime.time.min, tzinfo=zone),
        published_at__lt=datetime.datetime.combine(
            end + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
        ),
    )
