"""The deadline lists read their indexes on PostgreSQL (issue on scale): with enough rows for the planner to care,
a user's deadlines are read by owner and by the cases they lead, a territory's calendar a page and a day at a
time, never by reading the whole table of deadlines. Run by `make test-postgres`; the volume benchmark is
`make bench`."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest
from django.db import connection
from django.db.models import QuerySet
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tutela.accounts.models import User
from tutela.cases.models import Case, CaseState
from tutela.core.demo.territory import DemoTerritory
from tutela.deadlines import selectors
from tutela.deadlines.models import Deadline
from tutela.deadlines.services import deadline_create
from tutela.testing import factories

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (DATABASE_URL)"),
]

CASES = 20_000
DAY = dt.timedelta(days=1)


def deadline_volume(demo: DemoTerritory) -> None:
    """A territory's archive: CASES cases cloned from one built by the services, led by forty social workers
    (assistente leads one in a hundred), about three deadlines each cloned from one created by the service;
    referrals recent and waiting, the past deadlines mostly done, half of them owned by the case's lead."""
    rng = random.Random(2026)
    now = timezone.now()
    template = factories.in_care_case(demo)
    seed = deadline_create(
        case=template,
        kind=Deadline.Kind.PLAN_REVIEW,
        description="Verifica del progetto",
        due_at=now,
        actor=demo.users["coordinatore"],
    )
    leads = [
        demo.users["assistente"],
        *User.objects.bulk_create(User(username=f"volume{n}") for n in range(99)),
    ]
    fields = {
        f.attname: getattr(template, f.attname) for f in Case._meta.concrete_fields if not f.primary_key
    }
    cases = []
    for n in range(CASES):
        referred = rng.random() < 0.05
        cases.append(
            Case(
                **fields
                | {
                    "code": f"VOL-2026-{n:06d}",
                    "state": CaseState.REFERRED
                    if referred
                    else rng.choice([CaseState.IN_CARE, CaseState.CLOSED]),
                    "opened_at": now - DAY * (rng.uniform(0, 20) if referred else rng.uniform(20, 1500)),
                    "lead_social_worker_id": None if referred else rng.choice(leads).pk,
                }
            )
        )
    Case.objects.bulk_create(cases, batch_size=5000)
    deadlines = []
    for case in cases:
        take_in_charge = case.opened_at + 14 * DAY
        done = None if case.state == CaseState.REFERRED else take_in_charge
        deadlines.append(_clone(seed, case, Deadline.Kind.TAKE_IN_CHARGE, take_in_charge, None, done))
        for _ in range(0 if case.state == CaseState.REFERRED else 2):
            due = case.opened_at + DAY * rng.uniform(20, 1600)
            if case.state == CaseState.CLOSED and due > now:
                continue
            owner = case.lead_social_worker_id if rng.random() < 0.5 else None
            done = due if due < now and (case.state == CaseState.CLOSED or rng.random() < 0.9) else None
            deadlines.append(_clone(seed, case, Deadline.Kind.PLAN_REVIEW, due, owner, done))
    Deadline.objects.bulk_create(deadlines, batch_size=5000)
    with connection.cursor() as cursor:
        for table in ("cases_case", "deadlines_deadline", "accounts_user"):
            # The rows earlier tests of this worker inserted and rolled back still fill the indexes until a
            # vacuum (none runs inside a test): rebuilt, the indexes are those of this archive alone, and the
            # plans do not depend on which tests ran before.
            cursor.execute(f"REINDEX TABLE {table}")
            cursor.execute(f"ANALYZE {table}")


def _clone(
    seed: Deadline, case: Case, kind: str, due: dt.datetime, owner: int | None, done: dt.datetime | None
) -> Deadline:
    return Deadline(
        case_id=case.pk, kind=kind, description=seed.description, due_at=due, owner_id=owner, done_at=done
    )


def plan(query: QuerySet[Any] | str) -> str:
    sql = query if isinstance(query, str) else query.query.sql_with_params()
    with connection.cursor() as cursor:
        if isinstance(sql, str):
            cursor.execute(f"EXPLAIN {sql}")
        else:
            cursor.execute(f"EXPLAIN {sql[0]}", sql[1])
        return "\n".join(row[0] for row in cursor.fetchall())


def plans_of(run: Any) -> list[str]:
    """The plans of the reads of deadlines that `run()` makes."""
    with CaptureQueriesContext(connection) as queries:
        run()
    reads = [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().startswith(("SELECT", "("))]
    return [plan(sql) for sql in reads if "deadlines_deadline" in sql]


def test_a_users_deadlines_are_read_by_owner_and_by_the_cases_they_lead(demo: DemoTerritory) -> None:
    deadline_volume(demo)
    social_worker, now = demo.users["assistente"], timezone.now()

    worklist = plan(
        selectors.owned_deadlines(social_worker).filter(due_at__lt=now).order_by("due_at", "pk")[:51]
    )
    calendar = plans_of(
        lambda: selectors.calendar_month(social_worker, timezone.localdate().replace(day=1), now)
    )

    assert "Seq Scan on deadlines_deadline" not in worklist, worklist
    assert "deadline_owner_due" in worklist and "deadline_unowned_pending" in worklist, worklist
    assert len(calendar) >= 5
    for each in calendar:
        assert "Seq Scan on deadlines_deadline" not in each, each


def test_a_territory_calendar_is_read_a_page_and_a_day_at_a_time(demo: DemoTerritory, monkeypatch) -> None:
    deadline_volume(demo)
    coordinator, now = demo.users["coordinatore"], timezone.now()
    first = timezone.localdate().replace(day=1)

    calendar = plans_of(lambda: selectors.calendar_month(coordinator, first, now))
    feed = plans_of(lambda: selectors.feed_deadlines(coordinator, now))

    assert len(calendar) >= 5
    for each in [*calendar, *feed]:
        assert "Seq Scan on deadlines_deadline" not in each, each
    # The bounded reading of the grid (PostgreSQL) says what the window functions say (SQLite, and any user).
    monkeypatch.setattr(selectors, "CALENDAR_DAY_LIMIT", 2)
    monkeypatch.setattr(selectors, "CALENDAR_DAY_COUNT_LIMIT", 4)
    scope = selectors.calendar_deadlines(coordinator)
    grid = [first + n * DAY for n in range(-6, 37)]
    bounded = selectors._days_bounded(selectors._between(scope, grid[0], grid[-1]), grid)
    ranked = selectors._days_ranked(selectors._between(scope, grid[0], grid[-1]))
    assert bounded.counts == ranked.counts and max(bounded.counts.values()) == 5
    assert sorted(bounded.heads) == sorted(ranked.heads)
