"""Confidential free text encrypted at rest (ADR 0009). The columns stay text; the rows written so far are
encrypted with the first key of TUTELA_FIELD_KEYS (and decrypted again if this migration is reversed)."""

from django.db import migrations

import tutela.core.fields
from tutela.core.services import columns_encrypt_operation

ENCRYPTED = {"referral": ["narrative"]}


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="referral",
            name="narrative",
            field=tutela.core.fields.EncryptedTextField(blank=True, verbose_name="sintesi"),
        ),
        columns_encrypt_operation("intake", ENCRYPTED),
    ]
