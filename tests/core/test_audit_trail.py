"""Issue 9, audit: the database refuses to change audit rows and deletes only those past the
Cybersecurity Law's six months; the audit trail's retention is a setting of at least 183 days,
applied by a repeat-safe command (migration core.0007, gongkai.core.retention)."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
import time_machine
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from gongkai.core import retention
from gongkai.core.audit import record
from gongkai.core.models import AuditEntry

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def entry_aged(days: int, action: str = "catalogue.publish_document") -> AuditEntry:
    """An entry written ``days`` days ago."""
    with time_machine.travel(timezone.now() - days * DAY, tick=False):
        return record(action, actor=None)


def columns(entry: AuditEntry) -> dict:
    return AuditEntry.objects.filter(pk=entry.pk).values().get()


def raw(sql: str, params: list) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


# --------------------------------------------------------------------------- the database


def test_the_database_refuses_an_update_of_an_audit_row():
    """On SQLite a trigger of core.0007, on PostgreSQL that of core.0002."""
    entry = entry_aged(400)
    before = columns(entry)

    with pytest.raises(DatabaseError, match="append-only"):
        raw("UPDATE core_auditentry SET action = %s WHERE id = %s", ["forged", entry.pk])

    assert columns(entry) == before


@pytest.mark.skipif("connection.vendor != 'sqlite'")
def test_the_sqlite_trigger_exists():
    """Django rebuilds a SQLite table to alter it, dropping its triggers: a migration that
    alters the audit table must create this one again."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'core_auditentry'"
        )
        assert [row[0] for row in cursor.fetchall()] == ["core_auditentry_no_update"]


@pytest.mark.postgres
def test_postgresql_refuses_to_delete_an_entry_younger_than_six_months():
    young = entry_aged(182)

    with pytest.raises(DatabaseError, match="append-only: DELETE"):
        raw("DELETE FROM core_auditentry WHERE id = %s", [young.pk])

    assert AuditEntry.objects.filter(pk=young.pk).exists()


@pytest.mark.postgres
def test_postgresql_lets_an_entry_older_than_six_months_be_deleted_and_never_updated():
    old = entry_aged(184)

    with pytest.raises(DatabaseError, match="append-only: UPDATE"):
        raw("UPDATE core_auditentry SET action = %s WHERE id = %s", ["forged", old.pk])
    raw("DELETE FROM core_auditentry WHERE id = %s", [old.pk])

    assert not AuditEntry.objects.filter(pk=old.pk).exists()


# --------------------------------------------------------------------------- retention


def test_pruning_deletes_only_entries_older_than_the_retention_and_records_it(settings):
    settings.GONGKAI_AUDIT_RETENTION_DAYS = 365
    old = [entry_aged(366), entry_aged(800)]
    kept = [entry_aged(364), entry_aged(200), entry_aged(0)]

    assert retention.prune_audit_trail() == 2

    assert not AuditEntry.objects.filter(pk__in=[e.pk for e in old]).exists()
    assert AuditEntry.objects.filter(pk__in=[e.pk for e in kept]).count() == 3
    note = AuditEntry.objects.get(action="core.prune_audit_trail")
    assert note.details["deleted"] == 2 and note.details["retention_days"] == 365


def test_pruning_again_deletes_and_writes_nothing(settings):
    settings.GONGKAI_AUDIT_RETENTION_DAYS = 200
    entry_aged(300)
    retention.prune_audit_trail()
    count = AuditEntry.objects.count()

    assert retention.prune_audit_trail() == 0
    assert AuditEntry.objects.count() == count


def test_pruning_deletes_in_batches(settings, monkeypatch):
    settings.GONGKAI_AUDIT_RETENTION_DAYS = 183
    monkeypatch.setattr(retention, "PRUNE_BATCH", 2)
    for days in (190, 191, 192, 193, 194):
        entry_aged(days)
    kept = entry_aged(183)  # at the legal minimum a day's margin for the database's clock

    assert retention.prune_audit_trail() == 5
    assert AuditEntry.objects.filter(pk=kept.pk).exists()
    assert AuditEntry.objects.exclude(pk=kept.pk).get().action == "core.prune_audit_trail"


def test_pruning_refuses_a_retention_below_six_months(settings):
    settings.GONGKAI_AUDIT_RETENTION_DAYS = 30
    entry = entry_aged(100)

    with pytest.raises(ValueError, match="183"):
        retention.prune_audit_trail()

    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_the_prune_command_reports_what_it_deleted(settings):
    from django.core.management import call_command

    settings.GONGKAI_AUDIT_RETENTION_DAYS = 183
    entry_aged(400)
    out = StringIO()

    call_command("prune_audit_trail", stdout=out)

    assert "Deleted: 1 audit entries older than 183 days" in out.getvalue()


def test_the_application_still_refuses_every_other_delete():
    entry = entry_aged(400)

    with pytest.raises(Exception, match="cannot be deleted"):
        AuditEntry.objects.filter(pk=entry.pk).delete()

    assert AuditEntry.objects.filter(pk=entry.pk).exists()
