"""Timesheets of home educational support (seed 003): the hours delivered each day, and planned against
delivered hours per month for the social worker who monitors the intervention (seed 000 step 8)."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from tutela.accounts.access import has_capability_on_case
from tutela.accounts.models import User
from tutela.accounts.roles import Cap
from tutela.audit.services import audit_record
from tutela.services.educational import hours_text, is_educational, is_provider_coordinator
from tutela.services.models import (
    DeliveryRecord,
    EducatorAssignment,
    Intervention,
    InterventionState,
    Suspension,
)
from tutela.workflow import TransitionError

MAX_HOURS_PER_DAY = Decimal(12)
# An operator corrects a wrong line by deleting it (and recording it again) within this many days.
DELETE_WINDOW = dt.timedelta(days=7)


@dataclass(frozen=True)
class DeliveryData:
    day: dt.date
    hours: Decimal
    activity: str


def _suspension_on(suspensions: Iterable[Suspension], day: dt.date) -> Suspension | None:
    """The suspension covering the day: from its first day to the day before it resumed."""
    for suspension in suspensions:
        if suspension.starts_on <= day and (suspension.ends_on is None or day < suspension.ends_on):
            return suspension
    return None


def _recorder_check(actor: Any, intervention: Intervention) -> None:
    if not is_educational(intervention) or not has_capability_on_case(
        actor, Cap.DELIVERY_RECORD, intervention.case
    ):
        raise TransitionError(_("Il tuo ruolo non consente di registrare ore su questo intervento."))
    if not is_provider_coordinator(actor, intervention) and not (
        EducatorAssignment.objects.filter(intervention=intervention, educator=actor).exists()
    ):
        raise TransitionError(_("Non sei assegnato a questo intervento: non puoi registrarne le ore."))


def _assigned_on(actor: Any, intervention: Intervention, day: dt.date) -> None:
    """An educator records only the days of their assignment (the coordinator any active day)."""
    if is_provider_coordinator(actor, intervention):
        return
    covering = EducatorAssignment.objects.filter(
        intervention=intervention, educator=actor, starts_on__lte=day
    )
    if not covering.exclude(ends_on__lt=day).exists():
        raise ValidationError(
            {"day": _("Il %(day)s non eri assegnato a questo intervento.") % {"day": _d(day)}}
        )


def _d(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def _day_validate(intervention: Intervention, data: DeliveryData) -> None:
    errors: dict[str, str] = {}
    if data.day > timezone.localdate():
        errors["day"] = _("Non si registrano ore per giorni futuri.")
    elif intervention.started_on is None or data.day < intervention.started_on:
        errors["day"] = _(
            "L'intervento è attivo dal %(day)s: non si registrano ore per i giorni precedenti."
        ) % {"day": _d(intervention.started_on) if intervention.started_on else "—"}
    else:
        suspension = _suspension_on(intervention.suspensions.all(), data.day)
        if suspension is not None:
            errors["day"] = _("Il %(day)s l'intervento era sospeso (%(period)s).") % {
                "day": _d(data.day),
                "period": str(suspension),
            }
    if data.hours <= 0:
        errors["hours"] = _("Indicare le ore erogate (più di zero).")
    elif data.hours > MAX_HOURS_PER_DAY:
        errors["hours"] = _("In una giornata si possono registrare al massimo 12 ore.")
    if not data.activity.strip():
        errors["activity"] = _("Descrivere l'attività svolta.")
    if errors:
        raise ValidationError(errors)


def delivery_record_add(*, intervention: Intervention, actor: Any, data: DeliveryData) -> DeliveryRecord:
    """Seed 003: an assigned educator (or the provider's coordinator) records the hours delivered on a day the
    intervention was active; at most 12 hours per operator and day, over all interventions."""
    with transaction.atomic():
        locked = (
            Intervention.objects.select_for_update(of=("self",))
            .select_related("case", "service_type")
            .get(pk=intervention.pk)
        )
        _recorder_check(actor, locked)
        if locked.state != InterventionState.ACTIVE:
            raise TransitionError(
                _("Le ore si registrano solo su un intervento attivo (ora è «%(state)s»).")
                % {"state": locked.get_state_display()}
            )
        _day_validate(locked, data)
        _assigned_on(actor, locked, data.day)
        # The operator's row serialises their day total, which spans every intervention they work on.
        User.objects.select_for_update().filter(pk=actor.pk).first()
        done = DeliveryRecord.objects.filter(operator=actor, day=data.day).aggregate(total=Sum("units"))[
            "total"
        ] or Decimal(0)
        if done + data.hours > MAX_HOURS_PER_DAY:
            raise ValidationError(
                {
                    "hours": _(
                        "In una giornata si possono registrare al massimo 12 ore: per il %(day)s ne hai già "
                        "registrate %(done)s."
                    )
                    % {"day": _d(data.day), "done": hours_text(done)}
                }
            )
        record = DeliveryRecord.objects.create(
            intervention=locked,
            operator=actor,
            day=data.day,
            units=data.hours,
            activity=data.activity.strip(),
        )
        audit_record(
            actor=actor,
            action="services.delivery_record.created",
            obj=record,
            case_id=locked.case_id,
            data={"day": data.day.isoformat(), "units": str(data.hours)},
        )
    return record


def delivery_record_deletable(record: DeliveryRecord, user: Any, now: dt.datetime | None = None) -> bool:
    return record.operator_id == user.pk and (now or timezone.now()) - record.recorded_at <= DELETE_WINDOW


def delivery_record_delete(*, record: DeliveryRecord, actor: Any) -> None:
    """Delete one's own line within 7 days; the audit row keeps what was deleted (not the activity text)."""
    with transaction.atomic():
        locked = (
            DeliveryRecord.objects.select_for_update(of=("self",))
            .select_related("intervention__case")
            .filter(pk=record.pk)
            .first()
        )
        if locked is None:
            raise TransitionError(_("La registrazione non esiste più."))
        if locked.operator_id != actor.pk:
            raise TransitionError(_("Puoi eliminare solo le ore che hai registrato tu."))
        if not delivery_record_deletable(locked, actor):
            raise TransitionError(
                _("Le ore si possono eliminare entro 7 giorni dalla registrazione: questa è del %(day)s.")
                % {"day": _d(timezone.localtime(locked.recorded_at).date())}
            )
        kept = {
            "intervention": locked.intervention_id,
            "operator": locked.operator_id,
            "day": locked.day.isoformat(),
            "units": str(locked.units),
            "recorded_at": locked.recorded_at.isoformat(),
        }
        pk = locked.pk
        locked.delete()
        locked.pk = pk  # deleted: the audit row still names the line that was removed
        audit_record(
            actor=actor,
            action="services.delivery_record.deleted",
            obj=locked,
            case_id=locked.intervention.case_id,
            data=kept,
        )


# --- planned against delivered --------------------------------------------------------------------------------


@dataclass(frozen=True)
class MonthRow:
    month: dt.date  # the first day of the month
    active_days: int
    planned: Decimal
    delivered: Decimal

    @property
    def difference(self) -> Decimal:
        return self.delivered - self.planned


def _months(first: dt.date, last: dt.date) -> list[dt.date]:
    months = []
    month = first.replace(day=1)
    while month <= last:
        months.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return months


def delivery_months(intervention: Intervention, today: dt.date | None = None) -> list[MonthRow]:
    """Per month since the start: planned hours (weekly hours times weeks active, up to today, suspensions
    excluded) against the hours recorded."""
    today = today or timezone.localdate()
    if intervention.started_on is None or intervention.started_on > today:
        return []
    last = min(intervention.ended_on or today, today)
    suspensions = list(intervention.suspensions.all())
    weekly = intervention.hours_per_week or Decimal(0)
    delivered = {
        row["month"]: row["total"]
        for row in DeliveryRecord.objects.filter(intervention=intervention)
        .annotate(month=TruncMonth("day"))
        .values("month")
        .annotate(total=Sum("units"))
    }
    rows = []
    for month in _months(intervention.started_on, last):
        month_end = month.replace(day=calendar.monthrange(month.year, month.month)[1])
        start, end = max(month, intervention.started_on), min(month_end, last)
        days = sum(
            1
            for offset in range((end - start).days + 1)
            if _suspension_on(suspensions, start + dt.timedelta(days=offset)) is None
        )
        planned = (weekly * days / 7).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        rows.append(MonthRow(month, days, planned, delivered.get(month) or Decimal(0)))
    return rows
