"""Once an entry is annulled, who annulled it and why are frozen too (DPR 445/2000 art. 54)."""

from django.db import migrations

IMMUTABLE = [
    "register_id", "year", "number", "direction", "registered_at", "registered_by_id", "correspondents",
    "correspondent_organisation_id", "subject", "document_sha256", "document_id", "sender_reference",
]
ANNULMENT = ["annulled_at", "annulled_by_id", "annulment_reason"]

SQLITE_CHANGED = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in IMMUTABLE)
SQLITE_ANNULMENT = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in ANNULMENT)
PG_CHANGED = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in IMMUTABLE)
PG_ANNULMENT = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in ANNULMENT)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"""CREATE OR REPLACE FUNCTION protocol_entry_guard() RETURNS trigger AS $$
        BEGIN
            IF TG_OP = 'DELETE' THEN
                RAISE EXCEPTION 'protocol entries cannot be deleted';
            END IF;
            IF {PG_CHANGED} OR (OLD.annulled_at IS NOT NULL AND ({PG_ANNULMENT})) THEN
                RAISE EXCEPTION 'protocol entry fields are immutable';
            END IF;
            RETURN NEW;
        END $$ LANGUAGE plpgsql;""")
        return
    schema_editor.execute("DROP TRIGGER IF EXISTS protocol_entry_immutable;")
    schema_editor.execute(f"""CREATE TRIGGER protocol_entry_immutable BEFORE UPDATE ON protocol_protocolentry
    WHEN {SQLITE_CHANGED} OR (OLD.annulled_at IS NOT NULL AND ({SQLITE_ANNULMENT}))
    BEGIN SELECT RAISE(ABORT, 'protocol entry fields are immutable'); END;""")


class Migration(migrations.Migration):
    dependencies = [("protocol", "0002_immutable_entries")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
