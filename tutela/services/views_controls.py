"""Controls on the regular delivery of a service (seed 000 step 7): per intervention, with the provider's reply
and the close of the follow-up, and per territory for the managing body. Thin views over services/controls.py."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tutela.accounts.access import has_capability
from tutela.accounts.roles import Cap
from tutela.audit.services import audit_record
from tutela.core.actions import form_submitted
from tutela.core.forms import StyledForm
from tutela.services import controls as control_services
from tutela.services import educational as edu
from tutela.services import forms_educational as f
from tutela.services.delivery import get_intervention_for_user
from tutela.services.models import DeliveryControl, Intervention, InterventionState
from tutela.services.views_educational import intervention_viewed

# --- controls on one intervention ----------------------------------------------------------------------------


def _controls_intervention(request: HttpRequest, pk: int) -> Intervention:
    intervention = get_intervention_for_user(request.user, pk)
    if not control_services.may_see_controls(request.user, intervention):
        raise Http404
    return intervention


def intervention_controls(request: HttpRequest, pk: int) -> HttpResponse:
    """The controls on one intervention, with the provider's replies and the follow-up state."""
    intervention = _controls_intervention(request, pk)
    intervention_viewed(request, intervention, "controls")
    user = request.user
    controls = list(DeliveryControl.objects.filter(intervention=intervention).select_related("controller"))
    may_control = control_services.may_control(user, intervention)
    coordinator = edu.is_provider_coordinator(user, intervention)
    for control in controls:
        open_follow_up = bool(control.follow_up) and control.follow_up_done_at is None
        control.can_close = may_control and open_follow_up  # type: ignore[attr-defined]
        control.can_reply = coordinator and control.follow_up_done_at is None  # type: ignore[attr-defined]
    return render(
        request,
        "services/controls_intervention.html",
        {
            "intervention": intervention,
            "case": intervention.case,
            "controls": controls,
            "can_add": may_control and intervention.state != InterventionState.PLANNED,
        },
    )


@require_http_methods(["GET", "POST"])
def control_add(request: HttpRequest, pk: int) -> HttpResponse:
    intervention = _controls_intervention(request, pk)
    if (
        not control_services.may_control(request.user, intervention)
        or intervention.state == InterventionState.PLANNED
    ):
        messages.error(request, _("Non puoi registrare un controllo su questo intervento in questo momento."))
        return redirect("delivery:controls", pk=intervention.pk)
    intervention_viewed(request, intervention, "controls.add")
    form = f.ControlForm(request.POST if request.method == "POST" else None)
    done = form_submitted(
        request,
        form,
        lambda: control_services.control_record(
            intervention=intervention, actor=request.user, data=form.control_data()
        ),
        success=_("Controllo registrato."),
    )
    if done is not None:
        return redirect("delivery:controls", pk=intervention.pk)
    return render(
        request,
        "services/controls_action.html",
        {
            "intervention": intervention,
            "case": intervention.case,
            "form": form,
            "title": _("Registra un controllo"),
        },
    )


CONTROL_ACTIONS = ("rispondi", "chiudi")


@require_http_methods(["GET", "POST"])
def control_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """The provider's reply (rispondi) and the close of the follow-up (chiudi) of one control."""
    if action not in CONTROL_ACTIONS:
        raise Http404
    control = DeliveryControl.objects.select_related("controller").filter(pk=pk).first()
    if control is None:
        raise Http404
    intervention = _controls_intervention(request, control.intervention_id)
    control.intervention = intervention
    user = request.user
    data = request.POST if request.method == "POST" else None
    form: StyledForm
    if action == "rispondi":
        allowed = edu.is_provider_coordinator(user, intervention) and control.follow_up_done_at is None
        form = f.ReplyForm(data, control=control)
        title, success = _("Rispondi al controllo"), _("Risposta registrata.")

        def run() -> Any:
            return control_services.control_reply(
                control=control, actor=user, reply=form.cleaned_data["reply"]
            )
    else:
        allowed = (
            control_services.may_control(user, intervention)
            and bool(control.follow_up)
            and control.follow_up_done_at is None
        )
        form = f.CloseFollowUpForm(data)
        title, success = _("Chiudi le azioni conseguenti"), _("Azioni conseguenti chiuse.")

        def run() -> Any:
            return control_services.control_follow_up_close(control=control, actor=user)

    if not allowed:
        messages.error(
            request, _("Questa azione non è disponibile per te su questo controllo in questo momento.")
        )
        return redirect("delivery:controls", pk=intervention.pk)
    intervention_viewed(request, intervention, f"control.{action}")
    if form_submitted(request, form, run, success=success) is not None:
        return redirect("delivery:controls", pk=intervention.pk)
    return render(
        request,
        "services/controls_action.html",
        {
            "intervention": intervention,
            "case": intervention.case,
            "form": form,
            "title": title,
            "control": control,
        },
    )


def control_list(request: HttpRequest) -> HttpResponse:
    """The managing body's controls in its territory, and the interventions under way to control."""
    if not has_capability(request.user, Cap.CONTROL_WRITE):
        raise Http404
    only_open = request.GET.get("aperti") == "1"
    controls = control_services.controls_of_territories(request.user).order_by("-day", "-created_at")
    if only_open:
        controls = controls.filter(follow_up_due__isnull=False, follow_up_done_at__isnull=True)
    controls_page = list(controls[:100])
    interventions = list(control_services.interventions_to_control(request.user)[:100])
    shown = sorted({c.intervention.case_id for c in controls_page} | {i.case_id for i in interventions})
    audit_record(actor=request.user, action="services.delivery_control.listed", data={"cases": shown})
    return render(
        request,
        "services/controls_list.html",
        {"controls": controls_page, "interventions": interventions, "only_open": only_open},
    )
