"""Targeted controls on the regular delivery of a service (seed 000 step 7: art. 11 of the convention between
the managing body and the Comune): findings, follow-up actions with a due date, the provider's reply."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, F, Max, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tutela.accounts.access import can_view_confidential, has_capability_on_case, territories_with
from tutela.accounts.roles import Cap
from tutela.audit.services import audit_record
from tutela.cases.services.events import case_event_record
from tutela.deadlines.models import Deadline
from tutela.deadlines.services import deadline_complete_for_source, deadline_create, end_of_day
from tutela.services.educational import is_provider_coordinator
from tutela.services.models import DeliveryControl, Intervention, InterventionState
from tutela.workflow import TransitionError


@dataclass(frozen=True)
class ControlData:
    day: dt.date
    method: str
    outcome: str
    findings: str
    follow_up: str = ""
    follow_up_due: dt.date | None = None


def _d(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def may_control(user: Any, intervention: Intervention) -> bool:
    return has_capability_on_case(user, Cap.CONTROL_WRITE, intervention.case)


def may_see_controls(user: Any, intervention: Intervention) -> bool:
    """The managing body that controls, the provider that answers, the confidential readers of the case."""
    return (
        may_control(user, intervention)
        or is_provider_coordinator(user, intervention)
        or can_view_confidential(user, intervention.case)
    )


def _control_validate(intervention: Intervention, data: ControlData) -> None:
    errors: dict[str, str] = {}
    today = timezone.localdate()
    if data.day > today:
        errors["day"] = _("La data del controllo non può essere nel futuro.")
    elif intervention.started_on and data.day < intervention.started_on:
        errors["day"] = _("Il controllo non può precedere l'avvio dell'intervento (%(day)s).") % {
            "day": _d(intervention.started_on)
        }
    if data.method not in DeliveryControl.Method.values:
        errors["method"] = _("Scegliere la modalità del controllo.")
    if data.outcome not in DeliveryControl.Outcome.values:
        errors["outcome"] = _("Scegliere l'esito del controllo.")
    if not data.findings.strip():
        errors["findings"] = _("Descrivere i rilievi del controllo.")
    follow_up = data.follow_up.strip()
    if follow_up and data.follow_up_due is None:
        errors["follow_up_due"] = _("Indicare entro quando vanno svolte le azioni conseguenti.")
    elif data.follow_up_due is not None and not follow_up:
        errors["follow_up"] = _("Descrivere le azioni conseguenti.")
    elif data.follow_up_due is not None and data.follow_up_due < today:
        errors["follow_up_due"] = _("La scadenza delle azioni conseguenti non può essere nel passato.")
    elif not follow_up and data.outcome in {
        DeliveryControl.Outcome.MINOR,
        DeliveryControl.Outcome.NON_COMPLIANT,
    }:
        errors["follow_up"] = _("Un controllo con irregolarità richiede azioni conseguenti.")
    if errors:
        raise ValidationError(errors)


def control_record(*, intervention: Intervention, actor: Any, data: ControlData) -> DeliveryControl:
    """Seed 000 step 7: the managing body records a control; its follow-up is a deadline of the controller."""
    intervention = Intervention.objects.select_related("case", "service_type").get(pk=intervention.pk)
    if not may_control(actor, intervention):
        raise TransitionError(_("Il tuo ruolo non consente di registrare controlli su questo intervento."))
    if intervention.state == InterventionState.PLANNED:
        raise TransitionError(
            _("L'intervento non è ancora stato avviato: non c'è un'erogazione da controllare.")
        )
    _control_validate(intervention, data)
    with transaction.atomic():
        control = DeliveryControl.objects.create(
            intervention=intervention,
            controller=actor,
            day=data.day,
            method=data.method,
            outcome=data.outcome,
            findings=data.findings.strip(),
            follow_up=data.follow_up.strip(),
            follow_up_due=data.follow_up_due,
        )
        if data.follow_up_due is not None:
            deadline_create(
                case=intervention.case,
                kind=Deadline.Kind.CONTROL_FOLLOW_UP,
                description=_("Azioni conseguenti al controllo del %(day)s") % {"day": _d(data.day)},
                due_at=end_of_day(data.follow_up_due),
                actor=actor,
                owner=actor,
                source=control,
            )
        case_event_record(
            case=intervention.case,
            actor=actor,
            code="services.control.recorded",
            description=_("Controllo sulla regolare esecuzione del %(day)s: %(outcome)s")
            % {"day": _d(data.day), "outcome": control.get_outcome_display()},
        )
        audit_record(
            actor=actor,
            action="services.delivery_control.created",
            obj=control,
            case_id=intervention.case_id,
            data={"outcome": data.outcome},
        )
    return control


def _locked(control: DeliveryControl) -> DeliveryControl:
    return (
        DeliveryControl.objects.select_for_update(of=("self",))
        .select_related("intervention__case", "intervention__service_type")
        .get(pk=control.pk)
    )


def control_reply(*, control: DeliveryControl, actor: Any, reply: str) -> DeliveryControl:
    """The provider's coordinator answers the control (controdeduzioni), until its follow-up is closed."""
    if not reply.strip():
        raise ValidationError({"reply": _("Scrivere la risposta al controllo.")})
    with transaction.atomic():
        locked = _locked(control)
        intervention = locked.intervention
        if not (
            is_provider_coordinator(actor, intervention)
            and has_capability_on_case(actor, Cap.CASE_VIEW, intervention.case)
        ):
            raise TransitionError(_("Solo il coordinatore dell'ente erogatore può rispondere al controllo."))
        if locked.follow_up_done_at is not None:
            raise TransitionError(
                _("Le azioni conseguenti sono già state chiuse: la risposta non si modifica più.")
            )
        locked.provider_reply = reply.strip()
        locked.save(update_fields=["provider_reply"])
        case_event_record(
            case=intervention.case,
            actor=actor,
            code="services.control.replied",
            description=_("L'ente erogatore ha risposto al controllo del %(day)s") % {"day": _d(locked.day)},
        )
        audit_record(
            actor=actor, action="services.delivery_control.replied", obj=locked, case_id=intervention.case_id
        )
    return locked


def control_follow_up_close(*, control: DeliveryControl, actor: Any) -> DeliveryControl:
    """The managing body closes the follow-up actions; the controller's deadline is done."""
    with transaction.atomic():
        locked = _locked(control)
        case = locked.intervention.case
        if not may_control(actor, locked.intervention):
            raise TransitionError(_("Il tuo ruolo non consente di chiudere le azioni conseguenti."))
        if not locked.follow_up:
            raise TransitionError(_("Il controllo non prevede azioni conseguenti."))
        if locked.follow_up_done_at is not None:
            raise TransitionError(
                _("Le azioni conseguenti sono già state chiuse il %(day)s.")
                % {"day": _d(timezone.localtime(locked.follow_up_done_at).date())}
            )
        locked.follow_up_done_at = timezone.now()
        locked.save(update_fields=["follow_up_done_at"])
        deadline_complete_for_source(source=locked, kind=Deadline.Kind.CONTROL_FOLLOW_UP, actor=actor)
        case_event_record(
            case=case,
            actor=actor,
            code="services.control.follow_up_closed",
            description=_("Azioni conseguenti al controllo del %(day)s concluse") % {"day": _d(locked.day)},
        )
        audit_record(actor=actor, action="services.delivery_control.closed", obj=locked, case_id=case.pk)
    return locked


# --- reads ---------------------------------------------------------------------------------------------------


def controls_of_territories(user: Any) -> QuerySet[DeliveryControl]:
    """The controls in the territories where the user may control delivery (the managing body)."""
    return DeliveryControl.objects.filter(
        intervention__case__territory_id__in=territories_with(user, Cap.CONTROL_WRITE)
    ).select_related(
        "intervention__case__child",
        "intervention__service_type",
        "intervention__provider",
        "controller",
    )


def interventions_to_control(user: Any) -> QuerySet[Intervention]:
    """Interventions under way in the user's territories, with how many controls and the last one's day."""
    open_follow_up = DeliveryControl.objects.filter(
        intervention=OuterRef("pk"), follow_up_due__isnull=False, follow_up_done_at__isnull=True
    )
    return (
        Intervention.objects.filter(
            case__territory_id__in=territories_with(user, Cap.CONTROL_WRITE),
            state__in=[InterventionState.ACTIVE, InterventionState.SUSPENDED],
        )
        .select_related("case__child", "service_type", "provider")
        .annotate(
            control_count=Count("controls"),
            last_control=Max("controls__day"),
            follow_up_open=Exists(open_follow_up),
        )
        .order_by(F("last_control").asc(nulls_first=True), "case__code")
    )
