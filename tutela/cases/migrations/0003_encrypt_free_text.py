"""Confidential free text encrypted at rest (ADR 0009). The columns stay text; the rows written so far are
encrypted with the first key of TUTELA_FIELD_KEYS (and decrypted again if this migration is reversed)."""

from django.db import migrations

import tutela.core.fields
from tutela.core.services import columns_encrypt_operation

ENCRYPTED = {"case": ["closure_note"], "caseevent": ["note"], "journalentry": ["text"]}


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0002_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="case",
            name="closure_note",
            field=tutela.core.fields.EncryptedTextField(
                blank=True, verbose_name="motivazione della chiusura"
            ),
        ),
        migrations.AlterField(
            model_name="caseevent",
            name="note",
            field=tutela.core.fields.EncryptedTextField(blank=True, verbose_name="nota"),
        ),
        migrations.AlterField(
            model_name="journalentry",
            name="text",
            field=tutela.core.fields.EncryptedTextField(verbose_name="testo"),
        ),
        columns_encrypt_operation("cases", ENCRYPTED),
    ]
