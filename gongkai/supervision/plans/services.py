"""Every action that changes a work plan, a key task or a supervision notice. One function per
action, one transaction each, the row locked, the permission checked, an event and an audit
entry written; reminder mail is queued in the same transaction and sent after it commits.

Dates: ``on`` is the day an action happened, today by default, never in the future and never
before the task's (or notice's) last step — the demonstration loader passes the days of its
story, as an office typing in what happened on paper would.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.agencies.models import Agency, StaffRole
from gongkai.catalogue.models import Document
from gongkai.catalogue.permissions import documents_visible_to
from gongkai.catalogue.selectors.public import public_document_rows
from gongkai.core import audit, uploads
from gongkai.core.mail import queue_mail
from gongkai.core.models import User
from gongkai.core.uploads import InspectedFile
from gongkai.supervision.plans import permissions
from gongkai.supervision.plans.deadlines import (
    Level,
    TaskWarning,
    plan_settings,
    task_warning,
)
from gongkai.supervision.plans.models import (
    EvidenceFile,
    KeyTask,
    NoticeEvent,
    NoticeRecipient,
    NoticeReplyFile,
    PlanSettings,
    SupervisionNotice,
    TaskCategory,
    TaskEvent,
    TaskReminder,
    TaskReport,
    TaskReportFile,
    WorkPlan,
)
from gongkai.supervision.plans.workflow import (
    WORKING_STATES,
    PlanError,
    PlanPermissionDenied,
    answer_recipient,
    transition,
    transition_notice,
)

State = KeyTask.State
Code = TaskEvent.Code
NoticeState = SupervisionNotice.State
Role = StaffRole.Role

TITLE_MAX = 200
TEXT_MIN = 2
TEXT_MAX = 5000
WEIGHT_MAX = 100
MAX_DOCUMENTS = 20
MAX_FILES = 5
# Each file within the evidence policy: PDF, Word, Excel or an image by its content, at most
# GONGKAI_UPLOAD_MAX_BYTES["evidence"] (20 MB unless configured): gongkai.core.uploads.
FILE_POLICY = uploads.EVIDENCE
_IDENTIFIER_SPLIT = re.compile(r"[\s,，;；、]+")


# --------------------------------------------------------------------------- helpers


def _today() -> datetime.date:
    return timezone.localdate()


def _date(on: datetime.date | None) -> datetime.date:
    today = _today()
    on = on or today
    if on > today:
        raise PlanError(_("The date cannot be in the future."), field="on")
    return on


def _moment(on: datetime.date) -> datetime.datetime:
    """Now, or noon of ``on`` for an action recorded for an earlier day."""
    now = timezone.now()
    if timezone.localdate(now) == on:
        return now
    return datetime.datetime.combine(on, datetime.time(12), tzinfo=timezone.get_current_timezone())


def _require(allowed: bool, message: str | None = None) -> None:
    if not allowed:
        raise PlanPermissionDenied(message or _("You may not do this with this key task."))


def _text(value: str, *, field: str, message: str, maximum: int = TEXT_MAX) -> str:
    text = value.strip()
    if len(text) < TEXT_MIN:
        raise PlanError(message, field=field)
    if len(text) > maximum:
        raise PlanError(
            _("At most %(max)d characters.") % {"max": maximum},
            field=field,
        )
    return text


def _audit(
    action: str, obj: Any, *, actor: User | None, agency_id: int | None, **details: Any
) -> None:
    audit.record(f"plans.{action}", actor=actor, obj=obj, agency_id=agency_id, details=details)


def _locked_task(task: KeyTask) -> KeyTask:
    """The task re-read under a row lock, so two people cannot act on it at once."""
    rows = KeyTask.objects.select_for_update(of=("self",))
    return rows.select_related("plan", "category", "lead_agency").get(pk=task.pk)


def _event(
    task: KeyTask,
    code: str,
    *,
    actor: User | None,
    on: datetime.date,
    from_state: str = "",
    comment: str = "",
    data: dict[str, Any] | None = None,
) -> TaskEvent:
    """Append an event. The history is chronological: an action dated before the task's last
    step is refused."""
    last = task.events.order_by("-on").values_list("on", flat=True).first()
    floor = max(last or task.assigned_on, task.assigned_on)
    if on < floor:
        raise PlanError(
            _("The date cannot be before %(date)s, the last step of this task.")
            % {"date": floor.isoformat()},
            field="on",
        )
    return TaskEvent.objects.create(
        task=task,
        code=code,
        at=_moment(on),
        on=on,
        actor=actor if actor is not None and actor.is_authenticated else None,
        from_state=from_state,
        to_state=task.state,
        comment=comment,
        data=data or {},
    )


# --------------------------------------------------------------------------- evidence


def parse_identifiers(text: str) -> list[str]:
    """The index numbers (索引号) typed in a box, one per line or separated by commas."""
    seen: dict[str, None] = {}
    for part in _IDENTIFIER_SPLIT.split(text or ""):
        if part:
            seen.setdefault(part.strip(), None)
    return list(seen)


def resolve_documents(identifiers: Sequence[str], *, user: User) -> list[Document]:
    """The catalogue documents named by their index numbers, each of which must exist and be
    visible to ``user``: published for everyone, or one of the user's own agencies'. An
    unknown number and one the user may not see get the same message, which says nothing
    about the document."""
    identifiers = [value for value in identifiers if value]
    if len(identifiers) > MAX_DOCUMENTS:
        raise PlanError(
            _("Link at most %(count)d documents.") % {"count": MAX_DOCUMENTS}, field="documents"
        )
    if not identifiers:
        return []
    public = public_document_rows().filter(index_number__in=identifiers)
    own = documents_visible_to(user).filter(index_number__in=identifiers)
    found = {document.index_number: document for document in (public | own).distinct()}
    for identifier in identifiers:
        if identifier not in found:
            raise PlanError(
                _("No document you may see has the index number “%(number)s”.")
                % {"number": identifier},
                field="documents",
            )
    return [found[identifier] for identifier in identifiers]


def inspect_files(files: Sequence[UploadedFile]) -> list[tuple[UploadedFile, InspectedFile]]:
    """Check uploaded evidence before anything is stored: at most five files, each within
    the evidence policy (type by content, size, virus scan: ``core.uploads``)."""
    chosen = [upload for upload in files if upload is not None]
    if len(chosen) > MAX_FILES:
        raise PlanError(
            _("Attach at most %(count)d files.") % {"count": MAX_FILES}, field="attachments"
        )
    inspected = []
    for upload in chosen:
        try:
            inspected.append((upload, uploads.inspect_upload(upload, policy=FILE_POLICY)))
        except uploads.UploadRefused as refused:
            raise PlanError(refused.message, field="attachments") from None
    return inspected


def _store_file(row: EvidenceFile, upload: UploadedFile, inspected: InspectedFile) -> None:
    row.original_name = inspected.original_name
    row.content_type = inspected.content_type
    row.size = inspected.size
    row.file.save(inspected.original_name, inspected.as_file(), save=False)
    row.save()


# --------------------------------------------------------------------------- plans


def _check_year(year: int) -> None:
    if not 2000 <= year <= 2100:
        raise PlanError(_("Give a year between 2000 and 2100."), field="year")


def create_plan(
    *,
    actor: User,
    year: int,
    agency: Agency,
    title: str,
    doc_number: str = "",
    description: str = "",
) -> WorkPlan:
    """Start the key-task plan of ``year`` (one a year), issued by ``agency``."""
    _require(permissions.can_manage_plans(actor), _("Only the disclosure office builds plans."))
    _check_year(year)
    title = _text(title, field="title", message=_("Give the plan a title."), maximum=TITLE_MAX)
    with transaction.atomic():
        if WorkPlan.objects.filter(year=year).exists():
            raise PlanError(
                _("There is a plan for %(year)d already.") % {"year": year}, field="year"
            )
        plan = WorkPlan.objects.create(
            year=year,
            agency=agency,
            title=title,
            doc_number=doc_number.strip(),
            description=description.strip(),
            created_by=actor,
        )
        _audit("create_plan", plan, actor=actor, agency_id=agency.pk, year=year)
    return plan


def update_plan(
    plan: WorkPlan,
    *,
    actor: User,
    agency: Agency,
    title: str,
    doc_number: str = "",
    description: str = "",
) -> WorkPlan:
    """Correct a plan's title, issuing agency, document number or description."""
    _require(permissions.can_manage_plans(actor), _("Only the disclosure office builds plans."))
    title = _text(title, field="title", message=_("Give the plan a title."), maximum=TITLE_MAX)
    with transaction.atomic():
        plan = WorkPlan.objects.select_for_update().get(pk=plan.pk)
        plan.agency = agency
        plan.title = title
        plan.doc_number = doc_number.strip()
        plan.description = description.strip()
        plan.save(update_fields=["agency", "title", "doc_number", "description", "updated_at"])
        _audit("update_plan", plan, actor=actor, agency_id=agency.pk)
    return plan


def publish_plan(
    plan: WorkPlan, *, actor: User, published: bool = True, now: datetime.datetime | None = None
) -> WorkPlan:
    """Show the plan on the portal (or take it off): its tasks' states and progress become
    public; reports, comments and evidence never do."""
    _require(permissions.can_manage_plans(actor), _("Only the disclosure office builds plans."))
    with transaction.atomic():
        plan = WorkPlan.objects.select_for_update().get(pk=plan.pk)
        if plan.published == published:
            return plan
        if published and not plan.tasks.exists():
            raise PlanError(_("A plan without tasks is not published."))
        plan.published = published
        if published:
            plan.published_at = now or timezone.now()
        plan.save(update_fields=["published", "published_at", "updated_at"])
        _audit("publish" if published else "unpublish", plan, actor=actor, agency_id=None)
    return plan


def add_category(
    plan: WorkPlan, *, actor: User, name: str, order: int | None = None
) -> TaskCategory:
    """Add a category to the plan; it goes last unless ``order`` says where."""
    _require(permissions.can_manage_plans(actor), _("Only the disclosure office builds plans."))
    name = _text(name, field="name", message=_("Name the category."), maximum=100)
    with transaction.atomic():
        plan = WorkPlan.objects.select_for_update().get(pk=plan.pk)
        if plan.categories.filter(name=name).exists():
            raise PlanError(_("The plan has a category of that name already."), field="name")
        if order is None:
            order = (plan.categories.aggregate(top=Max("order"))["top"] or 0) + 1
        elif plan.categories.filter(order=order).exists():
            raise PlanError(_("Another category has that place already."), field="order")
        category = TaskCategory.objects.create(plan=plan, order=order, name=name)
        _audit("add_category", category, actor=actor, agency_id=None, plan=plan.pk)
    return category


# --------------------------------------------------------------------------- tasks


@dataclass
class TaskInput:
    """What the office gives for a task."""

    category: TaskCategory
    title: str
    expected_output: str
    lead_agency: Agency
    deadline: datetime.date
    description: str = ""
    co_agencies: Sequence[Agency] = field(default_factory=tuple)
    weight: int = 1


def _check_task(data: TaskInput, plan: WorkPlan) -> tuple[str, str, str, list[Agency]]:
    if not isinstance(data.category, TaskCategory) or data.category.plan_id != plan.pk:
        raise PlanError(_("Choose one of this plan's categories."), field="category")
    title = _text(data.title, field="title", message=_("Give the task a title."), maximum=200)
    output = _text(
        data.expected_output, field="expected_output", message=_("Say what the task must produce.")
    )
    if not isinstance(data.lead_agency, Agency):
        raise PlanError(_("Choose the lead agency."), field="lead_agency")
    if not 1 <= data.weight <= WEIGHT_MAX:
        raise PlanError(
            _("A weight is a whole number from 1 to %(max)d.") % {"max": WEIGHT_MAX},
            field="weight",
        )
    co = [agency for agency in data.co_agencies if agency.pk != data.lead_agency.pk]
    return title, output, data.description.strip(), co


def assign_task(
    plan: WorkPlan,
    data: TaskInput,
    *,
    actor: User,
    number: int | None = None,
    on: datetime.date | None = None,
) -> KeyTask:
    """Add a task to the plan and assign it (交办) to its lead agency, which signs for it next.
    The task is numbered after the plan's last unless ``number`` is given."""
    _require(permissions.can_manage_plans(actor), _("Only the disclosure office assigns tasks."))
    on = _date(on)
    title, output, description, co = _check_task(data, plan)
    if data.deadline < on:
        raise PlanError(_("The deadline cannot be before the day of assignment."), field="deadline")
    with transaction.atomic():
        plan = WorkPlan.objects.select_for_update().get(pk=plan.pk)
        if number is None:
            number = (plan.tasks.aggregate(top=Max("number"))["top"] or 0) + 1
        elif plan.tasks.filter(number=number).exists():
            raise PlanError(_("Another task of the plan has that number."), field="number")
        task = KeyTask.objects.create(
            plan=plan,
            category=data.category,
            number=number,
            title=title,
            description=description,
            expected_output=output,
            lead_agency=data.lead_agency,
            deadline=data.deadline,
            original_deadline=data.deadline,
            weight=data.weight,
            assigned_on=on,
        )
        task.co_agencies.set(co)
        _event(
            task,
            Code.ASSIGNED,
            actor=actor,
            on=on,
            data={
                "lead": data.lead_agency.pk,
                "co": [agency.pk for agency in co],
                "deadline": data.deadline.isoformat(),
            },
        )
        _audit("assign", task, actor=actor, agency_id=task.lead_agency_id, plan=plan.pk)
    return task


def update_task(
    task: KeyTask, data: TaskInput, *, actor: User, on: datetime.date | None = None
) -> KeyTask:
    """Correct a task. Its lead agency and deadline change only before it is signed for:
    afterwards a later deadline is an extension the agency asks for. An accepted task is not
    changed."""
    _require(permissions.can_manage_plans(actor), _("Only the disclosure office changes tasks."))
    on = _date(on)
    with transaction.atomic():
        task = _locked_task(task)
        if task.state == State.ACCEPTED:
            raise PlanError(_("An accepted task is not changed."))
        title, output, description, co = _check_task(data, task.plan)
        before_signing = task.state == State.ASSIGNED
        if data.lead_agency.pk != task.lead_agency_id and not before_signing:
            raise PlanError(
                _("The lead agency changes only before the task is signed for."),
                field="lead_agency",
            )
        if data.deadline != task.deadline and not before_signing:
            raise PlanError(
                _("Once signed for, the deadline changes only by an approved extension."),
                field="deadline",
            )
        if data.deadline != task.deadline and data.deadline < task.assigned_on:
            raise PlanError(
                _("The deadline cannot be before the day of assignment."), field="deadline"
            )
        changed = []
        values = {
            "category": data.category,
            "title": title,
            "expected_output": output,
            "description": description,
            "lead_agency": data.lead_agency,
            "weight": data.weight,
        }
        for name, value in values.items():
            if getattr(task, name) != value:
                setattr(task, name, value)
                changed.append(name)
        if data.deadline != task.deadline:
            task.deadline = task.original_deadline = data.deadline
            changed += ["deadline", "original_deadline"]
        old_co = set(task.co_agencies.values_list("pk", flat=True))
        new_co = {agency.pk for agency in co}
        if old_co != new_co:
            task.co_agencies.set(co)
            changed.append("co_agencies")
        if not changed:
            return task
        task.save(
            update_fields=[name for name in changed if name != "co_agencies"] + ["updated_at"]
        )
        _event(task, Code.UPDATED, actor=actor, on=on, data={"fields": changed})
        _audit("update", task, actor=actor, agency_id=task.lead_agency_id, fields=changed)
    return task


def sign_task(
    task: KeyTask, *, actor: User, comment: str = "", on: datetime.date | None = None
) -> KeyTask:
    """The lead agency signs for the task (签收): it has seen it and takes it on."""
    on = _date(on)
    with transaction.atomic():
        task = _locked_task(task)
        _require(permissions.can_act_as_lead(actor, task))
        before = transition(task, State.SIGNED)
        task.signed_on = on
        task.save(update_fields=["state", "signed_on", "updated_at"])
        _event(task, Code.SIGNED, actor=actor, on=on, from_state=before, comment=comment.strip())
        _audit("sign", task, actor=actor, agency_id=task.lead_agency_id)
    return task


def _create_report(
    task: KeyTask,
    *,
    actor: User,
    agency: Agency,
    kind: str,
    text: str,
    percentage: int | None,
    documents: Sequence[Document],
    files: Iterable[tuple[UploadedFile, InspectedFile]],
    on: datetime.date,
) -> TaskReport:
    report = TaskReport.objects.create(
        task=task,
        agency=agency,
        kind=kind,
        percentage=percentage,
        text=text,
        reported_on=on,
        reported_at=_moment(on),
        reported_by=actor,
    )
    report.documents.set(documents)
    for upload, inspected in files:
        _store_file(TaskReportFile(report=report, uploaded_by=actor), upload, inspected)
    return report


def _evidence(
    *, actor: User, document_numbers: Sequence[str], files: Sequence[UploadedFile]
) -> tuple[list[Document], list[tuple[UploadedFile, InspectedFile]]]:
    return resolve_documents(document_numbers, user=actor), inspect_files(files)


def report_progress(
    task: KeyTask,
    *,
    actor: User,
    text: str,
    percentage: int | None = None,
    document_numbers: Sequence[str] = (),
    files: Sequence[UploadedFile] = (),
    on: datetime.date | None = None,
) -> TaskReport:
    """Report progress with evidence (catalogue documents by index number, files).

    The lead agency gives the percentage done, which becomes the task's progress; its first
    report after signing (or after being sent back) puts the task in progress. A
    co-responsible agency reports its part without a percentage and changes no state."""
    on = _date(on)
    _require(permissions.can_report_on_task(actor, task))  # before reading any evidence
    text = _text(text, field="text", message=_("Say what has been done."))
    documents, stored = _evidence(actor=actor, document_numbers=document_numbers, files=files)
    with transaction.atomic():
        task = _locked_task(task)
        lead = permissions.can_act_as_lead(actor, task)
        contributor = None if lead else permissions.contributing_agency(actor, task)
        _require(lead or contributor is not None)
        if task.state not in WORKING_STATES:
            if task.state == State.ASSIGNED:
                raise PlanError(_("Sign for the task before reporting on it."))
            raise PlanError(_("Progress is reported while the task is being worked on."))
        if lead:
            if percentage is None or not 0 <= percentage <= 100:
                raise PlanError(_("Give the percentage done, from 0 to 100."), field="percentage")
            before = task.state
            if task.state != State.IN_PROGRESS:
                transition(task, State.IN_PROGRESS)
            task.progress = percentage
            task.save(update_fields=["state", "progress", "updated_at"])
            report = _create_report(
                task, actor=actor, agency=task.lead_agency, kind=TaskReport.Kind.PROGRESS,
                text=text, percentage=percentage, documents=documents, files=stored, on=on,
            )  # fmt: skip
            _event(
                task, Code.PROGRESS_REPORTED, actor=actor, on=on, from_state=before,
                data={"report": report.pk, "percentage": percentage},
            )  # fmt: skip
        else:
            assert contributor is not None  # noqa: S101 — checked by _require above
            report = _create_report(
                task, actor=actor, agency=contributor, kind=TaskReport.Kind.PROGRESS,
                text=text, percentage=None, documents=documents, files=stored, on=on,
            )  # fmt: skip
            _event(
                task, Code.CONTRIBUTION_REPORTED, actor=actor, on=on, from_state=task.state,
                data={"report": report.pk, "agency": contributor.pk},
            )  # fmt: skip
        _audit("report_progress", task, actor=actor, agency_id=report.agency_id, report=report.pk)
    return report


def request_extension(
    task: KeyTask,
    *,
    actor: User,
    until: datetime.date,
    reason: str,
    on: datetime.date | None = None,
) -> KeyTask:
    """The lead agency asks for a later deadline (延期), with its reason; the office decides.
    One request at a time."""
    on = _date(on)
    reason = _text(reason, field="reason", message=_("Say why more time is needed."))
    with transaction.atomic():
        task = _locked_task(task)
        _require(permissions.can_act_as_lead(actor, task))
        if task.state not in WORKING_STATES:
            raise PlanError(_("An extension is asked for while the task is being worked on."))
        if task.extension_requested_until is not None:
            raise PlanError(_("An extension request is waiting for the office's decision."))
        if until <= task.deadline:
            raise PlanError(
                _("Ask for a day after the present deadline, %(date)s.")
                % {"date": task.deadline.isoformat()},
                field="until",
            )
        task.extension_requested_until = until
        task.extension_reason = reason
        task.save(update_fields=["extension_requested_until", "extension_reason", "updated_at"])
        _event(
            task, Code.EXTENSION_REQUESTED, actor=actor, on=on, from_state=task.state,
            comment=reason,
            data={"deadline": task.deadline.isoformat(), "until": until.isoformat()},
        )  # fmt: skip
        _audit("request_extension", task, actor=actor, agency_id=task.lead_agency_id)
    return task


def decide_extension(
    task: KeyTask,
    *,
    actor: User,
    approve: bool,
    until: datetime.date | None = None,
    comment: str = "",
    on: datetime.date | None = None,
) -> KeyTask:
    """The office approves the extension — to the day asked for, or another day after the
    present deadline — or refuses it with the reason. The state does not change."""
    _require(permissions.can_manage_plans(actor), _("Only the disclosure office decides this."))
    on = _date(on)
    comment = comment.strip()
    if not approve and not comment:
        raise PlanError(_("Say why the extension is refused."), field="comment")
    with transaction.atomic():
        task = _locked_task(task)
        requested = task.extension_requested_until
        if requested is None:
            raise PlanError(_("No extension request is waiting for a decision."))
        data: dict[str, Any] = {"deadline": task.deadline.isoformat(),
                                "requested": requested.isoformat()}  # fmt: skip
        if approve:
            new_deadline = until or requested
            if new_deadline <= task.deadline:
                raise PlanError(
                    _("The new deadline must be after the present one, %(date)s.")
                    % {"date": task.deadline.isoformat()},
                    field="until",
                )
            data["until"] = new_deadline.isoformat()
            task.deadline = new_deadline
            code = Code.EXTENSION_APPROVED
        else:
            code = Code.EXTENSION_REFUSED
        task.extension_requested_until = None
        task.extension_reason = ""
        task.save(
            update_fields=["deadline", "extension_requested_until", "extension_reason",
                           "updated_at"]
        )  # fmt: skip
        _event(task, code, actor=actor, on=on, from_state=task.state, comment=comment, data=data)
        _audit(
            "approve_extension" if approve else "refuse_extension",
            task,
            actor=actor,
            agency_id=task.lead_agency_id,
        )
    return task


def report_completion(
    task: KeyTask,
    *,
    actor: User,
    text: str,
    document_numbers: Sequence[str] = (),
    files: Sequence[UploadedFile] = (),
    on: datetime.date | None = None,
) -> TaskReport:
    """The lead agency reports the task done (报请办结) with its evidence; the office accepts or
    sends it back. A pending extension request lapses: the task needs no more time."""
    on = _date(on)
    _require(permissions.can_act_as_lead(actor, task))  # before reading any evidence
    text = _text(text, field="text", message=_("Say what was done and where it can be seen."))
    documents, stored = _evidence(actor=actor, document_numbers=document_numbers, files=files)
    with transaction.atomic():
        task = _locked_task(task)
        _require(permissions.can_act_as_lead(actor, task))
        if task.state == State.ASSIGNED:
            raise PlanError(_("Sign for the task before reporting on it."))
        before = transition(task, State.COMPLETION_REPORTED)
        if task.extension_requested_until is not None:
            _event(
                task, Code.EXTENSION_WITHDRAWN, actor=actor, on=on, from_state=before,
                data={"requested": task.extension_requested_until.isoformat()},
            )  # fmt: skip
            task.extension_requested_until = None
            task.extension_reason = ""
        task.completion_reported_on = on
        task.save(
            update_fields=["state", "completion_reported_on", "extension_requested_until",
                           "extension_reason", "updated_at"]
        )  # fmt: skip
        report = _create_report(
            task, actor=actor, agency=task.lead_agency, kind=TaskReport.Kind.COMPLETION,
            text=text, percentage=None, documents=documents, files=stored, on=on,
        )  # fmt: skip
        _event(
            task, Code.COMPLETION_REPORTED, actor=actor, on=on, from_state=before,
            data={"report": report.pk, "on_time": on <= task.deadline,
                  "deadline": task.deadline.isoformat()},
        )  # fmt: skip
        _audit("report_completion", task, actor=actor, agency_id=task.lead_agency_id)
    return report


def accept_task(
    task: KeyTask, *, actor: User, comment: str = "", on: datetime.date | None = None
) -> KeyTask:
    """The office accepts the reported completion (办结): the task is done, at 100%."""
    _require(permissions.can_manage_plans(actor), _("Only the disclosure office accepts tasks."))
    on = _date(on)
    with transaction.atomic():
        task = _locked_task(task)
        before = transition(task, State.ACCEPTED)
        task.accepted_on = on
        task.progress = 100
        task.save(update_fields=["state", "accepted_on", "progress", "updated_at"])
        on_time = task.completion_reported_on is not None and (
            task.completion_reported_on <= task.deadline
        )
        _event(
            task, Code.ACCEPTED, actor=actor, on=on, from_state=before, comment=comment.strip(),
            data={"on_time": on_time, "deadline": task.deadline.isoformat(),
                  "reported_on": task.completion_reported_on.isoformat()
                  if task.completion_reported_on else ""},
        )  # fmt: skip
        _audit("accept", task, actor=actor, agency_id=task.lead_agency_id, on_time=on_time)
    return task


def send_back_task(
    task: KeyTask, *, actor: User, reason: str, on: datetime.date | None = None
) -> KeyTask:
    """The office sends the reported completion back, saying what is missing. The reason is
    for the agency: the public page shows the task as in progress."""
    _require(permissions.can_manage_plans(actor), _("Only the disclosure office decides this."))
    on = _date(on)
    reason = _text(reason, field="reason", message=_("Say what is missing."))
    with transaction.atomic():
        task = _locked_task(task)
        before = transition(task, State.SENT_BACK)
        task.save(update_fields=["state", "updated_at"])
        _event(task, Code.SENT_BACK, actor=actor, on=on, from_state=before, comment=reason)
        _audit("send_back", task, actor=actor, agency_id=task.lead_agency_id)
    return task


# --------------------------------------------------------------------------- reminders


def _acting_addresses(agency_id: int) -> list[str]:
    """The e-mail addresses of an agency's heads and editors (who act for it on tasks)."""
    rows = StaffRole.objects.filter(
        agency_id=agency_id, role__in=permissions.ACTING_ROLES
    ).select_related("user")
    return sorted({row.user.email for row in rows if row.user.email and row.user.is_active})


def task_url(task: KeyTask) -> str:
    site = getattr(settings, "GONGKAI_SITE_URL", "").rstrip("/")
    return site + reverse("plans_staff:task", args=[task.pk])


def _reminder_mail(task: KeyTask, warning: TaskWarning, address: str) -> None:
    values = {
        "number": task.number,
        "title": task.title,
        "year": task.plan.year,
        "date": task.deadline.isoformat(),
        "level": warning.label,
        "left": warning.text,
        "state": KeyTask.State(task.state).label,
        "url": task_url(task),
    }
    if warning.level == Level.RED:
        subject = _("Key task %(number)s is overdue since %(date)s") % values
    else:
        subject = _("Key task %(number)s is due on %(date)s (%(level)s)") % values
    body = (
        _(
            "Key task %(number)s of the %(year)s plan, “%(title)s”: %(state)s, deadline "
            "%(date)s. %(level)s: %(left)s Open it in the workbench: %(url)s"
        )
        % values
    )
    queue_mail(to=address, subject=subject, body=body, topic="plans.reminder")


def remind_task(
    task: KeyTask, *, today: datetime.date | None = None, config: PlanSettings | None = None
) -> TaskReminder | None:
    """The daily job: remind the lead agency's heads and editors once the task reaches a
    warning level — at most once per level and deadline (an approved extension starts again).
    Returns None when nothing was due, so that a second run does nothing."""
    today = today or _today()
    config = config or plan_settings()
    with transaction.atomic():
        task = _locked_task(task)
        warning = task_warning(task, today=today, settings=config)
        if not warning.is_warning:
            return None
        if task.reminders.filter(level=warning.level, deadline=task.deadline).exists():
            return None
        addresses = _acting_addresses(task.lead_agency_id)
        for address in addresses:
            _reminder_mail(task, warning, address)
        reminder = TaskReminder.objects.create(
            task=task,
            level=warning.level,
            deadline=task.deadline,
            sent_on=today,
            recipients=len(addresses),
        )
        TaskEvent.objects.create(
            task=task,
            code=Code.REMINDED,
            at=timezone.now(),
            on=today,
            from_state=task.state,
            to_state=task.state,
            data={"level": warning.level, "left": warning.left, "recipients": len(addresses)},
        )
    return reminder


# --------------------------------------------------------------------------- notices


def _notice_event(
    notice: SupervisionNotice,
    code: str,
    *,
    actor: User | None,
    on: datetime.date,
    from_state: str = "",
    to_state: str = "",
    recipient: NoticeRecipient | None = None,
    data: dict[str, Any] | None = None,
) -> NoticeEvent:
    last = notice.events.order_by("-on").values_list("on", flat=True).first()
    if last is not None and on < last:
        raise PlanError(
            _("The date cannot be before %(date)s, the last step of this notice.")
            % {"date": last.isoformat()},
            field="on",
        )
    return NoticeEvent.objects.create(
        notice=notice,
        recipient=recipient,
        code=code,
        at=_moment(on),
        on=on,
        actor=actor,
        from_state=from_state,
        to_state=to_state or notice.state,
        data=data or {},
    )


def create_notice(
    *,
    actor: User,
    subject: str,
    text: str,
    reply_deadline: datetime.date,
    agencies: Sequence[Agency],
    plan: WorkPlan | None = None,
    doc_number: str = "",
    on: datetime.date | None = None,
) -> SupervisionNotice:
    """Write a supervision notice (督查通知) to the agencies named; it stays a draft, seen by
    the office only, until it is issued."""
    _require(permissions.can_manage_plans(actor), _("Only the disclosure office issues notices."))
    on = _date(on)
    subject = _text(subject, field="subject", message=_("Give the subject."), maximum=TITLE_MAX)
    text = _text(text, field="text", message=_("Write the notice."), maximum=20_000)
    unique = list({agency.pk: agency for agency in agencies}.values())
    if not unique:
        raise PlanError(_("Choose the agencies the notice goes to."), field="agencies")
    if reply_deadline < on:
        raise PlanError(_("The reply deadline cannot be in the past."), field="reply_deadline")
    with transaction.atomic():
        notice = SupervisionNotice.objects.create(
            plan=plan,
            doc_number=doc_number.strip(),
            subject=subject,
            text=text,
            reply_deadline=reply_deadline,
            created_by=actor,
        )
        NoticeRecipient.objects.bulk_create(
            NoticeRecipient(notice=notice, agency=agency) for agency in unique
        )
        _notice_event(notice, NoticeEvent.Code.CREATED, actor=actor, on=on,
                      data={"agencies": [agency.pk for agency in unique]})  # fmt: skip
        _audit("create_notice", notice, actor=actor, agency_id=None, agencies=len(unique))
    return notice


def _locked_notice(notice: SupervisionNotice) -> SupervisionNotice:
    return SupervisionNotice.objects.select_for_update().get(pk=notice.pk)


def issue_notice(
    notice: SupervisionNotice, *, actor: User, on: datetime.date | None = None
) -> SupervisionNotice:
    """Send the notice: each agency sees it and answers by the reply deadline."""
    _require(permissions.can_manage_plans(actor), _("Only the disclosure office issues notices."))
    on = _date(on)
    with transaction.atomic():
        notice = _locked_notice(notice)
        before = transition_notice(notice, NoticeState.ISSUED)
        if notice.reply_deadline < on:
            raise PlanError(_("The reply deadline has passed: correct it before issuing."))
        notice.issued_on = on
        notice.save(update_fields=["state", "issued_on", "updated_at"])
        _notice_event(notice, NoticeEvent.Code.ISSUED, actor=actor, on=on, from_state=before)
        _audit("issue_notice", notice, actor=actor, agency_id=None)
    return notice


def answer_notice(
    recipient: NoticeRecipient,
    *,
    actor: User,
    text: str,
    files: Sequence[UploadedFile] = (),
    on: datetime.date | None = None,
) -> NoticeRecipient:
    """A recipient agency's head or editor answers the notice with its report (and files).
    Once, while the notice is issued; an answer after the reply deadline is marked late."""
    on = _date(on)
    _require(
        permissions.can_answer_notice(actor, recipient),
        _("Only the head or editor of an agency the notice went to answers it."),
    )
    text = _text(text, field="text", message=_("Write your agency's report."), maximum=20_000)
    stored = inspect_files(files)
    with transaction.atomic():
        recipient = (
            NoticeRecipient.objects.select_for_update(of=("self",))
            .select_related("agency", "notice")
            .get(pk=recipient.pk)
        )
        _require(
            permissions.can_answer_notice(actor, recipient),
            _("Only the head or editor of an agency the notice went to answers it."),
        )
        notice = _locked_notice(recipient.notice)
        if notice.state != NoticeState.ISSUED:
            raise PlanError(_("This notice takes no answers now."))
        if notice.issued_on is not None and on < notice.issued_on:
            raise PlanError(_("The date cannot be before the notice was issued."), field="on")
        before = answer_recipient(recipient)
        recipient.reply_text = text
        recipient.replied_on = on
        recipient.replied_at = _moment(on)
        recipient.replied_by = actor
        recipient.late = on > notice.reply_deadline
        recipient.save(
            update_fields=["state", "reply_text", "replied_on", "replied_at", "replied_by",
                           "late"]
        )  # fmt: skip
        for upload, inspected in stored:
            _store_file(NoticeReplyFile(recipient=recipient, uploaded_by=actor), upload, inspected)
        NoticeEvent.objects.create(
            notice=notice,
            recipient=recipient,
            code=NoticeEvent.Code.ANSWERED,
            at=recipient.replied_at,
            on=on,
            actor=actor,
            from_state=before,
            to_state=recipient.state,
            data={"agency": recipient.agency_id, "late": recipient.late, "files": len(stored)},
        )
        _audit(
            "answer_notice", notice, actor=actor, agency_id=recipient.agency_id,
            late=recipient.late,
        )  # fmt: skip
    return recipient


def close_notice(
    notice: SupervisionNotice, *, actor: User, on: datetime.date | None = None
) -> SupervisionNotice:
    """End the notice: no more answers; the agencies that did not answer stay recorded so."""
    _require(permissions.can_manage_plans(actor), _("Only the disclosure office closes notices."))
    on = _date(on)
    with transaction.atomic():
        notice = _locked_notice(notice)
        before = transition_notice(notice, NoticeState.CLOSED)
        if notice.issued_on is not None and on < notice.issued_on:
            raise PlanError(_("The date cannot be before the notice was issued."), field="on")
        notice.closed_on = on
        notice.save(update_fields=["state", "closed_on", "updated_at"])
        waiting = notice.recipients.filter(state=NoticeRecipient.State.WAITING).count()
        _notice_event(notice, NoticeEvent.Code.CLOSED, actor=actor, on=on, from_state=before,
                      data={"unanswered": waiting})  # fmt: skip
        _audit("close_notice", notice, actor=actor, agency_id=None, unanswered=waiting)
    return notice
