from django.urls import URLPattern, URLResolver

app_name = "consultations_staff"

urlpatterns: list[URLPattern | URLResolver] = []
