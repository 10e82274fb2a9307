from django.db import models
from django.utils.translation import gettext_lazy as _


class SerialCounter(models.Model):
    """The last serial number handed out in one scope (for example ``index:ORGCODE:2014``).

    Rows are locked with ``select_for_update`` inside the creating transaction, so numbers are
    unique, gap-free and never reused: a rolled-back creation rolls its number back with it.
    """

    scope = models.CharField(_("scope"), max_length=200, unique=True)
    last_value = models.PositiveBigIntegerField(_("last value"), default=0)

    class Meta:
        verbose_name = _("serial counter")
        verbose_name_plural = _("serial counters")

    def __str__(self) -> str:
        return f"{self.scope}: {self.last_value}"
