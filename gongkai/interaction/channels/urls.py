"""Public pages of the hotline, services and channels; mounted at /services/ with the
namespace "channels"."""

from django.urls import URLPattern, URLResolver, path

from gongkai.interaction.channels.views import public

app_name = "channels"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", public.index, name="index"),
]
