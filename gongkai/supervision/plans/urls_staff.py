"""The workbench pages of key tasks and supervision notices (``/workbench/plans/…``)."""

from django.urls import URLPattern, URLResolver, path

from gongkai.supervision.plans.views import staff

app_name = "plans_staff"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", staff.index, name="index"),
    path("new/", staff.plan_create, name="plan_create"),
    path("<int:pk>/", staff.plan_detail, name="plan"),
    path("<int:pk>/edit/", staff.plan_edit, name="plan_edit"),
    path("<int:pk>/publish/", staff.plan_publish, name="plan_publish"),
    path("<int:pk>/categories/", staff.category_add, name="category_add"),
    path("<int:pk>/tasks/new/", staff.task_create, name="task_create"),
    path("tasks/", staff.my_tasks, name="my_tasks"),
    path("tasks/<int:pk>/", staff.task_detail, name="task"),
    path("tasks/<int:pk>/edit/", staff.task_edit, name="task_edit"),
    path("tasks/<int:pk>/files/<int:file_pk>/", staff.report_file, name="report_file"),
    # One POST view per action, each calling one service.
    path("tasks/<int:pk>/sign/", staff.sign, name="sign"),
    path("tasks/<int:pk>/report/", staff.report, name="report"),
    path("tasks/<int:pk>/extension/", staff.extension, name="extension"),
    path("tasks/<int:pk>/completion/", staff.completion, name="completion"),
    path(
        "tasks/<int:pk>/extension-decision/",
        staff.extension_decision,
        name="extension_decision",
    ),
    path("tasks/<int:pk>/decision/", staff.decision, name="decision"),
    path("notices/", staff.notice_list, name="notices"),
    path("notices/new/", staff.notice_create, name="notice_create"),
    path("notices/<int:pk>/", staff.notice_detail, name="notice"),
    path("notices/<int:pk>/issue/", staff.notice_issue, name="notice_issue"),
    path("notices/<int:pk>/close/", staff.notice_close, name="notice_close"),
    path("notices/<int:pk>/answer/", staff.notice_answer, name="notice_answer"),
    path("notices/<int:pk>/files/<int:file_pk>/", staff.answer_file, name="answer_file"),
]
