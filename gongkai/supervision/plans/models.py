"""The year's key tasks (重点工作安排表) and supervision notices (督查通知).

A :class:`WorkPlan` per year holds :class:`TaskCategory` rows and the :class:`KeyTask` rows
the disclosure office assigns to a lead agency (牵头单位) and any co-responsible agencies
(配合单位), each with a deadline, the expected output and a weight for the roll-up. The lead
agency signs for the task (签收), reports progress with evidence (:class:`TaskReport`: linked
catalogue documents and uploaded files), may ask for a later deadline and reports completion;
the office accepts it (办结) or sends it back.

A task's state is changed only by ``plans.services`` through ``plans.workflow``; every change
writes a :class:`TaskEvent`, the append-only history. The task's ``progress`` is a cache of
the lead agency's latest reported percentage (100 once accepted), refreshed by the services in
the same transaction; the reports are the truth.

A :class:`SupervisionNotice` goes from the office to one or more agencies
(:class:`NoticeRecipient`), each of which answers with a report by the reply deadline; an
answer after it is marked late. :class:`NoticeEvent` is its history.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongkai.agencies.models import Agency

DEFAULT_BLUE_DAYS = 10
DEFAULT_YELLOW_DAYS = 3


class PlanSettings(models.Model):
    """The government's warning thresholds for key tasks (one row; missing means the
    defaults): blue when the deadline is at most ``blue_days`` working days away, yellow at
    most ``yellow_days``, red once it has passed."""

    blue_days = models.PositiveSmallIntegerField(
        _("blue warning at (working days left)"), default=DEFAULT_BLUE_DAYS
    )
    yellow_days = models.PositiveSmallIntegerField(
        _("yellow warning at (working days left)"), default=DEFAULT_YELLOW_DAYS
    )

    class Meta:
        verbose_name = _("key task settings")
        verbose_name_plural = _("key task settings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(yellow_days__lt=models.F("blue_days")),
                name="plan_settings_yellow_before_blue",
            ),
        ]

    def __str__(self) -> str:
        return str(self._meta.verbose_name)


class WorkPlan(models.Model):
    """The key-task plan of one year (重点工作安排表), issued by the government or its office."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    agency = models.ForeignKey(  # the government or its general office
        Agency,
        verbose_name=_("issued by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    title = models.CharField(_("title"), max_length=200)
    doc_number = models.CharField(  # 文号 of the document that issued it, e.g. 张政办发〔2014〕50号
        _("document number"), max_length=100, blank=True
    )
    description = models.TextField(_("description"), blank=True)
    published = models.BooleanField(_("published on the portal"), default=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("work plan")
        verbose_name_plural = _("work plans")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(year__gte=2000, year__lte=2100), name="work_plan_year_range"
            ),
            models.CheckConstraint(
                condition=models.Q(published=False) | models.Q(published_at__isnull=False),
                name="work_plan_published_has_time",
            ),
        ]

    def __str__(self) -> str:
        return self.display_title

    @property
    def display_title(self) -> str:
        """The title with its year in front, unless the title says the year already."""
        return self.title if str(self.year) in self.title else f"{self.year} {self.title}"


class TaskCategory(models.Model):
    """A category of a plan's tasks (the seed's plan has nine), shown in ``order``."""

    plan = models.ForeignKey(
        WorkPlan, verbose_name=_("work plan"), on_delete=models.CASCADE, related_name="categories"
    )
    order = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(pgettext_lazy("category", "name"), max_length=100)

    class Meta:
        ordering = ["plan", "order", "id"]
        verbose_name = _("task category")
        verbose_name_plural = _("task categories")
        constraints = [
            models.UniqueConstraint(fields=["plan", "order"], name="task_category_order_unique"),
            models.UniqueConstraint(fields=["plan", "name"], name="task_category_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class KeyTask(models.Model):
    """One task of the plan, from assignment to acceptance."""

    class State(models.TextChoices):
        ASSIGNED = (
            "assigned",
            pgettext_lazy("key task", "assigned"),
        )  # 已交办: waiting for the lead agency to sign
        SIGNED = (
            "signed",
            pgettext_lazy("key task", "signed for"),
        )  # 已签收: no progress reported yet
        IN_PROGRESS = "in_progress", pgettext_lazy("key task", "in progress")  # 推进中
        COMPLETION_REPORTED = (
            "completion_reported",
            pgettext_lazy("key task", "completion reported"),
        )  # 待验收
        SENT_BACK = (
            "sent_back",
            pgettext_lazy("key task", "sent back"),
        )  # 退回: the office wants more before accepting
        ACCEPTED = "accepted", pgettext_lazy("key task", "accepted")  # 已办结 (final)

    plan = models.ForeignKey(
        WorkPlan, verbose_name=_("work plan"), on_delete=models.PROTECT, related_name="tasks"
    )
    category = models.ForeignKey(
        TaskCategory, verbose_name=_("category"), on_delete=models.PROTECT, related_name="tasks"
    )
    number = models.PositiveSmallIntegerField(_("number"))  # within the plan: 1, 2, … 42
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    expected_output = models.TextField(_("expected output"))  # 预期成果
    lead_agency = models.ForeignKey(  # 牵头单位
        Agency,
        verbose_name=_("lead agency"),
        on_delete=models.PROTECT,
        related_name="led_key_tasks",
    )
    co_agencies = models.ManyToManyField(  # 配合单位
        Agency,
        verbose_name=_("co-responsible agencies"),
        blank=True,
        related_name="shared_key_tasks",
    )
    deadline = models.DateField(_("deadline"))  # as extended
    original_deadline = models.DateField(_("original deadline"))
    weight = models.PositiveSmallIntegerField(
        _("weight"),
        default=1,
        help_text=_("How much the task counts in its category's and the plan's progress."),
    )
    state = models.CharField(
        _("state"), max_length=24, choices=State.choices, default=State.ASSIGNED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)  # cache, see above
    assigned_on = models.DateField(_("assigned on"))
    signed_on = models.DateField(_("signed for on"), null=True, blank=True)
    completion_reported_on = models.DateField(_("completion reported on"), null=True, blank=True)
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    # A pending request for a later deadline (at most one at a time).
    extension_requested_until = models.DateField(
        _("extension requested until"), null=True, blank=True
    )
    extension_reason = models.TextField(_("reason for the extension"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["plan", "category__order", "number"]
        verbose_name = _("key task")
        verbose_name_plural = _("key tasks")
        indexes = [
            models.Index(fields=["state", "deadline"], name="key_task_queue"),
            models.Index(fields=["lead_agency", "state"], name="key_task_agency"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="key_task_number_unique"),
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="key_task_progress_percent"
            ),
            models.CheckConstraint(
                condition=models.Q(weight__gte=1, weight__lte=100), name="key_task_weight_range"
            ),
            models.CheckConstraint(
                condition=~models.Q(state="accepted")
                | (models.Q(accepted_on__isnull=False) & models.Q(progress=100)),
                name="key_task_accepted_is_complete",
            ),
            models.CheckConstraint(
                condition=models.Q(extension_requested_until__isnull=True)
                | models.Q(extension_requested_until__gt=models.F("deadline")),
                name="key_task_extension_after_deadline",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    @property
    def is_open(self) -> bool:
        return self.state != self.State.ACCEPTED

    @property
    def extended(self) -> bool:
        return self.deadline != self.original_deadline


class TaskReport(models.Model):
    """What an agency reported about a task: progress (the lead agency gives a percentage; a
    co-responsible agency reports its part without one) or completion (报请办结)."""

    class Kind(models.TextChoices):
        PROGRESS = "progress", _("progress report")
        COMPLETION = "completion", _("completion report")

    task = models.ForeignKey(
        KeyTask, verbose_name=_("key task"), on_delete=models.CASCADE, related_name="reports"
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("reported by agency"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    percentage = models.PositiveSmallIntegerField(_("progress (%)"), null=True, blank=True)
    text = models.TextField(_("report"))
    documents = models.ManyToManyField(  # evidence published in (or held by) the catalogue
        "catalogue.Document", verbose_name=_("documents"), blank=True, related_name="+"
    )
    reported_on = models.DateField(_("reported on"))
    reported_at = models.DateTimeField(_("reported at"))
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["reported_on", "reported_at", "id"]
        verbose_name = _("task report")
        verbose_name_plural = _("task reports")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(percentage__isnull=True) | models.Q(percentage__lte=100),
                name="task_report_percent",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="progress") | models.Q(percentage__isnull=True),
                name="task_report_completion_has_no_percent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task} {self.get_kind_display()} {self.reported_on}"


def evidence_path(instance: models.Model, filename: str) -> str:
    """A random name outside any public path: files are served by permission-checked views."""
    return f"key-tasks/{secrets.token_hex(2)}/{secrets.token_hex(16)}"


class EvidenceFile(models.Model):
    """An uploaded file: fields shared by a task report's files and a notice answer's."""

    file = models.FileField(_("file"), upload_to=evidence_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        abstract = True
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class TaskReportFile(EvidenceFile):
    """A file given as evidence with a task report; never on a public page."""

    report = models.ForeignKey(TaskReport, on_delete=models.CASCADE, related_name="files")

    class Meta(EvidenceFile.Meta):
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")


class TaskEvent(models.Model):
    """One thing that happened to a task: append-only, never edited. ``comment`` is what
    staff wrote (internal: never on the public page); ``data`` holds codes, ids and dates."""

    class Code(models.TextChoices):
        ASSIGNED = "assigned", pgettext_lazy("key task", "assigned")
        UPDATED = "updated", pgettext_lazy("key task", "changed by the office")
        SIGNED = "signed", pgettext_lazy("key task", "signed for")
        PROGRESS_REPORTED = "progress_reported", pgettext_lazy("key task", "progress reported")
        CONTRIBUTION_REPORTED = (
            "contribution_reported",
            pgettext_lazy("key task", "co-responsible agency reported"),
        )
        EXTENSION_REQUESTED = (
            "extension_requested",
            pgettext_lazy("key task", "extension requested"),
        )
        EXTENSION_APPROVED = "extension_approved", pgettext_lazy("key task", "extension approved")
        EXTENSION_REFUSED = "extension_refused", pgettext_lazy("key task", "extension refused")
        EXTENSION_WITHDRAWN = (
            "extension_withdrawn",
            pgettext_lazy("key task", "extension request withdrawn"),
        )
        COMPLETION_REPORTED = (
            "completion_reported",
            pgettext_lazy("key task", "completion reported"),
        )
        SENT_BACK = "sent_back", pgettext_lazy("key task", "sent back")
        ACCEPTED = "accepted", pgettext_lazy("key task", "accepted")
        REMINDED = "reminded", pgettext_lazy("key task", "reminder sent")

    task = models.ForeignKey(
        KeyTask, on_delete=models.CASCADE, related_name="events", verbose_name=_("key task")
    )
    code = models.CharField(_("event"), max_length=32, choices=Code.choices)
    at = models.DateTimeField(_("time"))
    on = models.DateField(_("date"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("by"),
    )
    from_state = models.CharField(max_length=24, blank=True)
    to_state = models.CharField(max_length=24, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["on", "at", "id"]
        verbose_name = _("key task event")
        verbose_name_plural = _("key task events")
        indexes = [models.Index(fields=["task", "code"], name="key_task_event_code")]

    def __str__(self) -> str:
        return f"{self.task_id} {self.code} {self.on}"


class TaskReminder(models.Model):
    """A warning reminder sent for a task: at most one per level and deadline (a deadline
    moved by an extension is reminded afresh). The daily job's repeat safety rests on the
    unique constraint."""

    class Level(models.TextChoices):
        BLUE = "blue", _("blue")
        YELLOW = "yellow", _("yellow")
        RED = "red", _("red")

    task = models.ForeignKey(KeyTask, on_delete=models.CASCADE, related_name="reminders")
    level = models.CharField(_("level"), max_length=8, choices=Level.choices)
    deadline = models.DateField(_("deadline"))
    sent_on = models.DateField(_("sent on"))
    recipients = models.PositiveSmallIntegerField(_("recipients"), default=0)

    class Meta:
        ordering = ["sent_on", "id"]
        verbose_name = _("key task reminder")
        verbose_name_plural = _("key task reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["task", "level", "deadline"], name="key_task_reminder_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task_id} {self.level} {self.deadline}"


class SupervisionNotice(models.Model):
    """A supervision notice (督查通知) from the office to agencies, which answer by a date."""

    class State(models.TextChoices):
        DRAFT = (
            "draft",
            pgettext_lazy("notice", "draft"),
        )  # being written: the agencies do not see it
        ISSUED = "issued", pgettext_lazy("notice", "issued")  # 已下发: the agencies answer
        CLOSED = "closed", pgettext_lazy("notice", "closed")  # 已结束: no more answers

    plan = models.ForeignKey(  # the plan it supervises, if any
        WorkPlan,
        verbose_name=_("work plan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="notices",
    )
    doc_number = models.CharField(_("document number"), max_length=100, blank=True)
    subject = models.CharField(_("subject"), max_length=200)
    text = models.TextField(_("text"))
    reply_deadline = models.DateField(_("reply deadline"))
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default="draft")
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-issued_on", "-id"]
        verbose_name = _("supervision notice")
        verbose_name_plural = _("supervision notices")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state="draft") | models.Q(issued_on__isnull=False),
                name="notice_issued_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.subject


class NoticeRecipient(models.Model):
    """One agency a notice went to, and its answer (the report asked for)."""

    class State(models.TextChoices):
        WAITING = "waiting", _("waiting for the answer")
        ANSWERED = "answered", _("answered")

    notice = models.ForeignKey(
        SupervisionNotice, on_delete=models.CASCADE, related_name="recipients"
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.WAITING
    )
    reply_text = models.TextField(_("answer"), blank=True)
    replied_on = models.DateField(_("answered on"), null=True, blank=True)
    replied_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    late = models.BooleanField(_("late"), default=False)  # answered after the reply deadline

    class Meta:
        ordering = ["notice", "agency__sort_order", "id"]
        verbose_name = _("notice recipient")
        verbose_name_plural = _("notice recipients")
        constraints = [
            models.UniqueConstraint(fields=["notice", "agency"], name="notice_recipient_once"),
            models.CheckConstraint(
                condition=models.Q(state="waiting")
                | (models.Q(replied_on__isnull=False) & ~models.Q(reply_text="")),
                name="notice_answer_has_text_and_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.notice} → {self.agency}"


class NoticeReplyFile(EvidenceFile):
    """A file an agency sent with its answer to a notice."""

    recipient = models.ForeignKey(NoticeRecipient, on_delete=models.CASCADE, related_name="files")

    class Meta(EvidenceFile.Meta):
        verbose_name = _("answer file")
        verbose_name_plural = _("answer files")


class NoticeEvent(models.Model):
    """One thing that happened to a notice (issued, answered by an agency, closed)."""

    class Code(models.TextChoices):
        CREATED = "created", pgettext_lazy("notice", "written")
        ISSUED = "issued", pgettext_lazy("notice", "issued")
        ANSWERED = "answered", pgettext_lazy("notice", "answered")
        CLOSED = "closed", pgettext_lazy("notice", "closed")

    notice = models.ForeignKey(SupervisionNotice, on_delete=models.CASCADE, related_name="events")
    recipient = models.ForeignKey(
        NoticeRecipient, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    code = models.CharField(_("event"), max_length=16, choices=Code.choices)
    at = models.DateTimeField(_("time"))
    on = models.DateField(_("date"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    from_state = models.CharField(max_length=16, blank=True)
    to_state = models.CharField(max_length=16, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["on", "at", "id"]
        verbose_name = _("notice event")
        verbose_name_plural = _("notice events")

    def __str__(self) -> str:
        return f"{self.notice_id} {self.code} {self.on}"
