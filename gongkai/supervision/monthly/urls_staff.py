from django.urls import URLPattern, URLResolver

app_name = "monthly_staff"

urlpatterns: list[URLPattern | URLResolver] = []
