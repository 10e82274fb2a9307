from django.urls import URLPattern, URLResolver

app_name = "channels_staff"

urlpatterns: list[URLPattern | URLResolver] = []
