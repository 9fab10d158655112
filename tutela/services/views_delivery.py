"""The intervention page and its acts (seed 000 steps 5 and 8): thin views over services/delivery.py."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tutela.accounts.access import can_view_confidential
from tutela.audit.services import audit_record
from tutela.core.actions import form_submitted
from tutela.core.forms import StyledForm
from tutela.deadlines.models import Deadline
from tutela.deadlines.services import deadlines_of_source
from tutela.services import delivery
from tutela.services import forms_delivery as f
from tutela.services.controls import may_see_controls
from tutela.services.delivery import get_intervention_for_user
from tutela.services.delivery_workflow import INTERVENTION_WORKFLOW, needs_municipality_acknowledgement
from tutela.services.models import Intervention, Placement, ServiceType


@dataclass(frozen=True)
class InterventionAction:
    title: str
    transition: str
    form: Callable[[Intervention, Any], StyledForm]
    run: Callable[[Intervention, Any, Any], Any]
    success: str


ACTIONS: dict[str, InterventionAction] = {
    "avvia": InterventionAction(
        _("Avvia l'intervento"),
        "activate",
        lambda i, d: f.ActivationForm(d),
        lambda i, u, form: delivery.intervention_activate(
            intervention=i, actor=u, day=form.cleaned_data["day"], note=form.cleaned_data.get("note", "")
        ),
        _("Intervento avviato."),
    ),
    "sospendi": InterventionAction(
        _("Sospendi l'intervento"),
        "suspend",
        lambda i, d: f.SuspensionForm(d),
        lambda i, u, form: delivery.intervention_suspend(
            intervention=i, actor=u, day=form.cleaned_data["day"], reason=form.cleaned_data["reason"]
        ),
        _("Intervento sospeso."),
    ),
    "riprendi": InterventionAction(
        _("Riprendi l'intervento"),
        "resume",
        lambda i, d: f.ResumeForm(d),
        lambda i, u, form: delivery.intervention_resume(
            intervention=i, actor=u, day=form.cleaned_data["day"], note=form.cleaned_data.get("note", "")
        ),
        _("Intervento ripreso."),
    ),
    "concludi": InterventionAction(
        _("Concludi l'intervento"),
        "end",
        lambda i, d: f.EndForm(d, intervention=i),
        lambda i, u, form: delivery.intervention_end(
            intervention=i,
            actor=u,
            day=form.cleaned_data["day"],
            reason=form.cleaned_data["reason"],
            outcome=form.cleaned_data.get("outcome"),
        ),
        _("Intervento concluso."),
    ),
    "proroga": InterventionAction(
        _("Registra la proroga disposta dal Tribunale per i minorenni"),
        "extend",
        lambda i, d: f.ExtensionForm(d),
        lambda i, u, form: delivery.placement_extend(intervention=i, actor=u, data=form.extension_data()),
        _("Proroga registrata: la scadenza dell'affidamento è stata spostata."),
    ),
    "monitoraggio": InterventionAction(
        _("Registra il monitoraggio"),
        "monitor",
        lambda i, d: f.MonitoringForm(d),
        lambda i, u, form: delivery.monitoring_record(intervention=i, actor=u, data=form.monitoring_data()),
        _("Monitoraggio registrato."),
    ),
    "presa-d-atto": InterventionAction(
        _("Presa d'atto del Comune"),
        "acknowledge_municipality",
        lambda i, d: f.ConfirmForm(d),
        lambda i, u, form: delivery.intervention_acknowledge_municipality(intervention=i, actor=u),
        _("Presa d'atto registrata: l'assistente sociale può avviare l'intervento."),
    ),
}

SLUG_OF = {a.transition: slug for slug, a in ACTIONS.items()}


def _buttons(intervention: Intervention, user: Any) -> list[dict[str, Any]]:
    return [
        {"label": t.label, "slug": SLUG_OF[t.name], "style": t.style}
        for t in INTERVENTION_WORKFLOW.available(intervention, user)
    ]


def _placement(intervention: Intervention) -> Placement | None:
    return (
        Placement.objects.select_related("foster_carer", "facility__provider", "outcome")
        .filter(intervention=intervention)
        .first()
    )


def intervention_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The intervention page: its data, placement, suspensions, monitoring and the acts the user may do."""
    intervention = get_intervention_for_user(request.user, pk)
    case = intervention.case
    audit_record(
        actor=request.user,
        action="cases.case.viewed",
        obj=case,
        case_id=case.pk,
        data={"page": "intervention", "intervention": intervention.pk},
    )
    placement = _placement(intervention)
    intervention.placement = placement  # type: ignore[assignment]  # the guards read it: already loaded
    expiry = (
        deadlines_of_source(placement).pending().filter(kind=Deadline.Kind.PLACEMENT_EXPIRY).first()
        if placement is not None
        else None
    )
    buttons = _buttons(intervention, request.user)
    blockers = (
        delivery.activation_blockers(intervention, timezone.localdate())
        if any(b["slug"] == "avvia" for b in buttons)
        else []
    )
    context = {
        "intervention": intervention,
        "case": case,
        "review": getattr(intervention.proposal, "review", None),
        "proposal": intervention.proposal,
        "placement": placement,
        "placement_expiry": delivery.placement_expiry(placement)
        if placement and placement.kind == Placement.Kind.FOSTER
        else None,
        "expiry_deadline": expiry,
        "suspensions": intervention.suspensions.select_related("created_by"),
        "monitoring": intervention.monitoring.select_related("author"),
        "confidential_visible": can_view_confidential(request.user, case),
        "needs_acknowledgement": needs_municipality_acknowledgement(intervention),
        "buttons": buttons,
        "blockers": blockers,
        "is_educational": intervention.service_type.delivery == ServiceType.Delivery.EDUCATIONAL,
        "controls_visible": may_see_controls(request.user, intervention),
        "now": timezone.now(),
    }
    return render(request, "services/intervention_detail.html", context)


@require_http_methods(["GET", "POST"])
def intervention_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    spec = ACTIONS.get(action)
    if spec is None:
        raise Http404
    intervention = get_intervention_for_user(request.user, pk)
    transition = INTERVENTION_WORKFLOW.get(spec.transition)
    if INTERVENTION_WORKFLOW.refusal(intervention, transition, request.user) is not None:
        messages.error(
            request, _("Questa azione non è disponibile per te su questo intervento in questo momento.")
        )
        return redirect("delivery:detail", pk=intervention.pk)
    audit_record(
        actor=request.user,
        action="cases.case.viewed",
        obj=intervention.case,
        case_id=intervention.case_id,
        data={"page": f"intervention.{action}", "intervention": intervention.pk},
    )
    if spec.transition == "end":
        intervention.placement = _placement(intervention)  # type: ignore[assignment]
    form = spec.form(intervention, request.POST if request.method == "POST" else None)
    done = form_submitted(
        request, form, lambda: spec.run(intervention, request.user, form), success=spec.success
    )
    if done is not None:
        return redirect("delivery:detail", pk=intervention.pk)
    blockers = (
        delivery.activation_blockers(intervention, timezone.localdate())
        if spec.transition == "activate"
        else []
    )
    return render(
        request,
        "services/intervention_action.html",
        {
            "intervention": intervention,
            "case": intervention.case,
            "form": form,
            "title": spec.title,
            "blockers": blockers,
        },
    )
