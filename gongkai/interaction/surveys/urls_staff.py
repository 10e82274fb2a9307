"""The staff pages of surveys, mounted at ``/workbench/surveys/``."""

from django.urls import URLPattern, URLResolver, path

from gongkai.interaction.surveys.views import staff

app_name = "surveys_staff"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", staff.index, name="index"),
    path("new/", staff.survey_create, name="create"),
    path("<int:pk>/", staff.survey_detail, name="detail"),
    path("<int:pk>/edit/", staff.survey_edit, name="edit"),
    path("<int:pk>/publish/", staff.survey_publish, name="publish"),
    path("<int:pk>/close/", staff.survey_close, name="close"),
    path("<int:pk>/results/", staff.survey_results, name="results"),
    path("<int:pk>/export.csv", staff.export_csv, name="export_csv"),
    path("<int:pk>/export.xlsx", staff.export_xlsx, name="export_xlsx"),
    path("<int:pk>/questions/new/", staff.question_add, name="question_add"),
    path("<int:pk>/questions/<int:question_pk>/edit/", staff.question_edit, name="question_edit"),
    path("<int:pk>/questions/<int:question_pk>/move/", staff.question_move, name="question_move"),
    path(
        "<int:pk>/questions/<int:question_pk>/remove/",
        staff.question_remove,
        name="question_remove",
    ),
]
