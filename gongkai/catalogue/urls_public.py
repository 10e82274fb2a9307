"""Public pages of the catalogue, mounted at the site root in the namespace ``catalogue``."""

from django.contrib.sitemaps.views import sitemap
from django.urls import path

from gongkai.catalogue.feeds import AgencyFeed, ColumnFeed
from gongkai.catalogue.sitemaps import SITEMAPS
from gongkai.catalogue.views import public

urlpatterns = [
    path("catalogue/", public.catalogue_index, name="index"),
    path("documents/<int:pk>/", public.document_detail, name="document"),
    path(
        "documents/<int:pk>/attachments/<int:attachment_pk>/",
        public.attachment_download,
        name="attachment",
    ),
    path("columns/<slug:slug>/", public.column_detail, name="column"),
    path("interpretations/", public.interpretations, name="interpretations"),
    path("key-areas/", public.key_areas, name="key_areas"),
    path("agencies/<slug:slug>/disclosure/", public.agency_disclosure, name="agency_disclosure"),
    path("agencies/<slug:slug>/disclosure/guide/", public.agency_guide, name="agency_guide"),
    path("agencies/<slug:slug>/disclosure/rules/", public.agency_rules, name="agency_rules"),
    path(
        "agencies/<slug:slug>/disclosure/statutory-items/",
        public.agency_statutory_items,
        name="agency_statutory_items",
    ),
    path(
        "agencies/<slug:slug>/disclosure/annual-reports/",
        public.agency_annual_reports,
        name="agency_annual_reports",
    ),
    path("normative/", public.normative_register, name="normative"),
    path("feeds/agencies/<slug:slug>/", AgencyFeed(), name="agency_feed"),
    path("feeds/columns/<slug:slug>/", ColumnFeed(), name="column_feed"),
    path(
        "sitemap.xml",
        sitemap,
        {"sitemaps": SITEMAPS, "template_name": "catalogue/public/sitemap.xml"},
        name="sitemap",
    ),
    path("kiosk/", public.kiosk, name="kiosk"),
]
