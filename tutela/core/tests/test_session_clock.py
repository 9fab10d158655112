"""The test session's clock (tutela/conftest.py): a day asked for, or the next morning for a late start, so that
no run crosses midnight between the dates read at import and those read in a test."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from tutela.conftest import session_start

ROME = zoneinfo.ZoneInfo("Europe/Rome")


def _at(day: str, time: str) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=ROME)


def test_a_day_asked_for_starts_at_ten() -> None:
    assert session_start(_at("2026-12-07", "23:59"), "2027-01-01") == _at("2027-01-01", "10:00")
    with pytest.raises(pytest.UsageError):
        session_start(_at("2026-12-07", "12:00"), "1 gennaio")


def test_a_run_started_late_in_the_evening_runs_on_the_next_morning() -> None:
    assert session_start(_at("2026-12-07", "23:59"), None) == _at("2026-12-08", "08:00")
    assert session_start(_at("2026-12-31", "22:00"), None) == _at("2027-01-01", "08:00")
    # UTC is an hour behind Rome in winter: 21:30 UTC is already 22:30 in Rome
    late_utc = dt.datetime(2026, 12, 7, 21, 30, tzinfo=dt.UTC)
    assert session_start(late_utc, None) == _at("2026-12-08", "08:00")


def test_during_the_day_the_real_clock_is_kept() -> None:
    assert session_start(_at("2026-12-07", "21:59"), None) is None
    assert session_start(_at("2026-12-08", "00:10"), None) is None
    assert session_start(_at("2026-12-07", "00:00"), "") is None
