from django.urls import URLPattern, URLResolver, path

from gongkai.reports.statistics import views

app_name = "statistics_staff"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="index"),
    path("queue/", views.queue, name="queue"),
    path("overview/", views.overview, name="overview"),
    path("open/", views.open_submission, name="open"),
    path("trends/", views.statistics_page, name="trends"),
    path("trends/export.csv", views.statistics_export, {"fmt": "csv"}, name="export_csv"),
    path("trends/export.xlsx", views.statistics_export, {"fmt": "xlsx"}, name="export_xlsx"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/return/", views.return_submission, name="return"),
    path("<int:pk>/accept/", views.accept, name="accept"),
]
