"""Field-key rotation (ADR 0009): bring every encrypted column under the first key of TUTELA_FIELD_KEYS."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from typing import Any

from django.apps import apps as global_apps
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.models import ExpressionWrapper, F, Value

from tutela.audit.services import audit_record
from tutela.core import crypto
from tutela.core.fields import EncryptedTextField

BATCH_SIZE = 500
# Set (transaction-local, PostgreSQL) while a batch is re-encrypted, so that a future immutability trigger on a
# table with encrypted columns (the case timeline) can let through an UPDATE that only swaps ciphertext.
ROTATION_SETTING = "tutela.field_key_rotation"


@dataclasses.dataclass
class ColumnCount:
    encrypted: int = 0  # legacy plaintext, now encrypted
    reencrypted: int = 0  # from an older key to the first one
    current: int = 0  # already under the first key
    empty: int = 0  # "" or NULL, nothing to encrypt

    def add(self, other: ColumnCount) -> None:
        for field in dataclasses.fields(self):
            setattr(self, field.name, getattr(self, field.name) + getattr(other, field.name))

    @property
    def changed(self) -> int:
        return self.encrypted + self.reencrypted


def encrypted_columns(apps: Any = global_apps) -> dict[type[models.Model], list[str]]:
    """Every model with encrypted fields, and those fields' names (found by type, so new ones join by themselves)."""
    found: dict[type[models.Model], list[str]] = {}
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        names = [f.name for f in model._meta.local_concrete_fields if isinstance(f, EncryptedTextField)]
        if names:
            found[model] = names
    return found


def columns_reencrypt(
    model: type[models.Model],
    field_names: Iterable[str],
    *,
    batch_size: int = BATCH_SIZE,
    dry_run: bool = False,
    using: str = DEFAULT_DB_ALIAS,
) -> dict[str, ColumnCount]:
    """Encrypt legacy plaintext and re-encrypt old-key tokens of some columns with the first key.

    Streams by primary key, one transaction per batch with the rows locked, so concurrent edits are neither
    lost nor overwritten; a failure leaves earlier batches done, and running again is harmless (values
    already under the first key are left untouched). Writes go through QuerySet.update: no save(), no signals.
    """
    names = list(field_names)
    counts = {name: ColumnCount() for name in names}
    manager = model._base_manager.db_manager(using)

    def handle(batch: list[tuple[Any, ...]]) -> None:
        for pk, *stored_values in batch:
            changes = _row_changes(model, pk, names, stored_values, counts, dry_run=dry_run)
            if changes:
                _write_raw(manager, pk, changes)

    _in_batches(manager, names, handle, batch_size=batch_size, lock=not dry_run, using=using)
    return counts


def _row_changes(
    model: type[models.Model],
    pk: Any,
    names: list[str],
    stored_values: list[str | None],
    counts: dict[str, ColumnCount],
    *,
    dry_run: bool,
) -> dict[str, str]:
    changes: dict[str, str] = {}
    for name, stored in zip(names, stored_values, strict=True):
        state = crypto.token_state(stored)
        if state is crypto.TokenState.EMPTY:
            counts[name].empty += 1
            continue
        if state is crypto.TokenState.CURRENT:
            counts[name].current += 1
            continue
        assert stored is not None
        where = f"{model._meta.label}.{name} (pk={pk})"
        if dry_run:
            crypto.decrypt(stored, where=where)  # a token no key opens must surface before a key is dropped
        else:
            changes[name] = crypto.reencrypt(stored, where=where)
        if state is crypto.TokenState.PLAINTEXT:
            counts[name].encrypted += 1
        else:
            counts[name].reencrypted += 1
    return changes


def columns_decrypt(
    model: type[models.Model],
    field_names: Iterable[str],
    *,
    batch_size: int = BATCH_SIZE,
    using: str = DEFAULT_DB_ALIAS,
) -> None:
    """Write the columns back as plaintext: only to reverse the migrations that introduced encryption."""
    names = list(field_names)
    manager = model._base_manager.db_manager(using)

    def handle(batch: list[tuple[Any, ...]]) -> None:
        for pk, *stored_values in batch:
            plain = {
                name: crypto.decrypt(stored, where=f"{model._meta.label}.{name} (pk={pk})")
                for name, stored in zip(names, stored_values, strict=True)
                if crypto.is_token(stored or "")
            }
            if plain:
                _write_raw(manager, pk, plain)

    _in_batches(manager, names, handle, batch_size=batch_size, lock=True, using=using)


def _in_batches(
    manager: models.Manager[Any],
    names: list[str],
    handle: Callable[[list[tuple[Any, ...]]], None],
    *,
    batch_size: int,
    lock: bool,
    using: str,
) -> None:
    """Hand the stored values (ciphertext, not text) to `handle`, one transaction per batch of rows."""
    # Wrapping the column in a plain TextField drops the encrypted field's from_db_value.
    raw = {f"raw_{name}": ExpressionWrapper(F(name), output_field=models.TextField()) for name in names}
    last_pk = None
    while True:
        with transaction.atomic(using=using):
            _allow_rotation_writes(using)
            rows = manager.order_by("pk")
            if last_pk is not None:
                rows = rows.filter(pk__gt=last_pk)
            if lock:
                rows = rows.select_for_update()
            batch = list(rows.annotate(**raw).values_list("pk", *raw)[:batch_size])
            handle(batch)
        if len(batch) < batch_size:
            return
        last_pk = batch[-1][0]


def _write_raw(manager: models.Manager[Any], pk: Any, values: dict[str, str]) -> None:
    # A plain-TextField Value is written as it is: the encrypted field's get_prep_value would encrypt it again.
    manager.filter(pk=pk).update(
        **{name: Value(v, output_field=models.TextField()) for name, v in values.items()}
    )


def _allow_rotation_writes(using: str) -> None:
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, 'on', true)", [ROTATION_SETTING])


@dataclasses.dataclass
class RotationReport:
    key: str  # fingerprint of the first key
    columns: dict[str, ColumnCount]
    completed: bool = False

    @property
    def total(self) -> ColumnCount:
        total = ColumnCount()
        for count in self.columns.values():
            total.add(count)
        return total

    def as_audit_data(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "completed": self.completed,
            "columns": {label: dataclasses.asdict(count) for label, count in self.columns.items()},
            "total": dataclasses.asdict(self.total),
        }


def field_keys_rotate(*, batch_size: int = BATCH_SIZE, dry_run: bool = False) -> RotationReport:
    """Re-encrypt every encrypted column with the first key; one audit event records the counts.

    The rows are rewritten with QuerySet.update, which skips the per-object audit: this is a technical
    re-encryption, the texts do not change. A dry run only counts and records nothing.
    """
    report = RotationReport(key=crypto.key_fingerprint(), columns={})
    try:
        for model, names in encrypted_columns().items():
            counts = columns_reencrypt(model, names, batch_size=batch_size, dry_run=dry_run)
            for name, count in counts.items():
                report.columns[f"{model._meta.label_lower}.{name}"] = count
        report.completed = True
    finally:
        # A failure half-way still leaves committed batches behind: the trail must show them.
        if not dry_run:
            with transaction.atomic():
                audit_record(actor=None, action="core.field_keys.rotated", data=report.as_audit_data())
    return report


def columns_encrypt_operation(app_label: str, encrypted: dict[str, list[str]]) -> Any:
    """The data step of a migration that turns columns into EncryptedTextField: encrypt the rows written so
    far with the first key, and decrypt them again when the migration is reversed."""
    from django.db import migrations

    def forwards(apps: Any, schema_editor: Any) -> None:
        for model_name, names in encrypted.items():
            columns_reencrypt(
                apps.get_model(app_label, model_name), names, using=schema_editor.connection.alias
            )

    def backwards(apps: Any, schema_editor: Any) -> None:
        for model_name, names in encrypted.items():
            columns_decrypt(
                apps.get_model(app_label, model_name), names, using=schema_editor.connection.alias
            )

    return migrations.RunPython(forwards, backwards)
