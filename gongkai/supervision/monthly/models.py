"""Monthly performance (每月公示) and the site-health watch.

A :class:`MonthlyPublication` is one version of one month's table: computed from the records
by :mod:`.figures`, checked by the disclosure office and published on the portal. Its
:class:`MonthlyFigure` rows are frozen copies — value and the ids of the records behind it — so
that a published month never changes when records change later; a correction is a new version
of the same month, published with a note, the earlier versions kept. The state is changed only
by ``monthly.services`` through ``monthly.workflow``; every change writes a
:class:`PublicationEvent`.

A :class:`HealthCheck` is the daily finding for one thing the government-website inspection
watches (REGULATION.md §5): the home page, a column of the portal or an agency's part of it,
an agency's letters. :class:`HealthSettings` holds the limits (data, with the inspection's
defaults).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class MonthlyPublication(models.Model):
    """One version of a month's performance table (每月公示)."""

    class State(models.TextChoices):
        DRAFT = "draft", _("draft")  # computed; the office checks it (recomputing is allowed)
        CHECKED = "checked", _("checked")  # checked by the office, waiting for publication
        PUBLISHED = "published", _("published")  # on the portal; frozen for ever

    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.DRAFT)
    correction_note = models.TextField(  # required from version 2 on: what was corrected, why
        _("correction note"), blank=True
    )
    computed_at = models.DateTimeField(_("computed at"))
    computed_by = models.ForeignKey(  # None: the monthly job
        settings.AUTH_USER_MODEL,
        verbose_name=_("computed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-year", "-month", "-version"]
        verbose_name = _("monthly publication")
        verbose_name_plural = _("monthly publications")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "month", "version"], name="monthly_publication_version_once"
            ),
            # At most one version of a month is being prepared at a time.
            models.UniqueConstraint(
                fields=["year", "month"],
                condition=~models.Q(state="published"),
                name="monthly_publication_one_open_version",
            ),
            models.CheckConstraint(
                condition=models.Q(month__gte=1, month__lte=12), name="monthly_publication_month"
            ),
            models.CheckConstraint(
                condition=models.Q(version__gte=1), name="monthly_publication_version_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(version=1) | ~models.Q(correction_note=""),
                name="monthly_publication_correction_has_note",
            ),
            models.CheckConstraint(
                condition=~models.Q(state="published") | models.Q(published_at__isnull=False),
                name="monthly_publication_published_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d} v{self.version}"

    @property
    def first_day(self) -> datetime.date:
        """The month's first day (for showing the month: ``|date:"YEAR_MONTH_FORMAT"``)."""
        return datetime.date(self.year, self.month, 1)

    @property
    def is_correction(self) -> bool:
        return self.version > 1

    @property
    def is_published(self) -> bool:
        return self.state == self.State.PUBLISHED


class MonthlyFigure(models.Model):
    """One frozen figure of one agency in one version of a month's table.

    ``record_ids`` are the primary keys of the records counted (which model depends on the
    figure's key, see :mod:`.figures`): the drill-down lists them, and ``value`` is their
    number. ``agency_name`` is the agency's name when the table was computed.
    """

    publication = models.ForeignKey(
        MonthlyPublication,
        verbose_name=_("publication"),
        on_delete=models.CASCADE,
        related_name="figures",
    )
    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+"
    )
    agency_name = models.CharField(_("agency name"), max_length=100)
    position = models.PositiveIntegerField(_("row"))  # the agency's row in the table
    key = models.CharField(_("figure"), max_length=40)
    value = models.PositiveIntegerField(_("value"))
    record_ids = models.JSONField(_("records counted"), default=list, blank=True)

    class Meta:
        ordering = ["publication", "position", "key"]
        verbose_name = _("monthly figure")
        verbose_name_plural = _("monthly figures")
        constraints = [
            models.UniqueConstraint(
                fields=["publication", "agency", "key"], name="monthly_figure_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.publication} {self.agency_name} {self.key}={self.value}"


class PublicationEvent(models.Model):
    """One step in a monthly publication's history: append-only."""

    class Code(models.TextChoices):
        COMPUTED = "computed", _("computed")
        RECOMPUTED = "recomputed", _("recomputed")
        CHECKED = "checked", _("checked")
        PUBLISHED = "published", _("published")
        CORRECTION_STARTED = "correction_started", _("correction started")

    publication = models.ForeignKey(
        MonthlyPublication,
        verbose_name=_("publication"),
        on_delete=models.CASCADE,
        related_name="events",
    )
    code = models.CharField(_("event"), max_length=32, choices=Code.choices)
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
        verbose_name = _("publication event")
        verbose_name_plural = _("publication events")

    def __str__(self) -> str:
        return f"{self.publication} {self.code}"


class HealthSettings(models.Model):
    """The limits of the site-health watch (one row; missing means these defaults).

    The defaults are the government-website inspection's (国办秘函〔2019〕19号): the home page
    and news columns updated at least every two weeks, notice and policy columns every six
    months, no letter left unanswered for more than three months.
    """

    news_days = models.PositiveSmallIntegerField(
        _("home page and news columns: days without an update"), default=14
    )
    notice_months = models.PositiveSmallIntegerField(
        _("notice and policy columns: months without an update"), default=6
    )
    letter_months = models.PositiveSmallIntegerField(
        _("letters: months without an answer"), default=3
    )
    warn_working_days = models.PositiveSmallIntegerField(
        _("warn this many working days before a limit"), default=3
    )

    class Meta:
        verbose_name = _("site-health settings")
        verbose_name_plural = _("site-health settings")
        constraints = [
            models.CheckConstraint(condition=models.Q(news_days__gte=1), name="health_news_days"),
            models.CheckConstraint(
                condition=models.Q(notice_months__gte=1), name="health_notice_months"
            ),
            models.CheckConstraint(
                condition=models.Q(letter_months__gte=1), name="health_letter_months"
            ),
        ]

    def __str__(self) -> str:
        return str(self._meta.verbose_name)


class HealthCheck(models.Model):
    """The finding of one day for one watched thing (REGULATION.md §5).

    ``scope_key`` names the thing (``site:home``, ``site:column:12``, ``agency:3:column:12``,
    ``agency:3:disclosure``, ``agency:3:letters`` …); the daily job writes one row a thing a
    day and, run again the same day, updates it. ``deadline`` is the last day before the limit
    is passed; ``warn_from`` the day the warning starts.
    """

    class Subject(models.TextChoices):
        HOME = "home", _("home page")  # the portal's home page
        COLUMN = "column", _("column")  # a column (栏目), the site's or an agency's part of it
        DISCLOSURE = "disclosure", _("disclosure column")  # an agency's 政府信息公开 as a whole
        LETTERS = "letters", _("letters")  # letters unanswered (留言办理)

    class State(models.TextChoices):
        OK = "ok", _("up to date")
        WARNING = "warning", _("limit near")  # within the warning days before the deadline
        OVERDUE = "overdue", _("limit passed")  # the inspection would fail it
        EMPTY = "empty", _("empty")  # nothing was ever published there

    checked_on = models.DateField(_("checked on"))
    scope_key = models.CharField(_("what was checked"), max_length=80)
    agency = models.ForeignKey(  # None: the site as a whole
        "agencies.Agency",
        verbose_name=_("agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    column = models.ForeignKey(  # a column removed later leaves its past findings (scope_key)
        "catalogue.Column",
        verbose_name=_("column"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    subject = models.CharField(_("subject"), max_length=16, choices=Subject.choices)
    state = models.CharField(_("state"), max_length=16, choices=State.choices)
    last_update = models.DateField(_("last update"), null=True, blank=True)
    deadline = models.DateField(_("limit"), null=True, blank=True)
    warn_from = models.DateField(_("warning from"), null=True, blank=True)
    record_ids = models.JSONField(_("records at issue"), default=list, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    checked_at = models.DateTimeField(_("checked at"))

    class Meta:
        ordering = ["checked_on", "scope_key"]
        verbose_name = _("site-health check")
        verbose_name_plural = _("site-health checks")
        constraints = [
            models.UniqueConstraint(
                fields=["checked_on", "scope_key"], name="health_check_once_a_day"
            ),
        ]
        indexes = [models.Index(fields=["checked_on", "state"], name="health_check_day_state")]

    def __str__(self) -> str:
        return f"{self.checked_on} {self.scope_key} {self.state}"
