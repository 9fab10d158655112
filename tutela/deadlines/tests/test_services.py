"""Deadlines are stored rows (DESIGN.md section 6): created by the act that causes them, closed by the act
that satisfies them."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import time_machine
from django.utils import timezone

from tutela.audit.models import AuditEvent
from tutela.cases.services.assignment import case_assign
from tutela.deadlines.calendar import add_business_days, patron_of
from tutela.deadlines.models import Deadline
from tutela.deadlines.services import deadline_complete_for_case, deadline_create, end_of_day
from tutela.testing import factories

ROME = ZoneInfo("Europe/Rome")


def test_end_of_day_is_the_last_second_in_italian_time():
    due = end_of_day(dt.date(2026, 3, 29))  # the day summer time starts
    assert due.tzinfo is not None
    assert due.astimezone(ROME).replace(tzinfo=None) == dt.datetime(2026, 3, 29, 23, 59, 59)


def test_a_referral_received_long_ago_is_overdue_until_the_case_is_assigned(demo, coordinator, social_worker):
    # 10 working days (ADR 0011) never span more than 25 calendar days, even over Christmas and Epiphany.
    case = factories.referred_case(demo, days_ago=25)
    deadline = Deadline.objects.get(case=case, kind="take_in_charge")
    now = timezone.now()
    received = timezone.localdate() - dt.timedelta(days=25)
    expected = add_business_days(received, 10, patron_of(demo.territory))
    assert timezone.localtime(deadline.due_at).date() == expected
    assert deadline.is_overdue(now)
    assert list(Deadline.objects.overdue(now)) == [deadline]

    case_assign(case=case, actor=coordinator, social_worker=social_worker)

    deadline.refresh_from_db()
    assert not deadline.is_overdue(now)
    assert list(Deadline.objects.overdue(now)) == []


def test_the_deadline_falls_due_after_its_last_day(demo):
    case = factories.referred_case(demo, days_ago=0)
    deadline = Deadline.objects.get(case=case)
    last_day = timezone.localtime(deadline.due_at)
    with time_machine.travel(last_day - dt.timedelta(seconds=1), tick=False):
        assert not deadline.is_overdue()
    with time_machine.travel(last_day + dt.timedelta(seconds=2), tick=False):
        assert deadline.is_overdue()
        assert list(Deadline.objects.overdue(timezone.now())) == [deadline]


def test_complete_for_case_closes_only_the_pending_ones_of_that_kind(demo, coordinator):
    case = factories.referred_case(demo)
    other = factories.referred_case(demo)
    extra = deadline_create(
        case=case,
        kind="report",
        description="Relazione",
        due_at=end_of_day(timezone.localdate()),
        actor=coordinator,
    )
    cancelled = deadline_create(
        case=case,
        kind="take_in_charge",
        description="Annullata",
        due_at=end_of_day(timezone.localdate()),
        actor=coordinator,
    )
    Deadline.objects.filter(pk=cancelled.pk).update(cancelled_at=timezone.now())
    assert (
        AuditEvent.objects.filter(action="deadlines.deadline.created", object_id=str(extra.pk)).count() == 1
    )

    assert deadline_complete_for_case(case=case, kind="take_in_charge", actor=coordinator) == 1
    assert deadline_complete_for_case(case=case, kind="take_in_charge", actor=coordinator) == 0

    done = Deadline.objects.get(case=case, kind="take_in_charge", cancelled_at__isnull=True)
    assert (done.done_by, done.done_at is not None) == (coordinator, True)
    assert Deadline.objects.get(pk=cancelled.pk).done_at is None
    assert Deadline.objects.get(pk=extra.pk).done_at is None
    assert Deadline.objects.get(case=other).done_at is None
    assert AuditEvent.objects.filter(action="deadlines.deadline.completed").count() == 1
