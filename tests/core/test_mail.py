"""The outbox (gongkai.core.mail): sent after the commit, retried while the server fails.

Mail goes through Django's locmem backend in tests (``django.core.mail.outbox``); a failing mail
server is the :class:`FailingBackend` below, chosen with ``settings.EMAIL_BACKEND``.
"""

from __future__ import annotations

import datetime
import io
import logging
import smtplib

import pytest
from django.contrib.auth.models import Permission
from django.core import mail as django_mail
from django.core.exceptions import PermissionDenied
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from gongkai.core.audit import record
from gongkai.core.mail import (
    CLAIM_DURATION,
    MAX_ATTEMPTS,
    MailError,
    deliver,
    queue_mail,
    retry_mail,
    send_queued_mail,
)
from gongkai.core.models import AuditEntry, OutgoingMail

pytestmark = pytest.mark.django_db

RECIPIENT = "Zhang.San@example.cn"
SUBJECT = "您的申请 2026-0042 已答复"
BODY = "张三您好：您申请公开的信息已答复，身份证号 370303199001011234。"
FAILING_BACKEND = "tests.core.test_mail.FailingBackend"


class FailingBackend(BaseEmailBackend):
    """A mail server that refuses every message, quoting the address as real servers do."""

    def send_messages(self, email_messages):
        address = email_messages[0].to[0]
        raise smtplib.SMTPRecipientsRefused(
            {address: (450, f"4.2.0 <{address}>: Recipient address rejected: try later".encode())}
        )


class ReentrantBackend(BaseEmailBackend):
    """While a mail is being sent, a second sender runs the queue and, as if it had read the
    row just before the claim, tries that very row: it must take nothing."""

    during_send: list[object] = []

    def send_messages(self, email_messages):
        ReentrantBackend.during_send.append(send_queued_mail())
        ReentrantBackend.during_send.append(deliver(OutgoingMail.objects.get()))
        django_mail.outbox.extend(email_messages)
        return len(email_messages)


def _queue(**overrides) -> OutgoingMail:
    fields = {"to": RECIPIENT, "subject": SUBJECT, "body": BODY, "topic": "info_requests.replied"}
    return queue_mail(**{**fields, **overrides})


def _queue_committed(django_capture_on_commit_callbacks) -> OutgoingMail:
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        mail = _queue()
    mail.refresh_from_db()
    return mail


def _sent() -> list[tuple[list[str], str, str]]:
    return [(message.to, message.subject, message.body) for message in django_mail.outbox]


# --- After the commit, once -----------------------------------------------------------------


def test_a_rolled_back_transaction_leaves_no_row_and_sends_nothing(
    django_capture_on_commit_callbacks,
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        _queue()
        raise RuntimeError("the submission could not be saved")

    assert callbacks == []
    assert not OutgoingMail.objects.exists()
    assert django_mail.outbox == []


def test_a_committed_mail_is_sent_after_the_commit_exactly_once(
    django_capture_on_commit_callbacks, settings
):
    settings.DEFAULT_FROM_EMAIL = "公开办 <gongkai@zhangdian.gov.cn>"
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        mail = _queue()
        assert django_mail.outbox == []  # nothing leaves before the commit

    assert len(callbacks) == 1
    assert _sent() == [([RECIPIENT], SUBJECT, BODY)]
    assert django_mail.outbox[0].from_email == "公开办 <gongkai@zhangdian.gov.cn>"
    mail.refresh_from_db()
    assert mail.sent_at is not None
    assert mail.attempts == 1
    assert (mail.failed_at, mail.claimed_until, mail.last_error) == (None, None, "")

    # Neither the job nor a second call with the same instance sends it again.
    assert send_queued_mail(now=timezone.now() + datetime.timedelta(days=1)) == 0
    assert deliver(mail) is False
    assert len(django_mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_a_real_commit_sends_the_mail():
    with transaction.atomic():
        mail = _queue()
        assert django_mail.outbox == []

    assert _sent() == [([RECIPIENT], SUBJECT, BODY)]
    assert OutgoingMail.objects.get(pk=mail.pk).sent_at is not None


@pytest.mark.django_db(transaction=True)
def test_queue_mail_outside_a_transaction_is_refused():
    with pytest.raises(transaction.TransactionManagementError):
        _queue()

    assert not OutgoingMail.objects.exists()
    assert django_mail.outbox == []


def test_an_invalid_recipient_is_refused_without_naming_it():
    with pytest.raises(MailError) as excinfo, transaction.atomic():
        _queue(to="zhangsan at example.cn")

    assert str(excinfo.value) == "The recipient is not a valid e-mail address."
    assert not OutgoingMail.objects.exists()


def test_line_breaks_in_the_subject_are_folded(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        _queue(subject="您的申请已答复\n")

    assert django_mail.outbox[0].subject == "您的申请已答复"


# --- A failing mail server --------------------------------------------------------------------


def test_a_failing_server_does_not_undo_the_submission_and_the_job_sends_later(
    django_capture_on_commit_callbacks, settings
):
    settings.EMAIL_BACKEND = FAILING_BACKEND
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        record("info_requests.register_request", actor=None)  # the citizen's submission
        mail = _queue()

    assert AuditEntry.objects.filter(action="info_requests.register_request").exists()
    mail.refresh_from_db()
    assert mail.sent_at is None
    assert mail.failed_at is None
    assert mail.attempts == 1
    assert mail.claimed_until is None
    assert mail.last_error.startswith("SMTPRecipientsRefused: ")
    assert "Recipient address rejected" in mail.last_error
    assert "@" not in mail.last_error
    assert RECIPIENT.lower() not in mail.last_error.lower()
    due = mail.next_attempt_at - before
    assert datetime.timedelta(minutes=1) <= due <= datetime.timedelta(minutes=1, seconds=30)

    # The server is back; the job sends the mail once its backoff has passed.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_queued_mail(now=mail.next_attempt_at) == 1
    assert _sent() == [([RECIPIENT], SUBJECT, BODY)]
    mail.refresh_from_db()
    assert (mail.attempts, mail.sent_at) == (2, mail.next_attempt_at)
    assert mail.last_error == ""
    assert send_queued_mail(now=mail.next_attempt_at + datetime.timedelta(days=1)) == 0
    assert len(django_mail.outbox) == 1


def test_a_mail_not_yet_due_is_not_retried(django_capture_on_commit_callbacks, settings):
    settings.EMAIL_BACKEND = FAILING_BACKEND
    mail = _queue_committed(django_capture_on_commit_callbacks)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    early = mail.next_attempt_at - datetime.timedelta(seconds=1)
    assert send_queued_mail(now=early) == 0
    assert deliver(mail, now=early) is False

    assert django_mail.outbox == []
    after = OutgoingMail.objects.get(pk=mail.pk)
    assert (after.attempts, after.next_attempt_at, after.sent_at) == (1, mail.next_attempt_at, None)


def test_the_backoff_doubles_up_to_six_hours_and_the_mail_is_given_up(
    django_capture_on_commit_callbacks, settings
):
    settings.EMAIL_BACKEND = FAILING_BACKEND
    mail = _queue_committed(django_capture_on_commit_callbacks)
    delays = []
    while mail.failed_at is None:
        now = mail.next_attempt_at
        assert send_queued_mail(now=now) == 0
        mail.refresh_from_db()
        delays.append(mail.next_attempt_at - now)

    minutes = [int(delay.total_seconds() // 60) for delay in delays]
    assert minutes == [2, 4, 8, 16, 32, 64, 128, 256, 360, 360, 360]  # after attempts 2 … 12
    assert mail.attempts == MAX_ATTEMPTS
    assert mail.failed_at == now
    assert mail.sent_at is None

    # Given up: the job leaves it alone however late it runs.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_queued_mail(now=now + datetime.timedelta(days=30)) == 0
    assert OutgoingMail.objects.get(pk=mail.pk).attempts == MAX_ATTEMPTS
    assert django_mail.outbox == []


def test_the_oldest_due_mails_go_first_up_to_the_limit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False), transaction.atomic():
        first = _queue(to="first@example.cn")
        second = _queue(to="second@example.cn")
        _queue(to="third@example.cn")

    assert send_queued_mail(limit=2) == 2
    assert [message.to for message in django_mail.outbox] == [
        ["first@example.cn"],
        ["second@example.cn"],
    ]
    assert set(OutgoingMail.objects.filter(sent_at__isnull=False).values_list("pk", flat=True)) == {
        first.pk,
        second.pk,
    }


# --- Two senders ------------------------------------------------------------------------------


def test_a_second_sender_does_not_take_a_mail_being_sent(
    django_capture_on_commit_callbacks, settings
):
    settings.EMAIL_BACKEND = "tests.core.test_mail.ReentrantBackend"
    ReentrantBackend.during_send = []

    _queue_committed(django_capture_on_commit_callbacks)

    assert ReentrantBackend.during_send == [0, False]
    assert len(django_mail.outbox) == 1


def test_a_claim_left_by_a_dead_sender_expires(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False), transaction.atomic():
        mail = _queue()
    now = timezone.now()
    # A sender claimed the mail and died before recording anything.
    OutgoingMail.objects.filter(pk=mail.pk).update(claimed_until=now + CLAIM_DURATION, attempts=1)

    assert send_queued_mail(now=now) == 0
    assert django_mail.outbox == []
    assert send_queued_mail(now=now + CLAIM_DURATION) == 1
    assert len(django_mail.outbox) == 1
    assert OutgoingMail.objects.get(pk=mail.pk).attempts == 2


# --- Personal data ------------------------------------------------------------------------------


def test_no_address_subject_or_body_reaches_a_log_line(
    django_capture_on_commit_callbacks, settings, caplog
):
    caplog.set_level(logging.DEBUG)
    settings.EMAIL_BACKEND = FAILING_BACKEND
    mail = _queue_committed(django_capture_on_commit_callbacks)
    while mail.failed_at is None:
        send_queued_mail(now=mail.next_attempt_at)
        mail.refresh_from_db()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        _queue()
    send_queued_mail()

    records = [r for r in caplog.records if r.name == "gongkai.core.mail"]
    assert {r.levelname for r in records} >= {"INFO", "WARNING", "ERROR"}
    assert any(str(mail.pk) in r.getMessage() for r in records)
    logged = caplog.text + "\n".join(r.getMessage() for r in caplog.records)
    for secret in (RECIPIENT, RECIPIENT.lower(), "example.cn", SUBJECT, "张三", "370303"):
        assert secret not in logged
    assert str(mail) == f"info_requests.replied #{mail.pk}"


# --- Operators -----------------------------------------------------------------------------------


def test_the_management_command_sends_what_is_due(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False), transaction.atomic():
        mail = _queue()
    out = io.StringIO()

    call_command("send_mail_queue", stdout=out)

    assert out.getvalue().strip() == "Sent: 1"
    assert _sent() == [([RECIPIENT], SUBJECT, BODY)]
    assert OutgoingMail.objects.get(pk=mail.pk).sent_at is not None
    out = io.StringIO()
    call_command("send_mail_queue", stdout=out)
    assert out.getvalue().strip() == "Sent: 0"


@pytest.fixture
def given_up_mail(django_capture_on_commit_callbacks, settings) -> OutgoingMail:
    settings.EMAIL_BACKEND = FAILING_BACKEND
    mail = _queue_committed(django_capture_on_commit_callbacks)
    OutgoingMail.objects.filter(pk=mail.pk).update(
        attempts=MAX_ATTEMPTS, failed_at=timezone.now(), next_attempt_at=timezone.now()
    )
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.refresh_from_db()
    return mail


def test_retry_makes_a_given_up_mail_due_and_is_audited(given_up_mail, user_factory):
    admin = user_factory(is_superuser=True, is_staff=True)

    assert retry_mail(OutgoingMail.objects.all(), actor=admin) == 1

    mail = OutgoingMail.objects.get(pk=given_up_mail.pk)
    assert mail.failed_at is None
    entry = AuditEntry.objects.get(action="core.retry_mail")
    assert (entry.actor, entry.details) == (admin, {"mails": [mail.pk]})
    assert send_queued_mail() == 1
    assert len(django_mail.outbox) == 1


def test_retry_needs_the_change_permission(given_up_mail, user_factory):
    viewer = user_factory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_outgoingmail"))

    with pytest.raises(PermissionDenied):
        retry_mail(OutgoingMail.objects.all(), actor=viewer)

    assert OutgoingMail.objects.get(pk=given_up_mail.pk).failed_at is not None
    assert not AuditEntry.objects.filter(action="core.retry_mail").exists()


def test_the_admin_lists_mail_without_personal_data_and_retries(
    given_up_mail, client, user_factory, settings
):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user_factory(is_superuser=True, is_staff=True))
    changelist = reverse("admin:core_outgoingmail_changelist")

    listing = client.get(changelist, {"state": "given_up"})
    page = client.get(reverse("admin:core_outgoingmail_change", args=[given_up_mail.pk]))

    assert listing.status_code == page.status_code == 200
    assert "info_requests.replied" in listing.text
    assert "SMTPRecipientsRefused" in page.text
    for text in (listing.text, page.text):
        assert RECIPIENT not in text
        assert SUBJECT not in text
        assert "张三" not in text
    assert client.get(reverse("admin:core_outgoingmail_add")).status_code == 403

    response = client.post(
        changelist,
        {"action": "retry_now", "_selected_action": [given_up_mail.pk]},
        follow=True,
    )

    assert "1 mail will be sent at the next run of the mail queue." in response.text
    assert OutgoingMail.objects.get(pk=given_up_mail.pk).failed_at is None


def test_viewers_see_the_outbox_but_cannot_retry(given_up_mail, client, user_factory, settings):
    viewer = user_factory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_outgoingmail"))
    client.force_login(viewer)
    changelist = reverse("admin:core_outgoingmail_changelist")

    assert client.get(changelist).status_code == 200
    client.post(changelist, {"action": "retry_now", "_selected_action": [given_up_mail.pk]})

    assert OutgoingMail.objects.get(pk=given_up_mail.pk).failed_at is not None
