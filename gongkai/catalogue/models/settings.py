"""Per-agency catalogue settings and the configurable screening lists."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from gongkai.agencies.models import Agency

DEFAULT_INDEX_PATTERN = "{org_code}/{year}-{serial:05d}"
DEFAULT_REGISTRATION_PATTERN = "{org_code}-{year}-{serial:04d}"


class AgencyCatalogueSettings(models.Model):
    """How an agency numbers and paces its disclosure. Missing rows mean the defaults."""

    agency = models.OneToOneField(
        Agency,
        verbose_name=_("agency"),
        on_delete=models.CASCADE,
        related_name="catalogue_settings",
    )
    index_pattern = models.CharField(  # 索引号 pattern
        _("index number pattern"), max_length=100, default=DEFAULT_INDEX_PATTERN
    )
    registration_pattern = models.CharField(  # 统一登记编号 pattern of normative documents
        _("registration number pattern"), max_length=100, default=DEFAULT_REGISTRATION_PATTERN
    )
    publication_limit_days = models.PositiveSmallIntegerField(  # REG 26
        _("publication limit (working days)"), default=20
    )
    interpretation_lag_days = models.PositiveSmallIntegerField(  # 三同步: default 3
        _("interpretation lag (working days)"), default=3
    )
    reassess_months = models.PositiveSmallIntegerField(  # REG 18: default yearly
        _("re-assessment interval (months)"), default=12
    )

    class Meta:
        verbose_name = _("catalogue settings")
        verbose_name_plural = _("catalogue settings")

    def __str__(self) -> str:
        return str(self.agency)


class SensitiveTerm(models.Model):
    """A configured expression the screening looks for before anything is published."""

    class Kind(models.TextChoices):
        SECRECY = "secrecy", _("secrecy marking")  # blocks approval
        SENSITIVE = "sensitive", _("sensitive expression")  # a warning for the reviewer
        MISTAKEN = "mistaken", _("commonly mistaken expression")  # with the correct form

    term = models.CharField(_("expression"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    suggestion = models.CharField(_("correct form"), max_length=100, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["kind", "term"]
        verbose_name = _("screening expression")
        verbose_name_plural = _("screening expressions")
        constraints = [
            models.UniqueConstraint(fields=["term", "kind"], name="sensitive_term_unique"),
        ]

    def __str__(self) -> str:
        return self.term
