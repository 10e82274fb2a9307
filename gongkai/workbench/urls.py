from django.urls import path

from gongkai.workbench import views

app_name = "workbench"
urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", views.SignInView.as_view(), name="login"),
    path("sign-out/", views.SignOutView.as_view(), name="logout"),
    path("account/", views.account, name="account"),
    path("account/password/", views.PasswordChangeView.as_view(), name="password"),
    path("agency/", views.switch_agency, name="switch_agency"),
    path("audit/", views.audit_trail, name="audit"),
]
