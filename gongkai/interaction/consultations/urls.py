"""Public interaction: consultations on drafts (建议征集), mounted at ``/consultations/``."""

from django.urls import URLPattern, URLResolver, path

from gongkai.interaction.consultations.views import public

app_name = "consultations"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", public.consultation_list, name="list"),
    path("<int:pk>/", public.consultation_detail, name="detail"),
    path("<int:pk>/comment/", public.comment_submit, name="comment"),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/",
        public.attachment_download,
        name="attachment",
    ),
]
