from django.urls import path

from gongkai.reports.annual import views

app_name = "reports_staff"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/sections/<str:section>/", views.edit_section, name="section"),
    path("<int:pk>/records/", views.cell_records, name="records"),
    path("<int:pk>/send/", views.send, name="send"),
    path("<int:pk>/download/<str:kind>/", views.download, name="download"),
    path("<int:pk>/export/<str:kind>/", views.export, name="export"),
]
