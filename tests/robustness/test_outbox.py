"""Faults (issue 9): notifications queued in a transaction go out exactly once after an outage
of the mail server, however often and however concurrently the sender job runs.

Real commits (a transactional test): the applications are submitted through the service, each
in its own transaction, while the mail server is down; then the job (``send_queued_mail``, what
``manage.py send_mail_queue`` runs) is started by several threads at once, round after round,
while the server fails a few more times and then recovers.
"""

from __future__ import annotations

import datetime
import smtplib
import threading

import pytest
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection, transaction
from django.utils import timezone

from gongkai.core.mail import send_queued_mail
from gongkai.core.models import OutgoingMail
from gongkai.info_requests import services
from gongkai.info_requests.models import InfoRequest
from tests.info_requests.conftest import application_data, at
from tests.robustness.conftest import in_parallel, needs_shared_database

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

DAY = datetime.date(2025, 9, 1)
APPLICATIONS = 12
SENDERS = 4  # job runs started at the same moment, each round
ROUND = datetime.timedelta(hours=7)  # past the longest backoff: every unsent mail is due again


class FlakyMailServer(BaseEmailBackend):
    """A mail server that refuses the first ``failures`` messages (an outage), then accepts
    every one; it keeps what it accepted, to count deliveries per recipient."""

    lock = threading.Lock()
    failures = 0
    refused = 0
    delivered: list[tuple[str, str]] = []

    @classmethod
    def reset(cls, failures: int) -> None:
        cls.failures, cls.refused, cls.delivered = failures, 0, []

    def send_messages(self, email_messages):
        with FlakyMailServer.lock:
            if FlakyMailServer.refused < FlakyMailServer.failures:
                FlakyMailServer.refused += 1
                raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
            for message in email_messages:
                FlakyMailServer.delivered.append((message.to[0], message.subject))
        return len(email_messages)


def _run_the_job_concurrently(now: datetime.datetime) -> int:
    def job(_n: int, barrier) -> int:
        barrier.wait()
        try:
            return send_queued_mail(now=now)
        finally:
            connection.close()

    return sum(in_parallel(SENDERS, job))


class _RolledBack(Exception):
    pass


def test_notifications_go_out_exactly_once_after_a_mail_server_outage(seeded, agency, settings):
    """Issue 9, "Faults": notifications queued in the same transaction as the change go out
    exactly once after an outage (fail N times, then recover; the job run repeatedly and
    concurrently); a change that rolled back sends nothing."""
    needs_shared_database()
    settings.EMAIL_BACKEND = f"{__name__}.FlakyMailServer"
    # Down for the tries right after each commit, then for the first round and a half of the
    # job; up again after that.
    FlakyMailServer.reset(failures=APPLICATIONS + APPLICATIONS * 3 // 2)

    with at(DAY):
        for n in range(APPLICATIONS):
            services.submit_request(
                application_data(email=f"applicant{n}@example.cn"),
                agency=agency,
                submission_key=f"outbox-{n}",
            )
        with pytest.raises(_RolledBack), transaction.atomic():
            services.submit_request(
                application_data(email="rolled.back@example.cn"),
                agency=agency,
                submission_key="outbox-rolled-back",
            )
            raise _RolledBack
    assert InfoRequest.objects.count() == APPLICATIONS
    assert OutgoingMail.objects.count() == APPLICATIONS
    assert FlakyMailServer.delivered == []  # each was tried after its commit, and refused
    assert set(OutgoingMail.objects.values_list("attempts", flat=True)) == {1}

    start = timezone.now()
    sent_per_round = [_run_the_job_concurrently(start + ROUND * k) for k in range(1, 6)]

    recipients = [to for to, _subject in FlakyMailServer.delivered]
    assert sorted(recipients) == sorted(f"applicant{n}@example.cn" for n in range(APPLICATIONS))
    assert len(set(FlakyMailServer.delivered)) == APPLICATIONS  # each once, none twice
    assert sent_per_round[0] == 0 and sum(sent_per_round) == APPLICATIONS
    assert sent_per_round[-2:] == [0, 0]  # later runs find nothing to send
    assert not OutgoingMail.objects.filter(sent_at__isnull=True).exists()
    assert not OutgoingMail.objects.filter(recipient="rolled.back@example.cn").exists()
