"""Fixtures shared by every test: the demo territory and its personas (STYLE.md, Tests)."""

from __future__ import annotations

import datetime as dt
import os
import zoneinfo
from pathlib import Path
from typing import Any

import pytest
import time_machine

from tutela.accounts.models import User
from tutela.core.demo.territory import DemoTerritory, territory_build

TEST_PASSWORD = "test-password-2026"


ROME = zoneinfo.ZoneInfo("Europe/Rome")
# A run that starts this late (Rome time) could cross midnight: dates read at import (module constants) and
# dates read in a test would then be a day apart. Such a run starts on the next morning instead.
LATE_START_HOUR = 22


def session_start(now: dt.datetime, today: str | None) -> dt.datetime | None:
    """Where the session's clock starts: the day asked for (10:00, Rome time), the next morning for a run that
    starts late in the evening, else the real clock (None). Always ahead of the real clock when it moves it, or
    on a day asked for: Chromium drops cookies that expire in its own past."""
    if today:
        try:
            day = dt.date.fromisoformat(today)
        except ValueError:
            raise pytest.UsageError(f"TUTELA_TEST_TODAY={today!r}: serve una data AAAA-MM-GG") from None
        return dt.datetime.combine(day, dt.time(10), tzinfo=ROME)
    local = now.astimezone(ROME)
    if local.hour >= LATE_START_HOUR:
        return dt.datetime.combine(local.date() + dt.timedelta(days=1), dt.time(8), tzinfo=ROME)
    return None


def pytest_configure(config: pytest.Config) -> None:
    """`TUTELA_TEST_TODAY=2027-01-01 pytest` runs the whole suite as if it were that day (from 10:00, Rome time,
    the clock ticking): the suite must pass on any day of the year, and this is how to prove it for a given one.
    Without it, a run started after 22:00 (Rome) runs from 08:00 of the next day, so that it never crosses
    midnight. Each xdist worker configures itself, so the clock moves in every process (and in the live server's
    thread). Browser journeys need a day after the real one: Chromium drops cookies that expire in its own past."""
    start = session_start(dt.datetime.now(dt.UTC), os.environ.get("TUTELA_TEST_TODAY"))
    if start is not None:
        time_machine.travel(start, tick=True).start()


@pytest.fixture(autouse=True)
def _isolated_files(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _password_login_only(settings: Any) -> None:
    """Tests log in with force_login or a password only: the second factor and the lockout are off unless a
    test turns them on (tutela/accounts/tests/test_auth_*.py)."""
    settings.TUTELA_REQUIRE_2FA = False
    settings.AXES_ENABLED = False


@pytest.fixture
def demo(db: Any) -> DemoTerritory:
    return territory_build(password=TEST_PASSWORD)


def _persona(demo: DemoTerritory, username: str) -> User:
    return demo.users[username]


@pytest.fixture
def protocol_officer(demo: DemoTerritory) -> User:
    return _persona(demo, "protocollo")


@pytest.fixture
def front_office(demo: DemoTerritory) -> User:
    return _persona(demo, "segretariato")


@pytest.fixture
def coordinator(demo: DemoTerritory) -> User:
    return _persona(demo, "coordinatore")


@pytest.fixture
def social_worker(demo: DemoTerritory) -> User:
    return _persona(demo, "assistente")


@pytest.fixture
def other_social_worker(demo: DemoTerritory) -> User:
    """A social worker of another team: sees only the cases assigned to them."""
    return _persona(demo, "assistente2")


@pytest.fixture
def admin_officer(demo: DemoTerritory) -> User:
    return _persona(demo, "amministrativo")


@pytest.fixture
def managing_body(demo: DemoTerritory) -> User:
    return _persona(demo, "sds")


@pytest.fixture
def municipality_officer(demo: DemoTerritory) -> User:
    """The officer of Montemurlo: sees only children resident there."""
    return _persona(demo, "comune")


@pytest.fixture
def outsider(db: Any) -> User:
    """Authenticated, but with no role anywhere."""
    return User.objects.create_user(username="estraneo", password=TEST_PASSWORD)
