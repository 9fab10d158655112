"""Business-day arithmetic: Italian national holidays, Easter, the patron saint, weekends and bridges."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import holidays
import pytest
from dateutil.easter import easter

from tutela.deadlines.calendar import (
    add_business_days,
    add_calendar_days_rolling,
    add_hours,
    business_days_between,
    easter_sunday,
    holidays_of,
    is_business_day,
    next_business_day,
    patron_of,
    subtract_business_days,
)

D = dt.date
ROME = ZoneInfo("Europe/Rome")
PRATO = (12, 26)  # Santo Stefano, also a national holiday
FLORENCE = (6, 24)  # San Giovanni


@pytest.mark.parametrize(
    ("year", "sunday"),
    [(2024, D(2024, 3, 31)), (2025, D(2025, 4, 20)), (2026, D(2026, 4, 5)), (2038, D(2038, 4, 25))],
)
def test_easter_in_march_and_april(year, sunday):
    assert easter_sunday(year) == sunday
    monday = sunday + dt.timedelta(days=1)
    assert not is_business_day(monday)
    assert is_business_day(monday + dt.timedelta(days=1))


def test_easter_matches_the_reference_algorithm_for_three_centuries():
    assert all(easter_sunday(y) == easter(y) for y in range(1900, 2200))


def test_our_holidays_on_weekdays_are_the_official_ones():
    """Cross-check with the `holidays` package: same non-working weekdays, year after year."""
    for year in range(2012, 2061):
        ours = {d for d in holidays_of(year) if d.weekday() < 5}
        theirs = {d for d in holidays.Italy(years=year) if d.weekday() < 5}
        assert ours == theirs, year


def test_saturday_and_sunday_are_not_business_days():
    assert is_business_day(D(2026, 11, 20))  # Friday
    assert not is_business_day(D(2026, 11, 21))  # Saturday
    assert not is_business_day(D(2026, 11, 22))  # Sunday
    assert add_business_days(D(2026, 11, 20), 1) == D(2026, 11, 23)


@pytest.mark.parametrize(
    "day",
    [
        D(2026, 1, 1),
        D(2026, 1, 6),
        D(2025, 4, 25),
        D(2026, 5, 1),
        D(2026, 6, 2),  # Tuesday
        D(2025, 8, 15),  # Friday
        D(2027, 10, 4),  # San Francesco, Monday, from 2026
        D(2027, 11, 1),
        D(2026, 12, 8),
        D(2026, 12, 25),
        D(2025, 12, 26),
    ],
)
def test_national_holidays_on_weekdays_are_not_business_days(day):
    assert day.weekday() < 5
    assert not is_business_day(day)


def test_saint_francis_is_a_holiday_only_from_2026():
    assert is_business_day(D(2024, 10, 4))  # Friday
    assert not is_business_day(D(2027, 10, 4))


def test_year_end_rolls_over_new_year():
    assert add_business_days(D(2025, 12, 31), 1) == D(2026, 1, 2)
    assert add_business_days(D(2026, 12, 31), 1) == D(2027, 1, 4)  # Friday 1/1, then the weekend
    assert add_business_days(D(2025, 12, 24), 1) == D(2025, 12, 29)


def test_the_patron_saint_is_a_holiday_only_for_its_territory():
    wednesday = D(2026, 6, 24)
    assert is_business_day(wednesday)
    assert not is_business_day(wednesday, FLORENCE)
    assert add_business_days(D(2026, 6, 23), 1, FLORENCE) == D(2026, 6, 25)
    assert add_business_days(D(2026, 6, 23), 1) == wednesday


def test_a_patron_on_a_national_holiday_changes_nothing():
    assert holidays_of(2026, PRATO) == holidays_of(2026)
    assert add_business_days(D(2026, 12, 22), 5, PRATO) == add_business_days(D(2026, 12, 22), 5)


def test_a_29_february_patron_counts_only_in_leap_years():
    assert not is_business_day(D(2028, 2, 29), (2, 29))
    assert holidays_of(2027, (2, 29)) == holidays_of(2027)


def test_patron_of_reads_the_territory_and_ignores_impossible_dates():
    assert patron_of(SimpleNamespace(patron_saint_month=12, patron_saint_day=26)) == (12, 26)
    assert patron_of(SimpleNamespace(patron_saint_month=None, patron_saint_day=26)) is None
    assert patron_of(SimpleNamespace(patron_saint_month=2, patron_saint_day=31)) is None
    assert patron_of(None) is None


def test_long_bridge_of_easter_and_liberation_day_2025():
    # Easter 20/4, Easter Monday 21/4, Liberation Day Friday 25/4, Labour Day Thursday 1/5.
    assert add_business_days(D(2025, 4, 17), 1) == D(2025, 4, 18)
    assert add_business_days(D(2025, 4, 18), 1) == D(2025, 4, 22)
    assert add_business_days(D(2025, 4, 24), 1) == D(2025, 4, 28)
    assert add_business_days(D(2025, 4, 18), 7) == D(2025, 5, 2)
    assert business_days_between(D(2025, 4, 18), D(2025, 5, 2)) == 7


def test_ten_business_days_from_a_friday_is_two_weeks_later():
    assert add_business_days(D(2026, 11, 20), 10) == D(2026, 12, 4)
    # Across the Immacolata (Tuesday 8/12/2026).
    assert add_business_days(D(2026, 12, 1), 10) == D(2026, 12, 16)


def test_zero_business_days_rolls_a_holiday_forward_and_keeps_a_business_day():
    assert add_business_days(D(2026, 6, 2), 0) == D(2026, 6, 3)
    assert add_business_days(D(2026, 6, 3), 0) == D(2026, 6, 3)
    assert add_business_days(D(2026, 12, 25), 0) == D(2026, 12, 28)
    assert next_business_day(D(2026, 11, 21)) == D(2026, 11, 23)


def test_negative_counts_are_refused():
    with pytest.raises(ValueError):
        add_business_days(D(2026, 1, 7), -1)
    with pytest.raises(ValueError):
        subtract_business_days(D(2026, 1, 7), -1)
    with pytest.raises(ValueError):
        add_calendar_days_rolling(D(2026, 1, 7), -1)


def test_subtracting_business_days_skips_holidays_and_weekends():
    assert subtract_business_days(D(2026, 1, 7), 3) == D(2025, 12, 31)  # over 6/1, the weekend, 1/1
    assert subtract_business_days(D(2026, 6, 3), 1) == D(2026, 6, 1)
    assert subtract_business_days(D(2026, 6, 2), 0) == D(2026, 6, 1)
    assert subtract_business_days(D(2026, 6, 24), 1, FLORENCE) == D(2026, 6, 23)


def test_calendar_days_roll_only_when_the_term_ends_on_a_non_business_day():
    assert add_calendar_days_rolling(D(2026, 5, 23), 10) == D(2026, 6, 3)  # ends on 2/6
    assert add_calendar_days_rolling(D(2026, 5, 20), 10) == D(2026, 6, 1)  # Saturday 30/5 → Monday
    assert add_calendar_days_rolling(D(2026, 5, 19), 10) == D(2026, 5, 29)  # Friday, kept
    assert add_calendar_days_rolling(D(2025, 8, 5), 10) == D(2025, 8, 18)  # Friday 15/8, weekend
    assert add_calendar_days_rolling(D(2026, 6, 14), 10, FLORENCE) == D(2026, 6, 25)


def test_the_art_403_clock_runs_in_elapsed_hours_and_is_never_moved():
    placed = dt.datetime(2026, 12, 24, 18, 30, tzinfo=ROME)
    assert add_hours(placed, 24) == dt.datetime(2026, 12, 25, 18, 30, tzinfo=ROME)  # Christmas, kept
    assert add_hours(placed, 72) == dt.datetime(2026, 12, 27, 18, 30, tzinfo=ROME)  # Sunday, kept
    # Summer time starts on 29/3/2026: 24 hours later the wall clock shows one hour more.
    saturday = dt.datetime(2026, 3, 28, 12, 0, tzinfo=ROME)
    later = add_hours(saturday, 24)
    assert later.astimezone(ROME).replace(tzinfo=None) == dt.datetime(2026, 3, 29, 13, 0)
    assert later.astimezone(dt.UTC) - saturday.astimezone(dt.UTC) == dt.timedelta(hours=24)
    with pytest.raises(ValueError):
        add_hours(dt.datetime(2026, 3, 28, 12, 0), 24)
