"""The audit log is hash-chained and append-only (ADR 0008), on SQLite and on PostgreSQL alike.

Tampering is simulated as somebody with database access would do it: raw SQL, after dropping the triggers
inside the test's own transaction (DDL is transactional on both engines, so the rollback puts them back).
"""

from __future__ import annotations

import importlib
import itertools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from tutela.accounts.models import User
from tutela.audit import verify
from tutela.audit.chain import GENESIS_HASH, event_hash, hash_of
from tutela.audit.context import current_ip
from tutela.audit.models import AuditChainHead, AuditEvent
from tutela.audit.services import audit_record
from tutela.audit.verify import chain_verify

MIGRATION = importlib.import_module("tutela.audit.migrations.0004_append_only")


@pytest.fixture
def actor(db: Any) -> User:
    return User.objects.create_user(username="operatore.audit", first_name="Ada", last_name="Rossi")


@pytest.fixture
def events(actor: User) -> list[AuditEvent]:
    """Six events, one with an IPv6 address, odd JSON and a reason: what must come back byte for byte."""
    token = current_ip.set("2001:DB8:0:0:0:0:0:1")
    try:
        recorded = [
            audit_record(
                actor=actor,
                action="cases.case.viewed",
                case_id=n,
                reason="Verifica urgente" if n == 2 else "",
                data={"page": n, 10: "dieci", 9: "nove", "list": (1, 2.5, "è")},
            )
            for n in range(1, 7)
        ]
    finally:
        current_ip.reset(token)
    return recorded


def _sql(statement: str, params: list[Any] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params or [])


@contextmanager
def _without_triggers() -> Iterator[None]:
    """The append-only triggers dropped for the block, as an attacker with database access could."""
    postgres = connection.vendor == "postgresql"
    for statement in MIGRATION.PG_DOWN if postgres else MIGRATION.SQLITE_DOWN:
        _sql(statement)
    try:
        yield
    finally:
        for statement in MIGRATION.PG_UP if postgres else MIGRATION.SQLITE_UP:
            _sql(statement)


def _refused(statement: Callable[[], Any]) -> bool:
    try:
        with transaction.atomic():  # a savepoint: the test's transaction survives the refusal
            statement()
    except DatabaseError:
        return True
    return False


def _broken() -> str:
    with pytest.raises(CommandError) as raised:
        call_command("audit_verify")
    assert raised.value.returncode == 1
    return str(raised.value)


# --- the chain -----------------------------------------------------------------------------------------------


def test_every_event_is_chained_to_the_previous_one(events: list[AuditEvent], actor: User) -> None:
    stored = list(AuditEvent.objects.order_by("sequence"))
    assert [e.sequence for e in stored] == [1, 2, 3, 4, 5, 6]
    assert stored[0].prev_hash == GENESIS_HASH
    assert all(later.prev_hash == earlier.hash for earlier, later in itertools.pairwise(stored))
    # What the database gives back hashes to what was stored: times, IPv6, JSON keys and lists, accents.
    assert [hash_of(e) for e in stored] == [e.hash for e in events] == [e.hash for e in stored]
    assert stored[1].ip_address == "2001:db8::1"
    assert stored[1].reason == "Verifica urgente"
    head = AuditChainHead.objects.get()
    assert (head.sequence, head.last_hash) == (6, stored[-1].hash)


def test_the_actor_roles_of_the_moment_are_recorded(demo: Any) -> None:
    event = audit_record(actor=demo.users["coordinatore"], action="cases.case.searched")
    anonymous = audit_record(actor=None, action="notifications.communication.sent")
    assert event.actor_roles == "COORDINATOR"
    assert (anonymous.actor_id, anonymous.actor_roles) == (None, "")


def test_the_hash_covers_every_field(events: list[AuditEvent]) -> None:
    event = AuditEvent.objects.get(sequence=3)
    fields = {name: getattr(event, name) for name in verify.HASHED_FIELDS}
    for name, other in [
        ("reason", "altro"),
        ("case_id", 99),
        ("actor_id", None),
        ("data", {}),
        ("sequence", 4),
    ]:
        assert event_hash(**{**fields, name: other}) != event.hash, name


def test_audit_verify_passes_on_an_intact_log(events: list[AuditEvent], capsys: Any) -> None:
    call_command("audit_verify")
    out = capsys.readouterr().out
    assert "integro: 6 eventi verificati" in out
    assert f"6:{events[-1].hash}" in out


def test_audit_verify_streams_across_chunks(
    events: list[AuditEvent], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(verify, "CHUNK", 2)
    report = chain_verify()
    assert (report.broken, report.checked) == (None, 6)


def test_an_empty_log_verifies(db: Any) -> None:
    report = chain_verify()
    assert (report.broken, report.checked) == (None, 0)


# --- the triggers --------------------------------------------------------------------------------------------


def test_the_database_refuses_to_change_or_delete_an_event(events: list[AuditEvent]) -> None:
    event = events[2]
    assert _refused(lambda: AuditEvent.objects.filter(pk=event.pk).update(reason="ritoccato"))
    assert _refused(lambda: AuditEvent.objects.filter(pk=event.pk).delete())
    assert _refused(lambda: _sql("UPDATE audit_auditevent SET action = 'x' WHERE id = %s", [event.pk]))
    assert _refused(lambda: _sql("DELETE FROM audit_auditevent"))
    assert AuditEvent.objects.count() == 6
    assert AuditEvent.objects.get(pk=event.pk).reason == ""


def test_the_chain_head_only_moves_forward_by_one(events: list[AuditEvent]) -> None:
    heads = AuditChainHead.objects.all()
    assert _refused(lambda: heads.update(sequence=5, last_hash=events[4].hash))  # rewound
    assert _refused(lambda: heads.update(sequence=8))  # skipped ahead
    assert _refused(lambda: heads.delete())
    assert not _refused(lambda: heads.update(sequence=6, last_hash=events[5].hash))  # saved unchanged
    assert AuditChainHead.objects.get().sequence == 6


# --- tampering -----------------------------------------------------------------------------------------------


def test_audit_verify_names_an_altered_event(events: list[AuditEvent]) -> None:
    with _without_triggers():
        _sql("UPDATE audit_auditevent SET reason = 'nessuna' WHERE sequence = 4")
    message = _broken()
    assert f"evento id={events[3].pk}, progressivo 4" in message
    assert "modificato" in message
    assert "3 eventi integri" in message


def test_audit_verify_names_a_deleted_event(events: list[AuditEvent]) -> None:
    with _without_triggers():
        _sql("DELETE FROM audit_auditevent WHERE sequence = 3")
    message = _broken()
    assert "progressivo 3" in message
    assert f"il primo evento presente dopo è id={events[3].pk}" in message
    assert "eliminato" in message


def test_audit_verify_notices_the_last_events_deleted(events: list[AuditEvent]) -> None:
    with _without_triggers():
        _sql("DELETE FROM audit_auditevent WHERE sequence >= 5")
    message = _broken()
    assert "progressivo 5" in message
    assert "eliminati" in message


def test_audit_verify_notices_a_chain_rewritten_to_hide_deleted_events(events: list[AuditEvent]) -> None:
    """Deleting the last events and rewinding the head passes the chain, not a hash copied elsewhere."""
    anchor = f"6:{events[5].hash}"
    with _without_triggers():
        _sql("DELETE FROM audit_auditevent WHERE sequence >= 5")
        _sql("UPDATE audit_auditchainhead SET sequence = 4, last_hash = %s", [events[3].hash])
    call_command("audit_verify")  # the chain alone cannot tell
    with pytest.raises(CommandError, match="progressivo 6: annotato ma oltre la testa"):
        call_command("audit_verify", anchor=[anchor])


def _forged(after: AuditEvent, sequence: int) -> AuditEvent:
    """An event chained to `after` with a correct hash: what someone who knows the algorithm would insert."""
    forged = AuditEvent(
        at=after.at,
        actor_id=after.actor_id,
        actor_roles="",
        action="cases.case.viewed",
        case_id=after.case_id,
        ip_address=None,
        reason="",
        data={},
        sequence=sequence,
        prev_hash=after.hash,
    )
    forged.hash = hash_of(forged)
    return forged


def test_audit_verify_names_an_event_inserted_at_the_end(events: list[AuditEvent]) -> None:
    forged = _forged(events[-1], 7)
    forged.save(force_insert=True)  # the trigger lets rows in; the head stays at 6
    message = _broken()
    assert f"evento id={forged.pk}, progressivo 7" in message
    assert "inserito" in message


def test_audit_verify_names_the_event_after_one_inserted_in_the_middle(events: list[AuditEvent]) -> None:
    with _without_triggers():  # make room at 3: shift 3..6 to 4..7 (through negatives: the column is unique)
        _sql("UPDATE audit_auditevent SET sequence = -sequence WHERE sequence >= 3")
        _sql("UPDATE audit_auditevent SET sequence = 1 - sequence WHERE sequence < 0")
        _sql("UPDATE audit_auditchainhead SET sequence = 7")
    _forged(events[1], 3).save(force_insert=True)
    message = _broken()
    # The forged event itself is well chained; the chain breaks at the event that followed the insertion.
    assert f"evento id={events[2].pk}, progressivo 4" in message
    assert "inserito o sostituito" in message


def test_audit_verify_refuses_a_malformed_anchor(events: list[AuditEvent]) -> None:
    with pytest.raises(CommandError, match="Riferimento non valido"):
        call_command("audit_verify", anchor=["6:abc"])
