from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from tutela.audit.services import audit_record
from tutela.cases.models import Case
from tutela.deadlines.models import Deadline


def end_of_day(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59, 59)))


def deadline_create(
    *, case: Case, kind: str, description: str, due_at: dt.datetime, actor: Any, owner: Any = None
) -> Deadline:
    """Store a due date for the case (called inside the transaction of the act that causes it)."""
    deadline = Deadline.objects.create(
        case=case, kind=kind, description=description, due_at=due_at, owner=owner
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
