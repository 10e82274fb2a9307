"""A citizen's account pages, mounted at ``/account/``."""

from django.urls import path

from gongkai.citizens.views import public

app_name = "citizens"

urlpatterns = [
    path("", public.applications, name="applications"),
    path("applications/claim/", public.claim, name="claim"),
    path("applications/<str:number>/", public.open_application, name="open_application"),
    path("sign-up/", public.sign_up, name="sign_up"),
    path("sign-up/sent/", public.sign_up_done, name="sign_up_done"),
    path("confirm/<str:token>/", public.verify, name="verify"),
    path("sign-in/", public.sign_in, name="sign_in"),
    path("sign-out/", public.sign_out, name="sign_out"),
    path("password-reset/", public.password_reset, name="password_reset"),
    path("password-reset/sent/", public.password_reset_done, name="password_reset_done"),
    path(
        "password-reset/<str:token>/",
        public.password_reset_confirm,
        name="password_reset_confirm",
    ),
]
