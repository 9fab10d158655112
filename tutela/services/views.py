from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tutela.accounts.access import get_case_for_user
from tutela.audit.services import audit_record
from tutela.core.actions import form_submitted
from tutela.core.forms import StyledForm
from tutela.services import services as proposal_services
from tutela.services.forms import AuthorisationForm, ConfirmForm, ProposalForm, ReasonForm
from tutela.services.models import ProposalState, ServiceProposal
from tutela.services.workflow import PROPOSAL_WORKFLOW


@dataclass(frozen=True)
class ProposalAction:
    title: str
    transition: str | None
    form: Callable[[ServiceProposal, Any], StyledForm]
    run: Callable[[ServiceProposal, Any, Any], Any]
    success: str


ACTIONS: dict[str, ProposalAction] = {
    "invia": ProposalAction(
        _("Invia la proposta al coordinatore"),
        "submit",
        lambda p, d: ConfirmForm(d),
        lambda p, u, f: proposal_services.proposal_submit(proposal=p, actor=u),
        _("Proposta inviata al coordinatore."),
    ),
    "approva": ProposalAction(
        _("Approva la proposta"),
        "approve",
        lambda p, d: ConfirmForm(d),
        lambda p, u, f: proposal_services.proposal_approve(
            proposal=p, actor=u, note=f.cleaned_data.get("note", "")
        ),
        _("Proposta approvata, protocollata e notificata all'ente segnalante e all'Area amministrativa."),
    ),
    "restituisci": ProposalAction(
        _("Restituisci la proposta con osservazioni"),
        "return",
        lambda p, d: ReasonForm(d),
        lambda p, u, f: proposal_services.proposal_return(
            proposal=p, actor=u, reason=f.cleaned_data["reason"]
        ),
        _("Proposta restituita all'assistente sociale."),
    ),
    "respingi": ProposalAction(
        _("Respingi la proposta"),
        "reject",
        lambda p, d: ReasonForm(d),
        lambda p, u, f: proposal_services.proposal_reject(
            proposal=p, actor=u, reason=f.cleaned_data["reason"]
        ),
        _("Proposta respinta."),
    ),
    "avvia-istruttoria": ProposalAction(
        _("Avvia l'istruttoria amministrativa"),
        "start_review",
        lambda p, d: ConfirmForm(d),
        lambda p, u, f: proposal_services.review_start(proposal=p, actor=u),
        _("Istruttoria avviata."),
    ),
    "autorizza": ProposalAction(
        _("Autorizza l'intervento"),
        "authorise",
        lambda p, d: AuthorisationForm(d, proposal=p),
        lambda p, u, f: proposal_services.review_authorise(
            proposal=p, actor=u, data=f.authorisation_data(), note=f.cleaned_data.get("note", "")
        ),
        _("Intervento autorizzato: l'esito è stato comunicato all'assistente sociale."),
    ),
    "nega": ProposalAction(
        _("Non autorizzare l'intervento"),
        "deny",
        lambda p, d: ReasonForm(d),
        lambda p, u, f: proposal_services.review_deny(proposal=p, actor=u, reason=f.cleaned_data["reason"]),
        _("Diniego registrato: l'esito è stato comunicato all'assistente sociale."),
    ),
    "prendi-atto": ProposalAction(
        _("Prendi atto dell'esito"),
        "acknowledge",
        lambda p, d: ConfirmForm(d),
        lambda p, u, f: proposal_services.proposal_acknowledge_outcome(proposal=p, actor=u),
        _("Esito acquisito."),
    ),
    "modifica": ProposalAction(
        _("Modifica la proposta"),
        None,
        lambda p, d: ProposalForm(d, proposal=p) if d else ProposalForm(proposal=p),
        lambda p, u, f: proposal_services.proposal_update_draft(proposal=p, actor=u, data=f.proposal_data()),
        _("Proposta aggiornata."),
    ),
}

SLUG_OF = {a.transition: slug for slug, a in ACTIONS.items() if a.transition}


def get_proposal_for_user(user: Any, pk: int) -> ServiceProposal:
    """The proposal, if its case is in the user's scope; 404 otherwise."""
    proposal = ServiceProposal.objects.select_related("service_type").filter(pk=pk).first()
    if proposal is None:
        raise Http404
    proposal.case = get_case_for_user(user, proposal.case_id)
    return proposal


def _allowed(spec: ProposalAction, proposal: ServiceProposal, user: Any) -> bool:
    if spec.transition is None:
        return proposal.state == ProposalState.DRAFT and proposal.case.lead_social_worker_id == user.pk
    return PROPOSAL_WORKFLOW.refusal(proposal, PROPOSAL_WORKFLOW.get(spec.transition), user) is None


@require_http_methods(["GET", "POST"])
def proposal_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    spec = ACTIONS.get(action)
    if spec is None:
        raise Http404
    proposal = get_proposal_for_user(request.user, pk)
    if not _allowed(spec, proposal, request.user):
        messages.error(
            request, _("Questa azione non è disponibile per te su questa proposta in questo momento.")
        )
        return redirect("cases:detail", pk=proposal.case_id)
    audit_record(
        actor=request.user,
        action="cases.case.viewed",
        obj=proposal.case,
        case_id=proposal.case_id,
        data={"page": f"proposal.{action}", "proposal": proposal.pk},
    )
    form = spec.form(proposal, request.POST if request.method == "POST" else None)
    if (
        form_submitted(request, form, lambda: spec.run(proposal, request.user, form), success=spec.success)
        is not None
    ):
        return redirect("cases:detail", pk=proposal.case_id)
    return render(
        request,
        "services/proposal_action.html",
        {
            "proposal": proposal,
            "case": proposal.case,
            "form": form,
            "title": spec.title,
        },
    )
