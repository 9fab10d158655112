"""Reads of deadlines; every one starts from the cases the user may see (accounts.access).

At a territory's scale (hundreds of thousands of cases) every list here reads at most a page of rows in the
order of an index, and every count stops at a limit: nothing counts or renders what nobody reads.
"""

from __future__ import annotations

import calendar as month_calendar
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Count, F, Q, QuerySet, Window
from django.db.models.functions import RowNumber, TruncDate
from django.utils import timezone

from tutela.accounts.access import cases_visible_to, grants_of
from tutela.accounts.models import Territory
from tutela.accounts.roles import Role, Scope
from tutela.deadlines.calendar import Patron, add_business_days, is_holiday, patron_of
from tutela.deadlines.models import Deadline, Reminder
from tutela.deadlines.services import end_of_day

UPCOMING_BUSINESS_DAYS = 7


def coordinated_territories(user: Any) -> set[int]:
    """The territories the user coordinates: their scope is the whole territory (accounts.access), so every
    case of it is one they may see."""
    return {
        g.territory_id
        for g in grants_of(user)
        if g.role == Role.COORDINATOR and g.scope == Scope.TERRITORY and g.territory_id
    }


def user_patron(user: Any) -> Patron:
    """The patron saint's day of the user's territory (the first one, for a user of several)."""
    territory_ids = sorted({g.territory_id for g in grants_of(user) if g.territory_id})
    if not territory_ids:
        return None
    return patron_of(Territory.objects.filter(pk=territory_ids[0]).first())


@dataclass(frozen=True)
class _Reach:
    """The user's own cases among those they may see: the ones they lead and the ones where they own a
    deadline. Two short lists, each read through an index (the lead's; deadline_owner_due), so that the
    deadlines of a user are conditions on the deadlines' own columns (case_id, owner_id), each served by an
    index, instead of an OR across a join that reads every deadline to return a handful."""

    led: list[int]
    owned: list[int]


def _reach(user: Any) -> _Reach:
    visible = cases_visible_to(user)
    owned = Deadline.objects.filter(owner=user).values("case_id")
    return _Reach(
        led=list(visible.filter(lead_social_worker=user).values_list("pk", flat=True)),
        owned=list(visible.filter(pk__in=owned).values_list("pk", flat=True)),
    )


def calendar_deadlines(user: Any) -> QuerySet[Deadline]:
    """The deadlines of the user's calendar: those they own or of the cases they lead, and every deadline of
    the territory for its coordinator; never outside the cases they may see, never the cancelled ones."""
    reach = _reach(user)
    condition = Q(case_id__in=reach.led) | Q(owner=user, case_id__in=reach.owned)
    # The coordinator's territory is within their scope: its deadlines need no other check (no semi-join on the
    # cases they may see, which at a territory's scale would read them all).
    territories = coordinated_territories(user)
    if territories:
        condition |= Q(case__territory_id__in=territories)
    return Deadline.objects.filter(condition, cancelled_at__isnull=True)


def owned_deadlines(user: Any) -> QuerySet[Deadline]:
    """The pending deadlines the user answers for: owned (index deadline_owner_due), or without owner in a
    case they lead (index deadline_unowned_pending)."""
    reach = _reach(user)
    condition = Q(owner=user, case_id__in=reach.owned) | Q(owner__isnull=True, case_id__in=reach.led)
    return Deadline.objects.pending().filter(condition)


def upcoming_limit(now: dt.datetime, patron: Patron) -> dt.datetime:
    """The end of the 7th business day from today: what "in the next 7 business days" means."""
    return end_of_day(add_business_days(timezone.localdate(now), UPCOMING_BUSINESS_DAYS, patron))


def worklist_deadlines(user: Any, now: dt.datetime, *, limit: int) -> tuple[list[Deadline], list[Deadline]]:
    """(overdue, due in the next 7 business days) among the deadlines the user answers for, by due date, at
    most `limit` + 1 of each: the one more says that there are more, without counting them."""
    owned = owned_deadlines(user).select_related("case__child").order_by("due_at", "pk")
    overdue = owned.filter(due_at__lt=now)
    upcoming = owned.filter(due_at__gte=now, due_at__lte=upcoming_limit(now, user_patron(user)))
    return list(overdue[: limit + 1]), list(upcoming[: limit + 1])


def unread_reminders(user: Any) -> QuerySet[Reminder]:
    """The user's in-app notices not read yet, on deadlines of cases they still see."""
    return (
        Reminder.objects.filter(
            recipient=user,
            channel=Reminder.Channel.IN_APP,
            read_at__isnull=True,
            deadline__case__in=cases_visible_to(user),
        )
        .select_related("deadline__case__child", "deadline__owner")
        .order_by("-created_at", "-pk")
    )


# --- the calendar: a bounded window on any number of deadlines ------------------------------------------------

# A coordinator's calendar is the whole territory's (tens of thousands of deadlines overdue at scale): the page
# shows a few per day, a page of each list and counts that stop at a limit, never all of them.
CALENDAR_DAY_LIMIT = 5  # deadlines in a day of the month grid; "+N altre" beyond
CALENDAR_DAY_COUNT_LIMIT = 30  # a day's deadlines are counted up to here: "più di 25 altre" beyond
CALENDAR_PAGE = 25  # rows of a page of the month list and of the overdue list; of the upcoming list
CALENDAR_COUNT_LIMIT = 100  # the overdue ones are counted up to here: "più di 100" beyond


def _local_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _between(deadlines: QuerySet[Deadline], first: dt.date, last: dt.date) -> QuerySet[Deadline]:
    """Due from the start of `first` to the end of `last` (local days)."""
    return deadlines.filter(
        due_at__gte=_local_start(first), due_at__lt=_local_start(last + dt.timedelta(days=1))
    )


def day_cursor(day: dt.date) -> str:
    """The cursor of a list that starts at the first deadline of `day` (the grid's "+N altre" link)."""
    return f"{_local_start(day).isoformat()}~0"


def _after(deadlines: QuerySet[Deadline], cursor: str) -> QuerySet[Deadline] | None:
    """The deadlines after the cursor in (due_at, id) order; None for a cursor that does not read."""
    at, _sep, pk = cursor.partition("~")
    try:
        due_at, last_pk = dt.datetime.fromisoformat(at), int(pk)
    except ValueError:
        return None
    if due_at.tzinfo is None:
        return None
    # The first condition alone bounds the index range; the OR then drops the rows of the same instant before.
    return deadlines.filter(due_at__gte=due_at).filter(
        Q(due_at__gt=due_at) | Q(due_at=due_at, pk__gt=last_pk)
    )


@dataclass
class Page:
    """Deadlines in (due date, id) order by keyset: the rows after a cursor, never an OFFSET through them."""

    ids: list[int]
    next_cursor: str  # "" on the last page
    first: bool  # no cursor (or one that does not read): the list from its start
    rows: list[Deadline] = field(default_factory=list)  # filled by _load


def _page(deadlines: QuerySet[Deadline], *, after: str = "") -> Page:
    """The ids of a page (the rows are loaded with the other lists' in one query, _load)."""
    size = CALENDAR_PAGE
    following = _after(deadlines, after) if after else None
    keys = list(
        (following if following is not None else deadlines)
        .order_by("due_at", "pk")
        .values_list("pk", "due_at")[: size + 1]
    )
    more = len(keys) > size
    keys = keys[:size]
    cursor = f"{keys[-1][1].isoformat()}~{keys[-1][0]}" if more else ""
    return Page(ids=[pk for pk, _due in keys], next_cursor=cursor, first=following is None)


def _bounded_count(deadlines: QuerySet[Deadline], limit: int) -> int | None:
    """How many, exact up to `limit`; None beyond (the database stops at limit + 1 rows)."""
    count = deadlines.order_by()[: limit + 1].count()
    return count if count <= limit else None


@dataclass
class _Days:
    """The grid's share of the month: the ids of the first CALENDAR_DAY_LIMIT deadlines of each day (in order)
    and how many each day holds, counted up to CALENDAR_DAY_COUNT_LIMIT + 1."""

    heads: list[int] = field(default_factory=list)
    counts: dict[dt.date, int] = field(default_factory=dict)


def _days_ranked(deadlines: QuerySet[Deadline]) -> _Days:
    """One user's deadlines (a few hundred a month at most): one query ranks and counts them by day (window
    functions) and returns only the first of each day."""
    day = TruncDate("due_at")  # in the current time zone, as timezone.localdate
    ranked = (
        deadlines.annotate(
            day=day,
            rank=Window(RowNumber(), partition_by=[day], order_by=[F("due_at").asc(), F("pk").asc()]),
            of_day=Window(Count("pk"), partition_by=[day]),
        )
        .filter(rank__lte=CALENDAR_DAY_LIMIT)
        .order_by()
        .values_list("pk", "day", "of_day")
    )
    days = _Days()
    for pk, date, of_day in ranked:
        days.heads.append(pk)
        days.counts[date] = min(of_day, CALENDAR_DAY_COUNT_LIMIT + 1)
    return days


def _days_bounded(deadlines: QuerySet[Deadline], grid: list[dt.date]) -> _Days:
    """A territory's deadlines (thousands a month): each day reads at most CALENDAR_DAY_COUNT_LIMIT + 1 rows in
    the order of the index deadline_due, all in one query (a UNION ALL of one LIMITed part per day), so that
    the grid costs the same whatever the territory holds. PostgreSQL only: SQLite has no LIMIT in the parts of
    a UNION, and its databases (tests, demo) are small enough for _days_ranked."""
    parts = [
        _between(deadlines, day, day)
        .order_by("due_at", "pk")
        .values_list("pk", "due_at")[: CALENDAR_DAY_COUNT_LIMIT + 1]
        for day in grid
    ]
    by_day: dict[dt.date, list[tuple[dt.datetime, int]]] = {}
    for pk, due_at in parts[0].union(*parts[1:], all=True):
        by_day.setdefault(timezone.localdate(due_at), []).append((due_at, pk))
    days = _Days()
    for date, keys in by_day.items():
        days.heads += [pk for _due, pk in sorted(keys)[:CALENDAR_DAY_LIMIT]]
        days.counts[date] = len(keys)
    return days


def _grid_days(user: Any, scope: QuerySet[Deadline], grid: list[dt.date]) -> _Days:
    shown = _between(scope, grid[0], grid[-1])
    if coordinated_territories(user) and connection.features.supports_slicing_ordering_in_compound:
        return _days_bounded(shown, grid)
    return _days_ranked(shown)


def _load(ids: set[int]) -> dict[int, Deadline]:
    """The rows of every list of the page in one query, with what they show (no child: the calendar names no
    one but the case and the users)."""
    rows = (
        Deadline.objects.filter(pk__in=ids)
        .select_related("case__lead_social_worker", "owner", "done_by")
        .order_by()
    )
    return {d.pk: d for d in rows}


@dataclass
class Day:
    date: dt.date
    in_month: bool
    is_today: bool
    holiday: bool
    weekend: bool
    deadlines: list[Deadline] = field(default_factory=list)  # the first CALENDAR_DAY_LIMIT
    count: int = 0  # how many the day holds, up to CALENDAR_DAY_COUNT_LIMIT + 1

    @property
    def more(self) -> int:
        """The day's deadlines not shown in the grid (at least as many, when not `more_exact`)."""
        return min(self.count, CALENDAR_DAY_COUNT_LIMIT) - len(self.deadlines)

    @property
    def more_exact(self) -> bool:
        return self.count <= CALENDAR_DAY_COUNT_LIMIT

    @property
    def cursor(self) -> str:
        return day_cursor(self.date)


@dataclass
class Month:
    first: dt.date
    previous: dt.date
    next: dt.date
    weeks: list[list[Day]]
    deadlines: Page  # of the month, in order, a page at a time
    overdue: Page  # pending and past due, whatever the month, oldest first, a page at a time
    overdue_count: int | None  # exact up to CALENDAR_COUNT_LIMIT, None beyond
    upcoming: Page  # pending, in the next 7 business days: the first page only

    @property
    def in_month(self) -> list[Day]:
        return [day for week in self.weeks for day in week if day.in_month]

    @property
    def total(self) -> int:
        """The month's deadlines (at least as many, when not `total_exact`)."""
        return sum(min(day.count, CALENDAR_DAY_COUNT_LIMIT) for day in self.in_month)

    @property
    def total_exact(self) -> bool:
        return all(day.more_exact for day in self.in_month)

    @property
    def shown(self) -> list[Deadline]:
        """Every deadline the page shows (the audit of the calendar lists their cases)."""
        grid = [d for week in self.weeks for day in week for d in day.deadlines]
        return [*grid, *self.deadlines.rows, *self.overdue.rows, *self.upcoming.rows]


def _weeks(
    grid: list[list[dt.date]],
    first: dt.date,
    today: dt.date,
    patron: Patron,
    heads: list[Deadline],
    days: _Days,
) -> list[list[Day]]:
    by_day: dict[dt.date, list[Deadline]] = {}
    for deadline in sorted(heads, key=lambda d: (d.due_at, d.pk)):
        by_day.setdefault(timezone.localdate(deadline.due_at), []).append(deadline)
    return [
        [
            Day(
                date=day,
                in_month=day.month == first.month,
                is_today=day == today,
                holiday=is_holiday(day, patron),
                weekend=day.weekday() >= 5,
                deadlines=by_day.get(day, []),
                count=days.counts.get(day, 0),
            )
            for day in week
        ]
        for week in grid
    ]


def calendar_month(
    user: Any, first: dt.date, now: dt.datetime, *, after: str = "", overdue_after: str = ""
) -> Month:
    """The user's calendar for the month starting at `first`: a grid of weeks (Monday first) with the first
    deadlines of each day, a page of the month's list (after the cursor `after`), a page of the overdue ones
    (after `overdue_after`) with their count up to a limit, and the first upcoming ones. A fixed number of
    queries; for a territory each reads a bounded number of rows, whatever the territory holds."""
    patron = user_patron(user)
    scope = calendar_deadlines(user)
    grid = month_calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    days = _grid_days(user, scope, [day for week in grid for day in week])
    last = first.replace(day=month_calendar.monthrange(first.year, first.month)[1])
    pending = scope.filter(done_at__isnull=True)
    overdue = pending.filter(due_at__lt=now)
    lists = {
        "deadlines": _page(_between(scope, first, last), after=after),
        "overdue": _page(overdue, after=overdue_after),
        "upcoming": _page(pending.filter(due_at__gte=now, due_at__lte=upcoming_limit(now, patron))),
    }
    loaded = _load({*days.heads, *(pk for page in lists.values() for pk in page.ids)})
    for page in lists.values():
        page.rows = [loaded[pk] for pk in page.ids if pk in loaded]
    heads = [loaded[pk] for pk in days.heads if pk in loaded]
    return Month(
        first=first,
        previous=(first - dt.timedelta(days=1)).replace(day=1),
        next=(first + dt.timedelta(days=32)).replace(day=1),
        weeks=_weeks(grid, first, timezone.localdate(now), patron, heads, days),
        deadlines=lists["deadlines"],
        overdue=lists["overdue"],
        overdue_count=_bounded_count(overdue, CALENDAR_COUNT_LIMIT),
        upcoming=lists["upcoming"],
    )


# The private feed (ADR 0011): a month back and a year ahead, and never more than a calendar app can hold; the
# nearest ones first when a territory's calendar has more.
FEED_PAST = dt.timedelta(days=30)
FEED_FUTURE = dt.timedelta(days=366)
FEED_PAST_LIMIT = 500
FEED_FUTURE_LIMIT = 2000


def feed_deadlines(user: Any, now: dt.datetime) -> list[Deadline]:
    """The deadlines of the user's private feed: their calendar from a month back to a year ahead, at most the
    FEED_PAST_LIMIT latest past ones and the FEED_FUTURE_LIMIT next ones, in date order."""
    scope = calendar_deadlines(user).select_related("case")
    past = scope.filter(due_at__gte=now - FEED_PAST, due_at__lt=now).order_by("-due_at", "-pk")
    future = scope.filter(due_at__gte=now, due_at__lte=now + FEED_FUTURE).order_by("due_at", "pk")
    return [*list(past[:FEED_PAST_LIMIT])[::-1], *future[:FEED_FUTURE_LIMIT]]
