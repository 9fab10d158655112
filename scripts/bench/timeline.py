"""When things happen in a synthetic case: its state, and the dates of its steps, drawn per state.

States and their shares of the cases (the open ones, 36.5%, are what the worklists show):
REFERRED 1.5% (received in the last 20 days, about a third past the 10 working days to assign them),
ASSESSMENT 6.5%, IN_CARE 27%, CLOSING 1.5%, CLOSED 63.5% (30% of those closed after the assessment found no
grounds, the others after a time in care). Cases were opened over the last ten years, open ones more recently.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

REFERRED, ASSESSMENT, IN_CARE, CLOSING, CLOSED = "REFERRED", "ASSESSMENT", "IN_CARE", "CLOSING", "CLOSED"
STATE_WEIGHTS = {REFERRED: 1.5, ASSESSMENT: 6.5, IN_CARE: 27.0, CLOSING: 1.5, CLOSED: 63.5}
NO_GROUNDS_SHARE = 0.30
SPAN_DAYS = 3650
DAY = dt.timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Plan:
    state: str
    opened: dt.datetime
    assigned: dt.datetime | None = None
    in_care: dt.datetime | None = None  # the assessment found grounds: taken in charge
    closing: dt.datetime | None = None  # closure requested
    closed: dt.datetime | None = None
    no_grounds: bool = False

    @property
    def last(self) -> dt.datetime:
        return self.closed or self.closing or self.in_care or self.assigned or self.opened


def plans_draw(rng: random.Random, count: int, now: dt.datetime) -> list[Plan]:
    states = rng.choices(list(STATE_WEIGHTS), weights=list(STATE_WEIGHTS.values()), k=count)
    return [_plan(rng, state, now) for state in states]


def _plan(rng: random.Random, state: str, now: dt.datetime) -> Plan:
    u = rng.random
    if state == REFERRED:
        return Plan(state, now - DAY * rng.uniform(0.02, 20))
    if state == ASSESSMENT:
        opened = now - DAY * (3 + 237 * u() ** 2)
        opened, assigned = _steps(rng, opened, now, [rng.uniform(0.2, 14)])
        return Plan(state, opened, assigned)
    if state == IN_CARE:
        opened = now - DAY * (45 + 2855 * u() ** 1.5)
        opened, assigned, in_care = _steps(rng, opened, now, [rng.uniform(0.2, 14), rng.uniform(15, 90)])
        return Plan(state, opened, assigned, in_care)
    if state == CLOSING:
        opened = now - DAY * rng.uniform(120, 2200)
        gaps = [rng.uniform(0.2, 14), rng.uniform(15, 90), rng.uniform(90, 1500)]
        opened, assigned, in_care, closing = _steps(rng, opened, now, gaps)
        return Plan(state, opened, assigned, in_care, closing)
    opened = now - DAY * rng.uniform(30, SPAN_DAYS)
    if u() < NO_GROUNDS_SHARE:
        opened, assigned, closed = _steps(rng, opened, now, [rng.uniform(0.2, 14), rng.uniform(15, 120)])
        return Plan(state, opened, assigned, closed=closed, no_grounds=True)
    gaps = [rng.uniform(0.2, 14), rng.uniform(15, 90), rng.uniform(90, 2000), rng.uniform(1, 20)]
    opened, assigned, in_care, closing, closed = _steps(rng, opened, now, gaps)
    return Plan(state, opened, assigned, in_care, closing, closed)


def _steps(rng: random.Random, opened: dt.datetime, now: dt.datetime, gaps: list[float]) -> list[dt.datetime]:
    """opened, then each step `gap` days after the previous one, squeezed to end before now."""
    room = (now - opened) / DAY - rng.uniform(0.01, 1.0)
    total = sum(gaps)
    if total > room:
        gaps = [g * max(room, 0.0) / total for g in gaps]
    times = [opened]
    for gap in gaps:
        times.append(times[-1] + DAY * gap)
    return times
