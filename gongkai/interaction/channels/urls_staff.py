"""Staff pages of the hotline, services and channels; mounted at /workbench/channels/ with the
namespace "channels_staff"."""

from django.urls import URLPattern, URLResolver, path

from gongkai.interaction.channels.views import staff

app_name = "channels_staff"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", staff.summary, name="summary"),
    path("hotline/", staff.hotline_list, name="hotline_list"),
    path("hotline/new/", staff.hotline_new, name="hotline_new"),
    path("hotline/<int:pk>/", staff.hotline_detail, name="hotline_detail"),
    path("hotline/<int:pk>/edit/", staff.hotline_edit, name="hotline_edit"),
    path("services/", staff.log_list, name="log_list"),
    path("services/new/", staff.log_new, name="log_new"),
    path("services/<int:pk>/", staff.log_edit, name="log_edit"),
    path("channels/", staff.channel_list, name="channel_list"),
    path("channels/<int:pk>/", staff.channel_detail, name="channel_detail"),
    path("channels/<int:pk>/new/", staff.figures_new, name="figures_new"),
    path("channels/<int:pk>/<int:year>/", staff.figures_edit, name="figures_edit_year"),
    path("channels/<int:pk>/<int:year>/<int:month>/", staff.figures_edit, name="figures_edit"),
    path("opinions/", staff.opinion_list, name="opinion_list"),
    path("opinions/new/", staff.opinion_new, name="opinion_new"),
    path("opinions/<int:pk>/", staff.opinion_detail, name="opinion_detail"),
    path("opinions/<int:pk>/edit/", staff.opinion_edit, name="opinion_edit"),
    path("opinions/<int:pk>/respond/", staff.opinion_respond, name="opinion_respond"),
    path("opinions/<int:pk>/close/", staff.opinion_close, name="opinion_close"),
]
