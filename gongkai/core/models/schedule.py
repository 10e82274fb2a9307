from django.db import models
from django.utils.translation import gettext_lazy as _


class ScheduledRun(models.Model):
    """One periodic job enqueued for one of its scheduled moments (``gongkai.core.scheduler``).

    The unique pair (job, slot) is what makes two schedulers safe: whichever inserts the row
    enqueues the job, in the same transaction; the other one's insert fails and it moves on.
    """

    job = models.CharField(_("job"), max_length=64)
    slot = models.DateTimeField(_("scheduled for"))
    enqueued_at = models.DateTimeField(_("enqueued"))
    task_id = models.CharField(_("task"), max_length=64, blank=True)

    class Meta:
        ordering = ["-slot", "job"]
        verbose_name = _("scheduled run")
        verbose_name_plural = _("scheduled runs")
        constraints = [
            models.UniqueConstraint(fields=["job", "slot"], name="core_scheduledrun_once"),
        ]
        indexes = [models.Index(fields=["slot"], name="core_scheduledrun_slot")]

    def __str__(self) -> str:
        return f"{self.job} @ {self.slot.isoformat()}"
