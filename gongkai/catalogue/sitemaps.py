"""``sitemap.xml``: public documents, columns, the catalogue and each agency's disclosure pages.

Documents come from ``selectors.public`` only, so nothing unpublished or withdrawn is listed.
"""

from __future__ import annotations

import datetime

from django.contrib.sitemaps import Sitemap
from django.db.models import QuerySet
from django.urls import reverse

from gongkai.agencies.selectors import public_agencies
from gongkai.catalogue.models import Column, Document
from gongkai.catalogue.selectors import public as selectors

AGENCY_PAGES = (
    "catalogue:agency_disclosure",
    "catalogue:agency_guide",
    "catalogue:agency_rules",
    "catalogue:agency_statutory_items",
    "catalogue:agency_annual_reports",
)


class DocumentSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.6

    def items(self) -> QuerySet[Document]:
        return selectors.published_documents().select_related(None).only("pk", "published_at")

    def location(self, item: Document) -> str:
        return reverse("catalogue:document", args=[item.pk])

    def lastmod(self, item: Document) -> datetime.datetime | None:
        return item.public_updated_at or item.published_at  # type: ignore[attr-defined]


class ColumnSitemap(Sitemap):
    changefreq = "daily"
    priority = 0.7

    def items(self) -> QuerySet[Column]:
        return Column.objects.order_by("sort_order", "id")

    def location(self, item: Column) -> str:
        return reverse("catalogue:column", args=[item.slug])


class AgencyDisclosureSitemap(Sitemap):
    """Each member agency's 政府信息公开 column and its sub-columns."""

    changefreq = "weekly"
    priority = 0.5

    def items(self) -> list[tuple[str, str]]:
        slugs = public_agencies().values_list("slug", flat=True)
        return [(slug, name) for slug in slugs for name in AGENCY_PAGES]

    def location(self, item: tuple[str, str]) -> str:
        slug, name = item
        return reverse(name, args=[slug])


class CatalogueSitemap(Sitemap):
    """The catalogue's own entrances."""

    changefreq = "daily"
    priority = 0.8

    def items(self) -> list[str]:
        return ["catalogue:index", "catalogue:normative"]

    def location(self, item: str) -> str:
        return reverse(item)


SITEMAPS = {
    "catalogue": CatalogueSitemap,
    "columns": ColumnSitemap,
    "agencies": AgencyDisclosureSitemap,
    "documents": DocumentSitemap,
}
