"""``manage.py prune_audit_trail``: delete the audit entries older than
``GONGKAI_AUDIT_RETENTION_DAYS`` (at least 183 days; repeat-safe; decision 0028).

Meant for cron or a systemd timer once a day. The only path that deletes audit rows: on
PostgreSQL the append-only trigger lets a DELETE through only for rows older than the
Cybersecurity Law's six months.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext

from gongkai.core import retention


class Command(BaseCommand):
    help = (
        "Delete the audit entries older than GONGKAI_AUDIT_RETENTION_DAYS days (at least 183) "
        "(safe to run repeatedly)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = retention.prune_audit_trail()
        self.stdout.write(
            gettext("Deleted: {count} audit entries older than {days} days").format(
                count=deleted, days=retention.audit_retention_days()
            )
        )
