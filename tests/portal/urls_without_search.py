"""The site's URLs without the search page: the header must not offer a search box then."""

from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("workbench/", include("gongkai.workbench.urls")),
    path("", include("gongkai.catalogue.urls")),
    path("", include("gongkai.portal.urls")),
]
