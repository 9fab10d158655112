"""The court pages. Every page answers 404 to who may not read the case's confidential sections, and every
read is audited; write pages need court.write (404 without it) and the lead social worker or the coordinator
(otherwise back to the case with the reason)."""

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

from tutela.audit.services import audit_record
from tutela.cases.models import Case
from tutela.core.actions import form_submitted
from tutela.core.forms import StyledForm
from tutela.court import forms as court_forms
from tutela.court import selectors
from tutela.court.models import Art403Notice, CourtOrder, ReportState, StepKind
from tutela.court.services import emergency, escalation, orders, reports
from tutela.court.services.common import court_write_refusal
from tutela.court.workflow import REPORT_WORKFLOW


def _read(request: HttpRequest, case: Case, action: str, obj: Any = None, page: str = "") -> None:
    data = {"page": page} if page else None
    audit_record(actor=request.user, action=action, obj=obj or case, case_id=case.pk, data=data)


def _refused(request: HttpRequest, case: Case, reason: str | None) -> HttpResponse | None:
    """Back to the case page with the reason when the act is not available now."""
    if reason is None:
        return None
    messages.error(request, reason)
    return redirect("cases:detail", pk=case.pk)


def _form_page(request: HttpRequest, case: Case, form: StyledForm, title: str, **extra: Any) -> HttpResponse:
    template = extra.pop("template", "court/court_form.html")
    return render(request, template, {"case": case, "form": form, "title": title, **extra})


# --- the court section of a case -----------------------------------------------------------------------------


def court_case(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.get_court_case_for_user(request.user, pk)
    _read(request, case, "court.case.viewed")
    return render(
        request, "court/case_court.html", {"case": case, "court": selectors.court_section(case, request.user)}
    )


@require_http_methods(["GET", "POST"])
def proceeding_add(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.get_court_case_for_user(request.user, pk, write=True)
    if (refused := _refused(request, case, court_write_refusal(request.user, case))) is not None:
        return refused
    _read(request, case, "court.case.viewed", page="proceeding_add")
    form = court_forms.ProceedingForm(request.POST or None)
    run = lambda: orders.court_proceeding_create(case=case, actor=request.user, data=form.proceeding_data())  # noqa: E731
    if form_submitted(request, form, run, success=_("Procedimento registrato.")) is not None:
        return redirect("court:case", pk=case.pk)
    return _form_page(request, case, form, _("Nuovo procedimento giudiziario"))


@require_http_methods(["GET", "POST"])
def order_add(request: HttpRequest, pk: int) -> HttpResponse:
    proceeding = selectors.get_proceeding_for_user(request.user, pk, write=True)
    case = proceeding.case
    if (refused := _refused(request, case, court_write_refusal(request.user, case))) is not None:
        return refused
    _read(request, case, "court.case.viewed", page="order_add")
    form = court_forms.OrderForm(request.POST or None, case=case)
    created: dict[str, CourtOrder] = {}

    def run() -> None:
        created["order"] = orders.court_order_register(
            proceeding=proceeding, actor=request.user, data=form.order_data(), **form.rows()
        )

    if (
        form_submitted(request, form, run, success=_("Provvedimento registrato con le sue scadenze."))
        is not None
    ):
        if "order" in created:
            return redirect("court:order", pk=created["order"].pk)
        return redirect("court:case", pk=case.pk)
    return _form_page(
        request,
        case,
        form,
        _("Registra un provvedimento"),
        template="court/order_form.html",
        proceeding=proceeding,
    )


def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    order = selectors.get_order_for_user(request.user, pk)
    _read(request, order.case, "court.order.viewed", obj=order)
    context = {
        "case": order.case,
        "order": order,
        "measures": order.measures.select_related("child").prefetch_related("persons"),
        "duties": order.duties.select_related("owner"),
        "mandates": order.mandates.select_related("owner"),
        "reports": order.reports.select_related("protocol_entry", "author"),
        "deadlines": selectors.order_deadlines(order),
        "replaced": order.replaced.all(),
        "can_write": court_write_refusal(request.user, order.case) is None and order.in_force,
        "now": timezone.now(),
    }
    return render(request, "court/order_detail.html", context)


@dataclass(frozen=True)
class OrderAction:
    title: str
    form: Callable[[CourtOrder, Any], StyledForm]
    run: Callable[[CourtOrder, Any, Any], Any]
    success: str
    needs_in_force: bool = True


def _report_start(order: CourtOrder, user: Any, form: Any) -> Any:
    return reports.court_report_create(order=order, actor=user, **form.report_target())


ORDER_ACTIONS: dict[str, OrderAction] = {
    "adempimento": OrderAction(
        _("Aggiungi un adempimento"),
        lambda o, d: court_forms.DutyAddForm(d),
        lambda o, u, f: orders.court_duty_add(order=o, actor=u, data=f.duty_data()),
        _("Adempimento aggiunto con la sua scadenza."),
    ),
    "incarico": OrderAction(
        _("Aggiungi un incarico ai servizi"),
        lambda o, d: court_forms.MandateAddForm(d),
        lambda o, u, f: orders.court_mandate_add(order=o, actor=u, data=f.mandate_data()),
        _("Incarico aggiunto con la scadenza della relazione."),
    ),
    "misura": OrderAction(
        _("Aggiungi una misura"),
        lambda o, d: court_forms.MeasureAddForm(d, case=o.case),
        lambda o, u, f: orders.court_measure_add(order=o, actor=u, data=f.measure_data()),
        _("Misura aggiunta."),
    ),
    "adempimento-svolto": OrderAction(
        _("Registra un adempimento svolto"),
        lambda o, d: court_forms.DutyDoneForm(d, order=o),
        lambda o, u, f: orders.court_duty_complete(
            duty=f.cleaned_data["duty"],
            actor=u,
            done_on=f.cleaned_data["done_on"],
            note=f.cleaned_data["note"],
        ),
        _("Adempimento registrato."),
    ),
    "relazione": OrderAction(
        _("Nuova relazione all'autorità giudiziaria"),
        lambda o, d: court_forms.ReportStartForm(d, order=o),
        _report_start,
        _("Bozza della relazione creata."),
        needs_in_force=False,
    ),
}


@require_http_methods(["GET", "POST"])
def order_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    spec = ORDER_ACTIONS.get(action)
    if spec is None:
        raise Http404
    order = selectors.get_order_for_user(request.user, pk, write=True)
    case = order.case
    reason = court_write_refusal(request.user, case)
    if reason is None and spec.needs_in_force and not order.in_force:
        reason = _("Il provvedimento è stato revocato o sostituito: non si aggiungono adempimenti.")
    if (refused := _refused(request, case, reason)) is not None:
        return refused
    _read(request, case, "court.order.viewed", obj=order, page=action)
    form = spec.form(order, request.POST if request.method == "POST" else None)
    result: dict[str, Any] = {}

    def run() -> None:
        result["object"] = spec.run(order, request.user, form)

    if form_submitted(request, form, run, success=spec.success) is not None:
        if action == "relazione" and "object" in result:
            return redirect("court:report_edit", pk=result["object"].pk)
        return redirect("court:order", pk=order.pk)
    return _form_page(request, case, form, spec.title, order=order)


# --- reports -------------------------------------------------------------------------------------------------


def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.get_report_for_user(request.user, pk)
    _read(request, report.case, "court.report.viewed", obj=report)
    writer = court_write_refusal(request.user, report.case) is None
    context = {
        "case": report.case,
        "report": report,
        "sections": reports.report_sections(report),
        "can_edit": writer and report.state == ReportState.DRAFT,
        "can_file": any(t.name == "file" for t in REPORT_WORKFLOW.available(report, request.user)),
        "file_refusal": reports.report_file_refusal(report) if report.state == ReportState.DRAFT else None,
    }
    return render(request, "court/report_detail.html", context)


@require_http_methods(["GET", "POST"])
def report_edit(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.get_report_for_user(request.user, pk, write=True)
    case = report.case
    reason = court_write_refusal(request.user, case)
    if reason is None and report.state != ReportState.DRAFT:
        reason = _("La relazione è già depositata: non si può più modificare.")
    if (refused := _refused(request, case, reason)) is not None:
        return refused
    _read(request, case, "court.report.viewed", obj=report, page="edit")
    form = court_forms.ReportEditForm(request.POST or None, report=report)
    run = lambda: reports.court_report_update(report=report, actor=request.user, content=form.content())  # noqa: E731
    if form_submitted(request, form, run, success=_("Bozza della relazione salvata.")) is not None:
        return redirect("court:report", pk=report.pk)
    return render(request, "court/report_edit.html", {"case": case, "report": report, "form": form})


@require_http_methods(["GET", "POST"])
def report_file(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.get_report_for_user(request.user, pk, write=True)
    case = report.case
    transition = REPORT_WORKFLOW.get("file")
    if (
        refused := _refused(request, case, REPORT_WORKFLOW.refusal(report, transition, request.user))
    ) is not None:
        return refused
    _read(request, case, "court.report.viewed", obj=report, page="file")
    form = court_forms.ConfirmForm(request.POST if request.method == "POST" else None)
    run = lambda: reports.court_report_file(report=report, actor=request.user)  # noqa: E731
    if form_submitted(request, form, run, success=_("Relazione depositata e protocollata.")) is not None:
        return redirect("court:report", pk=report.pk)
    return _form_page(
        request,
        case,
        form,
        _("Deposita e protocolla la relazione"),
        template="court/report_file.html",
        report=report,
        file_refusal=reports.report_file_refusal(report),
        subject=reports.report_subject(report),
    )


def report_disclosable(request: HttpRequest, pk: int) -> HttpResponse:
    """The parties' copy as it is (or will be) printed: only what the author marked as disclosable."""
    report = selectors.get_report_for_user(request.user, pk)
    _read(request, report.case, "court.report.viewed", obj=report, page="disclosable")
    context = reports.report_document_context(report, report.protocol_entry, disclosable=True)
    return render(request, "court/report_disclosable.html", {**context, "case": report.case})


# --- art. 403 ------------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def placement_add(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.get_court_case_for_user(request.user, pk, write=True)
    if (refused := _refused(request, case, court_write_refusal(request.user, case))) is not None:
        return refused
    _read(request, case, "court.case.viewed", page="placement_add")
    form = court_forms.PlacementForm(request.POST or None)
    created: dict[str, Any] = {}

    def run() -> None:
        created["placement"] = emergency.emergency_placement_record(
            case=case, actor=request.user, data=form.placement_data()
        )

    done = form_submitted(
        request,
        form,
        run,
        success=_("Collocamento d'urgenza registrato: il conteggio dei termini è avviato."),
    )
    if done is not None:
        if "placement" in created:
            return redirect("court:placement", pk=created["placement"].pk)
        return redirect("court:case", pk=case.pk)
    return _form_page(request, case, form, _("Collocamento d'urgenza (art. 403 c.c.)"))


def placement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The art. 403 clock. Opening it also escalates the steps found late (the cron does it too)."""
    placement = selectors.get_placement_for_user(request.user, pk)
    case = placement.case
    _read(request, case, "court.placement.viewed", obj=placement)
    now = timezone.now()
    escalation.art403_check(now=now, placement=placement)
    context = {
        "case": case,
        "placement": placement,
        "rows": selectors.art403_rows(placement, now),
        "can_write": court_write_refusal(request.user, case) is None and placement.ended_at is None,
        "now": now,
    }
    return render(request, "court/placement_detail.html", context)


def placement_letter(request: HttpRequest, pk: int) -> HttpResponse:
    """The letter to the Prosecutor prepared from the placement (preview, not yet registered)."""
    placement = selectors.get_placement_for_user(request.user, pk)
    _read(request, placement.case, "court.placement.viewed", obj=placement, page="letter")
    response = HttpResponse(emergency.acts_letter_pdf(placement), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{placement.case.code}-art403-anteprima.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_http_methods(["GET", "POST"])
def step_record(request: HttpRequest, pk: int) -> HttpResponse:
    step = selectors.get_step_for_user(request.user, pk, write=True)
    placement = step.placement
    case = placement.case
    reason = court_write_refusal(request.user, case)
    if reason is None and (placement.ended_at is not None or not step.is_pending):
        reason = _("Questo passaggio è già stato registrato o il collocamento è concluso.")
    if (refused := _refused(request, case, reason)) is not None:
        return refused
    _read(request, case, "court.placement.viewed", obj=placement, page=f"step.{step.kind}")
    sending = step.kind == StepKind.ACTS_TO_PM and request.POST.get("invio") == "1"
    form: StyledForm = (
        court_forms.ConfirmForm(request.POST)
        if sending
        else court_forms.StepForm(request.POST or None, kind=step.kind)
    )

    def run() -> Any:
        if sending:
            return emergency.art403_acts_send(step=step, actor=request.user)
        d = form.cleaned_data
        return emergency.art403_step_record(
            step=step,
            actor=request.user,
            done_at=d["done_at"],
            outcome=d["outcome"],
            who=d["who"],
            note=d["note"],
        )

    success = (
        _("Atti protocollati e trasmessi al Pubblico Ministero.") if sending else _("Passaggio registrato.")
    )
    if form_submitted(request, form, run, success=success) is not None:
        return redirect("court:placement", pk=placement.pk)
    if sending:  # a confirmation has no field to get wrong: the refusal came back as a message
        return redirect("court:placement", pk=placement.pk)
    return render(
        request,
        "court/step_form.html",
        {"case": case, "placement": placement, "step": step, "form": form, "title": step.get_kind_display()},
    )


# --- the coordinator's list ----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def territory_deadlines(request: HttpRequest) -> HttpResponse:
    """Pending court deadlines of the territory and the art. 403 notices, for the coordinator."""
    if not selectors.court_deadlines_visible(request.user):
        raise Http404
    if request.method == "POST":
        notice = selectors.unseen_notices(request.user).filter(pk=request.POST.get("avviso") or 0).first()
        if notice is not None:
            escalation.art403_notice_seen(notice=notice, actor=request.user)
            messages.success(request, _("Presa visione registrata."))
        return redirect("court:deadlines")
    deadlines = list(selectors.territory_court_deadlines(request.user)[:200])
    notices: list[Art403Notice] = list(selectors.unseen_notices(request.user))
    cases = sorted({d.case_id for d in deadlines} | {n.escalation.step.placement.case_id for n in notices})
    audit_record(actor=request.user, action="court.deadlines.viewed", data={"cases": cases})
    return render(
        request,
        "court/territory_deadlines.html",
        {"deadlines": deadlines, "notices": notices, "now": timezone.now()},
    )
