"""The workbench pages of letters (``/workbench/letters/``)."""

from django.urls import URLPattern, URLResolver, path

from gongkai.interaction.letters.views import staff, staff_qa, statistics

app_name = "letters_staff"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", staff.queue, name="queue"),
    path("register/", staff.register, name="register"),
    path("statistics/", statistics.staff_page, name="statistics"),
    path("statistics/export.xlsx", statistics.staff_export, name="statistics_export"),
    path("<int:pk>/", staff.detail, name="detail"),
    path(
        "<int:pk>/files/<int:attachment_pk>/",
        staff.download_attachment,
        name="download_attachment",
    ),
    # One POST view per action, each calling one service.
    path("<int:pk>/accept/", staff.accept, name="accept"),
    path("<int:pk>/reject/", staff.reject, name="reject"),
    path("<int:pk>/assign/", staff.assign, name="assign"),
    path("<int:pk>/transfer/", staff.transfer, name="transfer"),
    path("<int:pk>/draft/", staff.draft, name="draft"),
    path("<int:pk>/submit/", staff.submit, name="submit"),
    path("<int:pk>/review/", staff.review, name="review"),
    path("<int:pk>/close/", staff.close, name="close"),
    # Public Q&A (公开答复): propose, check and publish, withdraw.
    path("<int:pk>/publication/propose/", staff_qa.propose, name="propose_publication"),
    path("<int:pk>/publication/", staff_qa.publication, name="publication"),
    path("<int:pk>/publication/withdraw/", staff_qa.withdraw, name="withdraw_publication"),
]
