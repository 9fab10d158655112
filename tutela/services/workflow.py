"""The proposal state machine (DESIGN.md section 2, seed 000 steps 3-6)."""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from tutela.accounts.roles import Cap
from tutela.services.models import ProposalState as S
from tutela.services.models import ServiceProposal
from tutela.workflow import Transition, Workflow


def _open_case(proposal: ServiceProposal, user: Any) -> str | None:
    if not proposal.case.is_open:
        return _("La pratica è chiusa: la proposta non può proseguire.")
    return None


def _lead(proposal: ServiceProposal, user: Any) -> str | None:
    if not proposal.case.is_open:
        return _("La pratica è chiusa: la proposta non può proseguire.")
    if proposal.case.lead_social_worker_id != user.pk:
        return _("Solo l'assistente sociale referente del caso può compiere questa azione.")
    return None


def _not_acknowledged(proposal: ServiceProposal, user: Any) -> str | None:
    if proposal.outcome_acknowledged_at is not None:
        return _("L'esito è già stato acquisito.")
    return _lead(proposal, user)


PROPOSAL_WORKFLOW = Workflow(
    model=ServiceProposal,
    audit_entity="services.proposal",
    case_of=lambda proposal: proposal.case,
    transitions=[
        Transition(
            "submit",
            _l("Invia al coordinatore"),
            (S.DRAFT,),
            S.SUBMITTED,
            Cap.PROPOSAL_WRITE,
            "submitted",
            _lead,
            done=_l("Proposta inviata al coordinatore"),
        ),
        Transition(
            "approve",
            _l("Approva la proposta"),
            (S.SUBMITTED,),
            S.APPROVED,
            Cap.PROPOSAL_EVALUATE,
            "approved",
            _open_case,
            done=_l("Proposta approvata e protocollata"),
        ),
        Transition(
            "return",
            _l("Restituisci con osservazioni"),
            (S.SUBMITTED,),
            S.DRAFT,
            Cap.PROPOSAL_EVALUATE,
            "returned",
            _open_case,
            style="outline-primary",
            done=_l("Proposta restituita con osservazioni"),
        ),
        Transition(
            "reject",
            _l("Respingi la proposta"),
            (S.SUBMITTED,),
            S.REJECTED,
            Cap.PROPOSAL_EVALUATE,
            "rejected",
            _open_case,
            style="outline-danger",
            done=_l("Proposta respinta"),
        ),
        Transition(
            "start_review",
            _l("Avvia l'istruttoria"),
            (S.APPROVED,),
            S.UNDER_REVIEW,
            Cap.PROPOSAL_REVIEW,
            "review_started",
            _open_case,
            done=_l("Istruttoria amministrativa avviata"),
        ),
        Transition(
            "authorise",
            _l("Autorizza"),
            (S.UNDER_REVIEW,),
            S.AUTHORISED,
            Cap.PROPOSAL_REVIEW,
            "authorised",
            _open_case,
            done=_l("Intervento autorizzato"),
        ),
        Transition(
            "deny",
            _l("Non autorizzare"),
            (S.UNDER_REVIEW,),
            S.DENIED,
            Cap.PROPOSAL_REVIEW,
            "denied",
            style="outline-danger",
            done=_l("Intervento non autorizzato"),
        ),
        Transition(
            "acknowledge",
            _l("Prendi atto dell'esito"),
            (S.AUTHORISED, S.DENIED),
            None,
            Cap.PROPOSAL_WRITE,
            "outcome_acknowledged",
            _not_acknowledged,
            done=_l("Esito acquisito dall'assistente sociale"),
        ),
    ],
)
