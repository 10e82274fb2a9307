"""The database refuses to change audit rows, and deletes only those past the legal minimum.

PostgreSQL: the append-only trigger of 0002 now lets a DELETE through for a row older than
183 days — the Cybersecurity Law's six months (art. 21), ``core.retention.AUDIT_MINIMUM_DAYS``
— so that ``manage.py prune_audit_trail`` can apply the configured retention, while no SQL the
application's role runs can remove a recent entry or change any (decision 0028). The number
is written here, not read from the settings: a setting is the application's to change.

SQLite: a trigger refuses every UPDATE. DELETE stays refused by the application only
(``AuditEntry``'s queryset): SQLite has no roles to protect against, and Django's test runner
empties tables with DELETE. Django rebuilds a SQLite table to alter it; a later migration that
alters ``core_auditentry`` must create this trigger again (``tests/core/test_audit_trail.py``
checks that it exists).
"""

from django.db import migrations

PG_RETENTION = """
CREATE OR REPLACE FUNCTION gongkai_audit_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND OLD.created_at < now() - interval '183 days' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION USING
        MESSAGE = 'audit entries are append-only: ' || TG_OP,
        ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""

PG_APPEND_ONLY = """
CREATE OR REPLACE FUNCTION gongkai_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING
        MESSAGE = 'audit entries are append-only: ' || TG_OP,
        ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""

SQLITE_NO_UPDATE = """
CREATE TRIGGER IF NOT EXISTS core_auditentry_no_update
BEFORE UPDATE ON core_auditentry
BEGIN
    SELECT RAISE(ABORT, 'audit entries are append-only: UPDATE');
END;
"""

SQLITE_DROP = "DROP TRIGGER IF EXISTS core_auditentry_no_update;"


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_RETENTION)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_NO_UPDATE)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_APPEND_ONLY)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_DROP)


class Migration(migrations.Migration):
    dependencies = [("core", "0006_passwordhistory")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
