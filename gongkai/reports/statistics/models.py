"""Statistics forms (统计报表) as data, and the agencies' submissions of them (统计报送).

A :class:`StatisticsForm` is a definition the office keeps as data: what is asked
(:class:`StatisticsField` rows), how often (monthly, quarterly, yearly), by which day of the
following month it is due, and which agencies submit it. Each field is either computed by the
platform (``source`` names a metric of :mod:`.metrics`) or typed in by the agency.

A :class:`StatisticsSubmission` is one agency's answer for one period. It is prefilled from the
metrics when it is opened; ``values`` holds what stands now, ``prefilled`` what the records gave
(so that a manual change to a computed figure shows). States change only through
``statistics.services`` and ``statistics.workflow``; every change writes a
:class:`SubmissionEvent`. An accepted submission is locked for ever.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class StatisticsForm(models.Model):
    """The definition of one periodic statistics form (统计报表)."""

    class Period(models.TextChoices):
        MONTHLY = "monthly", _("monthly")  # 月报
        QUARTERLY = "quarterly", _("quarterly")  # 季报
        YEARLY = "yearly", _("yearly")  # 年报

    code = models.SlugField(_("code"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=200)  # Chinese content, e.g. 政务公开月报表
    description = models.TextField(_("description"), blank=True)
    period = models.CharField(_("period"), max_length=16, choices=Period.choices)
    due_day = models.PositiveSmallIntegerField(
        _("due on day"),
        help_text=_("The day of the month after the period by which the form is due (1–31)."),
    )
    remind_days = models.PositiveSmallIntegerField(_("remind this many days before"), default=3)
    all_members = models.BooleanField(_("every member agency submits"), default=True)
    agency_kinds = models.JSONField(  # Agency.Kind values, when not every member submits
        _("kinds of agency that submit"), default=list, blank=True
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("statistics form")
        verbose_name_plural = _("statistics forms")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(due_day__gte=1, due_day__lte=31), name="statistics_form_due_day"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class StatisticsField(models.Model):
    """One line of a form: computed from a metric (``source``) or typed in (manual)."""

    class Kind(models.TextChoices):
        INTEGER = "integer", _("whole number")
        DECIMAL = "decimal", _("decimal number")
        TEXT = "text", _("text")

    form = models.ForeignKey(
        StatisticsForm, verbose_name=_("form"), on_delete=models.CASCADE, related_name="fields"
    )
    key = models.SlugField(_("key"), max_length=40)
    label = models.CharField(_("label"), max_length=200)  # Chinese content
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    source = models.CharField(  # a metric key of statistics.metrics; blank: typed in
        _("computed from"), max_length=40, blank=True
    )
    help_text = models.CharField(_("help text"), max_length=300, blank=True)
    required = models.BooleanField(_("required"), default=True)

    class Meta:
        ordering = ["form", "order", "id"]
        verbose_name = _("statistics field")
        verbose_name_plural = _("statistics fields")
        constraints = [
            models.UniqueConstraint(fields=["form", "key"], name="statistics_field_key_once"),
            # A metric is a count: only number fields can be computed.
            models.CheckConstraint(
                condition=models.Q(source="") | ~models.Q(kind="text"),
                name="statistics_field_computed_is_number",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.form.code}.{self.key}"

    @property
    def is_computed(self) -> bool:
        return bool(self.source)


class StatisticsSubmission(models.Model):
    """One agency's form for one period (统计报送)."""

    class State(models.TextChoices):
        DRAFT = "draft", _("draft")  # the agency fills it in
        SUBMITTED = "submitted", _("submitted")  # waiting for the office's check
        RETURNED = "returned", _("returned")  # the office sent it back with a reason
        RESUBMITTED = "resubmitted", _("resubmitted")  # corrected, waiting for the check again
        ACCEPTED = "accepted", _("accepted")  # checked by the office; locked for ever

    form = models.ForeignKey(
        StatisticsForm,
        verbose_name=_("form"),
        on_delete=models.PROTECT,
        related_name="submissions",
    )
    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("agency"),
        on_delete=models.PROTECT,
        related_name="statistics_submissions",
    )
    period_key = models.CharField(_("period"), max_length=10)  # 2025-03, 2025-Q1, 2025
    period_start = models.DateField(_("first day"))
    period_end = models.DateField(_("last day"))
    due_on = models.DateField(_("due on"))
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.DRAFT)
    values = models.JSONField(_("values"), default=dict, blank=True)  # key -> text as entered
    prefilled = models.JSONField(  # key -> the metric's value when last read from the records
        _("computed values"), default=dict, blank=True
    )
    prefilled_at = models.DateTimeField(_("computed at"), null=True, blank=True)
    return_reason = models.TextField(_("reason for returning"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        ordering = ["-period_start", "form", "agency__sort_order", "agency_id"]
        verbose_name = _("statistics submission")
        verbose_name_plural = _("statistics submissions")
        constraints = [
            models.UniqueConstraint(
                fields=["form", "agency", "period_key"], name="statistics_submission_once"
            ),
            models.CheckConstraint(
                condition=~models.Q(state="accepted") | models.Q(accepted_at__isnull=False),
                name="statistics_submission_accepted_has_time",
            ),
            models.CheckConstraint(
                condition=~models.Q(state="returned") | ~models.Q(return_reason=""),
                name="statistics_submission_returned_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["state", "due_on"], name="statistics_submission_queue")]

    def __str__(self) -> str:
        return f"{self.form.code} {self.period_key} {self.agency_id}"

    @property
    def is_locked(self) -> bool:
        return self.state == self.State.ACCEPTED

    def is_overdue(self, today: datetime.date) -> bool:
        """Not yet submitted (draft, or returned and not resubmitted) after its due day."""
        return self.state in (self.State.DRAFT, self.State.RETURNED) and today > self.due_on

    def edited_keys(self) -> list[str]:
        """The computed fields whose value was changed by hand."""
        return sorted(
            key
            for key, computed in self.prefilled.items()
            if key in self.values and str(self.values[key]) != str(computed)
        )


class SubmissionEvent(models.Model):
    """One step in a submission's history: append-only."""

    class Code(models.TextChoices):
        OPENED = "opened", _("opened")  # created and prefilled
        SAVED = "saved", _("saved")
        PREFILLED = "prefilled", _("computed again")
        SUBMITTED = "submitted", _("submitted")
        RETURNED = "returned", _("returned")
        RESUBMITTED = "resubmitted", _("resubmitted")
        ACCEPTED = "accepted", _("accepted")
        REMINDED = "reminded", _("reminder sent")  # once, before the due day
        OVERDUE = "overdue", _("overdue notice sent")  # once, after the due day

    submission = models.ForeignKey(
        StatisticsSubmission,
        verbose_name=_("submission"),
        on_delete=models.CASCADE,
        related_name="events",
    )
    code = models.CharField(_("event"), max_length=16, choices=Code.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("time"))
    from_state = models.CharField(max_length=16, blank=True)
    to_state = models.CharField(max_length=16, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("submission event")
        verbose_name_plural = _("submission events")
        constraints = [
            # A reminder and an overdue notice are sent once a submission, whatever the job does.
            models.UniqueConstraint(
                fields=["submission", "code"],
                condition=models.Q(code__in=["reminded", "overdue"]),
                name="statistics_notice_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.submission} {self.code}"
