"""``manage.py send_mail_queue``: send the outbox's due mail once (repeat-safe).

Meant for cron or a systemd timer every minute: mails that could not be sent right after their
transaction committed are tried again here, with backoff, until sent or given up.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext

from gongkai.core.mail import send_queued_mail


class Command(BaseCommand):
    help = (
        "Send the e-mail notices in the outbox that are due: those not sent yet because the "
        "mail server failed (safe to run repeatedly, and beside another run)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--limit",
            type=int,
            default=200,
            help="Try at most this many mails in this run (oldest first).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        sent = send_queued_mail(limit=options["limit"])
        self.stdout.write(gettext("Sent: {count}").format(count=sent))
