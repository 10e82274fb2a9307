"""Public pages of the catalogue (mounted at the site root) and its structured lists."""

from django.urls import include, path

app_name = "catalogue"

urlpatterns = [
    path("", include("gongkai.catalogue.urls_public")),
    path("lists/", include("gongkai.catalogue.urls_lists")),
]
