# Break-the-glass access to a case outside the scope (ADR 0007).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_load_municipalities"),
        ("cases", "0002_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="BreakGlassAccess",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("reason", models.TextField(verbose_name="motivo")),
                ("opened_at", models.DateTimeField(verbose_name="aperto il")),
                ("expires_at", models.DateTimeField(verbose_name="scade il")),
                ("reviewed_at", models.DateTimeField(blank=True, null=True, verbose_name="verificato il")),
                (
                    "review_outcome",
                    models.CharField(
                        blank=True,
                        choices=[("justified", "giustificato"), ("not_justified", "non giustificato")],
                        max_length=20,
                        verbose_name="esito della verifica",
                    ),
                ),
                ("review_note", models.TextField(blank=True, verbose_name="nota della verifica")),
                (
                    "case",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="cases.case",
                        verbose_name="pratica",
                    ),
                ),
                (
                    "reviewed_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="verificato da",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="break_glass_accesses",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="utente",
                    ),
                ),
            ],
            options={
                "verbose_name": "accesso di emergenza",
                "verbose_name_plural": "accessi di emergenza",
                "ordering": ["-opened_at", "-id"],
                "indexes": [
                    models.Index(fields=["user", "case", "expires_at"], name="break_glass_user_case"),
                    models.Index(
                        condition=models.Q(reviewed_at__isnull=True),
                        fields=["opened_at"],
                        name="break_glass_to_review",
                    ),
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(expires_at__gte=models.F("opened_at")),
                        name="break_glass_expires_not_before_opening",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(reviewed_at__isnull=True, reviewed_by__isnull=True, review_outcome=""),
                            models.Q(
                                reviewed_at__isnull=False,
                                reviewed_by__isnull=False,
                                review_outcome__in=["justified", "not_justified"],
                            ),
                            _connector="OR",
                        ),
                        name="break_glass_review_complete",
                    ),
                ],
            },
        ),
    ]
