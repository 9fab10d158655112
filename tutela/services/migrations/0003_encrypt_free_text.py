"""Confidential free text encrypted at rest (ADR 0009). The columns stay text; the rows written so far are
encrypted with the first key of TUTELA_FIELD_KEYS (and decrypted again if this migration is reversed)."""

from django.db import migrations

import tutela.core.fields
from tutela.core.services import columns_encrypt_operation

ENCRYPTED = {
    "serviceproposal": ["motivation", "return_reason", "rejection_reason"],
    "administrativereview": ["denial_reason"],
}


class Migration(migrations.Migration):
    dependencies = [
        ("services", "0002_load_catalogue"),
    ]

    operations = [
        migrations.AlterField(
            model_name="administrativereview",
            name="denial_reason",
            field=tutela.core.fields.EncryptedTextField(blank=True, verbose_name="motivo del diniego"),
        ),
        migrations.AlterField(
            model_name="serviceproposal",
            name="motivation",
            field=tutela.core.fields.EncryptedTextField(verbose_name="motivazione della proposta"),
        ),
        migrations.AlterField(
            model_name="serviceproposal",
            name="rejection_reason",
            field=tutela.core.fields.EncryptedTextField(blank=True, verbose_name="motivo del rigetto"),
        ),
        migrations.AlterField(
            model_name="serviceproposal",
            name="return_reason",
            field=tutela.core.fields.EncryptedTextField(blank=True, verbose_name="motivo della restituzione"),
        ),
        columns_encrypt_operation("services", ENCRYPTED),
    ]
