"""The cost pages (/servizi/costi/): monthly costs per Comune and per service, the interventions a page at a
time with budget against spending, and the XLSX for the Comuni. `services.costs_view` is needed (404
otherwise); every page and export is audited."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from tutela.accounts.access import has_capability
from tutela.accounts.roles import Cap
from tutela.audit.services import audit_record
from tutela.core.exports import XLSX_CONTENT_TYPE
from tutela.services.costs import (
    CostReport,
    cost_municipalities,
    cost_report,
    cost_rows,
    cost_workbook,
    report_interventions,
)
from tutela.services.forms_catalogue import CostFilterForm


def _form(request: HttpRequest) -> CostFilterForm:
    if not has_capability(request.user, Cap.COSTS_VIEW):
        raise Http404
    municipalities = cost_municipalities(request.user)
    return CostFilterForm(request.GET or CostFilterForm.defaults(), municipalities=municipalities)


def _audit(request: HttpRequest, action: str, report: CostReport, form: CostFilterForm, **data: Any) -> None:
    comune = form.cleaned_data.get("comune")
    audit_record(
        actor=request.user,
        action=action,
        data={
            "from": f"{report.first:%Y-%m}",
            "to": f"{report.last:%Y-%m}",
            "municipality": comune.pk if comune else None,
            "count": report.interventions,
            **data,
        },
    )


def cost_page(request: HttpRequest) -> HttpResponse:
    form = _form(request)
    report = None
    if form.is_valid():
        d = form.cleaned_data
        report = cost_report(
            request.user,
            first=d["dal"],
            last=d["al"],
            municipality=d.get("comune"),
            after=request.GET.get("dopo", ""),
        )
        shown = [row.intervention.pk for row in report.page.rows]
        _audit(request, "services.costs.viewed", report, form, interventions=shown)
    query = request.GET.copy()
    query.pop("dopo", None)
    context: dict[str, Any] = {"form": form, "report": report, "query": query.urlencode()}
    return render(request, "services/costs_report.html", context)


def cost_export(request: HttpRequest) -> HttpResponse | FileResponse:
    form = _form(request)
    if not form.is_valid():
        return render(request, "services/costs_report.html", {"form": form, "report": None}, status=400)
    d = form.cleaned_data
    today = timezone.localdate()
    report = cost_report(
        request.user, first=d["dal"], last=d["al"], municipality=d.get("comune"), today=today, paged=False
    )
    interventions = report_interventions(
        request.user, first=report.first, last=report.last, municipality=d.get("comune")
    )
    name = _("costi-interventi-%(from)s-%(to)s") % {
        "from": f"{report.first:%Y-%m}",
        "to": f"{report.last:%Y-%m}",
    }
    workbook = cost_workbook(report, cost_rows(interventions, report.months, today))
    _audit(request, "services.costs.exported", report, form)
    return FileResponse(workbook, as_attachment=True, filename=f"{name}.xlsx", content_type=XLSX_CONTENT_TYPE)
