"""The art. 403 c.c. clock (L. 206/2021): a child placed in a safe place by a public authority; the oral notice
to the Public Prosecutor at once, the measure and a short report within 24 hours, the Prosecutor's request to
the court within 72 hours of receiving them, the validation decree within 48 hours, the hearing within 15 days,
the decision within 15 days of the hearing. Each term counts from when the step before happened."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tutela.audit.services import audit_record
from tutela.cases.models import Case
from tutela.cases.services.events import case_event_record
from tutela.court.models import (
    Art403Step,
    AuthorityKind,
    EmergencyPlacement,
    JudicialAuthority,
    PlaceKind,
    PlacementOutcome,
    PlacingAuthority,
    StepKind,
    StepOutcome,
)
from tutela.court.services.common import (
    court_term,
    court_write_check,
    deadline_owner,
    protocol_register_of,
    refuse,
)
from tutela.court.workflow import PLACEMENT_WORKFLOW
from tutela.deadlines.calendar import add_hours
from tutela.deadlines.models import Deadline
from tutela.deadlines.services import (
    deadline_cancel_for_source,
    deadline_complete_for_source,
    deadline_create,
)
from tutela.documents.pdf import pdf_render
from tutela.documents.services import attachment_store
from tutela.protocol.models import ProtocolEntry
from tutela.protocol.services import protocol_entry_register
from tutela.workflow import TransitionError

ACTS_LETTER_TEMPLATE = "court/letters/art403_acts.html"
STEP_SEQUENCE: tuple[str, ...] = tuple(StepKind.values)
# The step whose term starts when this one happens, and how long that term is (art. 403 c.c., c. 2-5).
NEXT_STEP: dict[str, str] = {
    StepKind.ACTS_TO_PM: StepKind.PM_REQUEST,
    StepKind.PM_REQUEST: StepKind.VALIDATION,
    StepKind.VALIDATION: StepKind.HEARING,
    StepKind.HEARING: StepKind.DECISION,
}
TERM_HOURS: dict[str, int] = {StepKind.ACTS_TO_PM: 24, StepKind.PM_REQUEST: 72, StepKind.VALIDATION: 48}
# "Immediato avviso orale": the service has an hour from the placement to give it and log it; a placement
# recorded later than that without the notice is late at once.
ORAL_NOTICE_HOURS = 1
TERM_DAYS: dict[str, int] = {StepKind.HEARING: 15, StepKind.DECISION: 15}
# What the step may end with; the first is the ordinary one.
OUTCOMES: dict[str, tuple[str, ...]] = {
    StepKind.ORAL_NOTICE: (StepOutcome.DONE,),
    StepKind.ACTS_TO_PM: (StepOutcome.DONE,),
    StepKind.PM_REQUEST: (StepOutcome.DONE, StepOutcome.PM_REVOKED),
    StepKind.VALIDATION: (StepOutcome.VALIDATED, StepOutcome.NOT_VALIDATED),
    StepKind.HEARING: (StepOutcome.DONE,),
    StepKind.DECISION: (StepOutcome.CONFIRMED, StepOutcome.MODIFIED, StepOutcome.REVOKED),
}
# The outcomes that end the placement, and how.
ENDING: dict[str, str] = {
    StepOutcome.PM_REVOKED: PlacementOutcome.REVOKED_BY_PM,
    StepOutcome.NOT_VALIDATED: PlacementOutcome.NOT_VALIDATED,
    StepOutcome.CONFIRMED: PlacementOutcome.CONFIRMED,
    StepOutcome.MODIFIED: PlacementOutcome.MODIFIED,
    StepOutcome.REVOKED: PlacementOutcome.REVOKED_BY_COURT,
}


@dataclass(frozen=True)
class PlacementData:
    placed_at: dt.datetime
    place_kind: str
    place: str
    placing_authority: str
    reasons: str
    prosecutor: JudicialAuthority
    court: JudicialAuthority | None = None
    placing_authority_detail: str = ""
    oral_notice_at: dt.datetime | None = None
    oral_notice_who: str = ""


# --- recording the placement ---------------------------------------------------------------------------------


def emergency_placement_record(*, case: Case, actor: Any, data: PlacementData) -> EmergencyPlacement:
    """Record the placement and start its clock: the oral notice (done now, with who and when, or due at once)
    and the transmission of the acts to the Prosecutor within 24 hours."""
    _placement_validate(data)
    with transaction.atomic():
        case = court_write_check(actor, case)
        if EmergencyPlacement.objects.filter(case=case, ended_at__isnull=True).exists():
            raise TransitionError(_("Per questa pratica è già in corso un collocamento d'urgenza."))
        placement = EmergencyPlacement.objects.create(
            case=case,
            placed_at=data.placed_at,
            place_kind=data.place_kind,
            place=data.place.strip(),
            placing_authority=data.placing_authority,
            placing_authority_detail=data.placing_authority_detail.strip(),
            reasons=data.reasons.strip(),
            prosecutor=data.prosecutor,
            court=data.court,
            created_by=actor,
        )
        audit_record(actor=actor, action="court.placement.recorded", obj=placement, case_id=case.pk)
        case_event_record(
            case=case,
            actor=actor,
            code="court.placement.recorded",
            description=_("Collocamento d'urgenza (art. 403 c.c.) registrato"),
        )
        notice = _step_open(
            placement, StepKind.ORAL_NOTICE, add_hours(data.placed_at, ORAL_NOTICE_HOURS), actor
        )
        _step_open(placement, StepKind.ACTS_TO_PM, add_hours(data.placed_at, 24), actor)
        if data.oral_notice_at is not None:
            _step_done(
                notice, actor, done_at=data.oral_notice_at, outcome=StepOutcome.DONE, who=data.oral_notice_who
            )
    return placement


def _placement_validate(data: PlacementData) -> None:
    now = timezone.now()
    errors: dict[str, str] = {}
    if data.placed_at > now:
        errors["placed_at"] = _("Il collocamento non può essere registrato con una data futura.")
    if data.place_kind not in PlaceKind.values:
        errors["place_kind"] = _("Indicare il tipo di luogo sicuro.")
    if not data.place.strip():
        errors["place"] = _("Indicare il luogo sicuro in cui il minore è collocato.")
    if data.placing_authority not in PlacingAuthority.values:
        errors["placing_authority"] = _("Indicare l'autorità che ha disposto il collocamento.")
    if not data.reasons.strip():
        errors["reasons"] = _(
            "Indicare i motivi del collocamento: servono per la relazione al Pubblico Ministero."
        )
    if not data.prosecutor.is_prosecutor:
        errors["prosecutor"] = _(
            "L'avviso va dato al Pubblico Ministero: scegliere una Procura della Repubblica."
        )
    if data.court is not None and data.court.kind != AuthorityKind.JUVENILE_COURT:
        errors["court"] = _("La convalida spetta al Tribunale per i minorenni.")
    if data.oral_notice_at is not None:
        if data.oral_notice_at > now:
            errors["oral_notice_at"] = _("L'avviso orale non può essere registrato con un orario futuro.")
        if not data.oral_notice_who.strip():
            errors["oral_notice_who"] = _("Indicare chi ha dato l'avviso orale e a quale magistrato.")
    refuse(errors)


# --- the steps -----------------------------------------------------------------------------------------------


def _step_open(placement: EmergencyPlacement, kind: str, due_at: dt.datetime, actor: Any) -> Art403Step:
    step = Art403Step.objects.create(placement=placement, kind=kind, due_at=due_at)
    case = placement.case
    deadline_create(
        case=case,
        kind=Deadline.Kind.ART403,
        description=_("Art. 403 c.c.: %(step)s") % {"step": step.get_kind_display()},
        due_at=due_at,
        actor=actor,
        owner=deadline_owner(case, actor),
        source=step,
    )
    return step


def step_base_time(step: Art403Step) -> dt.datetime | None:
    """When the step's term started: the placement for the first two, the step before for the others."""
    if step.kind in {StepKind.ORAL_NOTICE, StepKind.ACTS_TO_PM}:
        return None
    previous = next(k for k, v in NEXT_STEP.items() if v == step.kind)
    return (
        Art403Step.objects.filter(placement_id=step.placement_id, kind=previous)
        .values_list("done_at", flat=True)
        .first()
    )


def _next_due(kind: str, done_at: dt.datetime, case: Case) -> dt.datetime:
    if kind in TERM_HOURS:
        return add_hours(done_at, TERM_HOURS[kind])
    start = timezone.localtime(done_at).date()
    return court_term(start + dt.timedelta(days=TERM_DAYS[kind]), case)


def _step_validate(step: Art403Step, done_at: dt.datetime, outcome: str) -> None:
    errors: dict[str, str] = {}
    if done_at > timezone.now():
        errors["done_at"] = _("Il passaggio non può essere registrato con un orario futuro.")
    base = step_base_time(step)
    if base is not None and done_at < base:
        errors["done_at"] = _("Il passaggio non può precedere quello da cui decorre il termine (%(at)s).") % {
            "at": timezone.localtime(base).strftime("%d/%m/%Y %H:%M")
        }
    elif step.kind == StepKind.ACTS_TO_PM and done_at < step.placement.placed_at:
        errors["done_at"] = _("Gli atti non possono essere trasmessi prima del collocamento.")
    if outcome not in OUTCOMES[step.kind]:
        errors["outcome"] = _("Esito non valido per questo passaggio.")
    refuse(errors)


def _step_lock(step: Art403Step, actor: Any) -> tuple[Art403Step, Case]:
    case = court_write_check(actor, step.placement.case)
    step = Art403Step.objects.select_for_update(of=("self",)).select_related("placement").get(pk=step.pk)
    if step.placement.ended_at is not None:
        raise TransitionError(_("Il collocamento d'urgenza è già concluso."))
    if not step.is_pending:
        raise TransitionError(_("Questo passaggio è già stato registrato."))
    if step.kind not in {StepKind.ORAL_NOTICE, StepKind.ACTS_TO_PM} and step_base_time(step) is None:
        raise TransitionError(_("Registrare prima il passaggio precedente."))
    return step, case


def art403_step_record(
    *,
    step: Art403Step,
    actor: Any,
    done_at: dt.datetime,
    outcome: str = StepOutcome.DONE,
    who: str = "",
    note: str = "",
) -> Art403Step:
    """Mark a step as happened at `done_at`; the next step is due counting from then. An outcome that ends the
    measure (revoked, not validated, the final decision) ends the placement and its clock."""
    _step_validate(step, done_at, outcome)
    with transaction.atomic():
        step, _case = _step_lock(step, actor)
        _step_validate(step, done_at, outcome)
        _step_done(step, actor, done_at=done_at, outcome=outcome, who=who, note=note)
    return step


def _step_done(
    step: Art403Step,
    actor: Any,
    *,
    done_at: dt.datetime,
    outcome: str,
    who: str = "",
    note: str = "",
    protocol_entry: ProtocolEntry | None = None,
) -> None:
    placement = step.placement
    step.done_at = done_at
    step.outcome = outcome
    step.who = who.strip()[:200]
    step.note = note.strip()
    step.recorded_by = actor
    step.recorded_at = timezone.now()
    if protocol_entry is not None:
        step.protocol_entry = protocol_entry
        step.document = protocol_entry.document
    step.save(
        update_fields=[
            "done_at",
            "outcome",
            "who",
            "note",
            "recorded_by",
            "recorded_at",
            "protocol_entry",
            "document",
        ]
    )
    deadline_complete_for_source(source=step, kind=Deadline.Kind.ART403, actor=actor)
    late = done_at > step.due_at
    audit_record(
        actor=actor,
        action="court.art403_step.recorded",
        obj=step,
        case_id=placement.case_id,
        data={"kind": step.kind, "outcome": outcome, "done_at": done_at.isoformat(), "late": late},
    )
    case_event_record(
        case=placement.case,
        actor=actor,
        code="court.art403_step.recorded",
        description=_("Art. 403 c.c.: %(step)s (%(at)s)%(late)s")
        % {
            "step": step.get_kind_display(),
            "at": timezone.localtime(done_at).strftime("%d/%m/%Y %H:%M"),
            "late": _(", oltre il termine") if late else "",
        },
        protocol_entry=protocol_entry,
    )
    if outcome in ENDING:
        _placement_end(placement, actor, ENDING[outcome])
        return
    if outcome == StepOutcome.VALIDATED:
        PLACEMENT_WORKFLOW.apply(placement, "validate", actor=actor)
    following = NEXT_STEP.get(step.kind)
    if following is not None:
        _step_open(placement, following, _next_due(following, done_at, placement.case), actor)


def _placement_end(placement: EmergencyPlacement, actor: Any, outcome: str) -> None:
    def effect(locked: EmergencyPlacement) -> list[str]:
        locked.outcome = outcome
        locked.ended_at = timezone.now()
        for pending in locked.steps.select_for_update().filter(
            done_at__isnull=True, cancelled_at__isnull=True
        ):
            deadline_cancel_for_source(source=pending, kind=Deadline.Kind.ART403, actor=actor)
            pending.cancelled_at = locked.ended_at
            pending.save(update_fields=["cancelled_at"])
        return ["outcome", "ended_at"]

    PLACEMENT_WORKFLOW.apply(
        placement,
        "end",
        actor=actor,
        effect=effect,
        description=_("Collocamento d'urgenza concluso: %(outcome)s")
        % {"outcome": PlacementOutcome(outcome).label.lower()},
    )


# --- the acts to the Prosecutor ------------------------------------------------------------------------------


def acts_letter_context(placement: EmergencyPlacement, entry: ProtocolEntry | None) -> dict[str, Any]:
    case = placement.case
    notice = placement.steps.filter(kind=StepKind.ORAL_NOTICE).first()
    parents = case.child.relationships.select_related("relative").filter(
        kind__in=["mother", "father", "guardian"]
    )
    return {
        "placement": placement,
        "entry": entry,
        "case": case,
        "child": case.child,
        "parents": list(parents),
        "territory": case.territory,
        "authority": placement.prosecutor,
        "organisation": placement.prosecutor.organisation,
        "oral_notice": notice if notice is not None and notice.done_at else None,
        "subject": acts_subject(placement),
    }


def acts_subject(placement: EmergencyPlacement) -> str:
    return _(
        "Pratica %(code)s: collocamento in luogo sicuro ex art. 403 c.c. — trasmissione del provvedimento e relazione"
    ) % {"code": placement.case.code}


def acts_letter_pdf(placement: EmergencyPlacement) -> bytes:
    """The letter to the Prosecutor as it will be sent (without the protocol number): the preview."""
    return pdf_render(ACTS_LETTER_TEMPLATE, acts_letter_context(placement, None))


def art403_acts_send(*, step: Art403Step, actor: Any) -> Art403Step:
    """Send the measure and the short report to the Prosecutor: an outgoing protocol registration addressed to
    the Procura with the letter prepared from the placement; the step happens when it is registered."""
    if step.kind != StepKind.ACTS_TO_PM:
        raise TransitionError(_("Solo la trasmissione degli atti al Pubblico Ministero si invia da qui."))
    with transaction.atomic():
        step, case = _step_lock(step, actor)
        placement = step.placement
        register = protocol_register_of(case)
        prosecutor = placement.prosecutor

        def render(entry: ProtocolEntry) -> Any:
            content = pdf_render(ACTS_LETTER_TEMPLATE, acts_letter_context(placement, entry))
            return attachment_store(
                content=content,
                original_name=f"{case.code}-art403-{entry.year}-{entry.number:07d}.pdf",
                actor=actor,
                case=case,
                title=acts_subject(placement),
                confidential=True,
            )

        entry = protocol_entry_register(
            register=register,
            direction=ProtocolEntry.Direction.OUTGOING,
            actor=actor,
            correspondents=prosecutor.name,
            correspondent_organisation=prosecutor.organisation,
            subject=acts_subject(placement),
            render_document=render,
            forbidden_names=[case.child.surname, case.child.given_name],
        )
        _step_done(
            step,
            actor,
            done_at=entry.registered_at,
            outcome=StepOutcome.DONE,
            who=prosecutor.name,
            protocol_entry=entry,
        )
    return step
