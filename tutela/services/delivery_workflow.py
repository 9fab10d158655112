"""The intervention state machine (DESIGN.md section 2: PLANNED → ACTIVE ⇄ SUSPENDED → ENDED, seed 000 step 8),
with the acts recorded on a running intervention: monitoring, a court extension of foster care, the paying
Comune's acknowledgement (seed 000 step 5, seed 003)."""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from tutela.accounts.access import grants_of
from tutela.accounts.roles import Cap
from tutela.services.models import Intervention, Placement
from tutela.services.models import InterventionState as S
from tutela.workflow import Transition, Workflow


def _lead(intervention: Intervention, user: Any) -> str | None:
    if not intervention.case.is_open:
        return _("La pratica è chiusa: l'intervento non può essere modificato.")
    if intervention.case.lead_social_worker_id != user.pk:
        return _("Solo l'assistente sociale referente del caso può compiere questa azione.")
    return None


def _foster_placement(intervention: Intervention, user: Any) -> str | None:
    placement = getattr(intervention, "placement", None)
    if placement is None or placement.kind != Placement.Kind.FOSTER:
        return _("La proroga del tribunale riguarda solo gli affidamenti familiari.")
    return _lead(intervention, user)


def needs_municipality_acknowledgement(intervention: Intervention) -> bool:
    """A Comune other than the lead one pays: it must take note before the service starts (seed 000 step 5)."""
    return intervention.paying_municipality_id != intervention.case.territory.lead_municipality_id


def _paying_municipality_officer(intervention: Intervention, user: Any) -> str | None:
    review = getattr(intervention.proposal, "review", None)
    if review is None or not needs_municipality_acknowledgement(intervention):
        return _("L'intervento è a carico del Comune capofila: non serve la presa d'atto.")
    if review.municipality_acknowledged_at is not None:
        return _("Il Comune ha già preso atto dell'intervento.")
    if not any(
        Cap.MUNICIPALITY_ACKNOWLEDGE in g.capabilities
        and g.municipality_id == intervention.paying_municipality_id
        for g in grants_of(user)
    ):
        return _("Solo il referente del Comune che sostiene la spesa può prendere atto dell'intervento.")
    return None


RUNNING = (S.ACTIVE, S.SUSPENDED)

INTERVENTION_WORKFLOW = Workflow(
    model=Intervention,
    audit_entity="services.intervention",
    case_of=lambda intervention: intervention.case,
    transitions=[
        Transition(
            "activate",
            _l("Avvia l'intervento"),
            (S.PLANNED,),
            S.ACTIVE,
            Cap.INTERVENTION_MANAGE,
            "activated",
            _lead,
            done=_l("Intervento avviato"),
        ),
        Transition(
            "suspend",
            _l("Sospendi"),
            (S.ACTIVE,),
            S.SUSPENDED,
            Cap.INTERVENTION_MANAGE,
            "suspended",
            _lead,
            style="outline-warning",
            done=_l("Intervento sospeso"),
        ),
        Transition(
            "resume",
            _l("Riprendi"),
            (S.SUSPENDED,),
            S.ACTIVE,
            Cap.INTERVENTION_MANAGE,
            "resumed",
            _lead,
            done=_l("Intervento ripreso"),
        ),
        Transition(
            "end",
            _l("Concludi l'intervento"),
            RUNNING,
            S.ENDED,
            Cap.INTERVENTION_MANAGE,
            "ended",
            _lead,
            style="outline-danger",
            done=_l("Intervento concluso"),
        ),
        Transition(
            "monitor",
            _l("Registra il monitoraggio"),
            RUNNING,
            None,
            Cap.MONITORING_WRITE,
            "monitored",
            _lead,
            style="outline-primary",
            done=_l("Monitoraggio dell'intervento registrato"),
        ),
        Transition(
            "extend",
            _l("Registra la proroga del tribunale"),
            RUNNING,
            None,
            Cap.INTERVENTION_MANAGE,
            "placement_extended",
            _foster_placement,
            style="outline-primary",
            done=_l("Proroga dell'affidamento disposta dal Tribunale per i minorenni"),
        ),
        Transition(
            "acknowledge_municipality",
            _l("Prendi atto"),
            (S.PLANNED, *RUNNING),
            None,
            Cap.MUNICIPALITY_ACKNOWLEDGE,
            "municipality_acknowledged",
            _paying_municipality_officer,
            done=_l("Presa d'atto del Comune che sostiene la spesa"),
        ),
    ],
)
