"""What depends on locking and triggers, on PostgreSQL (DESIGN.md section 7): protocol numbering under
concurrency and the immutability of registered entries. Run by `make test-postgres` (pg_virtualenv).

The SQLite counterpart of the concurrency test is test_protocol_concurrency_sqlite.py.
"""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from tutela.accounts.tests.conftest import protocol_office_setup, register_concurrently
from tutela.protocol.models import ProtocolEntry
from tutela.protocol.services import protocol_entry_annul, protocol_entry_register

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (DATABASE_URL)"),
]


# Threads need committed rows, hence a transactional test; serialized_rollback puts back the reference data
# loaded by migrations (Comuni, SINBA codes, service catalogue) that the flush at its end removes.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_protocol_numbers_stay_gapless_under_concurrent_registrations() -> None:
    """DPR 445/2000 art. 57: one progressive number per year, whatever the concurrency (8 threads x 5)."""
    register, officer = protocol_office_setup()
    errors = register_concurrently(register, officer, threads=8, each=5)
    assert errors == []
    numbers = list(
        ProtocolEntry.objects.filter(register=register, year=timezone.localdate().year)
        .order_by("number")
        .values_list("number", flat=True)
    )
    assert numbers == list(range(1, 41))


@pytest.fixture
def entry(db: object) -> ProtocolEntry:
    register, officer = protocol_office_setup()
    return protocol_entry_register(
        register=register,
        direction=ProtocolEntry.Direction.INCOMING,
        actor=officer,
        correspondents="Questura di Prato",
        subject="Segnalazione di pregiudizio",
    )


def _refused(statement: object) -> bool:
    try:
        with transaction.atomic():  # a savepoint: the test's transaction survives the refusal
            statement()  # type: ignore[operator]
    except DatabaseError:
        return True
    return False


def test_the_trigger_refuses_to_change_a_registered_subject(entry: ProtocolEntry) -> None:
    assert _refused(lambda: ProtocolEntry.objects.filter(pk=entry.pk).update(subject="Altro oggetto"))
    assert _refused(lambda: ProtocolEntry.objects.filter(pk=entry.pk).update(number=99))
    entry.refresh_from_db()
    assert entry.subject == "Segnalazione di pregiudizio"
    assert entry.number == 1


def test_the_trigger_refuses_to_delete_an_entry(entry: ProtocolEntry) -> None:
    assert _refused(lambda: ProtocolEntry.objects.filter(pk=entry.pk).delete())
    assert ProtocolEntry.objects.filter(pk=entry.pk).exists()


def test_the_trigger_lets_an_entry_be_annulled_once(entry: ProtocolEntry) -> None:
    annulled = protocol_entry_annul(
        entry=entry, actor=entry.registered_by, reason="Autorizzazione n. 12/2026"
    )
    assert annulled.annulled_at is not None
    assert _refused(lambda: ProtocolEntry.objects.filter(pk=entry.pk).update(annulled_at=timezone.now()))
    assert _refused(lambda: ProtocolEntry.objects.filter(pk=entry.pk).update(annulled_at=None))
