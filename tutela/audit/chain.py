"""The hash chain of the audit log (ADR 0008): each event's SHA-256 covers its own fields and the previous hash.

The canonical form is frozen: changing it (field order, formats, version) breaks every hash already stored.
Pure functions only, so that migrations can use them on historical models.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

CHAIN_VERSION = 1
GENESIS_HASH = "0" * 64  # the "previous hash" of event 1


def canonical_time(value: dt.datetime) -> str:
    """UTC, microseconds: what both SQLite and PostgreSQL give back unchanged."""
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def canonical(
    *,
    sequence: int,
    at: dt.datetime,
    actor_id: int | None,
    actor_roles: str,
    action: str,
    object_type: str,
    object_id: str,
    case_id: int | None,
    ip_address: str | None,
    reason: str,
    data: Any,
    prev_hash: str,
) -> bytes:
    """The bytes an event's hash is computed over: sorted-key JSON, no whitespace, UTF-8."""
    fields = {
        "v": CHAIN_VERSION,
        "sequence": sequence,
        "at": canonical_time(at),
        "actor_id": actor_id,
        "actor_roles": actor_roles,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "case_id": case_id,
        "ip_address": ip_address,
        "reason": reason,
        "data": data,
        "prev_hash": prev_hash,
    }
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def event_hash(**fields: Any) -> str:
    return hashlib.sha256(canonical(**fields)).hexdigest()


HASHED_FIELDS = (
    "sequence",
    "at",
    "actor_id",
    "actor_roles",
    "action",
    "object_type",
    "object_id",
    "case_id",
    "ip_address",
    "reason",
    "data",
    "prev_hash",
)


def hash_of(event: Any) -> str:
    """The hash an AuditEvent (model instance, historical or not) should carry."""
    return event_hash(**{name: getattr(event, name) for name in HASHED_FIELDS})
