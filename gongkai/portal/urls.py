from django.urls import path

from gongkai.portal.views import public

app_name = "portal"
urlpatterns = [
    path("", public.home, name="home"),
    path("agencies/", public.agency_list, name="agency_list"),
    path("agencies/<slug:slug>/", public.agency_detail, name="agency_detail"),
    path("accessibility/", public.accessibility, name="accessibility"),
]
