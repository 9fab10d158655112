"""Proceedings and orders: registering an order creates the deadlines it sets; a later order that revokes or
replaces it cancels the pending ones (seed 001: "provvede a tutte le funzioni di affidamento al servizio
stabilite dall'Autorità giudiziaria"; art. 473-bis.27 c.p.c. for the terms of the reports)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tutela.audit.services import audit_record
from tutela.cases.models import Case
from tutela.cases.services.events import case_event_record
from tutela.court.models import (
    MEASURES_WITH_PERSONS,
    CourtDuty,
    CourtMandate,
    CourtOrder,
    CourtProceeding,
    JudicialAuthority,
    MandateKind,
    MeasureKind,
    Nature,
    OrderMeasure,
    OrderStage,
    VisitFrequency,
)
from tutela.court.services.common import (
    add_months,
    completed_count,
    court_deadline_create,
    court_write_check,
    deadline_owner,
    periodic_due,
    refuse,
)
from tutela.deadlines.models import Deadline
from tutela.deadlines.services import deadline_cancel_for_source, deadline_complete_for_source
from tutela.people.models import Person
from tutela.reference.models import Code
from tutela.workflow import TransitionError

SINBA_ORDER_TYPES = "TipoProvvedimentoGiudiziarioType"
MAX_PERIOD_MONTHS = 24


@dataclass(frozen=True)
class ProceedingData:
    authority: JudicialAuthority
    rg_number: str
    rg_year: int
    nature: str
    opened_on: dt.date
    judge_name: str = ""
    guardian_name: str = ""
    special_curator_name: str = ""
    notes: str = ""


@dataclass(frozen=True)
class OrderData:
    order_date: dt.date
    deposited_on: dt.date
    received_on: dt.date
    stage: str
    nature: str
    number: str = ""
    sinba_type: Code | None = None
    prescriptions: str = ""
    report_every_months: int | None = None
    first_report_due: dt.date | None = None
    ends_previous: bool = False


@dataclass(frozen=True)
class MeasureData:
    kind: str
    persons: Sequence[Person] = field(default_factory=tuple)
    frequency: str = ""
    details: str = ""


@dataclass(frozen=True)
class DutyData:
    description: str
    due_on: dt.date
    every_months: int | None = None
    details: str = ""
    owner: Any = None


@dataclass(frozen=True)
class MandateData:
    kind: str
    due_on: dt.date
    details: str = ""
    owner: Any = None


# --- proceedings ---------------------------------------------------------------------------------------------


def court_proceeding_create(*, case: Case, actor: Any, data: ProceedingData) -> CourtProceeding:
    """Record a proceeding about the child (authority and RG number)."""
    _proceeding_validate(data)
    with transaction.atomic():
        case = court_write_check(actor, case)
        duplicate = CourtProceeding.objects.filter(
            case=case, authority=data.authority, rg_year=data.rg_year, rg_number=data.rg_number.strip()
        )
        if duplicate.exists():
            refuse({"rg_number": _("Questo procedimento è già registrato nella pratica.")})
        proceeding = CourtProceeding.objects.create(
            case=case,
            authority=data.authority,
            rg_number=data.rg_number.strip(),
            rg_year=data.rg_year,
            nature=data.nature,
            opened_on=data.opened_on,
            judge_name=data.judge_name.strip(),
            guardian_name=data.guardian_name.strip(),
            special_curator_name=data.special_curator_name.strip(),
            notes=data.notes.strip(),
            created_by=actor,
        )
        audit_record(actor=actor, action="court.proceeding.created", obj=proceeding, case_id=case.pk)
        case_event_record(
            case=case,
            actor=actor,
            code="court.proceeding.created",
            description=_("Procedimento giudiziario registrato: %(authority)s, RG %(rg)s")
            % {"authority": proceeding.authority.name, "rg": proceeding.rg_label},
        )
    return proceeding


def _proceeding_validate(data: ProceedingData) -> None:
    today = timezone.localdate()
    errors: dict[str, str] = {}
    if not data.authority.active:
        errors["authority"] = _("Questa autorità giudiziaria non è più attiva nell'elenco.")
    if not data.rg_number.strip():
        errors["rg_number"] = _("Indicare il numero di ruolo generale (RG).")
    if not 1950 <= data.rg_year <= today.year:
        errors["rg_year"] = _("L'anno del ruolo deve essere compreso tra il 1950 e l'anno in corso.")
    if data.nature not in Nature.values:
        errors["nature"] = _("Natura del procedimento non valida.")
    if data.opened_on > today:
        errors["opened_on"] = _("La data di apertura non può essere nel futuro.")
    refuse(errors)


# --- orders --------------------------------------------------------------------------------------------------


def court_order_register(
    *,
    proceeding: CourtProceeding,
    actor: Any,
    data: OrderData,
    measures: Sequence[MeasureData] = (),
    duties: Sequence[DutyData] = (),
    mandates: Sequence[MandateData] = (),
) -> CourtOrder:
    """Register an order with its measures, duties and mandates, and create the deadlines it sets: each duty's
    and mandate's due date and the first periodic report (owner: the lead social worker). When it revokes or
    replaces the orders in force in the proceeding, their pending deadlines are cancelled."""
    case = proceeding.case
    _order_validate(data)
    for index, measure in enumerate(measures):
        _measure_validate(measure, case, prefix=f"misura {index + 1}: " if len(measures) > 1 else "")
    for duty in duties:
        _duty_validate(duty, data.order_date)
    for mandate in mandates:
        _mandate_validate(mandate, data.order_date)
    with transaction.atomic():
        case = court_write_check(actor, case)
        earlier = list(
            CourtOrder.objects.in_force()
            .select_for_update()
            .filter(proceeding=proceeding, order_date__lte=data.order_date)
        )
        if data.ends_previous and not earlier:
            refuse(
                {
                    "ends_previous": _(
                        "Nel procedimento non ci sono provvedimenti precedenti in vigore da revocare o sostituire."
                    )
                }
            )
        order = CourtOrder.objects.create(
            proceeding=proceeding,
            case=case,
            number=data.number.strip(),
            order_date=data.order_date,
            deposited_on=data.deposited_on,
            received_on=data.received_on,
            stage=data.stage,
            nature=data.nature,
            sinba_type=data.sinba_type,
            prescriptions=data.prescriptions.strip(),
            report_every_months=data.report_every_months,
            first_report_due=_first_report_due(data),
            registered_by=actor,
            registered_at=timezone.now(),
        )
        audit_record(
            actor=actor,
            action="court.order.registered",
            obj=order,
            case_id=case.pk,
            data={"proceeding": proceeding.pk, "ends": [o.pk for o in earlier] if data.ends_previous else []},
        )
        case_event_record(
            case=case,
            actor=actor,
            code="court.order.registered",
            description=_("Provvedimento dell'autorità giudiziaria del %(date)s registrato (RG %(rg)s)")
            % {"date": order.order_date.strftime("%d/%m/%Y"), "rg": proceeding.rg_label},
        )
        for measure in measures:
            _measure_create(order, case, measure, actor)
        for duty in duties:
            _duty_create(order, case, duty, actor)
        for mandate in mandates:
            _mandate_create(order, case, mandate, actor)
        if any(m.kind in INVESTIGATIONS for m in mandates):
            _investigation_recognise(case, actor, data.order_date)
        if order.first_report_due is not None:
            _report_deadline(order, case, actor, occurrence=0)
        if data.ends_previous:
            for previous in earlier:
                _order_end(previous, by=order, actor=actor)
    return order


# The mandates that make the case a court investigation: the denominator of the micro-équipe indicator (seed 002).
INVESTIGATIONS = frozenset(
    {
        MandateKind.PSYCHOSOCIAL_INVESTIGATION,
        MandateKind.SOCIAL_INVESTIGATION,
        MandateKind.PARENTING_ASSESSMENT,
    }
)


def _investigation_recognise(case: Case, actor: Any, ordered_on: dt.date) -> None:
    """Mark the case as under a court investigation from the order's date (once per date)."""
    from tutela.meetings.models.teams import ComplexCase, ComplexityReason
    from tutela.meetings.services.teams import complex_case_record

    reason = ComplexityReason.COURT_INVESTIGATION
    if not ComplexCase.objects.filter(case=case, reason=reason, recognised_on=ordered_on).exists():
        complex_case_record(case=case, actor=actor, reason=reason, recognised_on=ordered_on)


def _first_report_due(data: OrderData) -> dt.date | None:
    if data.first_report_due is not None:
        return data.first_report_due
    if data.report_every_months:
        return add_months(data.received_on, data.report_every_months)
    return None


def _order_validate(data: OrderData) -> None:
    today = timezone.localdate()
    errors: dict[str, str] = {}
    if data.order_date > today:
        errors["order_date"] = _("La data del provvedimento non può essere nel futuro.")
    if data.deposited_on < data.order_date:
        errors["deposited_on"] = _("La data di deposito non può precedere la data del provvedimento.")
    elif data.deposited_on > today:
        errors["deposited_on"] = _("La data di deposito non può essere nel futuro.")
    if data.received_on < data.deposited_on:
        errors["received_on"] = _("La data di ricezione non può precedere il deposito in cancelleria.")
    elif data.received_on > today:
        errors["received_on"] = _("La data di ricezione non può essere nel futuro.")
    if data.stage not in OrderStage.values:
        errors["stage"] = _("Indicare se il provvedimento è provvisorio o definitivo.")
    if data.nature not in Nature.values:
        errors["nature"] = _("Natura del provvedimento non valida.")
    if data.sinba_type is not None and data.sinba_type.code_list != SINBA_ORDER_TYPES:
        errors["sinba_type"] = _("Tipo di provvedimento SINBA non valido.")
    if data.report_every_months is not None and not 1 <= data.report_every_months <= MAX_PERIOD_MONTHS:
        errors["report_every_months"] = _("La periodicità delle relazioni va da 1 a 24 mesi.")
    if data.first_report_due is not None and data.first_report_due < data.order_date:
        errors["first_report_due"] = _(
            "La prima relazione non può scadere prima della data del provvedimento."
        )
    refuse(errors)


def _order_open_check(order: CourtOrder) -> None:
    if not order.in_force:
        raise TransitionError(
            _("Il provvedimento è stato revocato o sostituito: non si aggiungono adempimenti.")
        )


def _order_end(order: CourtOrder, *, by: CourtOrder, actor: Any) -> None:
    """The later order ends this one: its pending deadlines, duties and mandates are cancelled."""
    now = timezone.now()
    order.ended_on = by.order_date
    order.ended_by = by
    order.save(update_fields=["ended_on", "ended_by"])
    deadline_cancel_for_source(source=order, kind=Deadline.Kind.COURT_REPORT, actor=actor)
    for duty in order.duties.select_for_update().filter(completed_at__isnull=True, cancelled_at__isnull=True):
        deadline_cancel_for_source(source=duty, kind=Deadline.Kind.COURT_DUTY, actor=actor)
        duty.cancelled_at = now
        duty.save(update_fields=["cancelled_at"])
    for mandate in order.mandates.select_for_update().filter(
        completed_at__isnull=True, cancelled_at__isnull=True
    ):
        deadline_cancel_for_source(source=mandate, kind=Deadline.Kind.COURT_REPORT, actor=actor)
        mandate.cancelled_at = now
        mandate.save(update_fields=["cancelled_at"])
    audit_record(
        actor=actor, action="court.order.ended", obj=order, case_id=order.case_id, data={"by": by.pk}
    )


def _report_deadline(order: CourtOrder, case: Case, actor: Any, *, occurrence: int) -> Deadline:
    assert order.first_report_due is not None
    due = (
        periodic_due(order.first_report_due, order.report_every_months, occurrence)
        if order.report_every_months
        else order.first_report_due
    )
    proceeding = order.proceeding
    return court_deadline_create(
        case=case,
        kind=Deadline.Kind.COURT_REPORT,
        description=_("Relazione periodica a %(authority)s (RG %(rg)s)")
        % {"authority": proceeding.authority.name, "rg": proceeding.rg_label},
        due_on=due,
        actor=actor,
        owner=deadline_owner(case, actor),
        source=order,
    )


def periodic_report_filed(*, order: CourtOrder, actor: Any) -> Deadline | None:
    """The periodic report was filed: its deadline is done and, while the order is in force and asks for
    reports every so many months, the next one is due that many months after (from the first due date)."""
    completed = deadline_complete_for_source(source=order, kind=Deadline.Kind.COURT_REPORT, actor=actor)
    if not (completed and order.in_force and order.report_every_months and order.first_report_due):
        return None
    occurrence = completed_count(order, Deadline.Kind.COURT_REPORT)
    return _report_deadline(order, order.case, actor, occurrence=occurrence)


# --- measures ------------------------------------------------------------------------------------------------


def _measure_validate(data: MeasureData, case: Case, *, prefix: str = "") -> None:
    errors: dict[str, str] = {}
    if data.kind not in MeasureKind.values:
        errors["kind"] = prefix + _("Misura non valida.")
    elif data.persons and data.kind not in MEASURES_WITH_PERSONS:
        errors["persons"] = prefix + _("Per questa misura non si indicano persone.")
    if data.kind == MeasureKind.SUPERVISED_VISITS:
        if not data.persons:
            errors["persons"] = prefix + _("Indicare chi può incontrare il minore negli incontri protetti.")
        if data.frequency not in VisitFrequency.values:
            errors["frequency"] = prefix + _("Indicare la frequenza degli incontri protetti.")
    elif data.frequency:
        errors["frequency"] = prefix + _("La frequenza si indica solo per gli incontri protetti.")
    family = set(case.child.relationships.values_list("relative_id", flat=True))
    if any(p.pk not in family for p in data.persons):
        errors["persons"] = prefix + _(
            "Le persone indicate devono essere familiari del minore registrati nella pratica."
        )
    refuse(errors)


def _measure_create(order: CourtOrder, case: Case, data: MeasureData, actor: Any) -> OrderMeasure:
    measure = OrderMeasure.objects.create(
        order=order, kind=data.kind, child=case.child, frequency=data.frequency, details=data.details.strip()
    )
    if data.persons:
        measure.persons.set(data.persons)
    audit_record(actor=actor, action="court.measure.created", obj=measure, case_id=case.pk)
    return measure


def court_measure_add(*, order: CourtOrder, actor: Any, data: MeasureData) -> OrderMeasure:
    """Add a measure to an order already registered (one forgotten at registration)."""
    _measure_validate(data, order.case)
    with transaction.atomic():
        case = court_write_check(actor, order.case)
        order = CourtOrder.objects.select_for_update().get(pk=order.pk)
        _order_open_check(order)
        return _measure_create(order, case, data, actor)


# --- duties --------------------------------------------------------------------------------------------------


def _duty_validate(data: DutyData, order_date: dt.date) -> None:
    errors: dict[str, str] = {}
    if not data.description.strip():
        errors["description"] = _("Descrivere l'adempimento.")
    if data.due_on < order_date:
        errors["due_on"] = _("La scadenza dell'adempimento non può precedere la data del provvedimento.")
    if data.every_months is not None and not 1 <= data.every_months <= MAX_PERIOD_MONTHS:
        errors["every_months"] = _("La periodicità va da 1 a 24 mesi.")
    refuse(errors)


def _duty_deadline(duty: CourtDuty, case: Case, actor: Any, *, occurrence: int) -> Deadline:
    due = periodic_due(duty.due_on, duty.every_months, occurrence) if duty.every_months else duty.due_on
    return court_deadline_create(
        case=case,
        kind=Deadline.Kind.COURT_DUTY,
        description=duty.description,
        due_on=due,
        actor=actor,
        owner=duty.owner,
        source=duty,
    )


def _duty_create(order: CourtOrder, case: Case, data: DutyData, actor: Any) -> CourtDuty:
    duty = CourtDuty.objects.create(
        order=order,
        description=data.description.strip(),
        details=data.details.strip(),
        due_on=data.due_on,
        every_months=data.every_months,
        owner=data.owner or deadline_owner(case, actor),
    )
    audit_record(actor=actor, action="court.duty.created", obj=duty, case_id=case.pk)
    _duty_deadline(duty, case, actor, occurrence=0)
    return duty


def court_duty_add(*, order: CourtOrder, actor: Any, data: DutyData) -> CourtDuty:
    """Add a duty to an order in force, with its deadline."""
    _duty_validate(data, order.order_date)
    with transaction.atomic():
        case = court_write_check(actor, order.case)
        order = CourtOrder.objects.select_for_update().get(pk=order.pk)
        _order_open_check(order)
        return _duty_create(order, case, data, actor)


def court_duty_complete(*, duty: CourtDuty, actor: Any, done_on: dt.date, note: str = "") -> CourtDuty:
    """The duty was fulfilled: its deadline is done; a periodic duty gets its next deadline, a single one is
    closed."""
    if done_on > timezone.localdate():
        refuse({"done_on": _("La data dell'adempimento non può essere nel futuro.")})
    with transaction.atomic():
        case = court_write_check(actor, duty.order.case)
        duty = CourtDuty.objects.select_for_update(of=("self",)).select_related("order").get(pk=duty.pk)
        if not duty.is_open:
            raise TransitionError(_("L'adempimento è già concluso o annullato."))
        if done_on < duty.order.order_date:
            refuse({"done_on": _("La data dell'adempimento non può precedere la data del provvedimento.")})
        _duty_occurrence_done(duty, case, actor)
        audit_record(
            actor=actor,
            action="court.duty.fulfilled",
            obj=duty,
            case_id=case.pk,
            data={"done_on": done_on.isoformat(), "note": bool(note.strip())},
        )
    return duty


def _duty_occurrence_done(duty: CourtDuty, case: Case, actor: Any) -> None:
    deadline_complete_for_source(source=duty, kind=Deadline.Kind.COURT_DUTY, actor=actor)
    if duty.every_months and duty.order.in_force:
        _duty_deadline(duty, case, actor, occurrence=completed_count(duty, Deadline.Kind.COURT_DUTY))
    else:
        duty.completed_at = timezone.now()
        duty.save(update_fields=["completed_at"])


# --- mandates ------------------------------------------------------------------------------------------------


def _mandate_validate(data: MandateData, order_date: dt.date) -> None:
    errors: dict[str, str] = {}
    if data.kind not in MandateKind.values:
        errors["kind"] = _("Incarico non valido.")
    if data.due_on < order_date:
        errors["due_on"] = _("La scadenza dell'incarico non può precedere la data del provvedimento.")
    refuse(errors)


def _mandate_create(order: CourtOrder, case: Case, data: MandateData, actor: Any) -> CourtMandate:
    mandate = CourtMandate.objects.create(
        order=order,
        kind=data.kind,
        details=data.details.strip(),
        due_on=data.due_on,
        owner=data.owner or deadline_owner(case, actor),
    )
    audit_record(actor=actor, action="court.mandate.created", obj=mandate, case_id=case.pk)
    court_deadline_create(
        case=case,
        kind=Deadline.Kind.COURT_REPORT,
        description=_("%(mandate)s: relazione a %(authority)s")
        % {"mandate": mandate.get_kind_display(), "authority": order.proceeding.authority.name},
        due_on=mandate.due_on,
        actor=actor,
        owner=mandate.owner,
        source=mandate,
    )
    return mandate


def court_mandate_add(*, order: CourtOrder, actor: Any, data: MandateData) -> CourtMandate:
    """Add a mandate of the judge to the services, with the deadline of its report."""
    _mandate_validate(data, order.order_date)
    with transaction.atomic():
        case = court_write_check(actor, order.case)
        order = CourtOrder.objects.select_for_update().get(pk=order.pk)
        _order_open_check(order)
        return _mandate_create(order, case, data, actor)


def mandate_report_filed(*, mandate: CourtMandate, actor: Any) -> None:
    deadline_complete_for_source(source=mandate, kind=Deadline.Kind.COURT_REPORT, actor=actor)
    mandate.completed_at = timezone.now()
    mandate.save(update_fields=["completed_at"])


def duty_report_filed(*, duty: CourtDuty, actor: Any) -> None:
    _duty_occurrence_done(duty, duty.order.case, actor)
