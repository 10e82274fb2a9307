import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


def export_file_path(instance: "Export", filename: str) -> str:
    """A random name in private storage (media is never served by URL): the file is served
    only by the permission-checked download view, to the member of staff who asked for it."""
    return f"exports/{secrets.token_hex(2)}/{secrets.token_hex(16)}"


class Export(models.Model):
    """One export (导出) a member of staff asked for, built by a queued job
    (``gongkai.core.exports``, decision 0041).

    The file may hold personal data (survey answers): it is served to ``requested_by`` alone,
    its contents never appear in ``__str__``, a log line or ``error``; ``parameters`` hold ids
    and filter values only. Finished exports are deleted, file included, after
    ``GONGKAI_EXPORT_DAYS``.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("being prepared")  # asked for; waits for a worker
        RUNNING = "running", _("being built")  # a worker builds the file
        DONE = "done", _("ready")  # the file can be downloaded
        FAILED = "failed", _("failed")  # see the error; nothing to download

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="exports",
        verbose_name=_("requested by"),
    )
    kind = models.CharField(_("kind"), max_length=64)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    description = models.CharField(_("description"), max_length=300)
    language = models.CharField(_("language"), max_length=16)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.QUEUED)
    file = models.FileField(_("file"), upload_to=export_file_path, max_length=200, blank=True)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    content_type = models.CharField(_("content type"), max_length=200, blank=True)
    size = models.PositiveBigIntegerField(_("size"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("asked for"), db_index=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        indexes = [models.Index(fields=["requested_by", "-created_at"], name="core_export_mine")]
        constraints = [
            models.CheckConstraint(
                condition=Q(state="done", size__isnull=False) & ~Q(file="") | ~Q(state="done"),
                name="core_export_done_has_file",
            ),
        ]

    def __str__(self) -> str:
        return f"export {self.pk} ({self.kind})"
