from django.urls import path

from gongkai.workbench import export_views, views

app_name = "workbench"
urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", views.SignInView.as_view(), name="login"),
    path("sign-in/code/", views.two_factor, name="two_factor"),
    path("sign-in/set-up/", views.two_factor_enrol, name="two_factor_enrol"),
    path("sign-out/", views.SignOutView.as_view(), name="logout"),
    path("account/", views.account, name="account"),
    path("account/backup-codes/", views.new_backup_codes, name="backup_codes"),
    path("account/password/", views.PasswordChangeView.as_view(), name="password"),
    path("agency/", views.switch_agency, name="switch_agency"),
    path("audit/", views.audit_trail, name="audit"),
    path("exports/", export_views.my_exports, name="exports"),
    path("exports/<int:pk>/download/", export_views.download_export, name="export_download"),
]
