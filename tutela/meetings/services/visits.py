"""Supervised visits (incontri protetti, seed 003): who may meet the child, bookings without double booking of
the room or of the operator, the record of the visit and its cancellation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from tutela.accounts.access import can_view_confidential, has_capability
from tutela.accounts.models import User
from tutela.accounts.roles import Cap
from tutela.audit.services import audit_record
from tutela.cases.models import Case
from tutela.cases.services.events import case_event_record
from tutela.court.models import MeasureKind, OrderMeasure
from tutela.meetings.access import may_manage_visits, reaches_case
from tutela.meetings.models import Room, SupervisedVisit, VisitArrangement, VisitAttendee, VisitState
from tutela.meetings.models.visits import CancellationReason, VisitFrequency
from tutela.meetings.services.rooms import room_conflict, room_lock, slot_label
from tutela.meetings.workflow import VISIT_WORKFLOW
from tutela.people.models import Person, Relationship
from tutela.workflow import TransitionError


@dataclass(frozen=True)
class ArrangementData:
    persons: Sequence[Person]
    frequency: str
    starts_on: dt.date
    duration_minutes: int = 60
    frequency_note: str = ""
    order_reference: str = ""
    ends_on: dt.date | None = None
    notes: str = ""
    court_order: Any = None  # a tutela.court CourtOrder of the case


def _manager_check(case: Case, actor: Any) -> None:
    if not may_manage_visits(actor, case):
        raise TransitionError(
            _("Il tuo ruolo non consente di gestire gli incontri protetti di questa pratica.")
        )
    if not case.is_open:
        raise TransitionError(_("La pratica è chiusa."))


def active_arrangement(case: Case, day: dt.date | None = None) -> VisitArrangement | None:
    """The arrangement in force on the day (today by default)."""
    day = day or timezone.localdate()
    return (
        VisitArrangement.objects.filter(case=case, starts_on__lte=day)
        .exclude(ends_on__lt=day)
        .prefetch_related("persons")
        .order_by("-starts_on", "-id")
        .first()
    )


def _arrangement_validate(case: Case, data: ArrangementData) -> None:
    errors: dict[str, str] = {}
    family = set(Relationship.objects.filter(child=case.child).values_list("relative_id", flat=True))
    if not data.persons:
        errors["persons"] = _("Indica almeno una persona ammessa agli incontri.")
    else:
        strangers = [str(p) for p in data.persons if p.pk not in family]
        if strangers:
            errors["persons"] = _(
                "%(names)s non risulta tra i familiari del minore registrati nella pratica."
            ) % {"names": ", ".join(strangers)}
    if data.frequency not in VisitFrequency.values:
        errors["frequency"] = _("Cadenza non valida.")
    elif data.frequency == VisitFrequency.OTHER and not data.frequency_note.strip():
        errors["frequency_note"] = _("Precisa la cadenza degli incontri.")
    if not 15 <= data.duration_minutes <= 480:
        errors["duration_minutes"] = _("La durata va da 15 minuti a 8 ore.")
    if data.ends_on is not None and data.ends_on < data.starts_on:
        errors["ends_on"] = _("La fine della validità deve seguire il suo inizio.")
    if data.court_order is not None:
        errors |= _court_order_errors(case, data)
    if errors:
        raise ValidationError(errors)


def _court_order_errors(case: Case, data: ArrangementData) -> dict[str, str]:
    """A linked court order is the case's, and its supervised-visit measures, when they name persons, admit
    everyone the arrangement admits."""
    order = data.court_order
    if order.case_id != case.pk:
        return {"court_order": _("Il provvedimento scelto non riguarda questa pratica.")}
    allowed = court_visit_persons(order)
    if allowed is None:
        return {}
    refused = [str(p) for p in data.persons if p.pk not in allowed]
    if refused:
        return {
            "persons": _(
                "%(names)s non è tra le persone che il provvedimento ammette agli incontri protetti."
            )
            % {"names": ", ".join(refused)}
        }
    return {}


def court_visit_persons(order: Any) -> set[int] | None:
    """The persons the order's supervised-visit measures allow to meet the child; None when they name nobody."""
    persons = set(
        OrderMeasure.objects.filter(order=order, kind=MeasureKind.SUPERVISED_VISITS)
        .exclude(persons=None)
        .values_list("persons", flat=True)
    )
    return persons or None


def arrangement_set(*, case: Case, actor: Any, data: ArrangementData) -> VisitArrangement:
    """Record who may meet the child, how often and on which order; the arrangement in force until then ends the
    day before the new one starts."""
    _manager_check(case, actor)
    if data.court_order is not None and not can_view_confidential(actor, case):
        # Court orders are a confidential section: who may not read them may not link one either.
        raise TransitionError(
            _("Solo chi legge le sezioni riservate della pratica può collegare un provvedimento.")
        )
    _arrangement_validate(case, data)
    with transaction.atomic():
        Case.objects.select_for_update().only("pk").get(pk=case.pk)
        for previous in VisitArrangement.objects.filter(case=case, starts_on__lt=data.starts_on).exclude(
            ends_on__lt=data.starts_on
        ):
            previous.ends_on = data.starts_on - dt.timedelta(days=1)
            previous.save(update_fields=["ends_on"])
        if VisitArrangement.objects.filter(case=case, starts_on__gte=data.starts_on).exists():
            raise ValidationError(
                {"starts_on": _("Esiste già una disposizione valida da questa data o successiva.")}
            )
        arrangement = VisitArrangement.objects.create(
            case=case,
            frequency=data.frequency,
            frequency_note=data.frequency_note.strip(),
            duration_minutes=data.duration_minutes,
            order_reference=data.order_reference.strip(),
            court_order=data.court_order,
            starts_on=data.starts_on,
            ends_on=data.ends_on,
            notes=data.notes,
            created_by=actor,
        )
        arrangement.persons.set(data.persons)
        case_event_record(
            case=case,
            actor=actor,
            code="meetings.arrangement.set",
            description=_("Disposti gli incontri protetti con %(names)s")
            % {"names": ", ".join(str(p) for p in data.persons)},
        )
        audit_record(actor=actor, action="meetings.arrangement.recorded", obj=arrangement, case_id=case.pk)
    return arrangement


@dataclass(frozen=True)
class BookingData:
    room: Room
    starts_at: dt.datetime
    ends_at: dt.datetime
    supervisor: Any
    visitors: Sequence[Person]


def _booking_validate(case: Case, data: BookingData) -> VisitArrangement:
    errors: dict[str, str] = {}
    if data.ends_at <= data.starts_at:
        errors["ends_at"] = _("L'ora di fine deve seguire l'ora di inizio.")
    if data.room.territory_id != case.territory_id or not data.room.active:
        errors["room"] = _("La stanza scelta non è disponibile in questo territorio.")
    if not (
        has_capability(data.supervisor, Cap.VISIT_MANAGE, case.territory_id)
        and reaches_case(data.supervisor, case)
    ):
        errors["supervisor"] = _(
            "L'operatore scelto non segue la pratica: va prima aggiunto all'équipe del caso."
        )
    arrangement = active_arrangement(case, timezone.localtime(data.starts_at).date())
    if arrangement is None:
        errors["starts_at"] = _("In quella data non è in vigore alcuna disposizione sugli incontri protetti.")
    elif not data.visitors:
        errors["visitors"] = _("Indica chi incontra il minore.")
    else:
        allowed = {p.pk for p in arrangement.persons.all()}
        refused = [str(p) for p in data.visitors if p.pk not in allowed]
        if refused:
            errors["visitors"] = _(
                "%(names)s non è ammesso/a agli incontri con il minore dalla disposizione in vigore."
            ) % {"names": ", ".join(refused)}
        elif len(data.visitors) + 2 > data.room.capacity:
            errors["visitors"] = _(
                "La stanza «%(room)s» accoglie al massimo %(capacity)d persone, compresi il minore e l'operatore."
            ) % {"room": data.room.name, "capacity": data.room.capacity}
    if errors:
        raise ValidationError(errors)
    assert arrangement is not None
    return arrangement


def _supervisor_conflict(supervisor: Any, start: dt.datetime, end: dt.datetime) -> str | None:
    busy = (
        SupervisedVisit.objects.filter(supervisor=supervisor, starts_at__lt=end, ends_at__gt=start)
        .exclude(state=VisitState.CANCELLED)
        .order_by("starts_at")
        .first()
    )
    if busy is None:
        return None
    return _("%(name)s segue già un altro incontro protetto %(slot)s.") % {
        "name": supervisor.get_full_name() or supervisor.get_username(),
        "slot": slot_label(busy.starts_at, busy.ends_at),
    }


def visit_book(*, case: Case, actor: Any, data: BookingData) -> SupervisedVisit:
    """Book a supervised visit. Refused when the room or the operator is already booked at an overlapping time
    (adjacent slots are fine) or when a visitor is not allowed by the arrangement in force."""
    _manager_check(case, actor)
    arrangement = _booking_validate(case, data)
    with transaction.atomic():
        # Lock order room -> operator, the same for every booking: two bookings of one room, or of one
        # operator in two rooms, run one after the other (no exclusion constraint without btree_gist).
        room = room_lock(data.room)
        User.objects.select_for_update().only("pk").get(pk=data.supervisor.pk)
        conflict = room_conflict(room, data.starts_at, data.ends_at)
        if conflict:
            raise ValidationError({"room": conflict})
        busy = _supervisor_conflict(data.supervisor, data.starts_at, data.ends_at)
        if busy:
            raise ValidationError({"supervisor": busy})
        visit = SupervisedVisit.objects.create(
            case=case,
            arrangement=arrangement,
            room=room,
            starts_at=data.starts_at,
            ends_at=data.ends_at,
            supervisor=data.supervisor,
            booked_by=actor,
        )
        for person in dict.fromkeys(data.visitors):
            VisitAttendee.objects.create(visit=visit, person=person)
        case_event_record(
            case=case,
            actor=actor,
            code="meetings.visit.booked",
            description=_("Incontro protetto prenotato %(slot)s")
            % {"slot": slot_label(data.starts_at, data.ends_at)},
        )
        audit_record(actor=actor, action="meetings.visit.booked", obj=visit, case_id=case.pk)
    return visit


def visit_record(
    *,
    visit: SupervisedVisit,
    actor: Any,
    child_attended: bool,
    attended: Collection[int],
    observations: str,
) -> SupervisedVisit:
    """Record a visit as held: who came (the child, each visitor) and the operator's observations."""
    if not child_attended or not attended:
        raise ValidationError(
            {
                "attended": _(
                    "Un incontro si registra come svolto se il minore e almeno un familiare erano presenti; "
                    "altrimenti va annullato indicando il motivo."
                )
            }
        )
    if not observations.strip():
        raise ValidationError({"observations": _("Scrivi le osservazioni sull'incontro.")})

    def effect(locked: SupervisedVisit) -> list[str]:
        attendees = list(locked.attendees.all())
        if not {a.person_id for a in attendees} >= set(attended):
            raise ValidationError({"attended": _("Indica solo persone previste per questo incontro.")})
        for attendee in attendees:
            attendee.attended = attendee.person_id in attended
            attendee.save(update_fields=["attended"])
        locked.child_attended = child_attended
        locked.observations = observations
        locked.recorded_by = actor
        locked.recorded_at = timezone.now()
        return ["child_attended", "observations", "recorded_by", "recorded_at"]

    return VISIT_WORKFLOW.apply(visit, "record", actor=actor, effect=effect)


def visit_cancel(*, visit: SupervisedVisit, actor: Any, reason: str, note: str = "") -> SupervisedVisit:
    """Cancel a booked visit, saying why (the parent did not come, the child was unwell, the service, ...)."""
    if reason not in CancellationReason.values:
        raise ValidationError({"reason": _("Indica il motivo dell'annullamento.")})
    if reason == CancellationReason.OTHER and not note.strip():
        raise ValidationError({"note": _("Precisa il motivo dell'annullamento.")})

    def effect(locked: SupervisedVisit) -> list[str]:
        locked.cancellation_reason = reason
        locked.cancellation_note = note.strip()[:300]
        locked.cancelled_by = actor
        locked.cancelled_at = timezone.now()
        return ["cancellation_reason", "cancellation_note", "cancelled_by", "cancelled_at"]

    label = CancellationReason(reason).label
    return VISIT_WORKFLOW.apply(
        visit,
        "cancel",
        actor=actor,
        effect=effect,
        description=_("Incontro protetto del %(day)s annullato: %(reason)s")
        % {"day": date_format(timezone.localtime(visit.starts_at), "d/m/Y"), "reason": str(label).lower()},
    )
