"""The public landing page of public interaction (``/interaction/``)."""

from django.urls import URLPattern, URLResolver, path

from gongkai.interaction import views

app_name = "interaction"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="index"),
]
