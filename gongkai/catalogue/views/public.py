"""Public pages of the catalogue: the catalogue, documents, columns, agencies' disclosure
columns, the normative register and the kiosk.

Documents are reached only through ``selectors.public``; each page view is counted
(``visits.record_visit``: the path and the day, nothing about the visitor).
"""

from __future__ import annotations

import datetime
import html
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import filesizeformat
from django.urls import get_script_prefix
from django.utils.formats import localize
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime  # type: ignore[attr-defined]
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from gongkai.agencies.models import Agency
from gongkai.agencies.selectors import agency_by_slug, public_agency_list
from gongkai.catalogue.models import Column, Document
from gongkai.catalogue.selectors import public as selectors
from gongkai.catalogue.visits import record_visit
from gongkai.core import uploads
from gongkai.core.html import sanitize_html
from gongkai.core.reversing import PatternAddress

# --------------------------------------------------------------------------- helpers


def _render(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    record_visit(request)
    return render(request, template, context)


def _page(request: HttpRequest, queryset: QuerySet[Document]) -> Page:
    """One page of ``queryset`` (20 rows); a page number out of range shows the last page."""
    paginator = Paginator(queryset, selectors.PAGE_SIZE)
    return paginator.get_page(request.GET.get("page"))


def _agency_or_404(slug: str) -> Agency:
    agency = agency_by_slug(slug)
    if agency is None:
        raise Http404(_("No disclosure body has this address."))
    return agency


@dataclass(frozen=True)
class FacetLink:
    label: str
    count: int
    selected: bool
    url: str


@dataclass(frozen=True)
class FacetBlock:
    name: str
    label: Any
    links: list[FacetLink]


def _facet_blocks(filters: selectors.CatalogueFilters) -> list[FacetBlock]:
    blocks = []
    for facet in selectors.catalogue_facets(filters):
        links = [
            FacetLink(
                label=value.label,
                count=value.count,
                selected=value.selected,
                url="?" + urlencode(filters.toggled(facet.name, value.value).as_params()),
            )
            for value in facet.values
        ]
        blocks.append(FacetBlock(name=facet.name, label=facet.label, links=links))
    return blocks


# --------------------------------------------------------------------------- the catalogue


@require_safe
def catalogue_index(request: HttpRequest) -> HttpResponse:
    """公开目录: the government-wide catalogue, filtered by GET parameters, with counts."""
    filters = selectors.CatalogueFilters.from_params(request.GET)
    page = _page(request, selectors.catalogue_documents(filters))
    return _render(
        request,
        "catalogue/public/catalogue.html",
        {
            "filters": filters,
            "facets": _facet_blocks(filters),
            "page_obj": page,
        },
    )


@require_safe
def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A document's page: metadata table, body, attachments, relations; 404 unless public."""
    document = selectors.public_document(pk)
    if document is None:
        raise Http404(_("No public document has this address."))
    version = selectors.public_version(document)
    # The body was sanitised when it was saved; sanitising again on the way out costs little
    # and keeps a page safe from a row that reached the database some other way.
    body = mark_safe(sanitize_html(version.body)) if version and version.body else ""
    return _render(
        request,
        "catalogue/public/document.html",
        {
            "page": _document_page(
                document,
                version,
                selectors.public_metadata(document, version),
                selectors.co_issuers_of(document),
                selectors.attachments_of_public_document(document),
            ),
            "document": document,
            "body": body,
            "relations": selectors.document_relations(document),
        },
    )


_DOCUMENT_ADDRESS = PatternAddress("catalogue:document", int)
_AGENCY_ADDRESS = PatternAddress("catalogue:agency_disclosure", str)
_ATTACHMENT_ADDRESS = PatternAddress("catalogue:attachment", int, int)


def _text(value: Any) -> SafeString:
    """``value`` as ``{{ value }}`` prints it."""
    if value.__class__ is str:  # django.utils.html.escape without its lazy-string wrapper
        return SafeString(html.escape(value))
    return conditional_escape(localize(template_localtime(value)))


def _ymd(value: Any) -> SafeString:
    """``value`` as ``{{ value|date:"Y-m-d" }}`` prints it."""
    if value is None or value == "":
        return SafeString("")
    if isinstance(value, datetime.datetime):
        value = template_localtime(value)
    if isinstance(value, datetime.date):
        return SafeString(f"{value.year:04d}-{value.month:02d}-{value.day:02d}")
    return escape(date_filter(value, "Y-m-d"))


def _display(document: Document, field: str) -> SafeString:
    """``{{ document.get_FIELD_display }}`` without rebuilding the field's choices."""
    value = getattr(document, field)
    labels = _CHOICE_LABELS.get(field)
    if labels is None:
        labels = _CHOICE_LABELS[field] = dict(
            Document._meta.get_field(field).flatchoices  # type: ignore[union-attr]
        )
    return _text(str(labels[value]) if value in labels else value)


_CHOICE_LABELS: dict[str, dict[Any, Any]] = {}


def _document_page(
    document: Document,
    version: Any,
    metadata: dict[str, Any],
    co_issuers: list[Agency],
    attachments: list[Any],
) -> dict[str, Any]:
    """What the document page prints of the document, each value escaped and formatted once
    here: the template engine's lookups, ``{% url %}``, ``get_…_display`` and the date filter
    were most of the uncached page's template time (docs/performance.md, fifth pass)."""
    agency = document.agency
    topic = document.topic
    genre = document.genre
    is_interpretation = document.kind == "interpretation"
    return {
        "pk": document.pk,
        "title": _text(document.public_title),  # type: ignore[attr-defined]
        "url": _DOCUMENT_ADDRESS(document.pk),
        "agency_url": _AGENCY_ADDRESS(agency.slug),
        "agency_name": _text(agency.name),
        "co_issuers": [
            {"url": _AGENCY_ADDRESS(co.slug), "name": _text(co.name)} for co in co_issuers
        ],
        "validity": _text(document.validity),
        "validity_display": _display(document, "validity"),
        "manner_display": _display(document, "manner"),
        "index_number": _text(document.index_number),
        "formation_date": _ymd(metadata["formation_date"]),
        "published_at": _ymd(document.published_at),
        "effective_date": _ymd(metadata["effective_date"]),
        "repeal_date": _ymd(document.repeal_date),
        "doc_number": _text(metadata["doc_number"]),
        "keywords": _text(metadata["keywords"]),
        "source": _text(metadata["source"]),
        "summary": _text(version.summary) if version is not None else "",
        "topic": topic is not None,
        "topic_name": _text(topic.name) if topic is not None else "",
        "topic_parent": _text(topic.parent.name) if topic is not None and topic.parent else "",
        "genre": _text(genre.name or "") if genre is not None else "",
        "video_url": _text(document.video_url) if is_interpretation and document.video_url else "",
        "attachments": [
            {
                "url": _ATTACHMENT_ADDRESS(document.pk, attachment.pk),
                "name": _text(attachment.original_name),
                "size": _text(filesizeformat(attachment.size)),
            }
            for attachment in attachments
        ],
    }


@require_safe
def attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    """An attachment of a public document, always as a download, never shown inline."""
    attachment = selectors.public_attachment(pk, attachment_pk)
    if attachment is None:
        raise Http404(_("No public attachment has this address."))
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as error:
        raise Http404(_("No public attachment has this address.")) from error
    return uploads.file_response(
        handle,
        filename=attachment.original_name,
        content_type=attachment.content_type,
        private=False,
    )


# --------------------------------------------------------------------------- columns


def _column_page(request: HttpRequest, column: Column) -> HttpResponse:
    return _render(
        request,
        "catalogue/public/column.html",
        {
            "column": column,
            "children": list(selectors.sub_columns(column)),
            "page_obj": _page(request, selectors.documents_in_column(column)),
        },
    )


@require_safe
def column_detail(request: HttpRequest, slug: str) -> HttpResponse:
    column = selectors.column_by_slug(slug)
    if column is None:
        raise Http404(_("No column has this address."))
    return _column_page(request, column)


def _column_of_kind(request: HttpRequest, kind: str) -> HttpResponse:
    column = selectors.first_column_of_kind(kind)
    if column is None:
        raise Http404(_("This column has not been set up."))
    return _column_page(request, column)


@require_safe
def interpretations(request: HttpRequest) -> HttpResponse:
    """政策解读: the (first) column of interpretations, at a stable address for the menu."""
    return _column_of_kind(request, Column.Kind.INTERPRETATION)


@require_safe
def key_areas(request: HttpRequest) -> HttpResponse:
    """重点领域: the key-area column and its areas, at a stable address for the menu."""
    return _column_of_kind(request, Column.Kind.KEY_AREA)


# --------------------------------------------------------------------------- agencies


def _lists_url(agency: Agency) -> str:
    """The agency's structured lists (行政权力清单, 政府采购 …) at ``/lists/?agency=``."""
    return f"{get_script_prefix()}lists/?{urlencode({'agency': agency.slug})}"


def _agency_context(agency: Agency, section: str) -> dict[str, Any]:
    return {"agency": agency, "section": section, "lists_url": _lists_url(agency)}


@require_safe
def agency_disclosure(request: HttpRequest, slug: str) -> HttpResponse:
    """An agency's 政府信息公开 column: its sub-columns and latest documents."""
    agency = _agency_or_404(slug)
    context = _agency_context(agency, "index")
    context["disclosure"] = selectors.agency_disclosure(agency)
    return _render(request, "catalogue/public/agency_disclosure.html", context)


@require_safe
def agency_guide(request: HttpRequest, slug: str) -> HttpResponse:
    """政府信息公开指南, generated from the agency's guide fields and the catalogue (REG 12)."""
    agency = _agency_or_404(slug)
    context = _agency_context(agency, "guide")
    context["statutory_items"] = selectors.statutory_item_counts(agency)
    return _render(request, "catalogue/public/agency_guide.html", context)


@require_safe
def agency_rules(request: HttpRequest, slug: str) -> HttpResponse:
    """政府信息公开制度: the agency's rules on disclosure."""
    agency = _agency_or_404(slug)
    context = _agency_context(agency, "rules")
    context["page_obj"] = _page(request, selectors.disclosure_rules(agency))
    return _render(request, "catalogue/public/agency_rules.html", context)


@require_safe
def agency_statutory_items(request: HttpRequest, slug: str) -> HttpResponse:
    """法定主动公开内容: the REG 20/21 items with the agency's documents under each."""
    agency = _agency_or_404(slug)
    context = _agency_context(agency, "statutory")
    context["statutory_items"] = selectors.statutory_item_counts(agency)
    return _render(request, "catalogue/public/agency_statutory.html", context)


@require_safe
def agency_annual_reports(request: HttpRequest, slug: str) -> HttpResponse:
    """政府信息公开年报: the agency's annual disclosure reports."""
    agency = _agency_or_404(slug)
    context = _agency_context(agency, "reports")
    context["page_obj"] = _page(request, selectors.annual_reports(agency))
    return _render(request, "catalogue/public/agency_reports.html", context)


# --------------------------------------------------------------------------- register, kiosk


@require_safe
def normative_register(request: HttpRequest) -> HttpResponse:
    """The register of normative documents (行政规范性文件) by year, with validity."""
    years = selectors.normative_years()
    year_text = request.GET.get("year", "")
    year: int | None = int(year_text) if year_text.isdigit() else None
    if year is None or year not in {row.year for row in years}:
        year = years[0].year if years else None
    return _render(
        request,
        "catalogue/public/normative.html",
        {
            "years": years,
            "year": year,
            "current": next((row for row in years if row.year == year), None),
            "registrations": list(selectors.normative_register(year)) if year else [],
        },
    )


@require_safe
def kiosk(request: HttpRequest) -> HttpResponse:
    """The start page of the touch screens in service halls: large entrances only."""
    sections = selectors.home_sections(per_column=0)
    return _render(
        request,
        "catalogue/public/kiosk.html",
        {
            "columns": [section.column for section in sections.columns],
            "key_areas": sections.key_areas,
            "agencies": list(public_agency_list()),
        },
    )
