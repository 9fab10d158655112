"""Registered protocol data cannot change or disappear (DPR 445/2000 art. 53 c.1, art. 54): the database
itself refuses it, whatever code runs. Annulment fields may be filled once."""

from django.db import migrations

IMMUTABLE = [
    "register_id", "year", "number", "direction", "registered_at", "registered_by_id", "correspondents",
    "correspondent_organisation_id", "subject", "document_sha256", "document_id", "sender_reference",
]

SQLITE_CHANGED = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in IMMUTABLE)
PG_CHANGED = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in IMMUTABLE)

SQLITE_UP = [
    f"""CREATE TRIGGER protocol_entry_immutable BEFORE UPDATE ON protocol_protocolentry
    WHEN {SQLITE_CHANGED} OR (OLD.annulled_at IS NOT NULL AND OLD.annulled_at IS NOT NEW.annulled_at)
    BEGIN SELECT RAISE(ABORT, 'protocol entry fields are immutable'); END;""",
    """CREATE TRIGGER protocol_entry_no_delete BEFORE DELETE ON protocol_protocolentry
    BEGIN SELECT RAISE(ABORT, 'protocol entries cannot be deleted'); END;""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS protocol_entry_immutable;",
    "DROP TRIGGER IF EXISTS protocol_entry_no_delete;",
]
PG_UP = [
    f"""CREATE OR REPLACE FUNCTION protocol_entry_guard() RETURNS trigger AS $$
    BEGIN
        IF TG_OP = 'DELETE' THEN
            RAISE EXCEPTION 'protocol entries cannot be deleted';
        END IF;
        IF {PG_CHANGED} OR (OLD.annulled_at IS NOT NULL AND NEW.annulled_at IS DISTINCT FROM OLD.annulled_at) THEN
            RAISE EXCEPTION 'protocol entry fields are immutable';
        END IF;
        RETURN NEW;
    END $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER protocol_entry_immutable BEFORE UPDATE OR DELETE ON protocol_protocolentry
    FOR EACH ROW EXECUTE FUNCTION protocol_entry_guard();""",
]
PG_DOWN = [
    "DROP TRIGGER IF EXISTS protocol_entry_immutable ON protocol_protocolentry;",
    "DROP FUNCTION IF EXISTS protocol_entry_guard();",
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
    dependencies = [("protocol", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
