"""The public pages of key tasks (``/key-tasks/…``)."""

from django.urls import URLPattern, URLResolver, path

from gongkai.supervision.plans.views import public

app_name = "plans"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", public.index, name="index"),
    path("<int:year>/", public.plan, name="plan"),
]
