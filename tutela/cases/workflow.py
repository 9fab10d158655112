"""The case state machine (DESIGN.md section 2, seed 000 steps 2-3)."""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from tutela.accounts.roles import Cap
from tutela.cases.models import Case, CaseState, Channel
from tutela.workflow import Transition, Workflow


def _indirect(case: Case, user: Any) -> str | None:
    if case.channel != Channel.INDIRECT:
        return _("Le istanze dirette sono assegnate dal Segretariato sociale.")
    return None


def _direct_recorded_by_desk(case: Case, user: Any) -> str | None:
    from tutela.accounts.access import organisations_with
    from tutela.intake.models import Referral

    if case.channel != Channel.DIRECT:
        return _("Le segnalazioni di enti terzi sono assegnate dal Coordinatore professionale.")
    desks = organisations_with(user, Cap.CASE_ASSIGN_DIRECT)
    if not Referral.objects.filter(case=case, registered_by_organisation_id__in=desks).exists():
        return _("L'istanza è stata registrata da un altro Segretariato sociale.")
    return None


def _lead_social_worker(case: Case, user: Any) -> str | None:
    if case.lead_social_worker_id != user.pk:
        return _("Solo l'assistente sociale referente del caso può compiere questa azione.")
    return None


def _lead_without_pending_proposals(case: Case, user: Any) -> str | None:
    from tutela.services.models import ProposalState, ServiceProposal

    refusal = _lead_social_worker(case, user)
    if refusal is not None:
        return refusal
    pending = (ProposalState.SUBMITTED, ProposalState.APPROVED, ProposalState.UNDER_REVIEW)
    if ServiceProposal.objects.filter(case=case, state__in=pending).exists():
        return _(
            "Ci sono proposte ancora in valutazione o in istruttoria: attenderne l'esito prima di chiudere."
        )
    return None


CASE_WORKFLOW = Workflow(
    model=Case,
    audit_entity="cases.case",
    case_of=lambda case: case,
    transitions=[
        Transition(
            "assign_indirect",
            _l("Assegna all'assistente sociale"),
            (CaseState.REFERRED,),
            CaseState.ASSESSMENT,
            Cap.CASE_ASSIGN_INDIRECT,
            "assigned",
            _indirect,
            done=_l("Pratica assegnata"),
        ),
        Transition(
            "assign_direct",
            _l("Assegna all'assistente sociale"),
            (CaseState.REFERRED,),
            CaseState.ASSESSMENT,
            Cap.CASE_ASSIGN_DIRECT,
            "assigned",
            _direct_recorded_by_desk,
            done=_l("Pratica assegnata"),
        ),
        Transition(
            "close_no_grounds",
            _l("Chiudi: nessun presupposto"),
            (CaseState.ASSESSMENT,),
            CaseState.CLOSED,
            Cap.CASE_ASSESS,
            "closed_no_grounds",
            _lead_social_worker,
            style="outline-danger",
            done=_l("Pratica chiusa: non sussistono i presupposti"),
        ),
        Transition(
            "take_in_charge",
            _l("Redigi la relazione sociale e prendi in carico"),
            (CaseState.ASSESSMENT,),
            CaseState.IN_CARE,
            Cap.CASE_ASSESS,
            "taken_in_charge",
            _lead_social_worker,
            done=_l("Minore preso in carico"),
        ),
        Transition(
            "request_closure",
            _l("Proponi la chiusura"),
            (CaseState.IN_CARE,),
            CaseState.CLOSING,
            Cap.CASE_ASSESS,
            "closure_requested",
            _lead_without_pending_proposals,
            style="outline-danger",
            done=_l("Chiusura proposta al coordinatore"),
        ),
        Transition(
            "confirm_closure",
            _l("Conferma la chiusura"),
            (CaseState.CLOSING,),
            CaseState.CLOSED,
            Cap.CASE_CONFIRM_CLOSURE,
            "closed",
            done=_l("Chiusura confermata"),
        ),
        Transition(
            "reject_closure",
            _l("Respingi la chiusura"),
            (CaseState.CLOSING,),
            CaseState.IN_CARE,
            Cap.CASE_CONFIRM_CLOSURE,
            "closure_rejected",
            style="outline-primary",
            done=_l("Chiusura respinta"),
        ),
        Transition(
            "reopen",
            _l("Riapri la pratica"),
            (CaseState.CLOSED,),
            CaseState.ASSESSMENT,
            Cap.CASE_REOPEN,
            "reopened",
            style="outline-primary",
            done=_l("Pratica riaperta"),
        ),
    ],
)
