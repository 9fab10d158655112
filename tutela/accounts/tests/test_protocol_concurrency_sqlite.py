"""Protocol numbering under concurrency on SQLite, the embedded default (DESIGN.md section 7): IMMEDIATE
transactions take the write lock at BEGIN, so concurrent registrations queue on the busy timeout instead of
reading the same last number. The PostgreSQL counterpart is test_postgres.py.

pytest-django's SQLite test database lives in memory with a shared cache, which threads cannot use as a
deployment would (shared-cache connections fail at once with SQLITE_LOCKED). So the threads run in a
subprocess on a database file with the project's own settings (WAL, IMMEDIATE, timeout), under a hard
timeout: sqlite_concurrency_probe.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from tutela.accounts.tests.conftest import protocol_office_setup
from tutela.protocol.models import ProtocolEntry
from tutela.protocol.services import protocol_entry_register

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite configuration only")


def test_protocol_numbers_stay_gapless_under_concurrent_registrations_on_sqlite(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "TUTELA_TESTING": "true",
        "TUTELA_SQLITE_PATH": str(tmp_path / "threads.sqlite3"),
        "TUTELA_MEDIA_ROOT": str(tmp_path / "media"),
        "DATABASE_URL": "",
    }
    done = subprocess.run(
        [sys.executable, "-m", "tutela.accounts.tests.sqlite_concurrency_probe"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["errors"] == []
    assert result["transaction_mode"] == "IMMEDIATE"
    assert result["journal_mode"] == "wal"
    assert result["numbers"] == list(range(1, 41))


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
