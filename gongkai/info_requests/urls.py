"""The public pages of applications, mounted at the site root (``/apply/…``)."""

from django.urls import path

from gongkai.info_requests.views import public

app_name = "info_requests"

urlpatterns = [
    path("apply/", public.apply, name="apply"),
    path("apply/received/<str:number>/", public.received, name="received"),
    path("apply/suggest/", public.suggest, name="suggest"),
    path("apply/status/", public.status, name="status"),
    path("apply/status/<str:number>/", public.status_detail, name="status_detail"),
    path(
        "apply/status/<str:number>/files/<int:file_pk>/",
        public.status_file,
        name="status_file",
    ),
    path(
        "apply/status/<str:number>/notices/<int:notice_pk>/<str:fmt>/",
        public.status_notice,
        name="status_notice",
    ),
]
