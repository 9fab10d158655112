from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from tutela.audit.services import audit_record
from tutela.cases.models import Case
from tutela.deadlines.calendar import add_business_days, add_calendar_days_rolling, patron_of
from tutela.deadlines.models import Deadline, DeadlineQuerySet


def end_of_day(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59, 59)))


def due_in_business_days(start: dt.date, days: int, territory: Any) -> dt.datetime:
    """End of the `days`-th business day after `start` in the territory (service levels, reminders)."""
    return end_of_day(add_business_days(start, days, patron_of(territory)))


def due_in_calendar_days(start: dt.date, days: int, territory: Any) -> dt.datetime:
    """End of a legal term of `days` calendar days, moved to the next business day when it ends on a holiday
    or a weekend (court terms)."""
    return end_of_day(add_calendar_days_rolling(start, days, patron_of(territory)))


def deadline_create(
    *,
    case: Case,
    kind: str,
    description: str,
    due_at: dt.datetime,
    actor: Any,
    owner: Any = None,
    source: models.Model | None = None,
) -> Deadline:
    """Store a due date for the case (called inside the transaction of the act that causes it)."""
    deadline = Deadline.objects.create(
        case=case,
        kind=kind,
        description=description,
        due_at=due_at,
        owner=owner,
        source_type=ContentType.objects.get_for_model(source) if source is not None else None,
        source_id=source.pk if source is not None else None,
    )
    audit_record(actor=actor, action="deadlines.deadline.created", obj=deadline, case_id=case.pk)
    return deadline


def deadline_complete_for_case(*, case: Case, kind: str, actor: Any) -> int:
    """Mark the case's pending deadlines of this kind as done; returns how many."""
    done = 0
    for deadline in Deadline.objects.pending().select_for_update().filter(case=case, kind=kind):
        deadline.done_at = timezone.now()
        deadline.done_by = actor
        deadline.save(update_fields=["done_at", "done_by"])
        audit_record(actor=actor, action="deadlines.deadline.completed", obj=deadline, case_id=case.pk)
        done += 1
    return done


def deadlines_of_source(source: models.Model) -> DeadlineQuerySet:
    return Deadline.objects.filter(source_type=ContentType.objects.get_for_model(source), source_id=source.pk)


def deadline_cancel_for_source(*, source: models.Model, kind: str, actor: Any) -> int:
    """Cancel the pending deadlines of this kind that the object caused (e.g. a placement that ended)."""
    cancelled = 0
    for deadline in deadlines_of_source(source).pending().select_for_update().filter(kind=kind):
        deadline.cancelled_at = timezone.now()
        deadline.save(update_fields=["cancelled_at"])
        audit_record(
            actor=actor, action="deadlines.deadline.cancelled", obj=deadline, case_id=deadline.case_id
        )
        cancelled += 1
    return cancelled


def deadline_complete_for_source(*, source: models.Model, kind: str, actor: Any) -> int:
    """Mark the pending deadlines of this kind that the object caused as done (e.g. a control's follow-up)."""
    done = 0
    for deadline in deadlines_of_source(source).pending().select_for_update().filter(kind=kind):
        deadline.done_at = timezone.now()
        deadline.done_by = actor
        deadline.save(update_fields=["done_at", "done_by"])
        audit_record(
            actor=actor, action="deadlines.deadline.completed", obj=deadline, case_id=deadline.case_id
        )
        done += 1
    return done
