"""The outbox (发件箱): e-mail notices sent after the commit and retried until they go out.

A service that owes someone a notice calls :func:`queue_mail` inside its transaction. The mail is
a row written with the change, so it commits or rolls back with it: a rolled-back submission sends
nothing, a committed one cannot lose its notice. After the commit the row is tried once at once;
when the mail server fails, the failure is recorded on the row (never raised: a failing mail
server must not turn a citizen's submission into an error page) and ``manage.py
send_mail_queue`` tries again with exponential backoff until the mail is sent or, after
:data:`MAX_ATTEMPTS`, given up and left for an operator in the admin.

A sender claims a row with one conditional ``UPDATE`` before sending, so two senders (the
request's commit hook and the job, or two jobs) never send the same row twice; no database lock
is held while the mail server is talked to, which on SQLite would stop every other writer.
A sender that dies between sending and recording leaves its claim to expire, after which the row
is tried again: a mail is sent at least once, and twice only after such a crash.

Recipients, subjects and bodies are personal data: log lines carry row ids, topics, counts and
exception class names only, and ``last_error`` has every address removed.
"""

from __future__ import annotations

import datetime
import logging
import re
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import router, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from gongkai.core.audit import record
from gongkai.core.models import OutgoingMail, User

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 12  # then the row is given up (about 20 hours of retries, see _backoff)
FIRST_DELAY = datetime.timedelta(minutes=1)  # after the first failure; doubled after each
MAX_DELAY = datetime.timedelta(hours=6)
# How long a claim keeps other senders away. Far longer than a send can take (EMAIL_TIMEOUT),
# so that it expires only when its sender died.
CLAIM_DURATION = datetime.timedelta(minutes=15)

_ERROR_LENGTH = OutgoingMail._meta.get_field("last_error").max_length or 300
_ADDRESS_RE = re.compile(r"[^\s<>()\[\]{}'\",;:]+@[^\s<>()\[\]{}'\",;:]+")


class MailError(ValueError):
    """A mail that cannot be queued; the message is translated and names no address."""


def can_retry_mail(user: Any) -> bool:
    """Whether ``user`` may send given-up or waiting mail again (superusers always may)."""
    return bool(user is not None and user.is_active and user.has_perm("core.change_outgoingmail"))


def queue_mail(*, to: str, subject: str, body: str, topic: str = "") -> OutgoingMail:
    """Put a mail to ``to`` in the outbox, to be sent when the current transaction commits.

    Must be called inside the ``transaction.atomic()`` block of the change that causes the
    mail, so that the mail exists exactly when the change does. ``topic`` is a short code without
    personal data (``info_requests.replied``) by which operators tell mails apart.
    """
    using = router.db_for_write(OutgoingMail)
    if not transaction.get_connection(using).in_atomic_block:
        raise transaction.TransactionManagementError(
            "queue_mail() must be called inside the transaction.atomic() block of the change "
            "that causes the mail; outside one the mail could be sent for a change that rolls "
            "back, or lost."
        )
    recipient = to.strip()
    try:
        validate_email(recipient)
    except ValidationError as error:
        raise MailError(gettext("The recipient is not a valid e-mail address.")) from error
    # A header cannot hold a line break; subjects rendered from templates often end in one.
    subject = " ".join(subject.split())
    now = timezone.now()
    mail = OutgoingMail.objects.using(using).create(
        created_at=now,
        topic=topic,
        recipient=recipient,
        subject=subject,
        body=body,
        next_attempt_at=now,
    )
    transaction.on_commit(lambda: deliver(mail), using=using)
    return mail


def deliver(mail: OutgoingMail, *, now: datetime.datetime | None = None) -> bool:
    """Send one mail now if it is due and no other sender has it; True when it was sent.

    Never raises: a failure is recorded on the row (attempts, ``last_error`` without the
    address, ``next_attempt_at`` after the backoff, ``failed_at`` after :data:`MAX_ATTEMPTS`)
    and the caller carries on. Call it outside a transaction (as the commit hook and the job
    do), so that the claim and the outcome are committed on their own.
    """
    try:
        return _deliver(mail, now=now)
    except Exception as error:
        # The database failed around the sending; the claim expires and the row is retried.
        logger.error(
            "Outgoing mail %s: the attempt could not be recorded (%s).",
            mail.pk,
            type(error).__name__,
        )
        return False


def _deliver(mail: OutgoingMail, *, now: datetime.datetime | None) -> bool:
    using = router.db_for_write(OutgoingMail)
    rows = OutgoingMail.objects.using(using).filter(pk=mail.pk)
    start = now or timezone.now()
    claimed = (
        rows.filter(sent_at__isnull=True, failed_at__isnull=True, next_attempt_at__lte=start)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lte=start))
        .update(claimed_until=start + CLAIM_DURATION, attempts=F("attempts") + 1)
    )
    if not claimed:
        logger.debug("Outgoing mail %s is sent, not due or being sent by another sender.", mail.pk)
        return False
    mail.refresh_from_db(using=using, fields=["attempts", "claimed_until", "next_attempt_at"])

    try:
        message = EmailMessage(
            subject=mail.subject,
            body=mail.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[mail.recipient],
        )
        if message.send(fail_silently=False) != 1:
            raise RuntimeError("the mail backend reported that nothing was sent")
    except Exception as error:
        _record_failure(mail, error, rows=rows, now=now or timezone.now())
        return False

    mail.sent_at = now or timezone.now()
    mail.claimed_until = None
    mail.last_error = ""
    rows.update(sent_at=mail.sent_at, claimed_until=None, last_error="")
    logger.info("Outgoing mail %s (%s) sent on attempt %d.", mail.pk, mail.topic, mail.attempts)
    return True


def _record_failure(
    mail: OutgoingMail, error: Exception, *, rows: QuerySet[OutgoingMail], now: datetime.datetime
) -> None:
    mail.last_error = describe_error(error, recipient=mail.recipient)
    mail.claimed_until = None
    mail.next_attempt_at = now + _backoff(mail.attempts)
    if mail.attempts >= MAX_ATTEMPTS:
        mail.failed_at = now
    rows.filter(sent_at__isnull=True).update(
        last_error=mail.last_error,
        claimed_until=None,
        next_attempt_at=mail.next_attempt_at,
        failed_at=mail.failed_at,
    )
    if mail.failed_at is not None:
        logger.error(
            "Outgoing mail %s (%s) given up after %d attempts (%s).",
            mail.pk,
            mail.topic,
            mail.attempts,
            type(error).__name__,
        )
    else:
        logger.warning(
            "Outgoing mail %s (%s) failed on attempt %d (%s); next attempt at %s.",
            mail.pk,
            mail.topic,
            mail.attempts,
            type(error).__name__,
            mail.next_attempt_at.isoformat(),
        )


def _backoff(attempts: int) -> datetime.timedelta:
    """1, 2, 4, 8 … minutes after the 1st, 2nd, 3rd, 4th … failed attempt, at most 6 hours."""
    exponent = min(max(attempts, 1) - 1, 20)  # 2**20 minutes is far past the cap already
    return min(FIRST_DELAY * 2**exponent, MAX_DELAY)


def describe_error(error: BaseException, *, recipient: str = "") -> str:
    """The class and message of ``error`` for ``last_error``, with every address removed.

    SMTP errors quote the refused address (``SMTPRecipientsRefused`` is a dictionary keyed by
    it), and the server's reply often repeats it.
    """
    text = " ".join(str(error).split())
    if recipient:
        text = re.sub(re.escape(recipient), "[address]", text, flags=re.IGNORECASE)
    text = _ADDRESS_RE.sub("[address]", text)
    name = type(error).__name__
    return (f"{name}: {text}" if text else name)[:_ERROR_LENGTH]


def due_mail(*, now: datetime.datetime | None = None) -> QuerySet[OutgoingMail]:
    """Mail not sent, not given up and due by ``now``, oldest first."""
    now = now or timezone.now()
    return (
        OutgoingMail.objects.filter(
            sent_at__isnull=True, failed_at__isnull=True, next_attempt_at__lte=now
        )
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lte=now))
        .order_by("created_at", "id")
    )


def send_queued_mail(*, now: datetime.datetime | None = None, limit: int = 200) -> int:
    """Try every due mail once (at most ``limit``), oldest first; returns how many were sent.

    Repeat-safe and safe to run beside another sender: each row is claimed before it is sent.
    """
    selected_at = now or timezone.now()
    batch = list(due_mail(now=selected_at).using(router.db_for_write(OutgoingMail))[:limit])
    sent = sum(1 for mail in batch if deliver(mail, now=now))
    if batch:
        logger.info("Mail queue: %d of %d due mails sent.", sent, len(batch))
    return sent


def retry_mail(
    mails: QuerySet[OutgoingMail], *, actor: User, now: datetime.datetime | None = None
) -> int:
    """Make unsent mails due now, given-up ones included; returns how many.

    For an operator once the mail server works again. A given-up mail gets one more attempt
    (its attempts are kept, so it is given up again if that fails); mails already sent are left
    alone.
    """
    if not can_retry_mail(actor):
        raise PermissionDenied(gettext("You may not send mail again."))
    now = now or timezone.now()
    with transaction.atomic():
        ids = list(mails.filter(sent_at__isnull=True).order_by("id").values_list("id", flat=True))
        count = OutgoingMail.objects.filter(pk__in=ids, sent_at__isnull=True).update(
            next_attempt_at=now, failed_at=None
        )
        if count:
            record("core.retry_mail", actor=actor, details={"mails": ids})
    logger.info("Mail queue: %d mails made due again.", count)
    return count
