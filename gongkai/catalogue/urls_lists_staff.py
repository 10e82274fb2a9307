"""Staff pages of the structured lists; mounted at /workbench/catalogue/lists/ with the
namespace "lists_staff"."""

from django.urls import path

from gongkai.catalogue.views import lists_staff

app_name = "lists_staff"

urlpatterns = [
    path("", lists_staff.index, name="index"),
    path("<slug:code>/", lists_staff.records, name="records"),
    path("<slug:code>/import/", lists_staff.import_records, name="import"),
    path("<slug:code>/template.xlsx", lists_staff.import_template, name="template"),
    path("<slug:code>/publish/", lists_staff.publish, name="publish"),
    path("<slug:code>/<int:pk>/withdraw/", lists_staff.withdraw, name="withdraw"),
]
