"""A URLconf with a stand-in search page, to test that the header offers search once it exists."""

from django.http import HttpResponse
from django.urls import include, path


def results(request):
    return HttpResponse("results")


search_patterns = ([path("", results, name="results")], "search")

urlpatterns = [
    path("search/", include(search_patterns)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("workbench/", include("gongkai.workbench.urls")),
    path("", include("gongkai.portal.urls")),
]
