"""Reads of the audit log for the DPO (ADR 0008). The log itself is personal data: only the DPO's views call
these, and every call is audited by the view."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from tutela.accounts.models import BreakGlassAccess
from tutela.accounts.roles import Role
from tutela.audit.labels import action_label
from tutela.audit.models import AuditEvent
from tutela.cases.models import Case
from tutela.people.models import Person
from tutela.people.services import person_find


@dataclass(frozen=True)
class FileLookup:
    """What a DPO's search names: the child (by codice fiscale) and their cases, or one case (by code)."""

    child: Person | None
    cases: list[Case]


def file_lookup(query: str) -> FileLookup:
    """The cases of the child with exactly this codice fiscale, or the case with exactly this code."""
    text = query.strip()
    if not text:
        return FileLookup(None, [])
    case = Case.objects.select_related("child").filter(code=text.upper()).first()
    if case is not None:
        return FileLookup(case.child, [case])
    child = person_find(fiscal_code=text) if len(text) == 16 else None
    if child is None:
        return FileLookup(None, [])
    return FileLookup(child, list(Case.objects.filter(child=child).order_by("opened_at", "pk")))


def file_event_list(lookup: FileLookup) -> QuerySet[AuditEvent]:
    """Every event about these cases, and those about the child's person record (GDPR art. 15)."""
    condition = Q(case_id__in=[c.pk for c in lookup.cases])
    if lookup.child is not None:
        condition |= Q(object_type=Person._meta.label_lower, object_id=str(lookup.child.pk))
    return AuditEvent.objects.filter(condition).select_related("actor")


def audit_event_list(
    *,
    actor: Any = None,
    action: str = "",
    since: dt.date | None = None,
    until: dt.date | None = None,
    case: Case | None = None,
) -> QuerySet[AuditEvent]:
    """Events filtered by user, action code, period (local days, both included) and case; newest first."""
    events = AuditEvent.objects.select_related("actor")
    if actor is not None:
        events = events.filter(actor=actor)
    if action:
        events = events.filter(action=action)
    if since is not None:
        events = events.filter(at__gte=_day_start(since))
    if until is not None:
        events = events.filter(at__lt=_day_start(until + dt.timedelta(days=1)))
    if case is not None:
        events = events.filter(case_id=case.pk)
    return events.order_by("-sequence")


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


@dataclass(frozen=True)
class EventRow:
    """One event as the DPO reads it."""

    event: AuditEvent
    actor_name: str
    roles: str
    action: str
    case_code: str
    break_glass: bool
    reason: str  # the event's own, or for a read under an emergency access the reason stated to open it


BREAK_GLASS_OPENED = "accounts.break_glass.opened"


def is_break_glass(event: AuditEvent) -> bool:
    """The opening of an access outside the user's scope (with its reason), or a read made under it (ADR 0007).
    The review of one, or a refusal, is not an access."""
    if event.action == BREAK_GLASS_OPENED:
        return True
    under_grant = isinstance(event.data, dict) and bool(event.data.get("break_glass"))
    return under_grant and not event.action.startswith("accounts.break_glass.")


def role_labels(codes: str) -> str:
    labels = []
    for code in filter(None, codes.split(",")):
        labels.append(str(Role(code).label) if code in Role.values else code)
    return ", ".join(labels)


def actor_name(event: AuditEvent) -> str:
    if event.actor is None:
        return "—"
    full = event.actor.get_full_name()
    return f"{full} ({event.actor.username})" if full else event.actor.username


def event_rows(events: Iterable[AuditEvent]) -> Iterator[EventRow]:
    """The events in words, case codes read in one query per batch."""
    batch = list(events)
    codes = dict(
        Case.objects.filter(pk__in={e.case_id for e in batch if e.case_id}).values_list("pk", "code")
    )
    grants = {e.data["break_glass"] for e in batch if is_break_glass(e) and isinstance(e.data, dict)}
    reasons = (
        dict(BreakGlassAccess.objects.filter(pk__in=grants).values_list("pk", "reason")) if grants else {}
    )
    for event in batch:
        flagged = is_break_glass(event)
        yield EventRow(
            event=event,
            actor_name=actor_name(event),
            roles=role_labels(event.actor_roles),
            action=action_label(event.action),
            case_code=codes.get(event.case_id, "") if event.case_id else "",
            break_glass=flagged,
            reason=event.reason or (reasons.get(event.data.get("break_glass"), "") if flagged else ""),
        )


def event_rows_streamed(events: QuerySet[AuditEvent], chunk: int = 2000) -> Iterator[EventRow]:
    """event_rows over a whole export, a chunk at a time: memory stays flat."""
    batch: list[AuditEvent] = []
    for event in events.iterator(chunk_size=chunk):
        batch.append(event)
        if len(batch) == chunk:
            yield from event_rows(batch)
            batch = []
    yield from event_rows(batch)
