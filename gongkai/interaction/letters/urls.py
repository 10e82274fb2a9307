"""The public pages of letters (``/letters/…``)."""

from django.urls import URLPattern, URLResolver, path

from gongkai.interaction.letters.views import public, qa, statistics

app_name = "letters"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", public.index, name="index"),
    path("write/", public.write, name="write"),
    path("statistics/", statistics.public_page, name="statistics"),
    path("received/<str:number>/", public.received, name="received"),
    path("status/", public.status, name="status"),
    path("status/<str:number>/", public.status_detail, name="status_detail"),
    # Public Q&A (公开答复).
    path("qa/", qa.qa_list, name="qa_list"),
    path("qa/agencies/", qa.qa_agencies, name="qa_agencies"),
    path("qa/<int:pk>/", qa.qa_detail, name="qa_detail"),
    path(
        "status/<str:number>/files/<int:attachment_pk>/",
        public.status_attachment,
        name="status_attachment",
    ),
]
