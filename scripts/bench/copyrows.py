"""Rows for one table, written with PostgreSQL COPY (psycopg's cursor.copy), never through the ORM.

A table names the columns the generator fills, by the model's attribute names; the model's other concrete
columns get one constant each, decided once from the field (its default, NULL, or "" for blank text) and
announced, so that a column added to a model later is either filled sensibly or stops the bench with its name.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
import sys
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models.fields import NOT_PROVIDED

_ANNOUNCED: set[str] = set()


class Table:
    """The rows of one model for the current batch, as tuples in `columns` order."""

    def __init__(self, model: type[models.Model], columns: tuple[str, ...], *, now: dt.datetime) -> None:
        fields = {f.attname: f for f in model._meta.concrete_fields}
        unknown = [c for c in columns if c not in fields]
        if unknown:
            raise RuntimeError(f"{model._meta.label}: the bench fills columns the model lacks: {unknown}")
        extra = [f for name, f in fields.items() if name not in columns]
        self.model = model
        self.columns = columns
        self.extra = tuple(_constant(f, now) for f in extra)
        names = [str(fields[c].column) for c in columns] + [str(f.column) for f in extra]
        self.sql = f"COPY {model._meta.db_table} ({', '.join(names)}) FROM STDIN"
        self.rows: list[tuple[Any, ...]] = []
        if extra and model._meta.label not in _ANNOUNCED:
            _ANNOUNCED.add(model._meta.label)
            filled = ", ".join(f"{f.attname}={v!r}" for f, v in zip(extra, self.extra, strict=True))
            print(f"  {model._meta.label}: constant {filled}", file=sys.stderr)

    def take(self) -> Rows:
        """The rows so far, ready to copy; the table starts empty again."""
        rows, self.rows = self.rows, []
        return Rows(self.sql, self.extra, rows)

    def flush(self, cursor: Any) -> None:
        self.take().copy(cursor)


@dataclass(frozen=True, slots=True)
class Rows:
    sql: str
    extra: tuple[Any, ...]
    rows: list[tuple[Any, ...]]

    def copy(self, cursor: Any) -> None:
        if not self.rows:
            return
        extra = self.extra
        with cursor.copy(self.sql) as copy:
            write = copy.write_row
            for row in self.rows:
                write(row + extra)


def _constant(field: models.Field[Any, Any], now: dt.datetime) -> Any:
    value = _default(field, now)
    return value.value if isinstance(value, enum.Enum) else value


def _default(field: models.Field[Any, Any], now: dt.datetime) -> Any:
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return now
    if field.default is not NOT_PROVIDED:
        value = field.get_default()
        return json.dumps(value) if isinstance(field, models.JSONField) else value
    if field.null:
        return None
    if isinstance(field, models.CharField | models.TextField) and field.blank:
        return ""
    raise RuntimeError(
        f"{field.model._meta.label}.{field.name} is NOT NULL without a default: "
        "scripts/bench must generate it (add it to the table's columns)."
    )
