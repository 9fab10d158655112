"""Writes of the indicators app: objectives with their phases and indicators (seed 002), staff FTE (seed 001)."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from tutela.accounts.access import has_capability
from tutela.accounts.models import Territory, User
from tutela.accounts.roles import Cap
from tutela.audit.services import audit_record
from tutela.indicators.models import Indicator, Objective, Phase, StaffFTE
from tutela.indicators.sources import OBJECTIVE_SOURCES
from tutela.workflow import TransitionError

FULL_WEIGHT = Decimal("100")


def _require_manager(actor: Any, territory_id: int) -> None:
    if not has_capability(actor, Cap.INDICATORS_MANAGE, territory_id):
        raise TransitionError(_("Il tuo ruolo non consente di gestire obiettivi e indicatori."))


@dataclass(frozen=True)
class ObjectiveData:
    code: str
    title: str
    responsible: str
    starts_on: dt.date
    ends_on: dt.date
    description: str = ""
    direction: str = ""
    director: str = ""
    service: str = ""
    classification: str = ""
    kind: str = ""
    dup_strategic_line: str = ""
    dup_strategic_objective: str = ""
    peg_reference: str = ""


def _check_objective(data: ObjectiveData, territory: Territory, exclude: int | None = None) -> None:
    if data.ends_on < data.starts_on:
        raise ValidationError({"ends_on": _("La fine del periodo non può precedere l'inizio.")})
    clash = Objective.objects.filter(territory=territory, code=data.code)
    if exclude is not None:
        clash = clash.exclude(pk=exclude)
    if clash.exists():
        raise ValidationError({"code": _("Esiste già un obiettivo con questo codice nel territorio.")})


def objective_create(*, actor: Any, territory: Territory, data: ObjectiveData) -> Objective:
    """Record a PEG objective of the territory (a draft until its phases weigh 100 and it is approved)."""
    _require_manager(actor, territory.pk)
    _check_objective(data, territory)
    with transaction.atomic():
        objective = Objective.objects.create(territory=territory, created_by=actor, **asdict(data))
        audit_record(actor=actor, action="indicators.objective.created", obj=objective)
    return objective


def objective_update(*, actor: Any, objective: Objective, data: ObjectiveData) -> Objective:
    """Change what describes the objective; its period too, as long as it is not approved."""
    _require_manager(actor, objective.territory_id)
    with transaction.atomic():
        locked = Objective.objects.select_for_update().get(pk=objective.pk)
        _check_objective(data, locked.territory, exclude=locked.pk)
        if locked.approved_at and (data.starts_on, data.ends_on) != (locked.starts_on, locked.ends_on):
            raise TransitionError(_("L'obiettivo è approvato: il periodo non si può più modificare."))
        fields = list(asdict(data))
        for name, value in asdict(data).items():
            setattr(locked, name, value)
        locked.save(update_fields=fields)
        audit_record(actor=actor, action="indicators.objective.updated", obj=locked)
    return locked


def weight_total(objective: Objective, exclude: int | None = None) -> Decimal:
    phases = objective.phases.all() if exclude is None else objective.phases.exclude(pk=exclude)
    total = phases.aggregate(total=Sum("weight"))["total"]
    return total or Decimal("0")


@dataclass(frozen=True)
class PhaseData:
    title: str
    weight: Decimal
    planned_start: dt.date
    planned_end: dt.date
    responsible: str
    responsibility_centre: str = ""
    note: str = ""
    actual_start: dt.date | None = None
    actual_end: dt.date | None = None


def _check_phase(data: PhaseData, objective: Objective, exclude: int | None = None) -> None:
    errors: dict[str, str] = {}
    if data.planned_end < data.planned_start:
        errors["planned_end"] = _("La fine prevista non può precedere l'inizio previsto.")
    if data.actual_start and data.actual_end and data.actual_end < data.actual_start:
        errors["actual_end"] = _("La fine effettiva non può precedere l'inizio effettivo.")
    if data.actual_end and not data.actual_start:
        errors["actual_start"] = _("Indicare l'inizio effettivo prima della fine effettiva.")
    if not Decimal("0") < data.weight <= FULL_WEIGHT:
        errors["weight"] = _("Il peso è una percentuale maggiore di 0 e non superiore a 100.")
    else:
        total = weight_total(objective, exclude) + data.weight
        if total > FULL_WEIGHT:
            errors["weight"] = _(
                "Con questo peso le fasi arriverebbero al %(total)s%%: la somma dei pesi non può superare 100."
            ) % {"total": _number(total)}
    if errors:
        raise ValidationError(errors)


def phase_add(*, actor: Any, objective: Objective, data: PhaseData) -> Phase:
    """Add a phase to a draft objective; the weights of its phases never exceed 100 in total."""
    _require_manager(actor, objective.territory_id)
    with transaction.atomic():
        locked = Objective.objects.select_for_update().get(pk=objective.pk)
        if locked.approved_at:
            raise TransitionError(_("L'obiettivo è approvato: le fasi e i loro pesi non si modificano più."))
        _check_phase(data, locked)
        phase = Phase.objects.create(objective=locked, **asdict(data))
        audit_record(
            actor=actor, action="indicators.phase.created", obj=phase, data={"weight": str(data.weight)}
        )
    return phase


PLAN_FIELDS = ("title", "weight", "planned_start", "planned_end", "responsible", "responsibility_centre")


def phase_update(*, actor: Any, phase: Phase, data: PhaseData) -> Phase:
    """Record the actual dates and notes of a phase; its plan and weight change only while the objective is
    a draft."""
    _require_manager(actor, phase.objective.territory_id)
    with transaction.atomic():
        objective = Objective.objects.select_for_update().get(pk=phase.objective_id)
        locked = Phase.objects.select_for_update().get(pk=phase.pk)
        values = asdict(data)
        if objective.approved_at and any(values[f] != getattr(locked, f) for f in PLAN_FIELDS):
            raise TransitionError(
                _("L'obiettivo è approvato: si registrano solo le date effettive e le note delle fasi.")
            )
        _check_phase(data, objective, exclude=locked.pk)
        for name, value in values.items():
            setattr(locked, name, value)
        locked.save(update_fields=list(values))
        audit_record(actor=actor, action="indicators.phase.updated", obj=locked)
    return locked


def objective_approve(*, actor: Any, objective: Objective) -> Objective:
    """Approve the objective: its phases must weigh exactly 100 in total (then they are frozen)."""
    _require_manager(actor, objective.territory_id)
    with transaction.atomic():
        locked = Objective.objects.select_for_update().get(pk=objective.pk)
        refusal = approval_refusal(locked)
        if refusal:
            raise TransitionError(refusal)
        locked.approved_at = timezone.now()
        locked.approved_by = actor
        locked.save(update_fields=["approved_at", "approved_by"])
        audit_record(actor=actor, action="indicators.objective.approved", obj=locked)
    return locked


def approval_refusal(objective: Objective) -> str | None:
    """Why the objective cannot be approved now, or None."""
    if objective.approved_at:
        return _("L'obiettivo è già approvato.")
    if not objective.phases.exists():
        return _("L'obiettivo non ha fasi: aggiungerle prima di approvarlo.")
    total = weight_total(objective)
    if total != FULL_WEIGHT:
        return _(
            "La somma dei pesi delle fasi è %(total)s%%: deve essere esattamente 100 per approvare l'obiettivo."
        ) % {"total": _number(total)}
    if not objective.indicators.exists():
        return _("L'obiettivo non ha indicatori: aggiungerne almeno uno prima di approvarlo.")
    return None


@dataclass(frozen=True)
class IndicatorData:
    kind: str
    description: str
    value_type: str
    expected_numerator: Decimal | None = None
    expected_denominator: Decimal | None = None
    expected_date: dt.date | None = None
    metric_key: str = ""


def _check_expected(data: IndicatorData) -> None:
    if data.value_type == Indicator.ValueType.DATE:
        if data.expected_date is None:
            raise ValidationError({"expected_date": _("Indicare la data attesa.")})
        if data.metric_key:
            raise ValidationError({"metric_key": _("Un indicatore con una data attesa si rileva a mano.")})
        return
    errors = {}
    if data.expected_numerator is None or data.expected_numerator < 0:
        errors["expected_numerator"] = _("Indicare il valore atteso (numero non negativo).")
    if data.expected_denominator is None or data.expected_denominator <= 0:
        errors["expected_denominator"] = _("Indicare il denominatore atteso (numero maggiore di zero).")
    if data.metric_key and data.metric_key not in OBJECTIVE_SOURCES:
        errors["metric_key"] = _("Indicatore di calcolo sconosciuto.")
    if errors:
        raise ValidationError(errors)


def indicator_add(*, actor: Any, objective: Objective, data: IndicatorData) -> Indicator:
    """Add an indicator with its expected value, typed: a ratio (120/200), a count (6/6) or a date."""
    _require_manager(actor, objective.territory_id)
    _check_expected(data)
    values = asdict(data)
    if data.value_type == Indicator.ValueType.DATE:
        values.update(expected_numerator=None, expected_denominator=None)
    else:
        values["expected_date"] = None
    with transaction.atomic():
        locked = Objective.objects.select_for_update().get(pk=objective.pk)
        if locked.approved_at:
            raise TransitionError(_("L'obiettivo è approvato: gli indicatori non si aggiungono più."))
        indicator = Indicator.objects.create(objective=locked, **values)
        audit_record(actor=actor, action="indicators.indicator.created", obj=indicator)
    return indicator


@dataclass(frozen=True)
class ActualData:
    note: str
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    day: dt.date | None = None


def indicator_record_actual(*, actor: Any, indicator: Indicator, data: ActualData) -> Indicator:
    """Enter by hand the value found for an indicator that no metric computes, with a note, who and when."""
    _require_manager(actor, indicator.objective.territory_id)
    if indicator.metric_key:
        raise TransitionError(
            _("Il valore di questo indicatore è calcolato dai dati: non si inserisce a mano.")
        )
    errors = {}
    if not data.note.strip():
        errors["note"] = _("Indicare da dove proviene il valore (atto, verbale, rilevazione).")
    if indicator.value_type == Indicator.ValueType.DATE:
        if data.day is None:
            errors["day"] = _("Indicare la data in cui il risultato è stato raggiunto.")
    else:
        if data.numerator is None or data.numerator < 0:
            errors["numerator"] = _("Indicare il valore rilevato (numero non negativo).")
        if data.denominator is None or data.denominator <= 0:
            errors["denominator"] = _("Indicare il denominatore rilevato (numero maggiore di zero).")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = Indicator.objects.select_for_update().get(pk=indicator.pk)
        locked.actual_numerator = None if locked.value_type == Indicator.ValueType.DATE else data.numerator
        locked.actual_denominator = (
            None if locked.value_type == Indicator.ValueType.DATE else data.denominator
        )
        locked.actual_date = data.day if locked.value_type == Indicator.ValueType.DATE else None
        locked.actual_note = data.note.strip()
        locked.actual_recorded_by = actor
        locked.actual_recorded_at = timezone.now()
        fields = ["actual_numerator", "actual_denominator", "actual_date", "actual_note"]
        locked.save(update_fields=[*fields, "actual_recorded_by", "actual_recorded_at"])
        audit_record(actor=actor, action="indicators.indicator.actual_recorded", obj=locked)
    return locked


def staff_fte_record(
    *, actor: Any, territory: Territory, user: User, fte: Decimal, valid_from: dt.date
) -> StaffFTE:
    """Record a social worker's full-time equivalent from a date (the same date again replaces the value)."""
    _require_manager(actor, territory.pk)
    if not Decimal("0") <= fte <= Decimal("1"):
        raise ValidationError({"fte": _("Il tempo pieno equivalente è tra 0 e 1 (es. 0,5 per metà tempo).")})
    with transaction.atomic():
        row = (
            StaffFTE.objects.select_for_update()
            .filter(user=user, territory=territory, valid_from=valid_from)
            .first()
        )
        if row is None:
            row = StaffFTE.objects.create(
                user=user, territory=territory, valid_from=valid_from, fte=fte, recorded_by=actor
            )
        else:
            row.fte, row.recorded_by = fte, actor
            row.save(update_fields=["fte", "recorded_by"])
        audit_record(
            actor=actor,
            action="indicators.staff_fte.recorded",
            obj=row,
            data={"user": user.pk, "fte": str(fte)},
        )
    return row


def _number(value: Decimal) -> str:
    """100.00 -> "100", 62.50 -> "62,5" (the Italian decimal comma)."""
    text = f"{value.normalize():f}"
    return text.replace(".", ",")
