"""Reads of deadlines; every one starts from the cases the user may see (accounts.access)."""

from __future__ import annotations

import calendar as month_calendar
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from tutela.accounts.access import cases_visible_to, grants_of
from tutela.accounts.models import Territory
from tutela.accounts.roles import Role
from tutela.deadlines.calendar import Patron, add_business_days, is_holiday, patron_of
from tutela.deadlines.models import Deadline, Reminder
from tutela.deadlines.services import end_of_day

UPCOMING_BUSINESS_DAYS = 7


def coordinated_territories(user: Any) -> set[int]:
    return {g.territory_id for g in grants_of(user) if g.role == Role.COORDINATOR and g.territory_id}


def user_patron(user: Any) -> Patron:
    """The patron saint's day of the user's territory (the first one, for a user of several)."""
    territory_ids = sorted({g.territory_id for g in grants_of(user) if g.territory_id})
    if not territory_ids:
        return None
    return patron_of(Territory.objects.filter(pk=territory_ids[0]).first())


def calendar_deadlines(user: Any) -> QuerySet[Deadline]:
    """The deadlines of the user's calendar: those they own or of the cases they lead, and every deadline of
    the territory for its coordinator; never outside the cases they may see, never the cancelled ones."""
    condition = Q(owner=user) | Q(case__lead_social_worker=user)
    territories = coordinated_territories(user)
    if territories:
        condition |= Q(case__territory_id__in=territories)
    return Deadline.objects.filter(condition, case__in=cases_visible_to(user), cancelled_at__isnull=True)


def owned_deadlines(user: Any) -> QuerySet[Deadline]:
    """The pending deadlines the user answers for: owned, or without owner in a case they lead."""
    condition = Q(owner=user) | Q(owner__isnull=True, case__lead_social_worker=user)
    return Deadline.objects.pending().filter(condition, case__in=cases_visible_to(user))


def _rows(deadlines: QuerySet[Deadline]) -> QuerySet[Deadline]:
    return deadlines.select_related(
        "case__child", "case__territory", "case__lead_social_worker", "owner", "done_by"
    ).order_by("due_at", "pk")


def upcoming_limit(now: dt.datetime, patron: Patron) -> dt.datetime:
    """The end of the 7th business day from today: what "in the next 7 business days" means."""
    return end_of_day(add_business_days(timezone.localdate(now), UPCOMING_BUSINESS_DAYS, patron))


def worklist_deadlines(user: Any, now: dt.datetime) -> tuple[QuerySet[Deadline], QuerySet[Deadline]]:
    """(overdue, due in the next 7 business days) among the deadlines the user answers for."""
    owned = owned_deadlines(user)
    overdue = _rows(owned.filter(due_at__lt=now))
    upcoming = _rows(owned.filter(due_at__gte=now, due_at__lte=upcoming_limit(now, user_patron(user))))
    return overdue, upcoming


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


@dataclass
class Day:
    date: dt.date
    in_month: bool
    is_today: bool
    holiday: bool
    weekend: bool
    deadlines: list[Deadline] = field(default_factory=list)


@dataclass
class Month:
    first: dt.date
    previous: dt.date
    next: dt.date
    weeks: list[list[Day]]
    deadlines: list[Deadline]  # of the month, in order
    overdue: list[Deadline]  # pending and past due, whatever the month
    upcoming: list[Deadline]  # pending, in the next 7 business days


def calendar_month(user: Any, first: dt.date, now: dt.datetime) -> Month:
    """The user's calendar for the month starting at `first`: a grid of weeks (Monday first) with the
    deadlines of each day, plus the overdue and upcoming ones. Three queries whatever the month holds."""
    patron = user_patron(user)
    today = timezone.localdate(now)
    grid = month_calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    start, end = grid[0][0], grid[-1][-1]
    scope = calendar_deadlines(user)
    shown = list(
        _rows(
            scope.filter(
                due_at__gte=timezone.make_aware(dt.datetime.combine(start, dt.time.min)),
                due_at__lte=end_of_day(end),
            )
        )
    )
    by_day: dict[dt.date, list[Deadline]] = {}
    for deadline in shown:
        by_day.setdefault(timezone.localdate(deadline.due_at), []).append(deadline)
    weeks = [
        [
            Day(
                date=day,
                in_month=day.month == first.month,
                is_today=day == today,
                holiday=is_holiday(day, patron),
                weekend=day.weekday() >= 5,
                deadlines=by_day.get(day, []),
            )
            for day in week
        ]
        for week in grid
    ]
    pending = scope.filter(done_at__isnull=True)
    overdue = list(_rows(pending.filter(due_at__lt=now)))
    upcoming = list(_rows(pending.filter(due_at__gte=now, due_at__lte=upcoming_limit(now, patron))))
    previous = (first - dt.timedelta(days=1)).replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return Month(
        first=first,
        previous=previous,
        next=following,
        weeks=weeks,
        deadlines=[d for d in shown if timezone.localdate(d.due_at).month == first.month],
        overdue=overdue,
        upcoming=upcoming,
    )


FEED_PAST = dt.timedelta(days=90)
FEED_FUTURE = dt.timedelta(days=400)


def feed_deadlines(user: Any, now: dt.datetime) -> list[Deadline]:
    """The deadlines of the user's private feed: their calendar from three months back to a year ahead."""
    return list(
        calendar_deadlines(user)
        .filter(due_at__gte=now - FEED_PAST, due_at__lte=now + FEED_FUTURE)
        .select_related("case")
        .order_by("due_at", "pk")
    )
