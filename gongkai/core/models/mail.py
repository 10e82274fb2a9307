from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class OutgoingMail(models.Model):
    """One e-mail notice in the outbox (发件箱), written by :func:`gongkai.core.mail.queue_mail`.

    The row is written in the transaction of the change that causes the notice, so the notice
    exists exactly when the change does; it is sent after the commit and, while the mail server
    fails, retried by ``manage.py send_mail_queue`` until it is sent or given up.
    ``recipient``, ``subject`` and ``body`` are personal data: they never appear in
    ``__str__``, in log lines or in ``last_error``.
    """

    created_at = models.DateTimeField(_("created"), db_index=True)
    topic = models.CharField(
        _("topic"),
        max_length=100,
        blank=True,
        help_text=_("A short code saying why the mail was sent, such as info_requests.replied."),
    )
    recipient = models.EmailField(_("recipient"), max_length=254)
    subject = models.TextField(_("subject"))
    body = models.TextField(_("body"))
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"))
    claimed_until = models.DateTimeField(
        _("claimed until"),
        null=True,
        blank=True,
        help_text=_("A sender is working on the mail until then; no other sender takes it."),
    )
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    failed_at = models.DateTimeField(
        _("given up"),
        null=True,
        blank=True,
        help_text=_("Set when every attempt failed; the mail is not tried again on its own."),
    )
    last_error = models.CharField(_("last error"), max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("outgoing mail")
        verbose_name_plural = _("outgoing mail")
        indexes = [
            # The retry job's question: unsent, not given up, due.
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(sent_at__isnull=True, failed_at__isnull=True),
                name="core_outgoingmail_due",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(sent_at__isnull=True) | Q(failed_at__isnull=True),
                name="core_outgoingmail_sent_or_given_up",
            ),
        ]

    def __str__(self) -> str:
        # No recipient or subject: this is what the admin, logs and error pages show.
        return f"{self.topic or 'mail'} #{self.pk}"
