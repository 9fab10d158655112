"""Meetings: plan, record as held (attendance, minutes), cancel with a reason, decisions (seeds 001, 003, 004).

Held and cancelled are set once each, under the meeting's row lock, with the checks of a transition (see the
note in meetings.models.meetings on why the transition engine does not drive meetings).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from tutela.accounts.access import has_capability, has_capability_on_case
from tutela.accounts.models import Organisation, Territory
from tutela.accounts.roles import Cap
from tutela.audit.services import audit_record
from tutela.cases.models import Case
from tutela.cases.services.events import case_event_record
from tutela.core.confidentiality import secrecy_of
from tutela.deadlines.models import Deadline
from tutela.deadlines.services import deadline_create, end_of_day
from tutela.meetings.access import may_manage_meeting, operates_in, reaches_case
from tutela.meetings.models import (
    Meeting,
    MeetingDecision,
    MeetingKind,
    MeetingParticipant,
    MeetingSeries,
    Room,
)
from tutela.meetings.models.meetings import MeetingStatus
from tutela.meetings.services.rooms import room_conflict, room_lock
from tutela.workflow import TransitionError


@dataclass(frozen=True)
class MeetingData:
    kind: str
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    place: str = ""
    room: Room | None = None
    agenda: str = ""
    users: Sequence[Any] = field(default_factory=tuple)
    organisations: Sequence[Organisation] = field(default_factory=tuple)


def _data_validate(data: MeetingData, territory: Territory, case: Case | None) -> None:
    errors: dict[str, str] = {}
    if data.kind not in MeetingKind.values:
        errors["kind"] = _("Tipo di riunione non valido.")
    elif (data.kind == MeetingKind.CASE_MEETING) != (case is not None):
        errors["kind"] = (
            _("Una riunione sul caso si pianifica dalla pagina della pratica.")
            if case is None
            else _("Sulla pratica si pianificano riunioni multiprofessionali sul caso.")
        )
    if not data.title.strip():
        errors["title"] = _("Il titolo è obbligatorio.")
    if data.ends_at <= data.starts_at:
        errors["ends_at"] = _("L'ora di fine deve seguire l'ora di inizio.")
    if data.room is not None and (data.room.territory_id != territory.pk or not data.room.active):
        errors["room"] = _("La stanza scelta non è disponibile in questo territorio.")
    if not data.room and not data.place.strip():
        errors["place"] = _("Indica il luogo o scegli una stanza.")
    for user in data.users:
        if not has_capability(user, Cap.MEETING_VIEW, territory.pk):
            errors["users"] = _("%(name)s non partecipa alle riunioni di questo territorio.") % {"name": user}
        elif case is not None and not reaches_case(user, case):
            errors["users"] = _(
                "%(name)s non ha accesso alla pratica: va prima aggiunto/a all'équipe del caso."
            ) % {"name": user}
    if errors:
        raise ValidationError(errors)


def meeting_plan(
    *,
    actor: Any,
    territory: Territory,
    data: MeetingData,
    case: Case | None = None,
    series: MeetingSeries | None = None,
) -> Meeting:
    """Plan a meeting: invitations to users and organisations, the room booked when one is chosen."""
    if case is not None:
        if not has_capability_on_case(actor, Cap.MEETING_MANAGE, case):
            raise TransitionError(_("Il tuo ruolo non consente di pianificare riunioni su questa pratica."))
        if not case.is_open:
            raise TransitionError(_("La pratica è chiusa."))
        territory = case.territory
    elif not has_capability(actor, Cap.MEETING_MANAGE, territory.pk):
        raise TransitionError(_("Il tuo ruolo non consente di pianificare riunioni."))
    _data_validate(data, territory, case)
    network = None
    if data.kind == MeetingKind.NETWORK:
        network = getattr(territory, "antiviolence_network", None)
        if network is None:
            raise ValidationError(
                {"kind": _("La rete antiviolenza del territorio non è ancora configurata.")}
            )
    with transaction.atomic():
        if data.room is not None:
            conflict = room_conflict(room_lock(data.room), data.starts_at, data.ends_at)
            if conflict:
                raise ValidationError({"room": conflict})
        meeting = Meeting.objects.create(
            territory=territory,
            kind=data.kind,
            title=data.title.strip(),
            case=case,
            network=network,
            series=series,
            starts_at=data.starts_at,
            ends_at=data.ends_at,
            place=data.place.strip() or (str(data.room.place) if data.room else ""),
            room=data.room,
            organiser=actor,
            agenda=data.agenda,
            created_by=actor,
        )
        users = [actor, *[u for u in data.users if u.pk != actor.pk]]
        for user in dict.fromkeys(users):
            MeetingParticipant.objects.create(meeting=meeting, user=user)
        for organisation in dict.fromkeys(data.organisations):
            MeetingParticipant.objects.create(meeting=meeting, organisation=organisation)
        if case is not None:
            case_event_record(
                case=case,
                actor=actor,
                code="meetings.meeting.planned",
                description=_("Riunione sul caso pianificata per il %(day)s")
                % {"day": date_format(timezone.localtime(data.starts_at), "d/m/Y H:i")},
            )
        audit_record(
            actor=actor,
            action="meetings.meeting.planned",
            obj=meeting,
            case_id=case.pk if case else None,
            data={"series": series.pk} if series else None,
        )
    return meeting


def _planned_locked(meeting: Meeting, actor: Any) -> Meeting:
    locked = Meeting.objects.select_for_update(of=("self",)).select_related("territory").get(pk=meeting.pk)
    locked.case = meeting.case  # already read through the access helper
    if not may_manage_meeting(actor, locked):
        raise TransitionError(
            _("Solo l'organizzatore o chi coordina le riunioni del territorio può aggiornare la riunione.")
        )
    if locked.status == MeetingStatus.HELD:
        raise TransitionError(_("La riunione è già stata registrata come svolta."))
    if locked.status == MeetingStatus.CANCELLED:
        raise TransitionError(_("La riunione è stata annullata."))
    return locked


def meeting_record_held(
    *,
    meeting: Meeting,
    actor: Any,
    held_on: dt.date,
    attendance: Mapping[int, str],
    minutes: str = "",
) -> Meeting:
    """Record a planned meeting as held: the date, who was present or absent, the minutes."""
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": _("La data di svolgimento non può essere nel futuro.")})
    with transaction.atomic():
        locked = _planned_locked(meeting, actor)
        participants = list(locked.participants.all())
        values = {MeetingParticipant.Attendance.PRESENT, MeetingParticipant.Attendance.ABSENT}
        if any(attendance.get(p.pk) not in values for p in participants):
            raise ValidationError(
                {"attendance": _("Indica per ogni partecipante se era presente o assente.")}
            )
        if not any(attendance[p.pk] == MeetingParticipant.Attendance.PRESENT for p in participants):
            raise ValidationError(
                {"attendance": _("Nessun partecipante presente: la riunione va annullata, non registrata.")}
            )
        for participant in participants:
            participant.attendance = attendance[participant.pk]
            participant.save(update_fields=["attendance"])
        locked.held_on = held_on
        locked.minutes = minutes
        locked.recorded_by = actor
        locked.recorded_at = timezone.now()
        locked.save(update_fields=["held_on", "minutes", "recorded_by", "recorded_at"])
        if locked.case is not None:
            case_event_record(
                case=locked.case,
                actor=actor,
                code="meetings.meeting.held",
                description=_("Riunione sul caso svolta il %(day)s") % {"day": date_format(held_on, "d/m/Y")},
            )
        audit_record(actor=actor, action="meetings.meeting.held", obj=locked, case_id=locked.case_id)
    return locked


def meeting_cancel(*, meeting: Meeting, actor: Any, reason: str) -> Meeting:
    """Cancel a planned meeting; the reason is required (planned vs held counts it as not held)."""
    if not reason.strip():
        raise ValidationError({"reason": _("Indica il motivo dell'annullamento.")})
    with transaction.atomic():
        locked = _planned_locked(meeting, actor)
        locked.cancelled_at = timezone.now()
        locked.cancelled_by = actor
        locked.cancellation_reason = reason.strip()[:300]
        locked.save(update_fields=["cancelled_at", "cancelled_by", "cancellation_reason"])
        if locked.case is not None:
            case_event_record(
                case=locked.case,
                actor=actor,
                code="meetings.meeting.cancelled",
                description=_("Riunione sul caso annullata"),
                note=locked.cancellation_reason,
                note_class=secrecy_of(locked, "cancellation_reason"),
            )
        audit_record(actor=actor, action="meetings.meeting.cancelled", obj=locked, case_id=locked.case_id)
    return locked


def _decision_validate(
    meeting: Meeting, text: str, case: Case | None, owner: Any, due_on: dt.date | None, actor: Any
) -> None:
    errors: dict[str, str] = {}
    if not text.strip():
        errors["text"] = _("Scrivi la decisione.")
    if (owner is None) != (due_on is None):
        errors["due_on"] = _("Indica sia il responsabile sia la scadenza, oppure nessuno dei due.")
    elif due_on is not None and meeting.held_on is not None and due_on < meeting.held_on:
        errors["due_on"] = _("La scadenza non può precedere la riunione.")
    if case is not None and (case.territory_id != meeting.territory_id or not reaches_case(actor, case)):
        errors["case"] = _("Pratica non trovata tra quelle che puoi consultare.")
    elif case is not None and not case.is_open:
        errors["case"] = _("La pratica è chiusa.")
    if owner is not None and not operates_in(owner, meeting.territory_id):
        errors["owner"] = _("Il responsabile scelto non opera in questo territorio.")
    elif owner is not None and case is not None and not reaches_case(owner, case):
        errors["owner"] = _("Il responsabile scelto non ha accesso alla pratica.")
    if errors:
        raise ValidationError(errors)


def decision_add(
    *,
    meeting: Meeting,
    actor: Any,
    text: str,
    case: Case | None = None,
    owner: Any = None,
    due_on: dt.date | None = None,
) -> MeetingDecision:
    """Record a decision of a held meeting. On a case, with an owner and a due date, it becomes a deadline of
    the case (MEETING_DECISION, source = the decision); otherwise the meeting's list tracks it."""
    if meeting.case_id is not None:
        case = meeting.case
    with transaction.atomic():
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        locked.case = meeting.case
        if not may_manage_meeting(actor, locked):
            raise TransitionError(
                _("Solo l'organizzatore o chi coordina le riunioni può registrare decisioni.")
            )
        if locked.held_on is None:
            raise TransitionError(_("Le decisioni si registrano sulle riunioni svolte."))
        _decision_validate(locked, text, case, owner, due_on, actor)
        decision = MeetingDecision.objects.create(
            meeting=locked, text=text.strip(), case=case, owner=owner, due_on=due_on, created_by=actor
        )
        if case is not None:
            _decision_on_case(decision, case, actor)
        audit_record(
            actor=actor, action="meetings.decision.recorded", obj=decision, case_id=case.pk if case else None
        )
    return decision


def _decision_on_case(decision: MeetingDecision, case: Case, actor: Any) -> None:
    meeting = decision.meeting
    case_event_record(
        case=case,
        actor=actor,
        code="meetings.decision.recorded",
        description=_("Decisione della riunione del %(day)s: %(text)s")
        % {"day": date_format(meeting.held_on or timezone.localdate(), "d/m/Y"), "text": decision.text},
    )
    if decision.due_on is not None:
        deadline_create(
            case=case,
            kind=Deadline.Kind.MEETING_DECISION,
            description=decision.text[:200],
            due_at=end_of_day(decision.due_on),
            actor=actor,
            owner=decision.owner,
            source=decision,
        )


def decision_has_deadline(decision: MeetingDecision) -> bool:
    return decision.case_id is not None and decision.due_on is not None


def decision_set_done(*, decision: MeetingDecision, actor: Any, done: bool) -> MeetingDecision:
    """Mark a decision of the meeting's own list as done or not done yet (deadlines are done on the case)."""
    if decision_has_deadline(decision):
        raise TransitionError(_("Questa decisione è una scadenza della pratica: si segue tra le scadenze."))
    with transaction.atomic():
        locked = (
            MeetingDecision.objects.select_for_update(of=("self",))
            .select_related("meeting")
            .get(pk=decision.pk)
        )
        locked.meeting.case = decision.meeting.case
        if not (may_manage_meeting(actor, locked.meeting) or locked.owner_id == actor.pk):
            raise TransitionError(_("Solo il responsabile o l'organizzatore aggiornano la decisione."))
        if (locked.done_at is not None) == done:
            return locked
        locked.done_at = timezone.now() if done else None
        locked.done_by = actor if done else None
        locked.save(update_fields=["done_at", "done_by"])
        audit_record(
            actor=actor,
            action="meetings.decision.done" if done else "meetings.decision.reopened",
            obj=locked,
            case_id=locked.case_id,
        )
    return locked
