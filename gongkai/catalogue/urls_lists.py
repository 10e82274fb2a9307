"""Public pages of the structured key-area lists, mounted at /lists/ (namespace "catalogue")."""

from django.urls import path

from gongkai.catalogue.views import lists_public

urlpatterns = [
    path("", lists_public.list_index, name="list_index"),
    path("<slug:code>/", lists_public.list_records, name="list_records"),
    path("<slug:code>/export.csv", lists_public.list_export_csv, name="list_export_csv"),
    path("<slug:code>/export.xlsx", lists_public.list_export_xlsx, name="list_export_xlsx"),
    path("<slug:code>/<int:pk>/", lists_public.list_record, name="list_record"),
]
