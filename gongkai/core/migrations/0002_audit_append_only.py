"""On PostgreSQL the database itself refuses to update or delete audit rows.

The application already refuses (``AuditEntry.save``/``delete`` and its queryset); the trigger
makes the rule hold for any SQL the application's role runs. TRUNCATE, used only by the test
runner's flush and by an operator's deliberate purge, is not a row event and is not blocked.
SQLite has no roles and its test flush deletes rows, so the rule stays in the application there.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION gongkai_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING
        MESSAGE = 'audit entries are append-only: ' || TG_OP,
        ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_auditentry_append_only
    BEFORE UPDATE OR DELETE ON core_auditentry
    FOR EACH ROW EXECUTE FUNCTION gongkai_audit_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS core_auditentry_append_only ON core_auditentry;
DROP FUNCTION IF EXISTS gongkai_audit_append_only();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(create_trigger, drop_trigger, elidable=False)]
