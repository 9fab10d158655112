"""Protocol numbering under concurrency on SQLite, the embedded default (DESIGN.md section 7): IMMEDIATE
transactions take the write lock at BEGIN, so concurrent registrations queue on the busy timeout instead of
reading the same last number. The PostgreSQL counterpart is test_postgres.py.

pytest-django's SQLite test database lives in memory with a shared cache. Threads cannot share it usefully:
shared-cache connections lock tables and fail at once with "database table is locked" (SQLITE_LOCKED, which
the busy timeout does not cover), and the test's own transaction would hide its rows from them anyway. So the
migrated test database is copied to a file (SQLite's backup API) and the threads, and only they, connect to
that file with the project's settings (WAL, IMMEDIATE, timeout): the real configuration of a deployment.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, connections
from django.utils import timezone

from tutela.accounts.tests.conftest import protocol_office_setup, register_concurrently, run_in_threads
from tutela.protocol.models import ProtocolEntry, ProtocolRegister
from tutela.protocol.services import protocol_entry_register

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite configuration only")


@pytest.fixture
def file_database(django_db_setup: Any, django_db_blocker: Any, tmp_path: Path) -> Iterator[dict[str, Any]]:
    """Connections opened by new threads go to a file copy of the migrated test database.

    The copy is taken outside any test transaction (SQLite cannot back up a connection that is writing), so
    this test does not use the `db` fixture: it never writes to the test database itself.
    """
    path = tmp_path / "threads.sqlite3"
    with django_db_blocker.unblock():
        connection.ensure_connection()
        assert not connection.in_atomic_block
        target = sqlite3.connect(path)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
        original = connections.settings["default"]
        # The main thread keeps its in-memory connection, which holds its own reference to the old settings.
        connections.settings["default"] = {**original, "NAME": str(path)}
        try:
            yield connections.settings["default"]
        finally:
            connections.settings["default"] = original


def _in_a_thread(function: Any) -> Any:
    result: list[Any] = []
    errors = run_in_threads(lambda _index: result.append(function()), 1)
    assert errors == []
    return result[0]


def test_protocol_numbers_stay_gapless_under_concurrent_registrations_on_sqlite(
    file_database: dict[str, Any],
) -> None:
    assert file_database["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    register, officer = _in_a_thread(protocol_office_setup)
    errors = register_concurrently(register, officer, threads=8, each=5)
    assert errors == []

    def numbers() -> tuple[list[int], str]:
        journal_mode = connections["default"].cursor().execute("PRAGMA journal_mode").fetchone()[0]
        entries = ProtocolEntry.objects.filter(register=register, year=timezone.localdate().year)
        return list(entries.order_by("number").values_list("number", flat=True)), journal_mode

    registered, journal_mode = _in_a_thread(numbers)
    assert journal_mode == "wal"
    assert registered == list(range(1, 41))
    assert not ProtocolRegister.objects.filter(pk=register.pk).exists()  # the test database was not touched


def test_the_unique_constraint_is_the_last_line_of_defence(db: Any) -> None:
    """Sequential registrations number 1..n; a duplicate number is refused by the database itself."""
    from django.db import IntegrityError, transaction

    register, officer = protocol_office_setup()
    entries = [
        protocol_entry_register(
            register=register,
            direction=ProtocolEntry.Direction.INCOMING,
            actor=officer,
            correspondents="Scuola",
            subject=f"Segnalazione {n}",
        )
        for n in range(5)
    ]
    assert [e.number for e in entries] == [1, 2, 3, 4, 5]
    duplicate = ProtocolEntry(
        register=register,
        year=entries[0].year,
        number=3,
        direction="E",
        registered_at=timezone.now(),
        registered_by=officer,
        correspondents="Scuola",
        subject="Doppione",
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()
