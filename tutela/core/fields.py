"""Model fields of general use."""

from __future__ import annotations

from typing import Any

from django.core import checks
from django.core.exceptions import FieldError
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper

from tutela.core import crypto

ALLOWED_LOOKUPS = {"isnull"}


class EncryptedTextField(models.TextField):
    """Confidential free text, encrypted at rest (ADR 0009): a "v1:"+Fernet token in a text column.

    Python code sees plaintext; the database never does. The column cannot be searched, compared or ordered
    on (every stored token differs), so lookups other than `isnull` raise and a system check refuses it in
    Meta.ordering, indexes and unique (an explicit order_by() on it would sort ciphertext: meaningless).
    Query expressions (F, Value, ...) are written as they are: only plain strings get encrypted.
    """

    description = "Testo cifrato (Fernet, chiavi in TUTELA_FIELD_KEYS)"

    def check(self, **kwargs: Any) -> list[checks.CheckMessage]:
        errors = super().check(**kwargs)
        meta = self.model._meta
        indexed = {name.lstrip("-") for index in meta.indexes for name in index.fields}
        indexed |= {name for constraint in meta.constraints for name in getattr(constraint, "fields", ())}
        if self.primary_key or self.unique or getattr(self, "db_index", False) or self.name in indexed:
            errors.append(
                checks.Error(
                    "An encrypted field cannot be a key, unique or indexed: every stored token differs.",
                    obj=self,
                    id="core.E001",
                )
            )
        ordering = {o.lstrip("-") for o in meta.ordering or [] if isinstance(o, str)}
        if self.name in ordering:
            errors.append(
                checks.Error(
                    "An encrypted field cannot order a model: the database sorts ciphertext.",
                    obj=self,
                    id="core.E002",
                )
            )
        return errors

    def from_db_value(
        self, value: str | None, expression: Any, connection: BaseDatabaseWrapper
    ) -> str | None:
        if value is None:
            return None
        return crypto.decrypt(value, where=self._where())

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None:
            return None
        return crypto.encrypt(value)

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name not in ALLOWED_LOOKUPS:
            self._refuse(lookup_name)
        return super().get_lookup(lookup_name)

    def get_transform(self, lookup_name: str) -> Any:
        self._refuse(lookup_name)

    def _refuse(self, lookup_name: str) -> None:
        raise FieldError(
            f"{self._where()} is encrypted at rest: the database cannot compare, search or transform it "
            f"(lookup {lookup_name!r} refused; only 'isnull' is allowed). Filter on other fields and read the "
            "text in Python."
        )

    def _where(self) -> str:
        model = getattr(self, "model", None)
        return f"{model._meta.label}.{self.name}" if model is not None else str(self.name)
