"""Two `send_reminders` at the same instant on PostgreSQL: every notice is claimed once, every e-mail leaves
once (the unique key of Reminder, get_or_create under a transaction)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.db import connection

from tutela.accounts.tests.conftest import run_in_threads
from tutela.conftest import TEST_PASSWORD
from tutela.core.demo.territory import territory_build
from tutela.deadlines.models import Deadline, Reminder
from tutela.deadlines.reminders import reminders_send
from tutela.deadlines.services import deadline_create, end_of_day
from tutela.deadlines.tests.test_reminders import at
from tutela.testing import factories

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (DATABASE_URL)"),
]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_runs_send_each_reminder_once() -> None:
    demo = territory_build(password=TEST_PASSWORD)
    case = factories.in_care_case(demo)
    coordinator = demo.users["coordinatore"]
    deadlines = [
        deadline_create(
            case=case,
            kind=Deadline.Kind.PLAN_REVIEW,
            description=f"Verifica {n}",
            due_at=end_of_day(dt.date(2030, 6, 17) - dt.timedelta(days=n)),
            actor=coordinator,
        )
        for n in range(4)
    ]
    mail.outbox = []
    reports = []

    errors = run_in_threads(lambda index: reports.append(reminders_send(now=at(dt.date(2030, 6, 18)))), 4)

    assert errors == []
    # Per deadline: the lead's reminder and the coordinator's escalation, each on two channels, once.
    assert Reminder.objects.count() == len(deadlines) * 4
    assert len(mail.outbox) == len(deadlines) * 2
    assert len({(m.to[0], m.subject) for m in mail.outbox}) == len(mail.outbox)
    assert sum(r.emails_sent for r in reports) == len(deadlines) * 2
    assert sum(r.failed for r in reports) == 0
