"""Atom feeds of the catalogue: per agency and per column.

Entries come from ``selectors.public`` only (published, proactively disclosed) and carry the
public title, summary and link; the author is the issuing agency, never a member of staff.
"""

from __future__ import annotations

import datetime

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import gettext as _

from gongkai.agencies.models import Agency
from gongkai.agencies.selectors import agency_by_slug, site_identity
from gongkai.catalogue.models import Column, Document
from gongkai.catalogue.selectors import public as selectors


class DocumentFeed(Feed):
    """What both feeds share: an entry per public document, newest first."""

    feed_type = Atom1Feed

    def item_title(self, item: Document) -> str:
        return item.public_title  # type: ignore[attr-defined]

    def item_description(self, item: Document) -> str:
        # Atom sends the summary as type="html", which a feed reader renders as HTML: the
        # summary is plain text, so it is escaped for it (issue 9, tests/test_xss.py).
        return escape(item.public_summary or "")  # type: ignore[attr-defined]

    def item_link(self, item: Document) -> str:
        return reverse("catalogue:document", args=[item.pk])

    def item_guid(self, item: Document) -> str:
        return reverse("catalogue:document", args=[item.pk])

    def item_pubdate(self, item: Document) -> datetime.datetime | None:
        return item.published_at

    def item_updateddate(self, item: Document) -> datetime.datetime | None:
        return item.public_updated_at or item.published_at  # type: ignore[attr-defined]

    def item_author_name(self, item: Document) -> str:
        return item.agency.name

    def item_categories(self, item: Document) -> list[str]:
        return [item.index_number] if item.index_number else []


class AgencyFeed(DocumentFeed):
    """The public documents one agency issued."""

    def get_object(self, request: HttpRequest, slug: str) -> Agency:  # type: ignore[override]
        agency = agency_by_slug(slug)
        if agency is None:
            raise Http404(_("No disclosure body has this address."))
        return agency

    def title(self, obj: Agency) -> str:
        return _("%(agency)s: government information") % {"agency": obj.name}

    def subtitle(self, obj: Agency) -> str:
        return _("Documents %(agency)s discloses on %(site)s.") % {
            "agency": obj.name,
            "site": site_identity().site_name,
        }

    def link(self, obj: Agency) -> str:
        return reverse("catalogue:agency_disclosure", args=[obj.slug])

    def items(self, obj: Agency) -> list[Document]:
        return list(selectors.agency_documents(obj)[: selectors.FEED_SIZE])


class ColumnFeed(DocumentFeed):
    """The public documents of one column and the columns below it."""

    def get_object(self, request: HttpRequest, slug: str) -> Column:  # type: ignore[override]
        column = selectors.column_by_slug(slug)
        if column is None:
            raise Http404(_("No column has this address."))
        return column

    def title(self, obj: Column) -> str:
        return f"{obj.name} · {site_identity().site_name}"

    def subtitle(self, obj: Column) -> str:
        return _("The latest documents of the column %(column)s.") % {"column": obj.name}

    def link(self, obj: Column) -> str:
        return reverse("catalogue:column", args=[obj.slug])

    def items(self, obj: Column) -> list[Document]:
        return list(selectors.documents_in_column(obj)[: selectors.FEED_SIZE])
