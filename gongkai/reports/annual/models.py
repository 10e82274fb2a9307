"""The annual report as a record: who reports, for which year, in which format, its prose with
every revision kept, and the catalogue document that publishes it.

The tables and figures are never stored while the report is being prepared: they are computed
from the records as of 31 December each time (``gongkai.reports.tables``), so they cannot go
stale. When the report is sent for publication its whole content is frozen in ``snapshot``
(the JSON of ``gongkai.reports.render.data``) and rendered into the catalogue document's body
and attachments; from then on the published text is the document's, reviewed and published by
the catalogue's workflow (保密审查), and a later change to the records never rewrites it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AnnualReport(models.Model):
    """One body's report for one year: an agency's own, or the whole government's."""

    class Scope(models.TextChoices):
        AGENCY = "agency", _("the agency's own work")
        GOVERNMENT = "government", _("the whole government")  # aggregates its member agencies

    class Format(models.TextChoices):
        FMT2021 = "fmt2021", _("national format of 2021 (国办公开办函〔2021〕30号)")
        FMT2019 = "fmt2019", _("trial format of 2019 (国办公开办函〔2019〕60号)")
        SEED2014 = "seed2014", _("the 2014 structure (一 概述 … 十一 问题及改进措施)")

    year = models.PositiveSmallIntegerField(_("year"))
    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("reporting body"),
        on_delete=models.PROTECT,
        related_name="annual_reports",
    )
    scope = models.CharField(_("scope"), max_length=16, choices=Scope.choices)
    format = models.CharField(_("format"), max_length=16, choices=Format.choices)
    document = models.OneToOneField(  # the catalogue document that publishes the report
        "catalogue.Document",
        verbose_name=_("catalogue document"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="annual_report",
    )
    snapshot = models.JSONField(_("frozen content"), default=dict, blank=True)
    submitted_at = models.DateTimeField(_("sent for publication at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        ordering = ["-year", "scope", "agency__sort_order"]
        verbose_name = _("annual report")
        verbose_name_plural = _("annual reports")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "agency", "scope"], name="annual_report_once_a_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency}{self.year}年政府信息公开工作年度报告"


class SectionRevision(models.Model):
    """One saved text of one prose section; the newest is the section's text. Revisions are
    never changed or deleted, so the office can see who wrote what and go back to it."""

    report = models.ForeignKey(
        AnnualReport,
        verbose_name=_("annual report"),
        on_delete=models.CASCADE,
        related_name="revisions",
    )
    section = models.CharField(_("section"), max_length=8)
    text = models.TextField(_("text"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("saved at"))

    class Meta:
        ordering = ["report", "section", "-created_at", "-id"]
        verbose_name = _("section revision")
        verbose_name_plural = _("section revisions")

    def __str__(self) -> str:
        return f"{self.report} · {self.section} · {self.created_at:%Y-%m-%d %H:%M}"


class ReportReminder(models.Model):
    """A reminder sent for a year's report that was not yet published (departments by
    31 January, the government by 31 March): at most one per body, year and stage."""

    class Stage(models.TextChoices):
        EARLY = "early", _("a month before the deadline")
        LATE = "late", _("a week before the deadline")
        OVERDUE = "overdue", _("the deadline has passed")

    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("reporting body"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    scope = models.CharField(_("scope"), max_length=16, choices=AnnualReport.Scope.choices)
    year = models.PositiveSmallIntegerField(_("year reported"))
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices)
    sent_on = models.DateField(_("sent on"))
    recipients = models.PositiveSmallIntegerField(_("recipients"), default=0)

    class Meta:
        ordering = ["-sent_on"]
        verbose_name = _("annual report reminder")
        verbose_name_plural = _("annual report reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "scope", "year", "stage"], name="report_reminder_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency} {self.year} {self.stage}"
