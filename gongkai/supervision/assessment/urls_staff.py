"""The workbench pages of assessment, mounted at ``/workbench/assessment/``."""

from django.urls import URLPattern, URLResolver, path

from gongkai.supervision.assessment.views import staff

app_name = "assessment_staff"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", staff.index, name="index"),
    path("schemes/new/", staff.scheme_new, name="scheme_new"),
    path("schemes/<int:pk>/", staff.scheme_detail, name="scheme_detail"),
    path("schemes/<int:pk>/edit/", staff.scheme_edit, name="scheme_edit"),
    path("schemes/<int:pk>/activate/", staff.scheme_activate, name="scheme_activate"),
    path("schemes/<int:pk>/publish/", staff.scheme_publish, name="scheme_publish"),
    path("schemes/<int:pk>/new-version/", staff.scheme_new_version, name="scheme_new_version"),
    path("schemes/<int:pk>/indicators/new/", staff.indicator_new, name="indicator_new"),
    path("schemes/<int:pk>/scorecards/", staff.scorecards, name="scorecards"),
    path("schemes/<int:pk>/agencies/<slug:slug>/", staff.agency_card, name="card"),
    path(
        "schemes/<int:pk>/agencies/<slug:slug>/records/<int:indicator_pk>/",
        staff.card_records,
        name="records",
    ),
    path("indicators/<int:pk>/edit/", staff.indicator_edit, name="indicator_edit"),
    path("indicators/<int:pk>/delete/", staff.indicator_delete, name="indicator_delete"),
    path("indicators/<int:pk>/hand-scores/", staff.hand_scores, name="hand_scores"),
    path(
        "indicators/<int:pk>/hand-scores/<slug:slug>/",
        staff.hand_score_edit,
        name="hand_score_edit",
    ),
    path(
        "indicators/<int:pk>/hand-scores/<slug:slug>/delete/",
        staff.hand_score_delete,
        name="hand_score_delete",
    ),
    path("evidence/<int:pk>/", staff.evidence_file, name="evidence_file"),
    path("accountability/", staff.accountability_list, name="accountability_list"),
    path("accountability/new/", staff.accountability_new, name="accountability_new"),
    path("accountability/<int:pk>/edit/", staff.accountability_edit, name="accountability_edit"),
]
