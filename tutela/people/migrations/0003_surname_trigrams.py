"""Near matches of a surname (people/similarity.py, ADR 0019): on PostgreSQL the pg_trgm extension and a GiST
trigram index on the surname's search key, which answers both `%` (near) and `<->` (nearest first). SQLite gets
the same similarity as a Python function registered on each connection, without an index."""

from django.db import migrations

PG_UP = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS person_surname_trgm ON people_person USING gist (surname_key gist_trgm_ops)",
]
PG_DOWN = ["DROP INDEX IF EXISTS person_surname_trgm"]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("people", "0002_search_keys")]

    operations = [migrations.RunPython(_run(PG_UP), _run(PG_DOWN))]
