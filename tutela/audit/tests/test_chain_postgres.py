"""Concurrent writers on PostgreSQL (ADR 0008): the locked chain head makes them take turns, so the chain
stays intact and the sequence gapless. Run by `make test-postgres` (pg_virtualenv)."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.db import connection, transaction

from tutela.accounts.models import User
from tutela.accounts.tests.conftest import run_in_threads
from tutela.audit.models import AuditEvent
from tutela.audit.services import audit_record
from tutela.audit.verify import chain_verify
from tutela.core.demo.territory import DemoTerritory
from tutela.intake import services as intake_services
from tutela.intake.tests.test_services import _child, _register

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (DATABASE_URL)"),
]

THREADS, EACH = 8, 10


# Threads need committed rows, hence a transactional test; serialized_rollback puts back the reference data
# that the flush (TRUNCATE, which the append-only triggers do not see) removes at its end.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_writers_keep_the_chain_intact_and_gapless() -> None:
    actor = User.objects.create_user(username="operatore.concorrente")

    def writes(index: int) -> None:
        for n in range(EACH):
            if n % 2:  # half inside a caller's transaction, which holds the head until it commits
                with transaction.atomic():
                    audit_record(actor=actor, action="cases.journal_entry.created", data={"t": index, "n": n})
            else:  # half on their own (a page view in autocommit)
                audit_record(actor=actor, action="cases.case.viewed", data={"t": index, "n": n})

    assert run_in_threads(writes, THREADS) == []
    sequences = list(AuditEvent.objects.order_by("sequence").values_list("sequence", flat=True))
    assert sequences == list(range(1, THREADS * EACH + 1))
    report = chain_verify()
    assert (report.broken, report.checked, report.head_sequence) == (None, THREADS * EACH, THREADS * EACH)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_protocol_registrations_take_the_register_then_the_chain_head(
    demo: DemoTerritory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new child is audited (head locked) before the registration; a known one is not. Unless the register is
    locked first in both, the two orders meet and PostgreSQL aborts one of them as a deadlock."""
    known = _child(demo, surname="Noto", given_name="Anna")
    _register(demo, known)
    resolve = intake_services.person_resolve

    def slow_resolve(**kwargs: Any) -> Any:
        found = resolve(**kwargs)
        time.sleep(0.2)  # widens the window between the child's audit row and the registration
        return found

    monkeypatch.setattr(intake_services, "person_resolve", slow_resolve)

    def registrations(index: int) -> None:
        _register(
            demo, known if index % 2 else _child(demo, surname=f"Nuovo{'ABCD'[index]}", given_name="Bea")
        )

    assert run_in_threads(registrations, 4) == []
    assert chain_verify().broken is None
