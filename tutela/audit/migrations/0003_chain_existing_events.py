"""Chain the events recorded before the hash chain existed, in the order they were written (id)."""

from django.db import migrations

from tutela.audit.chain import GENESIS_HASH, hash_of

BATCH = 2000


def forwards(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    AuditChainHead = apps.get_model("audit", "AuditChainHead")
    sequence, previous, last_id = 0, GENESIS_HASH, 0
    # Keyset pages rather than one open cursor: the rows are updated as they are read.
    while batch := list(AuditEvent.objects.filter(id__gt=last_id).order_by("id")[:BATCH]):
        for event in batch:
            sequence += 1
            event.sequence, event.prev_hash = sequence, previous
            event.hash = previous = hash_of(event)
        AuditEvent.objects.bulk_update(batch, ["sequence", "prev_hash", "hash"])
        last_id = batch[-1].id
    AuditChainHead.objects.update_or_create(pk=1, defaults={"sequence": sequence, "last_hash": previous})


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_hash_chain")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
