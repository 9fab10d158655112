import json
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from tutela.audit.chain import GENESIS_HASH, hash_of
from tutela.audit.context import current_ip
from tutela.audit.models import AuditChainHead, AuditEvent

_IP_FIELD = AuditEvent._meta.get_field("ip_address")
# Plain SQL for the two statements every audited request adds: the ORM's compilation would cost more than them.
_HEAD_TABLE = AuditChainHead._meta.db_table
_HEAD_UPDATE = f"UPDATE {_HEAD_TABLE} SET sequence = %s, last_hash = %s WHERE id = %s"


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    case_id: int | None = None,
    reason: str = "",
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit event (action code `<app>.<entity>.<verb_past>`), in the caller's transaction.

    The chain head stays locked until that transaction ends: call it last, after the other row locks.
    """
    from tutela.accounts.access import break_glass_audit_data, roles_of

    user = actor if getattr(actor, "is_authenticated", False) else None
    event = AuditEvent(
        at=timezone.now(),
        actor=user,
        actor_roles=",".join(sorted(roles_of(user))) if user is not None else "",
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        case_id=case_id,
        # Stored as the database gives it back (IPv6 normalised), or the hash would not verify.
        ip_address=_IP_FIELD.get_prep_value(current_ip.get()),
        reason=reason,
        # As the JSON column gives it back (tuples as lists, keys as strings), for the same reason.
        # A read under break-the-glass names the emergency access (ADR 0007).
        data=json.loads(json.dumps({**(data or {}), **break_glass_audit_data(user, case_id)})),
    )
    # No savepoint: a failure here must fail the caller's transaction; outside one, this is the transaction.
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        sequence, last_hash = _chain_head_locked(cursor)
        event.sequence, event.prev_hash = sequence + 1, last_hash
        event.hash = hash_of(event)
        event.save(force_insert=True)
        cursor.execute(_HEAD_UPDATE, [event.sequence, event.hash, AuditChainHead.SINGLETON])
    return event


def _chain_head_locked(cursor: Any) -> tuple[int, str]:
    """The chain head (sequence, last hash), locked. Created on first use: a flushed test database has none."""
    cursor.execute(_head_select(), [AuditChainHead.SINGLETON])
    row = cursor.fetchone()
    if row is None:
        AuditChainHead.objects.bulk_create(
            [AuditChainHead(pk=AuditChainHead.SINGLETON, sequence=0, last_hash=GENESIS_HASH)],
            ignore_conflicts=True,  # two first events at once: one creates it, both then lock it
        )
        cursor.execute(_head_select(), [AuditChainHead.SINGLETON])
        row = cursor.fetchone()
    return int(row[0]), str(row[1])


def _head_select() -> str:
    # SQLite has no FOR UPDATE: its IMMEDIATE transactions already hold the database's write lock.
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    return f"SELECT sequence, last_hash FROM {_HEAD_TABLE} WHERE id = %s{lock}"
