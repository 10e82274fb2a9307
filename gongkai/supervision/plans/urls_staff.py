from django.urls import URLPattern, URLResolver

app_name = "plans_staff"

urlpatterns: list[URLPattern | URLResolver] = []
