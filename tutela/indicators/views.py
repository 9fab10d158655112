from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tutela.accounts.access import cases_visible_to, has_capability, territories_with
from tutela.accounts.models import Territory
from tutela.accounts.roles import Cap
from tutela.audit.services import audit_record
from tutela.core.actions import form_submitted
from tutela.core.exports import xlsx_response
from tutela.core.forms import StyledForm
from tutela.indicators import forms
from tutela.indicators import services as indicator_services
from tutela.indicators.dashboard import chart_specs, export_rows, metrics_for, shown_metrics
from tutela.indicators.figures import MetricFilter
from tutela.indicators.metrics import METRICS, social_workers_of, staff_fte
from tutela.indicators.models import Indicator, Phase, StaffFTE
from tutela.indicators.selectors import (
    gantt,
    get_objective_for_user,
    indicator_evaluate,
    objectives_visible_to,
)
from tutela.indicators.services import approval_refusal, weight_total


def _posted(request: HttpRequest) -> Any:
    """The submitted data on a POST (even an empty one, so that its errors show), None otherwise."""
    return request.POST if request.method == "POST" else None


# --- dashboard, drill-down, export ---------------------------------------------------------------------------


def _filter_or_404(
    request: HttpRequest, capabilities: tuple[str, ...]
) -> tuple[forms.IndicatorFilterForm, MetricFilter]:
    territories: set[int] = set()
    for capability in capabilities:
        territories |= territories_with(request.user, capability)
    if not territories:
        raise Http404
    form = forms.IndicatorFilterForm(request.GET or None, territories=territories)
    metric_filter = form.metric_filter()
    if metric_filter is None:
        raise Http404
    return form, metric_filter


def _audit_filter(f: MetricFilter) -> dict[str, Any]:
    return forms.filter_query(f)


def dashboard(request: HttpRequest) -> HttpResponse:
    """The indicators of seeds 001, 002 and 004 for a period, Comune and team (managers, SdS, coordinators)."""
    form, metric_filter = _filter_or_404(request, (Cap.INDICATORS_VIEW,))
    metrics = metrics_for(metric_filter, request.user)
    audit_record(actor=request.user, action="indicators.dashboard.viewed", data=_audit_filter(metric_filter))
    return render(
        request,
        "indicators/dashboard.html",
        {
            "form": form,
            "filter": metric_filter,
            "metrics": shown_metrics(metric_filter, metrics),
            "charts": chart_specs(metrics),
            "export_query": request.GET.urlencode(),
            "can_manage": has_capability(request.user, Cap.INDICATORS_MANAGE, metric_filter.territory.pk),
        },
    )


def drilldown(request: HttpRequest) -> HttpResponse:
    """The cases behind one number of the dashboard, as far as the user's scope reaches (audited)."""
    key, series = request.GET.get("indicatore", ""), request.GET.get("serie", "")
    if key not in METRICS or not has_capability(request.user, Cap.CASE_VIEW):
        raise Http404
    form, metric_filter = _filter_or_404(request, (Cap.INDICATORS_VIEW, Cap.CASE_VIEW))
    if form.is_bound and not form.is_valid():
        raise Http404
    metric = METRICS[key](metric_filter)
    figure = metric.figure(series)
    listed = figure.case_list() if figure is not None else None
    if listed is None:
        raise Http404
    visible = cases_visible_to(request.user).values("pk")
    cases = listed.filter(pk__in=visible).select_related("child", "lead_social_worker").order_by("code")
    page = Paginator(cases, 50).get_page(request.GET.get("page"))
    audit_record(
        actor=request.user,
        action="indicators.drilldown.viewed",
        data={
            "indicator": key,
            "series": series,
            **_audit_filter(metric_filter),
            "page": page.number,
            "shown": [case.pk for case in page.object_list],
        },
    )
    return render(
        request,
        "indicators/drilldown.html",
        {
            "metric": metric,
            "figure": figure,
            "filter": metric_filter,
            "page_obj": page,
            "whole_territory": has_capability(request.user, Cap.INDICATORS_VIEW, metric_filter.territory.pk),
        },
    )


def export(request: HttpRequest) -> HttpResponseBase:
    """The dashboard's numbers as XLSX, small counts suppressed (ADR 0013); audited."""
    form, metric_filter = _filter_or_404(request, (Cap.INDICATORS_VIEW,))
    if form.is_bound and not form.is_valid():
        raise Http404
    rows = export_rows(metric_filter, metrics_for(metric_filter, request.user))
    audit_record(
        actor=request.user, action="indicators.dashboard.exported", data=_audit_filter(metric_filter)
    )
    name = f"indicatori-{metric_filter.start:%Y%m%d}-{metric_filter.end:%Y%m%d}"
    return xlsx_response(name, _("Indicatori"), [_("Indicatore"), _("Voce"), _("Valore"), _("Unità")], rows)


# --- staff FTE -----------------------------------------------------------------------------------------------


def _managed_territory(request: HttpRequest) -> Territory:
    territories = territories_with(request.user, Cap.INDICATORS_MANAGE)
    territory = Territory.objects.filter(pk__in=territories).order_by("name").first()
    if territory is None:
        raise Http404
    return territory


def staff(request: HttpRequest) -> HttpResponse:
    """The social workers' full-time equivalents, for the ratio to the inhabitants and the caseload per FTE."""
    territory = _managed_territory(request)
    form = forms.StaffFTEForm(_posted(request), territory=territory)

    def run() -> None:
        data = form.cleaned_data
        indicator_services.staff_fte_record(
            actor=request.user,
            territory=territory,
            user=data["user"],
            fte=data["fte"],
            valid_from=data["valid_from"],
        )

    if form_submitted(request, form, run, success=_("Tempo pieno equivalente registrato.")) is not None:
        return redirect("indicators:staff")
    today = timezone.localdate()
    metric_filter = MetricFilter(territory, today, today)
    users = social_workers_of(metric_filter)
    current, assumed = staff_fte(territory, today, users)
    rows = (
        StaffFTE.objects.filter(territory=territory)
        .select_related("user", "recorded_by")
        .order_by("user__last_name", "-valid_from")
    )
    workers = sorted(form.fields["user"].queryset.filter(pk__in=users), key=str)  # type: ignore[attr-defined]
    return render(
        request,
        "indicators/staff.html",
        {
            "territory": territory,
            "form": form,
            "workers": [(worker, current[worker.pk]) for worker in workers],
            "assumed": assumed,
            "rows": rows,
        },
    )


# --- objectives ----------------------------------------------------------------------------------------------


def objective_list(request: HttpRequest) -> HttpResponse:
    if not has_capability(request.user, Cap.INDICATORS_VIEW):
        raise Http404
    objectives = objectives_visible_to(request.user).select_related("territory")
    return render(
        request,
        "indicators/objective_list.html",
        {"objectives": objectives, "can_manage": has_capability(request.user, Cap.INDICATORS_MANAGE)},
    )


def _form_page(
    request: HttpRequest,
    form: StyledForm,
    run: Callable[[], Any],
    *,
    title: str,
    success: str,
    done: str,
    back: str,
    intro: str = "",
    blocked: str | None = None,
) -> HttpResponse:
    """The submit step of every objective page: done or refused, back to `done`; otherwise the form again
    (without its button when `blocked` says why the act cannot be done now)."""
    if form_submitted(request, form, run, success=success) is not None:
        return redirect(done)
    context = {"form": form, "title": title, "back": back, "intro": intro, "blocked": blocked}
    return render(request, "indicators/form_page.html", context)


def objective_new(request: HttpRequest) -> HttpResponse:
    territory = _managed_territory(request)
    form = forms.ObjectiveForm(_posted(request))
    created: list[Any] = []

    def run() -> None:
        created.append(
            indicator_services.objective_create(
                actor=request.user, territory=territory, data=form.objective_data()
            )
        )

    if form_submitted(request, form, run, success=_("Obiettivo registrato.")):
        return redirect("indicators:objective_detail", pk=created[0].pk)
    back = reverse("indicators:objective_list")
    return render(
        request, "indicators/form_page.html", {"form": form, "title": _("Nuovo obiettivo"), "back": back}
    )


def objective_detail(request: HttpRequest, pk: int) -> HttpResponse:
    objective = get_objective_for_user(request.user, pk)
    phases = list(objective.phases.all())
    indicators = list(objective.indicators.select_related("actual_recorded_by"))
    return render(
        request,
        "indicators/objective_detail.html",
        {
            "objective": objective,
            "phases": phases,
            "gantt": gantt(objective, phases),
            "indicators": [(indicator, indicator_evaluate(indicator, objective)) for indicator in indicators],
            "weight_total": weight_total(objective),
            "approval_refusal": approval_refusal(objective),
            "can_manage": has_capability(request.user, Cap.INDICATORS_MANAGE, objective.territory_id),
        },
    )


def objective_edit(request: HttpRequest, pk: int) -> HttpResponse:
    objective = get_objective_for_user(request.user, pk, manage=True)
    form = forms.ObjectiveForm(_posted(request), initial=forms.ObjectiveForm.initial_of(objective))
    detail = reverse("indicators:objective_detail", kwargs={"pk": pk})
    return _form_page(
        request,
        form,
        lambda: indicator_services.objective_update(
            actor=request.user, objective=objective, data=form.objective_data()
        ),
        title=_("Modifica l'obiettivo %(code)s") % {"code": objective.code},
        success=_("Obiettivo aggiornato."),
        done=detail,
        back=detail,
    )


def phase_add(request: HttpRequest, pk: int) -> HttpResponse:
    objective = get_objective_for_user(request.user, pk, manage=True)
    form = forms.PhaseForm(_posted(request))
    detail = reverse("indicators:objective_detail", kwargs={"pk": pk})
    return _form_page(
        request,
        form,
        lambda: indicator_services.phase_add(actor=request.user, objective=objective, data=form.phase_data()),
        title=_("Nuova fase dell'obiettivo %(code)s") % {"code": objective.code},
        success=_("Fase aggiunta."),
        done=detail,
        back=detail,
        intro=_("I pesi delle fasi sommano oggi al %(total)s%%: la somma non può superare 100.")
        % {"total": weight_total(objective)},
    )


def phase_edit(request: HttpRequest, pk: int) -> HttpResponse:
    phase = Phase.objects.filter(pk=pk).first()
    if phase is None:
        raise Http404
    objective = get_objective_for_user(request.user, phase.objective_id, manage=True)
    phase.objective = objective
    form = forms.PhaseForm(_posted(request), initial=forms.PhaseForm.initial_of(phase))
    detail = reverse("indicators:objective_detail", kwargs={"pk": objective.pk})
    return _form_page(
        request,
        form,
        lambda: indicator_services.phase_update(actor=request.user, phase=phase, data=form.phase_data()),
        title=_("Fase: %(title)s") % {"title": phase.title},
        success=_("Fase aggiornata."),
        done=detail,
        back=detail,
        intro=_("Ad obiettivo approvato si registrano solo le date effettive e le note.")
        if objective.approved_at
        else "",
    )


def indicator_add(request: HttpRequest, pk: int) -> HttpResponse:
    objective = get_objective_for_user(request.user, pk, manage=True)
    form = forms.IndicatorForm(_posted(request))
    detail = reverse("indicators:objective_detail", kwargs={"pk": pk})
    return _form_page(
        request,
        form,
        lambda: indicator_services.indicator_add(
            actor=request.user, objective=objective, data=form.indicator_data()
        ),
        title=_("Nuovo indicatore dell'obiettivo %(code)s") % {"code": objective.code},
        success=_("Indicatore aggiunto."),
        done=detail,
        back=detail,
    )


def indicator_actual(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = Indicator.objects.filter(pk=pk).first()
    if indicator is None:
        raise Http404
    objective = get_objective_for_user(request.user, indicator.objective_id, manage=True)
    indicator.objective = objective
    form = forms.ActualForm(_posted(request), indicator=indicator)
    detail = reverse("indicators:objective_detail", kwargs={"pk": objective.pk})
    return _form_page(
        request,
        form,
        lambda: indicator_services.indicator_record_actual(
            actor=request.user, indicator=indicator, data=form.actual_data()
        ),
        title=_("Valore rilevato: %(what)s") % {"what": indicator.description},
        success=_("Valore rilevato registrato."),
        done=detail,
        back=detail,
    )


def objective_approve(request: HttpRequest, pk: int) -> HttpResponse:
    objective = get_objective_for_user(request.user, pk, manage=True)
    form = forms.ConfirmForm(_posted(request))
    detail = reverse("indicators:objective_detail", kwargs={"pk": pk})
    refusal = approval_refusal(objective)
    return _form_page(
        request,
        form,
        lambda: indicator_services.objective_approve(actor=request.user, objective=objective),
        title=_("Approva l'obiettivo %(code)s") % {"code": objective.code},
        success=_("Obiettivo approvato: fasi e pesi non si modificano più."),
        done=detail,
        back=detail,
        intro=_("Con l'approvazione fasi, pesi e indicatori non si modificano più."),
        blocked=refusal,
    )
