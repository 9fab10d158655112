"""Confidential free text encrypted at rest (ADR 0009). The columns stay text; the rows written so far are
encrypted with the first key of TUTELA_FIELD_KEYS (and decrypted again if this migration is reversed)."""

from django.db import migrations

import tutela.core.fields
from tutela.core.services import columns_decrypt, columns_reencrypt

ENCRYPTED = {"referral": ["narrative"]}


def encrypt_rows(apps, schema_editor):
    for model_name, names in ENCRYPTED.items():
        columns_reencrypt(apps.get_model("intake", model_name), names, using=schema_editor.connection.alias)


def decrypt_rows(apps, schema_editor):
    for model_name, names in ENCRYPTED.items():
        columns_decrypt(apps.get_model("intake", model_name), names, using=schema_editor.connection.alias)


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
        migrations.RunPython(encrypt_rows, decrypt_rows),
    ]
