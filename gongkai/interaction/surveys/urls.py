"""The public pages of surveys, mounted at ``/surveys/``."""

from django.urls import URLPattern, URLResolver, path

from gongkai.interaction.surveys.views import public

app_name = "surveys"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", public.index, name="index"),
    path("<int:pk>/", public.survey_detail, name="detail"),
    path("<int:pk>/thanks/", public.thanks, name="thanks"),
    path("<int:pk>/answered/", public.answered, name="answered"),
    path("<int:pk>/results/", public.results, name="results"),
]
