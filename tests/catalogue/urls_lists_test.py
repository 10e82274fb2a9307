"""The site's URLconf plus the structured lists' staff pages, mounted where the integrator
mounts them (/workbench/catalogue/lists/, namespace "lists_staff")."""

from django.urls import include, path

from gongkai.urls import urlpatterns as site_patterns

urlpatterns = [
    path("workbench/catalogue/lists/", include("gongkai.catalogue.urls_lists_staff")),
    *site_patterns,
]
