"""Home educational support pages (seed 003): educators, timesheets, PEI, progress reports; the managing
body's controls (seed 000 step 7); the provider coordinator's home. Thin views over the services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tutela.accounts.access import (
    has_capability_on_case,
    organisations_with,
)
from tutela.accounts.roles import Cap
from tutela.audit.services import audit_record
from tutela.core.actions import form_submitted
from tutela.core.forms import StyledForm
from tutela.services import controls as control_services
from tutela.services import educational as edu
from tutela.services import educational_project as pei
from tutela.services import forms_educational as f
from tutela.services import progress, timesheets
from tutela.services.delivery import get_intervention_for_user
from tutela.services.delivery_workflow import needs_municipality_acknowledgement
from tutela.services.models import (
    DeliveryControl,
    DeliveryRecord,
    EducationalProject,
    EducatorAssignment,
    Intervention,
    InterventionState,
    ProgressReport,
    ProjectGoal,
)
from tutela.workflow import TransitionError


def intervention_viewed(request: HttpRequest, intervention: Intervention, page: str) -> None:
    audit_record(
        actor=request.user,
        action="cases.case.viewed",
        obj=intervention.case,
        case_id=intervention.case_id,
        data={"page": page, "intervention": intervention.pk},
    )


def _educational(request: HttpRequest, pk: int) -> Intervention:
    """The home-support intervention, if its case is in the user's scope; 404 otherwise."""
    intervention = get_intervention_for_user(request.user, pk)
    if not edu.is_educational(intervention):
        raise Http404
    return intervention


def _project(intervention: Intervention) -> EducationalProject | None:
    return EducationalProject.objects.filter(intervention=intervention).first()


# --- the educational page ------------------------------------------------------------------------------------


def _month_param(request: HttpRequest) -> dt.date:
    text = request.GET.get("mese", "")
    try:
        return dt.datetime.strptime(text, "%Y-%m").date()
    except ValueError:
        return timezone.localdate().replace(day=1)


def _next_month(month: dt.date) -> dt.date:
    return (month + dt.timedelta(days=32)).replace(day=1)


def _records(request: HttpRequest, intervention: Intervention, month: dt.date) -> list[DeliveryRecord]:
    records = list(
        DeliveryRecord.objects.filter(intervention=intervention, day__gte=month, day__lt=_next_month(month))
        .select_related("operator")
        .order_by("-day", "-recorded_at")
    )
    now = timezone.now()
    for record in records:
        record.deletable = timesheets.delivery_record_deletable(record, request.user, now)  # type: ignore[attr-defined]
    return records


def _permissions(user: Any, intervention: Intervention) -> dict[str, bool]:
    case = intervention.case
    project = _project(intervention)
    coordinator = edu.is_provider_coordinator(user, intervention) and has_capability_on_case(
        user, Cap.EDUCATORS_ASSIGN, case
    )
    assigned = edu.active_assignment(user, intervention) is not None
    running = intervention.state != InterventionState.ENDED
    return {
        "may_read_project": edu.may_read_project(user, intervention),
        "may_read_reports": progress.may_read_reports(user, intervention),
        "is_lead": edu.is_lead(user, case),
        "can_assign": coordinator and running,
        "can_end_assignment": coordinator
        and EducatorAssignment.objects.filter(intervention=intervention, ends_on__isnull=True).exists(),
        "can_record": intervention.state == InterventionState.ACTIVE
        and (coordinator or assigned)
        and has_capability_on_case(user, Cap.DELIVERY_RECORD, case),
        "can_write_project": edu.is_lead(user, case) and running,
        "can_add_goal": edu.is_lead(user, case) and running and project is not None,
        "can_review_goals": edu.is_lead(user, case)
        and running
        and ProjectGoal.objects.filter(project=project).exists(),
        "can_report": intervention.state != InterventionState.PLANNED
        and (coordinator or assigned)
        and has_capability_on_case(user, Cap.PROGRESS_REPORT_WRITE, case),
        "can_delete_records": DeliveryRecord.objects.filter(
            intervention=intervention,
            operator_id=user.pk,
            recorded_at__gte=timezone.now() - timesheets.DELETE_WINDOW,
        ).exists(),
        "may_see_controls": control_services.may_see_controls(user, intervention),
    }


def educational_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Educators, hours (planned against delivered), PEI and progress reports of a home-support intervention."""
    intervention = _educational(request, pk)
    intervention_viewed(request, intervention, "educational")
    month = _month_param(request)
    project = _project(intervention)
    months = timesheets.delivery_months(intervention)
    perms = _permissions(request.user, intervention)
    context = {
        "intervention": intervention,
        "case": intervention.case,
        "review": getattr(intervention.proposal, "review", None),
        "assignments": EducatorAssignment.objects.filter(intervention=intervention).select_related(
            "educator"
        ),
        "assigned_hours": edu.assigned_hours(intervention),
        "month": month,
        "records": _records(request, intervention, month),
        "months": months,
        "planned_total": sum((m.planned for m in months), Decimal(0)),
        "delivered_total": sum((m.delivered for m in months), Decimal(0)),
        "project": project,
        "goals": ProjectGoal.objects.filter(project=project) if project else [],
        "reports": ProgressReport.objects.filter(intervention=intervention).select_related(
            "author", "court_protocol", "transmitted_by"
        ),
        **perms,
    }
    return render(request, "services/educational_page.html", context)


# --- actions on the educational page -------------------------------------------------------------------------

FormFactory = Callable[[HttpRequest, Intervention, Any], StyledForm]


@dataclass(frozen=True)
class EducationalAction:
    title: str
    permission: str  # a key of _permissions
    form: FormFactory
    run: Callable[[Intervention, Any, Any], Any]
    success: str


def _selected(request: HttpRequest, name: str) -> str | None:
    return request.GET.get(name) or None


def _goal_review(intervention: Intervention, user: Any, form: Any) -> Any:
    goal = form.cleaned_data["goal"]
    return pei.goal_review(goal=goal, actor=user, transition=form.cleaned_data["outcome"])


def _goal_add(intervention: Intervention, user: Any, form: Any) -> Any:
    project = _project(intervention)
    if project is None:
        raise TransitionError(_("Scrivere prima il PEI: gli obiettivi ne fanno parte."))
    return pei.goal_add(project=project, actor=user, data=form.goal_data())


ACTIONS: dict[str, EducationalAction] = {
    "assegna-educatore": EducationalAction(
        _("Assegna un educatore"),
        "can_assign",
        lambda r, i, d: f.AssignmentForm(d, intervention=i),
        lambda i, u, form: edu.educator_assign(intervention=i, actor=u, data=form.assignment_data()),
        _("Educatore assegnato: ora fa parte dell'équipe del caso."),
    ),
    "termina-assegnazione": EducationalAction(
        _("Termina un'assegnazione"),
        "can_end_assignment",
        lambda r, i, d: f.AssignmentEndForm(d, intervention=i, selected=_selected(r, "assegnazione")),
        lambda i, u, form: edu.educator_assignment_end(
            assignment=form.cleaned_data["assignment"], actor=u, ends_on=form.cleaned_data["ends_on"]
        ),
        _("Assegnazione terminata."),
    ),
    "registra-ore": EducationalAction(
        _("Registra le ore erogate"),
        "can_record",
        lambda r, i, d: f.DeliveryForm(d),
        lambda i, u, form: timesheets.delivery_record_add(intervention=i, actor=u, data=form.delivery_data()),
        _("Ore registrate."),
    ),
    "elimina-ore": EducationalAction(
        _("Elimina una registrazione di ore"),
        "can_delete_records",
        lambda r, i, d: f.DeliveryDeleteForm(
            d, intervention=i, user=r.user, selected=_selected(r, "registrazione")
        ),
        lambda i, u, form: timesheets.delivery_record_delete(record=form.cleaned_data["record"], actor=u),
        _("Registrazione eliminata: l'eliminazione resta nel registro degli accessi."),
    ),
    "pei": EducationalAction(
        _("Progetto educativo individualizzato (PEI)"),
        "can_write_project",
        lambda r, i, d: f.ProjectForm(d, project=_project(i)),
        lambda i, u, form: pei.project_save(intervention=i, actor=u, data=form.project_data()),
        _("PEI salvato."),
    ),
    "nuovo-obiettivo": EducationalAction(
        _("Aggiungi un obiettivo al PEI"),
        "can_add_goal",
        lambda r, i, d: f.GoalForm(d),
        _goal_add,
        _("Obiettivo aggiunto al PEI."),
    ),
    "verifica-obiettivo": EducationalAction(
        _("Verifica di un obiettivo del PEI"),
        "can_review_goals",
        lambda r, i, d: f.GoalReviewForm(d, project=_project(i), selected=_selected(r, "obiettivo")),
        _goal_review,
        _("Esito della verifica registrato."),
    ),
    "nuova-relazione": EducationalAction(
        _("Invia una relazione di aggiornamento"),
        "can_report",
        lambda r, i, d: f.ProgressReportForm(d),
        lambda i, u, form: progress.progress_report_submit(intervention=i, actor=u, data=form.report_data()),
        _("Relazione inviata al servizio sociale e al Comune."),
    ),
}


@require_http_methods(["GET", "POST"])
def educational_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    spec = ACTIONS.get(action)
    if spec is None:
        raise Http404
    intervention = _educational(request, pk)
    if not _permissions(request.user, intervention)[spec.permission]:
        messages.error(
            request, _("Questa azione non è disponibile per te su questo intervento in questo momento.")
        )
        return redirect("delivery:educational", pk=intervention.pk)
    intervention_viewed(request, intervention, f"educational.{action}")
    form = spec.form(request, intervention, request.POST if request.method == "POST" else None)
    done = form_submitted(
        request, form, lambda: spec.run(intervention, request.user, form), success=spec.success
    )
    if done is not None:
        return redirect("delivery:educational", pk=intervention.pk)
    return render(
        request,
        "services/educational_action.html",
        {"intervention": intervention, "case": intervention.case, "form": form, "title": spec.title},
    )


# --- progress reports ----------------------------------------------------------------------------------------


def _report_for(request: HttpRequest, pk: int) -> ProgressReport:
    """The report, if the user may read it (404 otherwise, as for a missing one)."""
    report = (
        ProgressReport.objects.select_related("author", "court_protocol", "transmitted_by")
        .filter(pk=pk)
        .first()
    )
    if report is None:
        raise Http404
    report.intervention = get_intervention_for_user(request.user, report.intervention_id)
    if not progress.may_read_reports(request.user, report.intervention):
        raise Http404
    return report


def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A progress report; the lead social worker opening it marks it read by the service."""
    report = _report_for(request, pk)
    intervention = report.intervention
    audit_record(
        actor=request.user,
        action="services.progress_report.viewed",
        obj=report,
        case_id=intervention.case_id,
    )
    report = progress.progress_report_mark_read(report=report, actor=request.user)
    can_transmit = (
        report.for_court and report.court_protocol_id is None and edu.is_lead(request.user, intervention.case)
    )
    return render(
        request,
        "services/educational_report.html",
        {
            "report": report,
            "intervention": intervention,
            "case": intervention.case,
            "can_transmit": can_transmit,
            "may_see_controls": control_services.may_see_controls(request.user, intervention),
        },
    )


@require_http_methods(["GET", "POST"])
def report_transmit(request: HttpRequest, pk: int) -> HttpResponse:
    """The lead social worker transmits a report meant for the court (protocol, PDF, sending)."""
    report = _report_for(request, pk)
    intervention = report.intervention
    if not (
        report.for_court and report.court_protocol_id is None and edu.is_lead(request.user, intervention.case)
    ):
        messages.error(request, _("Questa relazione non è da trasmettere, o non spetta a te trasmetterla."))
        return redirect("delivery:report", pk=report.pk)
    intervention_viewed(request, intervention, "progress_report.transmit")
    form = f.TransmitForm(request.POST if request.method == "POST" else None)
    done = form_submitted(
        request,
        form,
        lambda: progress.progress_report_transmit(
            report=report, actor=request.user, court=form.cleaned_data["court"]
        ),
        success=_("Relazione protocollata e trasmessa all'autorità giudiziaria."),
    )
    if done is not None:
        return redirect("delivery:report", pk=report.pk)
    return render(
        request,
        "services/educational_action.html",
        {
            "intervention": intervention,
            "case": intervention.case,
            "form": form,
            "title": _("Trasmetti la relazione all'autorità giudiziaria"),
            "back": "report",
            "report": report,
        },
    )


# --- the provider coordinator's home -------------------------------------------------------------------------


def provider_home(request: HttpRequest) -> HttpResponse:
    """The provider's interventions (with the paying Comune's acknowledgement), its educators' caseloads and
    the controls waiting for its reply."""
    organisations = organisations_with(request.user, Cap.EDUCATORS_ASSIGN)
    if not organisations:
        raise Http404
    running = [InterventionState.PLANNED, InterventionState.ACTIVE, InterventionState.SUSPENDED]
    active = Q(assignments__ends_on__isnull=True)
    interventions = list(
        Intervention.objects.filter(provider_id__in=organisations, state__in=running)
        .select_related(
            "case__child", "case__territory", "service_type", "paying_municipality", "proposal__review"
        )
        .annotate(
            assigned=Sum("assignments__hours_per_week", filter=active),
            educators=Count("assignments", filter=active),
            has_project=Exists(EducationalProject.objects.filter(intervention=OuterRef("pk"))),
            unread_reports=Count(
                "progress_reports", filter=Q(progress_reports__read_by_service_at__isnull=True)
            ),
        )
        .order_by("state", "case__code")
    )
    for intervention in interventions:
        intervention.needs_acknowledgement = needs_municipality_acknowledgement(intervention)  # type: ignore[attr-defined]
        intervention.is_educational = edu.is_educational(intervention)  # type: ignore[attr-defined]
    mine = Q(
        educator_assignments__ends_on__isnull=True,
        educator_assignments__intervention__provider_id__in=organisations,
    )
    educators = list(
        edu.educators_of(*organisations).annotate(
            caseload=Sum("educator_assignments__hours_per_week", filter=mine),
            intervention_count=Count("educator_assignments__intervention", filter=mine, distinct=True),
        )
    )
    controls = list(
        DeliveryControl.objects.filter(intervention__provider_id__in=organisations)
        .filter(
            Q(follow_up_due__isnull=False, follow_up_done_at__isnull=True)
            | Q(day__gte=timezone.localdate() - dt.timedelta(days=90))
        )
        .select_related("intervention__case__child", "intervention__service_type")
        .order_by("-day")[:50]
    )
    shown = sorted({i.case_id for i in interventions} | {c.intervention.case_id for c in controls})
    audit_record(actor=request.user, action="services.provider_home.viewed", data={"cases": shown})
    return render(
        request,
        "services/provider_home.html",
        {"interventions": interventions, "educators": educators, "controls": controls},
    )
