"""Staff pages of the catalogue, under /workbench/catalogue/."""

from django.urls import path

from gongkai.catalogue.views import staff

app_name = "catalogue_staff"

urlpatterns = [
    path("", staff.document_list, name="document_list"),
    path("new/", staff.document_create, name="document_create"),
    path("review/", staff.review_queue, name="review_queue"),
    path("doc-number-check/", staff.doc_number_check, name="doc_number_check"),
    path("<int:pk>/", staff.document_detail, name="document_detail"),
    path("<int:pk>/edit/", staff.document_edit, name="document_edit"),
    path("<int:pk>/submit/", staff.document_submit, name="document_submit"),
    path("<int:pk>/approve/", staff.document_approve, name="document_approve"),
    path("<int:pk>/reject/", staff.document_reject, name="document_reject"),
    path("<int:pk>/withdraw/", staff.document_withdraw, name="document_withdraw"),
    path("<int:pk>/amend/", staff.document_amend, name="document_amend"),
    path("<int:pk>/validity/", staff.document_validity, name="document_validity"),
    path("<int:pk>/versions/", staff.version_diff, name="version_diff"),
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
]
