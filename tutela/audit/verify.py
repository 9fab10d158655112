"""Prove the audit log untouched (ADR 0008): walk the chain in sequence order, streaming."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from tutela.audit.chain import GENESIS_HASH, HASHED_FIELDS, event_hash
from tutela.audit.models import AuditChainHead, AuditEvent

CHUNK = 2000


@dataclass(frozen=True)
class ChainBreak:
    """The first place where the chain does not hold, and why."""

    sequence: int
    event_id: int | None
    reason: str

    def __str__(self) -> str:
        where = f"evento id={self.event_id}, " if self.event_id is not None else ""
        return f"{where}progressivo {self.sequence}: {self.reason}"


@dataclass(frozen=True)
class ChainReport:
    checked: int
    head_sequence: int
    head_hash: str
    broken: ChainBreak | None


def _rows() -> Iterator[dict[str, Any]]:
    # values() and, on PostgreSQL, a server-side cursor: memory stays flat however long the log.
    columns = ("id", *HASHED_FIELDS, "hash")
    return AuditEvent.objects.order_by("sequence").values(*columns).iterator(chunk_size=CHUNK)


def chain_verify(anchors: Mapping[int, str] | None = None) -> ChainReport:
    """Events 1..head all present, each hash recomputed and linked to the previous one, nothing past the head.

    `anchors` ({sequence: hash}, copied elsewhere earlier) catch a chain recomputed from scratch.
    """
    anchors = anchors or {}
    head = AuditChainHead.objects.filter(pk=AuditChainHead.SINGLETON).first()
    head_sequence, head_hash = (head.sequence, head.last_hash) if head else (0, GENESIS_HASH)
    expected, previous = 1, GENESIS_HASH
    for row in _rows():
        broken = _check(row, expected, previous, head_sequence, anchors.get(row["sequence"]))
        if broken is not None:
            return ChainReport(expected - 1, head_sequence, head_hash, broken)
        previous, expected = row["hash"], row["sequence"] + 1
        if row["sequence"] == head_sequence:
            break  # anything later was appended while walking, under a later head
    broken = _check_end(expected, previous, head_sequence, head_hash, anchors)
    return ChainReport(expected - 1, head_sequence, head_hash, broken)


def _check(
    row: dict[str, Any], expected: int, previous: str, head_sequence: int, anchor: str | None
) -> ChainBreak | None:
    sequence, event_id = row["sequence"], row["id"]
    if sequence != expected:
        return ChainBreak(expected, None, f"manca (il primo evento presente dopo è id={event_id}): eliminato")
    if sequence > head_sequence:
        return ChainBreak(sequence, event_id, f"oltre la testa della catena ({head_sequence}): inserito")
    if row["prev_hash"] != previous:
        return ChainBreak(
            sequence, event_id, "l'impronta precedente non corrisponde: evento inserito o sostituito"
        )
    if event_hash(**{name: row[name] for name in HASHED_FIELDS}) != row["hash"]:
        return ChainBreak(sequence, event_id, "l'impronta non corrisponde al contenuto: modificato")
    if anchor is not None and anchor != row["hash"]:
        return ChainBreak(sequence, event_id, "l'impronta differisce da quella annotata: catena riscritta")
    return None


def _check_end(
    expected: int, previous: str, head_sequence: int, head_hash: str, anchors: Mapping[int, str]
) -> ChainBreak | None:
    if expected <= head_sequence:
        return ChainBreak(
            expected, None, f"mancano gli eventi fino alla testa della catena ({head_sequence}): eliminati"
        )
    if previous != head_hash:
        return ChainBreak(head_sequence, None, "la testa della catena non corrisponde all'ultimo evento")
    beyond = [sequence for sequence in anchors if sequence > head_sequence]
    if beyond:
        return ChainBreak(
            min(beyond), None, f"annotato ma oltre la testa della catena ({head_sequence}): eliminato"
        )
    return _check_nothing_after(head_sequence)


def _check_nothing_after(head_sequence: int) -> ChainBreak | None:
    """An event past the head, still past it when the head is read again, was never chained."""
    first = (
        AuditEvent.objects.filter(sequence__gt=head_sequence)
        .order_by("sequence")
        .values("id", "sequence")
        .first()
    )
    if first is None:
        return None
    now = (
        AuditChainHead.objects.filter(pk=AuditChainHead.SINGLETON).values_list("sequence", flat=True).first()
    )
    if now is not None and first["sequence"] <= now:
        return None  # appended legitimately while the chain was walked
    return ChainBreak(
        first["sequence"], first["id"], f"oltre la testa della catena ({head_sequence}): inserito"
    )
