from django.urls import URLPattern, URLResolver, path

from gongkai.supervision.monthly.views import public

app_name = "monthly"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", public.index, name="index"),
    path("<int:year>/<int:month>/", public.month, name="month"),
    path("<int:year>/<int:month>/v<int:version>/", public.month, name="version"),
]
