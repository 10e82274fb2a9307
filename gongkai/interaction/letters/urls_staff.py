from django.urls import URLPattern, URLResolver

app_name = "letters_staff"

urlpatterns: list[URLPattern | URLResolver] = []
