from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):  # type: ignore[no-untyped-def]
        raise AuditImmutableError(_("Audit entries cannot be changed."))

    def delete(self):  # type: ignore[no-untyped-def]
        raise AuditImmutableError(_("Audit entries cannot be deleted."))

    def bulk_create(self, objs, *args, **kwargs):  # type: ignore[no-untyped-def]
        if kwargs.get("update_conflicts"):
            raise AuditImmutableError(_("Audit entries cannot be changed."))
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise AuditImmutableError(_("Audit entries cannot be changed."))


class AuditImmutableError(Exception):
    pass


class AuditEntry(models.Model):
    """One append-only line of the audit trail (审计日志).

    Written by services in the same transaction as the change it records; reads of personal
    data are recorded too (``kind=READ``). The application never updates or deletes a row.
    ``agency_id`` is a plain number, not a foreign key, so that ``core`` knows no app above it.
    """

    class Kind(models.TextChoices):
        CHANGE = "change", _("change")
        READ = "read", _("read of personal data")
        SIGN_IN = "sign_in", _("sign-in")

    created_at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_name = models.CharField(_("actor name"), max_length=150, blank=True)
    address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.CHANGE)
    action = models.CharField(_("action"), max_length=100, db_index=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True, db_index=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=255, blank=True)
    agency_id = models.PositiveBigIntegerField(_("agency"), null=True, blank=True, db_index=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_name} {self.action}"

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        # Always an INSERT: an instance carrying an existing pk must not overwrite that row.
        if not self._state.adding:
            raise AuditImmutableError(_("Audit entries cannot be changed."))
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise AuditImmutableError(_("Audit entries cannot be deleted."))
