"""The public scorecards (成绩单), mounted at ``/scorecards/``."""

from django.urls import URLPattern, URLResolver, path

from gongkai.supervision.assessment.views import public

app_name = "assessment"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", public.index, name="index"),
    path("<int:year>/", public.year_page, name="year"),
    path("<int:year>/<slug:slug>/", public.agency_page, name="agency"),
]
