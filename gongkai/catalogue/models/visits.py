"""Page visits counted per page and day: no address, no cookie, no third party."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PageVisit(models.Model):
    """How many times a public page was viewed on a day (the annual report quotes the year)."""

    path = models.CharField(_("page"), max_length=300)
    day = models.DateField(_("day"))
    count = models.PositiveIntegerField(_("visits"), default=0)

    class Meta:
        verbose_name = _("page visits")
        verbose_name_plural = _("page visits")
        constraints = [
            models.UniqueConstraint(fields=["path", "day"], name="page_visit_unique"),
        ]
        indexes = [models.Index(fields=["day"])]

    def __str__(self) -> str:
        return f"{self.path} {self.day}: {self.count}"
