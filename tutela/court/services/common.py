"""What every court service shares: who may write, dates, deadlines and the protocol register."""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from tutela.accounts.access import grants_of, has_capability_on_case
from tutela.accounts.roles import Cap, Scope
from tutela.cases.models import Case
from tutela.deadlines.calendar import add_calendar_days_rolling, patron_of
from tutela.deadlines.models import Deadline
from tutela.deadlines.services import deadline_create, deadlines_of_source, end_of_day
from tutela.workflow import TransitionError


def coordinates(user: Any, territory_id: int | None) -> bool:
    """True when a role of the user with court.write covers the whole territory (the coordinator)."""
    return any(
        Cap.COURT_WRITE in g.capabilities and g.scope == Scope.TERRITORY and g.territory_id == territory_id
        for g in grants_of(user)
    )


def court_write_refusal(user: Any, case: Case) -> str | None:
    """Why the user may not record court acts on the case now, or None: the lead social worker or the
    territory's coordinator, on an open case."""
    if not has_capability_on_case(user, Cap.COURT_WRITE, case):
        return _("Il tuo ruolo non consente di registrare atti dell'autorità giudiziaria su questa pratica.")
    if not case.is_open:
        return _("La pratica è chiusa: non si registrano atti dell'autorità giudiziaria.")
    if case.lead_social_worker_id == user.pk or coordinates(user, case.territory_id):
        return None
    return _(
        "Solo l'assistente sociale referente o il coordinatore possono registrare atti dell'autorità "
        "giudiziaria su questa pratica."
    )


def court_write_check(user: Any, case: Case) -> Case:
    """Lock the case (it serialises the court acts on it) and refuse when the user may not write."""
    locked = Case.objects.select_for_update(of=("self",)).select_related("territory", "child").get(pk=case.pk)
    reason = court_write_refusal(user, locked)
    if reason is not None:
        raise TransitionError(reason)
    return locked


def deadline_owner(case: Case, actor: Any) -> Any:
    return case.lead_social_worker or actor


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later; the 31st becomes the month's last day (31 August + 6 = 28/29 February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def court_term(day: dt.date, case: Case) -> dt.datetime:
    """The end of a term set by the court: a term that ends on a holiday moves to the next business day
    (art. 155 c.p.c.)."""
    return end_of_day(add_calendar_days_rolling(day, 0, patron_of(case.territory)))


def periodic_due(first: dt.date, every_months: int, occurrence: int) -> dt.date:
    """The due date of the occurrence-th report (0 = the first), always counted from the first one so that a
    late report does not shift the schedule the court set."""
    return add_months(first, every_months * occurrence)


def pending_deadline(source: models.Model, kind: str) -> Deadline | None:
    return deadlines_of_source(source).pending().filter(kind=kind).order_by("due_at").first()


def completed_count(source: models.Model, kind: str) -> int:
    return deadlines_of_source(source).filter(kind=kind, done_at__isnull=False).count()


def court_deadline_create(
    *, case: Case, kind: str, description: str, due_on: dt.date, actor: Any, owner: Any, source: models.Model
) -> Deadline:
    return deadline_create(
        case=case,
        kind=kind,
        description=description[:200],
        due_at=court_term(due_on, case),
        actor=actor,
        owner=owner,
        source=source,
    )


def protocol_register_of(case: Case) -> Any:
    register = case.territory.protocol_register
    if register is None:
        raise TransitionError(
            _("Il territorio non ha un registro di protocollo: rivolgersi all'amministratore di sistema.")
        )
    return register


def refuse(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError(errors)
