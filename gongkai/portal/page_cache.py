"""What the public page cache may keep (gongkai.core.page_cache, decision 0033).

The portal frames the public site, so it says which of its pages are public: the URL namespaces
served to anonymous visitors, the pages of those that are never kept (forms, a writer's own
receipt and status), the cookie the pages vary on (elder mode; the language is keyed anyway),
and the models that never show on a public page, whose writes therefore leave the cache alone.
"""

from __future__ import annotations

from gongkai.core.page_cache import register_public_pages
from gongkai.portal.context_processors import ELDER_MODE_COOKIE

PUBLIC_NAMESPACES = (
    "portal",  # home, agency directory and pages
    "catalogue",  # catalogue, documents, columns, registers, lists, feeds, sitemap, kiosk
    "search",
    "interaction",  # the landing page of public interaction
    "letters",  # the mailbox's public pages and public Q&A
    "consultations",
    "surveys",
    "channels",  # hotline and services
    "plans",  # key tasks
    "monthly",  # monthly performance
    "assessment",  # scorecards
    "api",  # the read-only public API
)
# Never the applications' pages (info_requests: not a public namespace) nor the citizens' ones.
NEVER_CACHED = (
    "portal:accessibility",  # the elder-mode form
    "letters:write",
    "letters:received",  # the writer's receipt: the tracking number
    "letters:status",
    "letters:status_detail",
    "letters:status_attachment",
    "consultations:comment",
    "surveys:thanks",
    "surveys:answered",
)
# Written on every change of a private record or by the machinery, shown on no public page.
PRIVATE_MODELS = (
    "citizens.CitizenAccount",
    "catalogue.PageVisit",  # counted on every view; only the annual report quotes the total
    "catalogue.ScreeningFinding",
    "catalogue.SensitiveTerm",
    "supervision.TaskReminder",
    "reports.ReportReminder",
)


def register() -> None:
    register_public_pages(
        namespaces=PUBLIC_NAMESPACES,
        never=NEVER_CACHED,
        cookies=(ELDER_MODE_COOKIE,),
        private_models=PRIVATE_MODELS,
    )
