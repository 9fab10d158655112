"""The audit log is append-only (DESIGN.md section 5, ADR 0008): the database itself refuses to change or
delete an event, whatever code runs, and lets the chain head only move forward by one event at a time (or be
saved unchanged, as the test runner's serialized_rollback does).

PostgreSQL's TRUNCATE bypasses row triggers; it needs the table owner's privileges, which the application's
database role should not hold in production (ADR 0008). audit_verify detects it anyway (head vs. events).
"""

from django.db import migrations, models

SQLITE_UP = [
    """CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_auditevent
    BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;""",
    """CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_auditevent
    BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;""",
    """CREATE TRIGGER audit_head_forward_only BEFORE UPDATE ON audit_auditchainhead
    WHEN NEW.id IS NOT OLD.id OR (NEW.sequence IS NOT OLD.sequence + 1
        AND (NEW.sequence IS NOT OLD.sequence OR NEW.last_hash IS NOT OLD.last_hash))
    BEGIN SELECT RAISE(ABORT, 'the audit chain head only moves forward by one'); END;""",
    """CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_auditchainhead
    BEGIN SELECT RAISE(ABORT, 'the audit chain head cannot be deleted'); END;""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS audit_event_no_update;",
    "DROP TRIGGER IF EXISTS audit_event_no_delete;",
    "DROP TRIGGER IF EXISTS audit_head_forward_only;",
    "DROP TRIGGER IF EXISTS audit_head_no_delete;",
]
PG_UP = [
    """CREATE OR REPLACE FUNCTION audit_event_guard() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'audit events are append-only';
    END $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_event_guard();""",
    """CREATE OR REPLACE FUNCTION audit_head_guard() RETURNS trigger AS $$
    BEGIN
        IF TG_OP = 'DELETE' THEN
            RAISE EXCEPTION 'the audit chain head cannot be deleted';
        END IF;
        IF NEW.id IS DISTINCT FROM OLD.id OR (NEW.sequence IS DISTINCT FROM OLD.sequence + 1
                AND (NEW.sequence, NEW.last_hash) IS DISTINCT FROM (OLD.sequence, OLD.last_hash)) THEN
            RAISE EXCEPTION 'the audit chain head only moves forward by one';
        END IF;
        RETURN NEW;
    END $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER audit_head_forward_only BEFORE UPDATE OR DELETE ON audit_auditchainhead
    FOR EACH ROW EXECUTE FUNCTION audit_head_guard();""",
]
PG_DOWN = [
    "DROP TRIGGER IF EXISTS audit_event_append_only ON audit_auditevent;",
    "DROP FUNCTION IF EXISTS audit_event_guard();",
    "DROP TRIGGER IF EXISTS audit_head_forward_only ON audit_auditchainhead;",
    "DROP FUNCTION IF EXISTS audit_head_guard();",
]


def forwards(apps, schema_editor):
    statements = PG_UP if schema_editor.connection.vendor == "postgresql" else SQLITE_UP
    for sql in statements:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    statements = PG_DOWN if schema_editor.connection.vendor == "postgresql" else SQLITE_DOWN
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_chain_existing_events")]
    operations = [
        migrations.AlterField(
            model_name="auditevent",
            name="sequence",
            field=models.BigIntegerField(unique=True, verbose_name="progressivo"),
        ),
        migrations.RunPython(forwards, backwards),
    ]
