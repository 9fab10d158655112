"""The calendar never lists a territory whole (issue on scale): the month grid shows the first deadlines of each
day with "+N altre", the month list and the overdue list come a page at a time by keyset, counts stop at a limit,
and the private feed is bounded. The limits are made small here, so that a handful of rows crosses them."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tutela.deadlines import selectors
from tutela.deadlines.models import Deadline
from tutela.deadlines.services import calendar_feed_token_issue, deadline_create, end_of_day
from tutela.testing import factories

ROME = ZoneInfo("Europe/Rome")
NOW = dt.datetime(2031, 3, 12, 10, 0, tzinfo=ROME)  # a Wednesday
MONTH = "2031-03"


@pytest.fixture(autouse=True)
def _frozen():
    """Every test of the module runs on the same Wednesday, whatever the day it is run."""
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def case(demo):
    return factories.in_care_case(demo)  # led by assistente


@pytest.fixture
def small(monkeypatch):
    monkeypatch.setattr(selectors, "CALENDAR_DAY_LIMIT", 2)
    monkeypatch.setattr(selectors, "CALENDAR_DAY_COUNT_LIMIT", 4)
    monkeypatch.setattr(selectors, "CALENDAR_PAGE", 3)
    monkeypatch.setattr(selectors, "CALENDAR_COUNT_LIMIT", 4)


def _due(case, actor, day: dt.date, n: int = 1) -> list[Deadline]:
    """`n` deadlines of the case due at the end of `day` (the same instant: the id breaks the tie)."""
    return [
        deadline_create(
            case=case,
            kind=Deadline.Kind.PLAN_REVIEW,
            description=f"Verifica {i}",
            due_at=end_of_day(day),
            actor=actor,
        )
        for i in range(n)
    ]


def _get(client, user, **params):
    client.force_login(user)
    query = "&".join(f"{key}={value}" for key, value in {"mese": MONTH, **params}.items())
    response = client.get(f"{reverse('deadlines:calendar')}?{query}")
    assert response.status_code == 200
    return response.context["month"], response.content.decode()


def _days(month) -> dict[dt.date, selectors.Day]:
    return {day.date: day for week in month.weeks for day in week}


@pytest.mark.parametrize("username", ["assistente", "coordinatore"])
def test_the_grid_shows_the_first_of_each_day_and_how_many_more(
    client, demo, case, coordinator, small, username
):
    three = _due(case, coordinator, dt.date(2031, 3, 20), 3)
    six = _due(case, coordinator, dt.date(2031, 3, 21), 6)

    month, page = _get(client, demo.users[username])

    days = _days(month)
    busy, busier = days[dt.date(2031, 3, 20)], days[dt.date(2031, 3, 21)]
    assert [d.pk for d in busy.deadlines] == [d.pk for d in three[:2]]
    assert (busy.more, busy.more_exact) == (1, True)
    assert [d.pk for d in busier.deadlines] == [d.pk for d in six[:2]]
    assert (busier.more, busier.more_exact) == (2, False)  # counted up to 4: "more than 2 more"
    assert "+1 altra" in page and "più di 2 altre" in page
    assert not month.total_exact and month.total >= 7


def test_the_more_link_opens_the_month_list_at_that_day(
    client, demo, case, coordinator, social_worker, small
):
    _due(case, coordinator, dt.date(2031, 3, 19), 4)
    day = _due(case, coordinator, dt.date(2031, 3, 20), 3)
    month, page = _get(client, social_worker)
    cursor = _days(month)[dt.date(2031, 3, 20)].cursor
    assert "dopo=" in page and "+1 altra" in page

    month, _page = _get(client, social_worker, dopo=cursor.replace("+", "%2B"))

    assert [d.pk for d in month.deadlines.rows] == [d.pk for d in day]
    assert not month.deadlines.first


def test_the_month_list_comes_a_page_at_a_time(client, demo, case, coordinator, social_worker, small):
    _due(case, coordinator, dt.date(2031, 3, 18), 4)  # the same instant: the id orders them
    _due(case, coordinator, dt.date(2031, 3, 27), 3)
    _due(case, coordinator, dt.date(2031, 4, 2), 2)  # next month
    expected = list(
        Deadline.objects.filter(case=case, due_at__month=3, due_at__year=2031)
        .order_by("due_at", "pk")
        .values_list("pk", flat=True)
    )
    seen, cursor, pages = [], "", 0
    while True:
        month, page = _get(client, social_worker, **({"dopo": cursor.replace("+", "%2B")} if cursor else {}))
        assert len(month.deadlines.rows) <= 3 and month.deadlines.first is (pages == 0)
        assert ("Scadenze successive" in page) is bool(month.deadlines.next_cursor)
        assert ("inizio del mese" in page) is (pages > 0)
        seen += [d.pk for d in month.deadlines.rows]
        pages += 1
        cursor = month.deadlines.next_cursor
        if not cursor:
            break

    assert seen == expected
    assert len(expected) >= 8 and pages == -(-len(expected) // 3)  # pages of 3, none empty
    for bad in ("x", "2031-03-18~abc", "2031-03-18T00:00:00~3"):  # unreadable or naive: the first page
        month, _page = _get(client, social_worker, dopo=bad)
        assert month.deadlines.first and [d.pk for d in month.deadlines.rows] == expected[:3]


def test_the_overdue_are_counted_up_to_a_limit_and_paged(
    client, demo, case, coordinator, social_worker, small
):
    overdue = [_due(case, coordinator, dt.date(2031, 3, 11) - dt.timedelta(days=n))[0] for n in range(6)]
    upcoming = [_due(case, coordinator, dt.date(2031, 3, 13) + dt.timedelta(days=n))[0] for n in range(4)]

    month, page = _get(client, social_worker)
    assert month.overdue_count is None
    assert 'data-count="overdue">più di 4<' in page
    assert [d.pk for d in month.overdue.rows] == [d.pk for d in overdue[::-1][:3]]  # the oldest first
    assert 'data-count="upcoming">più di 3<' in page
    assert [d.pk for d in month.upcoming.rows] == [d.pk for d in upcoming[:3]]

    month, page = _get(client, social_worker, scadute=month.overdue.next_cursor.replace("+", "%2B"))
    assert [d.pk for d in month.overdue.rows] == [d.pk for d in overdue[::-1][3:]]
    assert not month.overdue.next_cursor and "Dalle più vecchie" in page

    for deadline in overdue[:3]:
        deadline.cancelled_at = timezone.now()
        deadline.save(update_fields=["cancelled_at"])
    month, page = _get(client, social_worker)
    assert month.overdue_count == 3 and 'data-count="overdue">3<' in page
    assert not month.overdue.next_cursor


@pytest.mark.parametrize("username", ["assistente", "coordinatore"])
def test_the_calendar_queries_do_not_grow_past_the_limits(client, demo, case, coordinator, small, username):
    def measure() -> int:
        client.force_login(demo.users[username])
        url = f"{reverse('deadlines:calendar')}?mese={MONTH}"
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    for day in (dt.date(2031, 3, 5), dt.date(2031, 3, 13), dt.date(2031, 3, 20)):
        _due(case, coordinator, day)
    few = measure()
    for day in (dt.date(2031, 3, 5), dt.date(2031, 3, 13), dt.date(2031, 3, 20)):
        _due(case, coordinator, day, 6)
    many = measure()
    assert few == many


def test_the_feed_is_bounded_to_the_nearest_deadlines(
    client, demo, case, coordinator, social_worker, monkeypatch
):
    monkeypatch.setattr(selectors, "FEED_PAST_LIMIT", 1)
    monkeypatch.setattr(selectors, "FEED_FUTURE_LIMIT", 2)
    today = timezone.localdate()
    due = {n: _due(case, coordinator, today + dt.timedelta(days=n))[0] for n in (-40, -20, -10, 5, 6, 7, 400)}
    token = calendar_feed_token_issue(actor=social_worker)

    text = client.get(reverse("deadlines:feed", kwargs={"token": token})).content.decode()

    shown = {n for n, d in due.items() if f"tutela-scadenza-{d.pk}@" in text}
    assert shown == {-10, 5, 6}
    assert text.count("BEGIN:VEVENT") == 3
