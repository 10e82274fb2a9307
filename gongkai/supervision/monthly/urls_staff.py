from django.urls import URLPattern, URLResolver, path

from gongkai.supervision.monthly.views import staff

app_name = "monthly_staff"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", staff.index, name="index"),
    path("compute/", staff.compute, name="compute"),
    path("health/", staff.health, name="health"),
    path("health/run/", staff.health_run, name="health_run"),
    path("<int:pk>/", staff.detail, name="detail"),
    path("<int:pk>/recompute/", staff.recompute, name="recompute"),
    path("<int:pk>/check/", staff.check, name="check"),
    path("<int:pk>/publish/", staff.publish, name="publish"),
    path("<int:pk>/correct/", staff.correct, name="correct"),
    path("<int:pk>/<int:agency_pk>/<slug:key>/", staff.records, name="records"),
]
