"""The workbench pages of key tasks and supervision notices (``/workbench/plans/``).

Every view needs a signed-in member of staff (anonymous visitors are sent to sign in) who
either works in the disclosure office or holds a role at an agency. The office's pages (plans,
building them, the decisions, notices being written) refuse everybody else. A task is opened
only through ``permissions.tasks_visible_to`` and a notice through ``notices_visible_to``:
staff of an agency that neither leads nor shares the task (or received the notice) get a 403
page saying so, and nothing changes. Each action is one POST view calling one service: the
role is checked first (403, nothing changed), then the form (400 with its errors on the page),
then the service (its refusal on the form, 400; or a 403).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongkai.catalogue.permissions import documents_visible_to
from gongkai.catalogue.selectors.public import public_document_rows
from gongkai.core import uploads
from gongkai.core.models import User
from gongkai.supervision.plans import forms as plan_forms
from gongkai.supervision.plans import permissions, selectors, services
from gongkai.supervision.plans.deadlines import plan_settings, task_warning
from gongkai.supervision.plans.models import (
    EvidenceFile,
    KeyTask,
    NoticeEvent,
    NoticeRecipient,
    NoticeReplyFile,
    SupervisionNotice,
    TaskEvent,
    TaskReport,
    TaskReportFile,
    WorkPlan,
)
from gongkai.supervision.plans.workflow import (
    WORKING_STATES,
    PlanError,
    PlanPermissionDenied,
    state_label,
)
from gongkai.workbench.views import refuse_action, staff_required, staff_user

State = KeyTask.State
View = Callable[..., HttpResponse]


# --- access ----------------------------------------------------------------------------------


def _refuse(
    request: HttpRequest,
    message: str,
    *,
    task: KeyTask | None = None,
    notice: SupervisionNotice | None = None,
) -> HttpResponse:
    back = None
    if task is not None:
        back = (reverse("plans_staff:task", args=[task.pk]), _("Back to the task"))
    elif notice is not None:
        back = (reverse("plans_staff:notice", args=[notice.pk]), _("Back to the notice"))
    return refuse_action(
        request, message, back=back, to_list=(reverse("plans_staff:my_tasks"), _("My key tasks"))
    )


def plans_staff_required(view: View) -> View:
    """Signed in with a role (``staff_required``): the office, or a role at an agency."""

    @staff_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not permissions.has_task_role(request.user):
            return refuse_action(
                request,
                _("Key tasks are for the disclosure office and the staff of the agencies."),
            )
        return view(request, *args, **kwargs)

    return wrapper


def office_required(view: View) -> View:
    """The disclosure office's pages."""

    @plans_staff_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not permissions.can_manage_plans(request.user):
            return _refuse(request, _("Only the disclosure office builds and supervises plans."))
        return view(request, *args, **kwargs)

    return wrapper


def _task_or_refusal(request: HttpRequest, pk: int) -> KeyTask | HttpResponse:
    """The task if the user may open it; a 404 if there is none, a 403 refusal if it is
    another agency's."""
    visible = selectors.with_agencies(permissions.tasks_visible_to(request.user))
    task = visible.filter(pk=pk).first()
    if task is not None:
        return task
    if not KeyTask.objects.filter(pk=pk).exists():
        raise Http404
    return _refuse(request, _("This key task is not assigned to your agency."))


def _notice_or_refusal(request: HttpRequest, pk: int) -> SupervisionNotice | HttpResponse:
    notice = permissions.notices_visible_to(request.user).select_related("plan").filter(pk=pk)
    found = notice.first()
    if found is not None:
        return found
    if not SupervisionNotice.objects.filter(pk=pk).exists():
        raise Http404
    return _refuse(request, _("This notice was not sent to your agency."))


def _plan(pk: int) -> WorkPlan:
    return get_object_or_404(WorkPlan.objects.select_related("agency"), pk=pk)


def _task_url(task: KeyTask, anchor: str = "") -> str:
    url = reverse("plans_staff:task", args=[task.pk])
    return f"{url}#{anchor}" if anchor else url


# --- the office's overview and the plans -----------------------------------------------------


@require_GET
@plans_staff_required
def index(request: HttpRequest) -> HttpResponse:
    """The office's overview (the plans, what waits for a decision); the agencies' staff go to
    their tasks."""
    user = staff_user(request)
    if not permissions.can_manage_plans(user):
        return HttpResponseRedirect(reverse("plans_staff:my_tasks"))
    today = timezone.localdate()
    every_plan = list(WorkPlan.objects.select_related("agency").order_by("-year"))
    rollups = selectors.rollups_of(every_plan)
    plans = [(plan, rollups[plan.pk]) for plan in every_plan]
    config = plan_settings()
    waiting = [
        selectors.task_row(task, today=today, config=config)
        for task in selectors.waiting_for_office()[:100]
    ]
    return render(
        request,
        "supervision/plans/staff/index.html",
        {"plans": plans, "waiting": waiting, "settings": config},
    )


@require_http_methods(["GET", "POST"])
@office_required
def plan_create(request: HttpRequest) -> HttpResponse:
    form = plan_forms.PlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plan = services.create_plan(
                actor=staff_user(request),
                year=data["year"],
                agency=data["agency"],
                title=data["title"],
                doc_number=data.get("doc_number") or "",
                description=data.get("description") or "",
            )
        except PlanError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The plan is created: add its categories and tasks."))
            return HttpResponseRedirect(reverse("plans_staff:plan", args=[plan.pk]))
    return render(
        request,
        "supervision/plans/staff/plan_form.html",
        {"form": form, "plan": None},
        status=400 if form.is_bound and form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@office_required
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(pk)
    form = plan_forms.PlanForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_plan(
                plan,
                actor=staff_user(request),
                agency=data["agency"],
                title=data["title"],
                doc_number=data.get("doc_number") or "",
                description=data.get("description") or "",
            )
        except PlanError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The plan is saved."))
            return HttpResponseRedirect(reverse("plans_staff:plan", args=[plan.pk]))
    return render(
        request,
        "supervision/plans/staff/plan_form.html",
        {"form": form, "plan": plan},
        status=400 if form.is_bound and form.errors else 200,
    )


def render_plan(
    request: HttpRequest,
    plan: WorkPlan,
    *,
    category_form: plan_forms.CategoryForm | None = None,
    status: int = 200,
) -> HttpResponse:
    today = timezone.localdate()
    overview = selectors.plan_overview(plan, today=today)
    return render(
        request,
        "supervision/plans/staff/plan_detail.html",
        {
            "plan": plan,
            "overview": overview,
            "chart_data": selectors.chart_data(overview),
            "category_form": category_form or plan_forms.CategoryForm(),
            "notices": plan.notices.order_by("-created_at"),
            "today": today,
            "settings": plan_settings(),
        },
        status=status,
    )


@require_GET
@office_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan: its categories, each task with its warning (colour and words) and progress,
    and the roll-up with its chart."""
    return render_plan(request, _plan(pk))


@require_POST
@office_required
def plan_publish(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(pk)
    publish = request.POST.get("published") == "1"
    try:
        services.publish_plan(plan, actor=staff_user(request), published=publish)
    except PlanError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("The plan is on the portal now.")
            if publish
            else _("The plan is no longer on the portal."),
        )
    return HttpResponseRedirect(reverse("plans_staff:plan", args=[plan.pk]))


@require_POST
@office_required
def category_add(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(pk)
    form = plan_forms.CategoryForm(request.POST)
    if form.is_valid():
        try:
            services.add_category(plan, actor=staff_user(request), name=form.cleaned_data["name"])
        except PlanError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The category is added."))
            return HttpResponseRedirect(reverse("plans_staff:plan", args=[plan.pk]))
    return render_plan(request, plan, category_form=form, status=400)


@require_http_methods(["GET", "POST"])
@office_required
def task_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a task to the plan: this assigns it (交办) to its lead agency."""
    plan = _plan(pk)
    if not plan.categories.exists():
        messages.error(request, _("Add a category first."))
        return HttpResponseRedirect(reverse("plans_staff:plan", args=[plan.pk]))
    form = plan_forms.TaskForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            task = services.assign_task(plan, form.task_input(), actor=staff_user(request))
        except PlanError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request,
                _("Task %(number)s is assigned to %(agency)s.")
                % {"number": task.number, "agency": task.lead_agency.name},
            )
            return HttpResponseRedirect(_task_url(task))
    return render(
        request,
        "supervision/plans/staff/task_form.html",
        {"form": form, "plan": plan, "task": None},
        status=400 if form.is_bound and form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@office_required
def task_edit(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_object_or_404(selectors.with_agencies(KeyTask.objects.all()), pk=pk)
    if task.state == State.ACCEPTED:
        return _refuse(request, _("An accepted task is not changed."), task=task)
    form = plan_forms.TaskForm(request.POST or None, plan=task.plan, task=task)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_task(task, form.task_input(), actor=staff_user(request))
        except PlanError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The task is saved."))
            return HttpResponseRedirect(_task_url(task))
    return render(
        request,
        "supervision/plans/staff/task_form.html",
        {"form": form, "plan": task.plan, "task": task},
        status=400 if form.is_bound and form.errors else 200,
    )


# --- my tasks --------------------------------------------------------------------------------


@require_GET
@plans_staff_required
def my_tasks(request: HttpRequest) -> HttpResponse:
    """The tasks of the user's agencies (every task for the office): the open ones by
    deadline with their warnings, or the accepted ones."""
    user = staff_user(request)
    form = plan_forms.TaskFilterForm(request.GET or None)
    show = "open"
    if form.is_bound and form.is_valid():
        show = form.cleaned_data.get("show") or "open"
    today = timezone.localdate()
    config = plan_settings()
    tasks: QuerySet[KeyTask] = selectors.my_tasks(user, show=show)
    rows = [selectors.task_row(task, today=today, config=config) for task in tasks[:500]]
    notices = selectors.notices_for(user)[:50]
    waiting_notices = {row.notice_id for row in selectors.notices_waiting(user)}
    return render(
        request,
        "supervision/plans/staff/my_tasks.html",
        {
            "rows": rows,
            "show": show,
            "office": permissions.can_manage_plans(user),
            "notices": notices,
            "waiting_notices": waiting_notices,
            "settings": config,
        },
    )


# --- the task page ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    """An action of the task page: who may take it (checked by the view before anything
    else) and when it is offered (the state; the service checks it again)."""

    name: str
    title: Promise
    button: Promise
    form_class: type[plan_forms.ActionForm]
    permitted: Callable[[Any, KeyTask], bool]
    offered: Callable[[Any, KeyTask], bool]
    danger: bool = False
    multipart: bool = False


def _office(user: Any, task: KeyTask) -> bool:
    return permissions.can_manage_plans(user)


def _lead(user: Any, task: KeyTask) -> bool:
    return permissions.can_act_as_lead(user, task)


def _reporter(user: Any, task: KeyTask) -> bool:
    return permissions.can_report_on_task(user, task)


def _working(user: Any, task: KeyTask) -> bool:
    return task.state in WORKING_STATES


ACTIONS: dict[str, Action] = {
    action.name: action
    for action in (
        Action(
            "sign",
            gettext_lazy("Sign for the task"),
            gettext_lazy("Sign for it"),
            plan_forms.SignForm,
            _lead,
            lambda user, task: task.state == State.ASSIGNED,
        ),
        Action(
            "report",
            gettext_lazy("Report progress"),
            gettext_lazy("Send the progress report"),
            plan_forms.ReportForm,
            _reporter,
            _working,
            multipart=True,
        ),
        Action(
            "extension",
            gettext_lazy("Ask for an extension"),
            gettext_lazy("Ask for the extension"),
            plan_forms.ExtensionRequestForm,
            _lead,
            lambda user, task: _working(user, task) and task.extension_requested_until is None,
        ),
        Action(
            "completion",
            gettext_lazy("Report completion"),
            gettext_lazy("Report the task done"),
            plan_forms.CompletionForm,
            _lead,
            _working,
            multipart=True,
        ),
        Action(
            "extension_decision",
            gettext_lazy("Decide on the extension"),
            gettext_lazy("Decide"),
            plan_forms.ExtensionDecisionForm,
            _office,
            lambda user, task: task.extension_requested_until is not None,
        ),
        Action(
            "decision",
            gettext_lazy("Accept or send back"),
            gettext_lazy("Decide"),
            plan_forms.CompletionDecisionForm,
            _office,
            lambda user, task: task.state == State.COMPLETION_REPORTED,
        ),
    )
}


@dataclass(frozen=True)
class Panel:
    name: str
    title: str
    form: plan_forms.ActionForm
    url: str
    button: str
    danger: bool
    multipart: bool


def _make_form(
    action: Action, task: KeyTask, user: Any, *, data: Any = None, files: Any = None
) -> plan_forms.ActionForm:
    kwargs: dict[str, Any] = {"task": task, "user": user, "auto_id": f"id_{action.name}_%s"}
    if action.form_class is plan_forms.ReportForm:
        kwargs["lead"] = permissions.can_act_as_lead(user, task)
    return action.form_class(data, files, **kwargs)


def panels_for(
    task: KeyTask, user: Any, *, bound: dict[str, plan_forms.ActionForm] | None = None
) -> list[Panel]:
    """The actions ``user`` may take on ``task`` now, each with its form (the bound one after
    a refused POST, shown even when the action is no longer offered)."""
    bound = bound or {}
    panels = []
    for action in ACTIONS.values():
        offered = action.permitted(user, task) and action.offered(user, task)
        if not offered and action.name not in bound:
            continue
        panels.append(
            Panel(
                name=action.name,
                title=str(action.title),
                form=bound.get(action.name) or _make_form(action, task, user),
                url=reverse(f"plans_staff:{action.name}", args=[task.pk]),
                button=str(action.button),
                danger=action.danger,
                multipart=action.multipart,
            )
        )
    return panels


@dataclass(frozen=True)
class EvidenceLink:
    title: str
    index_number: str
    url: str


def _evidence_links(reports: list[TaskReport], user: Any) -> dict[int, list[EvidenceLink]]:
    """Each report's documents, linked to their public page when published, to the workbench
    page when the user may see it there, else named only."""
    documents = {doc.pk: doc for report in reports for doc in report.documents.all()}
    public = set(public_document_rows().filter(pk__in=documents).values_list("pk", flat=True))
    staff = set(documents_visible_to(user).filter(pk__in=documents).values_list("pk", flat=True))
    links: dict[int, list[EvidenceLink]] = {}
    for report in reports:
        for doc in report.documents.all():
            if doc.pk in public:
                url = reverse("catalogue:document", args=[doc.pk])
            elif doc.pk in staff:
                url = reverse("catalogue_staff:document_detail", args=[doc.pk])
            else:
                url = ""
            links.setdefault(report.pk, []).append(
                EvidenceLink(doc.title, doc.index_number or "", url)
            )
    return links


def _history(task: KeyTask) -> list[TaskEvent]:
    events = list(selectors.history_of(task))
    for event in events:
        event.label = event.get_code_display()  # type: ignore[attr-defined]
        event.from_label = state_label(event.from_state)  # type: ignore[attr-defined]
        event.to_label = state_label(event.to_state)  # type: ignore[attr-defined]
    return events


def render_task(
    request: HttpRequest,
    task: KeyTask,
    *,
    bound: dict[str, plan_forms.ActionForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = staff_user(request)
    today = timezone.localdate()
    reports = list(selectors.reports_of(task))
    links = _evidence_links(reports, user)
    for report in reports:
        report.evidence_links = links.get(report.pk, [])  # type: ignore[attr-defined]
    return render(
        request,
        "supervision/plans/staff/task_detail.html",
        {
            "task": task,
            "warning": task_warning(task, today=today),
            "percent": selectors.task_row(task, today=today).percent,
            "reports": reports,
            "events": _history(task),
            "panels": panels_for(task, user, bound=bound),
            "office": permissions.can_manage_plans(user),
            "editable": permissions.can_manage_plans(user) and task.state != State.ACCEPTED,
            "settings": plan_settings(),
        },
        status=status,
    )


@require_GET
@plans_staff_required
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    found = _task_or_refusal(request, pk)
    if isinstance(found, HttpResponse):
        return found
    return render_task(request, found)


Perform = Callable[[KeyTask, Any, User], Any]


def _act(
    request: HttpRequest, pk: int, name: str, perform: Perform, success: Callable[[KeyTask], str]
) -> HttpResponse:
    """Run one action: the task (a refusal unless the user may see it), the role (403), the
    form (400 with its errors), the service (its refusal on the form, 400; or a 403); on
    success, back to the task page with a message."""
    found = _task_or_refusal(request, pk)
    if isinstance(found, HttpResponse):
        return found
    task = found
    action = ACTIONS[name]
    user = staff_user(request)
    if not action.permitted(user, task):
        return _refuse(request, _("You may not do this with this key task."), task=task)
    form = _make_form(action, task, user, data=request.POST, files=request.FILES)
    if form.is_valid():
        try:
            perform(task, form, user)
        except PlanPermissionDenied as error:
            return _refuse(request, error.message, task=task)
        except PlanError as error:
            form.add_service_error(error)
        else:
            task.refresh_from_db()
            messages.success(request, success(task))
            return HttpResponseRedirect(_task_url(task))
    task.refresh_from_db()
    return render_task(request, task, bound={name: form}, status=400)


def _action_view(name: str, perform: Perform, success: Callable[[KeyTask], str]) -> View:
    @require_POST
    @plans_staff_required
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        return _act(request, pk, name, perform, success)

    view.__name__ = name
    view.__doc__ = f"The action “{name}” on a key task (POST)."
    return view


def _report(task: KeyTask, form: Any, user: User) -> TaskReport:
    return services.report_progress(
        task,
        actor=user,
        text=form.cleaned_data["text"],
        percentage=form.cleaned_data.get("percentage"),
        document_numbers=form.document_numbers(),
        files=form.cleaned_data.get("attachments") or [],
    )


def _completion(task: KeyTask, form: Any, user: User) -> TaskReport:
    return services.report_completion(
        task,
        actor=user,
        text=form.cleaned_data["text"],
        document_numbers=form.document_numbers(),
        files=form.cleaned_data.get("attachments") or [],
    )


def _extension_decision(task: KeyTask, form: Any, user: User) -> KeyTask:
    return services.decide_extension(
        task,
        actor=user,
        approve=form.approve,
        until=form.cleaned_data.get("until") if form.approve else None,
        comment=form.cleaned_data.get("comment") or "",
    )


def _decision(task: KeyTask, form: Any, user: User) -> KeyTask:
    comment = form.cleaned_data.get("comment") or ""
    if form.accept:
        return services.accept_task(task, actor=user, comment=comment)
    return services.send_back_task(task, actor=user, reason=comment)


def _iso(day: datetime.date | None) -> str:
    return day.isoformat() if day else "—"


sign = _action_view(
    "sign",
    lambda task, form, user: services.sign_task(
        task, actor=user, comment=form.cleaned_data.get("comment") or ""
    ),
    lambda task: _("You have signed for the task."),
)
report = _action_view("report", _report, lambda task: _("The progress report is sent."))
extension = _action_view(
    "extension",
    lambda task, form, user: services.request_extension(
        task, actor=user, until=form.cleaned_data["until"], reason=form.cleaned_data["reason"]
    ),
    lambda task: _("The extension is asked for; the office decides."),
)
completion = _action_view(
    "completion",
    _completion,
    lambda task: _("The task is reported done; the office will accept it or send it back."),
)


def _extension_decided(task: KeyTask) -> str:
    last = task.events.order_by("-id").values_list("code", flat=True).first()
    if last == TaskEvent.Code.EXTENSION_APPROVED:
        return _("The extension is approved: the deadline is %(date)s.") % {
            "date": _iso(task.deadline)
        }
    return _("The extension is refused.")


extension_decision = _action_view("extension_decision", _extension_decision, _extension_decided)
decision = _action_view(
    "decision",
    _decision,
    lambda task: (
        _("The task is accepted (办结).")
        if task.state == State.ACCEPTED
        else _("The task is sent back to the agency.")
    ),
)


# --- files -----------------------------------------------------------------------------------


def _serve(stored: EvidenceFile) -> HttpResponseBase:
    try:
        handle = stored.file.open("rb")
    except (FileNotFoundError, OSError) as error:
        raise Http404(_("The file is missing.")) from error
    return uploads.file_response(
        handle, filename=stored.original_name, content_type=stored.content_type
    )


@require_GET
@plans_staff_required  # type: ignore[arg-type]  # a FileResponse streams: not an HttpResponse
def report_file(request: HttpRequest, pk: int, file_pk: int) -> HttpResponseBase:
    """An evidence file, always as a download, to those who may open the task."""
    found = _task_or_refusal(request, pk)
    if isinstance(found, HttpResponse):
        return found
    stored = get_object_or_404(TaskReportFile.objects.filter(report__task=found), pk=file_pk)
    return _serve(stored)


# --- notices ---------------------------------------------------------------------------------


@require_GET
@plans_staff_required
def notice_list(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    return render(
        request,
        "supervision/plans/staff/notice_list.html",
        {
            "notices": selectors.notices_for(user),
            "office": permissions.can_manage_plans(user),
            "waiting_notices": {row.notice_id for row in selectors.notices_waiting(user)},
        },
    )


@require_http_methods(["GET", "POST"])
@office_required
def notice_create(request: HttpRequest) -> HttpResponse:
    form = plan_forms.NoticeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            notice = services.create_notice(
                actor=staff_user(request),
                subject=data["subject"],
                text=data["text"],
                reply_deadline=data["reply_deadline"],
                agencies=list(data["agencies"]),
                plan=data.get("plan"),
                doc_number=data.get("doc_number") or "",
            )
        except PlanError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The notice is saved as a draft: issue it when ready."))
            return HttpResponseRedirect(reverse("plans_staff:notice", args=[notice.pk]))
    return render(
        request,
        "supervision/plans/staff/notice_form.html",
        {"form": form},
        status=400 if form.is_bound and form.errors else 200,
    )


def render_notice(
    request: HttpRequest,
    notice: SupervisionNotice,
    *,
    answer_form: plan_forms.AnswerForm | None = None,
    confirm_error: str = "",
    status: int = 200,
) -> HttpResponse:
    user = staff_user(request)
    answerable = [
        row
        for row in permissions.answerable_recipients(user, notice)
        if row.state == NoticeRecipient.State.WAITING
    ]
    if answer_form is None and answerable and notice.state == SupervisionNotice.State.ISSUED:
        answer_form = plan_forms.AnswerForm(recipients=answerable)
    events: list[NoticeEvent] = []
    if permissions.can_manage_plans(user):
        events = list(notice.events.select_related("actor", "recipient__agency"))
    return render(
        request,
        "supervision/plans/staff/notice_detail.html",
        {
            "notice": notice,
            "recipients": selectors.recipients_of(notice, user),
            "answer_form": answer_form,
            "office": permissions.can_manage_plans(user),
            "events": events,
            "confirm_error": confirm_error,
        },
        status=status,
    )


@require_GET
@plans_staff_required
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    found = _notice_or_refusal(request, pk)
    if isinstance(found, HttpResponse):
        return found
    return render_notice(request, found)


def _notice_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    found = _notice_or_refusal(request, pk)
    if isinstance(found, HttpResponse):
        return found
    if not permissions.can_manage_plans(request.user):
        return _refuse(request, _("Only the disclosure office does this."), notice=found)
    try:
        if step == "issue":
            services.issue_notice(found, actor=staff_user(request))
            messages.success(request, _("The notice is issued to the agencies."))
        else:
            services.close_notice(found, actor=staff_user(request))
            messages.success(request, _("The notice is closed."))
    except PlanPermissionDenied as error:
        return _refuse(request, error.message, notice=found)
    except PlanError as error:
        found.refresh_from_db()
        return render_notice(request, found, confirm_error=error.message, status=400)
    return HttpResponseRedirect(reverse("plans_staff:notice", args=[found.pk]))


@require_POST
@plans_staff_required
def notice_issue(request: HttpRequest, pk: int) -> HttpResponse:
    return _notice_step(request, pk, "issue")


@require_POST
@plans_staff_required
def notice_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _notice_step(request, pk, "close")


@require_POST
@plans_staff_required
def notice_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """An agency's head or editor answers the notice with its report."""
    found = _notice_or_refusal(request, pk)
    if isinstance(found, HttpResponse):
        return found
    notice = found
    user = staff_user(request)
    answerable = permissions.answerable_recipients(user, notice)
    if not answerable:
        return _refuse(
            request,
            _("Only the head or editor of an agency the notice went to answers it."),
            notice=notice,
        )
    form = plan_forms.AnswerForm(request.POST, request.FILES, recipients=answerable)
    if form.is_valid():
        recipient = next(row for row in answerable if row.pk == form.cleaned_data["recipient"])
        try:
            services.answer_notice(
                recipient,
                actor=user,
                text=form.cleaned_data["text"],
                files=form.cleaned_data.get("attachments") or [],
            )
        except PlanPermissionDenied as error:
            return _refuse(request, error.message, notice=notice)
        except PlanError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Your agency's answer is sent."))
            return HttpResponseRedirect(reverse("plans_staff:notice", args=[notice.pk]))
    return render_notice(request, notice, answer_form=form, status=400)


@require_GET
@plans_staff_required  # type: ignore[arg-type]  # a FileResponse streams: not an HttpResponse
def answer_file(request: HttpRequest, pk: int, file_pk: int) -> HttpResponseBase:
    """A file of an answer, to the office and to the answering agency's staff."""
    found = _notice_or_refusal(request, pk)
    if isinstance(found, HttpResponse):
        return found
    visible = permissions.recipients_visible_to(request.user, found)
    stored = get_object_or_404(NoticeReplyFile.objects.filter(recipient__in=visible), pk=file_pk)
    return _serve(stored)
