"""The consultations' staff pages, mounted at ``/workbench/consultations/``."""

from django.urls import URLPattern, URLResolver, path

from gongkai.interaction.consultations.views import staff

app_name = "consultations_staff"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", staff.consultation_list, name="list"),
    path("new/", staff.consultation_create, name="create"),
    path("<int:pk>/", staff.consultation_detail, name="detail"),
    path("<int:pk>/edit/", staff.consultation_edit, name="edit"),
    path("<int:pk>/attachments/", staff.attachment_upload, name="attachment_upload"),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/",
        staff.attachment_download,
        name="attachment_download",
    ),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/remove/",
        staff.attachment_remove,
        name="attachment_remove",
    ),
    path("<int:pk>/publish/", staff.consultation_publish, name="publish"),
    path("<int:pk>/close/", staff.consultation_close, name="close"),
    path("<int:pk>/final-document/", staff.final_document_link, name="final_document"),
    path("<int:pk>/comments/", staff.comment_list, name="comments"),
    path(
        "<int:pk>/comments/<int:comment_pk>/moderate/",
        staff.comment_moderate,
        name="comment_moderate",
    ),
    path("<int:pk>/feedback/", staff.feedback, name="feedback"),
    path("<int:pk>/feedback/summary/", staff.feedback_summary, name="feedback_summary"),
    path("<int:pk>/feedback/points/", staff.feedback_point_add, name="feedback_point_add"),
    path(
        "<int:pk>/feedback/points/<int:point_pk>/remove/",
        staff.feedback_point_remove,
        name="feedback_point_remove",
    ),
    path("<int:pk>/feedback/decisions/", staff.feedback_decisions, name="feedback_decisions"),
    path("<int:pk>/feedback/publish/", staff.feedback_publish, name="feedback_publish"),
]
