"""Confidential free text encrypted at rest (ADR 0009). The columns stay text; the rows written so far are
encrypted with the first key of TUTELA_FIELD_KEYS (and decrypted again if this migration is reversed)."""

from django.db import migrations

import tutela.core.fields
from tutela.core.services import columns_encrypt_operation

ENCRYPTED = {"assessment": ["summary"], "socialreport": ["facts", "statements", "evaluations", "proposals"]}


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0002_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="assessment",
            name="summary",
            field=tutela.core.fields.EncryptedTextField(verbose_name="sintesi della valutazione"),
        ),
        migrations.AlterField(
            model_name="socialreport",
            name="evaluations",
            field=tutela.core.fields.EncryptedTextField(verbose_name="valutazioni professionali"),
        ),
        migrations.AlterField(
            model_name="socialreport",
            name="facts",
            field=tutela.core.fields.EncryptedTextField(verbose_name="fatti osservati"),
        ),
        migrations.AlterField(
            model_name="socialreport",
            name="proposals",
            field=tutela.core.fields.EncryptedTextField(blank=True, verbose_name="proposte"),
        ),
        migrations.AlterField(
            model_name="socialreport",
            name="statements",
            field=tutela.core.fields.EncryptedTextField(
                blank=True, verbose_name="dichiarazioni delle persone sentite"
            ),
        ),
        columns_encrypt_operation("assessments", ENCRYPTED),
    ]
