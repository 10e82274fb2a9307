from django.urls import URLPattern, URLResolver

app_name = "monthly"

urlpatterns: list[URLPattern | URLResolver] = []
