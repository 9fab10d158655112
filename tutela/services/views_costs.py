"""The cost pages (/servizi/costi/): monthly costs per Comune and per service, budget against spending, and
the XLSX for the Comuni. `services.costs_view` is needed (404 otherwise); every page and export is audited."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from tutela.accounts.access import has_capability
from tutela.accounts.models import Municipality
from tutela.accounts.roles import Cap
from tutela.audit.services import audit_record
from tutela.core.exports import XLSX_CONTENT_TYPE
from tutela.services.costs import CostReport, cost_report, cost_workbook, interventions_for_costs
from tutela.services.forms_catalogue import CostFilterForm


def _report(request: HttpRequest) -> tuple[CostFilterForm, CostReport | None]:
    if not has_capability(request.user, Cap.COSTS_VIEW):
        raise Http404
    paying = interventions_for_costs(request.user).values("paying_municipality")
    municipalities = Municipality.objects.filter(pk__in=paying).order_by("name")
    form = CostFilterForm(request.GET or CostFilterForm.defaults(), municipalities=municipalities)
    if not form.is_valid():
        return form, None
    d = form.cleaned_data
    report = cost_report(request.user, first=d["dal"], last=d["al"], municipality=d.get("comune"))
    return form, report


def _audit(request: HttpRequest, action: str, report: CostReport, form: CostFilterForm) -> None:
    comune = form.cleaned_data.get("comune")
    audit_record(
        actor=request.user,
        action=action,
        data={
            "from": f"{report.first:%Y-%m}",
            "to": f"{report.last:%Y-%m}",
            "municipality": comune.pk if comune else None,
            "interventions": [row.intervention.pk for row in report.rows],
        },
    )


def cost_page(request: HttpRequest) -> HttpResponse:
    form, report = _report(request)
    if report is not None:
        _audit(request, "services.costs.viewed", report, form)
    context: dict[str, Any] = {"form": form, "report": report, "query": request.GET.urlencode()}
    return render(request, "services/costs_report.html", context)


def cost_export(request: HttpRequest) -> HttpResponse | FileResponse:
    form, report = _report(request)
    if report is None:
        return render(request, "services/costs_report.html", {"form": form, "report": None}, status=400)
    _audit(request, "services.costs.exported", report, form)
    name = _("costi-interventi-%(from)s-%(to)s") % {
        "from": f"{report.first:%Y-%m}",
        "to": f"{report.last:%Y-%m}",
    }
    return FileResponse(
        cost_workbook(report), as_attachment=True, filename=f"{name}.xlsx", content_type=XLSX_CONTENT_TYPE
    )
