"""Business-day arithmetic for Italian public offices (pure functions, no database).

A business day is Monday to Friday, except the national public holidays (L. 260/1949 as amended, L. 151/2025
for 4 October from 2026) and the patron saint's day of the territory's lead Comune. Saturday is not a business
day. Easter Sunday and Monday are computed (Gregorian calendar).

Three ways of counting, one per kind of rule:
- `add_business_days`: service levels counted in working days (take in charge within 10 days, reminders);
- `add_calendar_days_rolling`: legal terms in calendar days; a term that ends on a non-business day moves to
  the next business day (art. 155 c.p.c.);
- `add_hours`: the art. 403 c.c. clock (24/72/48 hours) runs in elapsed time and is never moved.

A patron is passed as `(month, day)` or None; `patron_of(territory)` reads it from a territory.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from functools import lru_cache
from typing import Any

Patron = tuple[int, int] | None

# Fixed-date national holidays, (month, day).
_FIXED = (
    (1, 1),  # Capodanno
    (1, 6),  # Epifania
    (4, 25),  # Festa della Liberazione
    (5, 1),  # Festa del lavoro
    (6, 2),  # Festa della Repubblica
    (8, 15),  # Assunzione
    (11, 1),  # Ognissanti
    (12, 8),  # Immacolata Concezione
    (12, 25),  # Natale
    (12, 26),  # Santo Stefano
)
# San Francesco d'Assisi, patron of Italy: a public holiday again from 2026 (L. 10 ottobre 2025, n. 151).
_SAINT_FRANCIS = (10, 4)
_SAINT_FRANCIS_FROM = 2026

_SATURDAY = 5


def patron_of(territory: Any) -> Patron:
    """The territory's patron saint day as (month, day), or None when not configured or not a real date."""
    if territory is None:
        return None
    month = getattr(territory, "patron_saint_month", None)
    day = getattr(territory, "patron_saint_day", None)
    if not month or not day:
        return None
    try:
        dt.date(2000, month, day)  # a leap year, so 29 February is accepted
    except ValueError:
        return None
    return (month, day)


def easter_sunday(year: int) -> dt.date:
    """Easter Sunday in the Gregorian calendar (anonymous Gregorian algorithm, Meeus/Jones/Butcher)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    leap = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * leap) // 451
    month, day = divmod(h + leap - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


@lru_cache(maxsize=512)
def holidays_of(year: int, patron: Patron = None) -> frozenset[dt.date]:
    """Every public holiday of the year (national ones, Easter Monday and the patron saint's day)."""
    days = {dt.date(year, month, day) for month, day in _FIXED}
    if year >= _SAINT_FRANCIS_FROM:
        days.add(dt.date(year, *_SAINT_FRANCIS))
    easter = easter_sunday(year)
    days.update({easter, easter + dt.timedelta(days=1)})
    if patron is not None:
        with contextlib.suppress(ValueError):  # 29 February in a common year
            days.add(dt.date(year, *patron))
    return frozenset(days)


def is_holiday(day: dt.date, patron: Patron = None) -> bool:
    return day in holidays_of(day.year, patron)


def is_business_day(day: dt.date, patron: Patron = None) -> bool:
    """Monday to Friday and not a holiday (Saturday is not a business day)."""
    return day.weekday() < _SATURDAY and not is_holiday(day, patron)


def next_business_day(day: dt.date, patron: Patron = None) -> dt.date:
    """The day itself when it is a business day, otherwise the first business day after it."""
    while not is_business_day(day, patron):
        day += dt.timedelta(days=1)
    return day


def previous_business_day(day: dt.date, patron: Patron = None) -> dt.date:
    """The day itself when it is a business day, otherwise the last business day before it."""
    while not is_business_day(day, patron):
        day -= dt.timedelta(days=1)
    return day


def add_business_days(day: dt.date, n: int, patron: Patron = None) -> dt.date:
    """The n-th business day after `day` (the start day is not counted); n=0 gives `day` rolled forward to a
    business day."""
    if n < 0:
        raise ValueError("n must be zero or positive; use subtract_business_days")
    if n == 0:
        return next_business_day(day, patron)
    counted = 0
    while counted < n:
        day += dt.timedelta(days=1)
        if is_business_day(day, patron):
            counted += 1
    return day


def subtract_business_days(day: dt.date, n: int, patron: Patron = None) -> dt.date:
    """The n-th business day before `day`; n=0 gives `day` rolled back to a business day (a reminder is never
    sent on a holiday)."""
    if n < 0:
        raise ValueError("n must be zero or positive; use add_business_days")
    if n == 0:
        return previous_business_day(day, patron)
    counted = 0
    while counted < n:
        day -= dt.timedelta(days=1)
        if is_business_day(day, patron):
            counted += 1
    return day


def add_calendar_days_rolling(day: dt.date, n: int, patron: Patron = None) -> dt.date:
    """A term of n calendar days; when it ends on a non-business day it moves to the next business day."""
    if n < 0:
        raise ValueError("n must be zero or positive")
    return next_business_day(day + dt.timedelta(days=n), patron)


def add_hours(moment: dt.datetime, hours: int) -> dt.datetime:
    """A term in hours (art. 403 c.c.): elapsed time, never moved to a business day. Computed in UTC so a
    change to or from summer time does not stretch or shorten it; returned in the moment's time zone."""
    if moment.tzinfo is None:
        raise ValueError("moment must be timezone-aware")
    if hours < 0:
        raise ValueError("hours must be zero or positive")
    elapsed = moment.astimezone(dt.UTC) + dt.timedelta(hours=hours)
    return elapsed.astimezone(moment.tzinfo)


def business_days_between(start: dt.date, end: dt.date, patron: Patron = None) -> int:
    """How many business days fall after `start` up to and including `end` (0 when end <= start)."""
    count = 0
    day = start
    while day < end:
        day += dt.timedelta(days=1)
        if is_business_day(day, patron):
            count += 1
    return count
