"""The returns pages (seed 003): exports started in the background with their progress, the records that could
not be produced with the link to fix each, the joint verification, the download and the SINBA data of a case."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tutela.accounts.access import get_case_for_user, has_capability
from tutela.accounts.reauth import require_reauth
from tutela.accounts.roles import Cap
from tutela.audit.services import audit_record
from tutela.core.actions import form_submitted
from tutela.returns.forms import BatchStartForm, SentForm, SinbaDataForm, VerifyForm
from tutela.returns.missing import missing_items
from tutela.returns.models import ReturnBatch, ReturnIssue, ReturnKind, SinbaChildData
from tutela.returns.selectors import (
    batch_bodies,
    get_return_batch_for_user,
    return_batch_list,
    return_issue_list,
)
from tutela.returns.services import (
    batch_send_refusal,
    batch_verify_refusal,
    is_case_lead,
    return_batch_create,
    return_batch_downloaded,
    return_batch_mark_sent,
    return_batch_verify,
    sinba_data_save,
)

KIND_OF_SLUG = {"sinba": ReturnKind.SINBA, "siuss": ReturnKind.SIUSS_PS}
ISSUES_PER_PAGE = 50


def returns_home(request: HttpRequest) -> HttpResponse:
    """The exports the user may read, newest first (no personal data: counts and states)."""
    if not has_capability(request.user, Cap.RETURNS_VIEW):
        raise Http404
    page = Paginator(return_batch_list(request.user), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "returns/home.html",
        {"page_obj": page, "can_export": has_capability(request.user, Cap.RETURNS_EXPORT)},
    )


@require_http_methods(["GET", "POST"])
def batch_start(request: HttpRequest) -> HttpResponse:
    if not has_capability(request.user, Cap.RETURNS_EXPORT):
        raise Http404
    kind = KIND_OF_SLUG.get(request.GET.get("tipo", ""))
    if kind is None:
        raise Http404
    form = BatchStartForm(request.POST if request.method == "POST" else None, kind=kind, user=request.user)
    created: list[ReturnBatch] = []

    def run() -> None:
        created.append(return_batch_create(actor=request.user, kind=kind, **form.batch_data()))  # type: ignore[arg-type]

    done = form_submitted(request, form, run, success=_("Esportazione avviata: l'avanzamento è qui sotto."))
    if done:
        return redirect("returns:batch_detail", pk=created[0].pk)
    if done is False:
        return redirect("returns:home")
    return render(request, "returns/start.html", {"form": form, "kind_label": ReturnKind(kind).label})


def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One export: progress, outcome, the records it could not produce (with what they lack and where to fix
    it), the verifications of both bodies, sending, download."""
    batch = get_return_batch_for_user(request.user, pk)
    page = Paginator(return_issue_list(batch), ISSUES_PER_PAGE).get_page(request.GET.get("page"))
    issues = [_issue_row(issue) for issue in page.object_list]
    # The page lists cases by code with what they lack: a read of case data, recorded once per page.
    audit_record(
        actor=request.user,
        action="returns.batch.viewed",
        obj=batch,
        data={"issues_shown": [i["issue"].case_id for i in issues], "page": page.number},
    )
    bodies = batch_bodies(request.user, batch)
    return render(
        request,
        "returns/batch_detail.html",
        {
            "batch": batch,
            "page_obj": page,
            "issues": issues,
            "can_download": bool(bodies) and batch.has_file,
            "can_verify": batch_verify_refusal(batch, request.user) is None,
            "can_mark_sent": batch_send_refusal(batch, request.user) is None,
        },
    )


def _issue_row(issue: ReturnIssue) -> dict[str, Any]:
    service_type_id = issue.intervention.service_type_id if issue.intervention else None
    return {
        "issue": issue,
        "items": missing_items(issue.missing, case_id=issue.case_id, service_type_id=service_type_id),
    }


def batch_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress fragment, polled by htmx every 2 seconds while the export runs; once it has finished, the
    whole page reloads to show the outcome."""
    batch = get_return_batch_for_user(request.user, pk)
    response = render(request, "returns/_batch_status.html", {"batch": batch})
    if batch.is_finished and request.GET.get("polling") == "1" and getattr(request, "htmx", False):
        response["HX-Refresh"] = "true"
    return response


def batch_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The flow file, to the bodies that prepare it, after a fresh re-authentication; audited."""
    batch = get_return_batch_for_user(request.user, pk, export=True)  # before the re-authentication
    return _batch_download(request, batch)


@require_reauth  # type: ignore[arg-type]  # typed for HttpResponse; a file download is a streaming one
def _batch_download(request: HttpRequest, batch: ReturnBatch) -> HttpResponseBase:
    if not batch.has_file:
        messages.error(request, _("Questa esportazione non ha prodotto un file."))
        return redirect("returns:batch_detail", pk=batch.pk)
    return_batch_downloaded(batch=batch, actor=request.user)
    return FileResponse(
        batch.file.open("rb"), as_attachment=True, filename=batch.file_name, content_type="application/xml"
    )


def _batch_act(
    request: HttpRequest, pk: int, *, refusal: Any, form_class: Any, run: Any, success: str, title: str
) -> HttpResponse:
    batch = get_return_batch_for_user(request.user, pk, export=True)  # the two bodies' acts: 404 to others
    reason = refusal(batch, request.user)
    if reason is not None:
        messages.error(request, reason)
        return redirect("returns:batch_detail", pk=batch.pk)
    form = form_class(request.POST if request.method == "POST" else None)
    done = form_submitted(request, form, lambda: run(batch=batch, actor=request.user), success=success)
    if done is not None:
        return redirect("returns:batch_detail", pk=batch.pk)
    return render(request, "returns/batch_confirm.html", {"batch": batch, "form": form, "title": title})


@require_http_methods(["GET", "POST"])
def batch_verify(request: HttpRequest, pk: int) -> HttpResponse:
    return _batch_act(
        request,
        pk,
        refusal=batch_verify_refusal,
        form_class=VerifyForm,
        run=return_batch_verify,
        success=_("Verifica registrata."),
        title=_("Verifica dei dati"),
    )


@require_http_methods(["GET", "POST"])
def batch_mark_sent(request: HttpRequest, pk: int) -> HttpResponse:
    return _batch_act(
        request,
        pk,
        refusal=batch_send_refusal,
        form_class=SentForm,
        run=return_batch_mark_sent,
        success=_("Invio a INPS registrato."),
        title=_("Invio a INPS"),
    )


@require_http_methods(["GET", "POST"])
def sinba_data(request: HttpRequest, pk: int) -> HttpResponse:
    """The SINBA data of the case's child, kept by the lead social worker."""
    case = get_case_for_user(request.user, pk)
    if not is_case_lead(request.user, case):
        messages.error(
            request, _("Solo l'assistente sociale referente può aggiornare i dati SINBA del minore.")
        )
        return redirect("cases:detail", pk=case.pk)
    audit_record(
        actor=request.user, action="cases.case.viewed", obj=case, case_id=case.pk, data={"page": "sinba_data"}
    )
    instance = SinbaChildData.objects.filter(case=case).first()
    form = SinbaDataForm(request.POST if request.method == "POST" else None, instance=instance)

    def run() -> None:
        sinba_data_save(case=case, actor=request.user, values=form.values(), family=form.family())

    done = form_submitted(request, form, run, success=_("Dati SINBA salvati."))
    if done is not None:
        return redirect("cases:detail", pk=case.pk)
    return render(request, "returns/sinba_data.html", {"case": case, "form": form, "data": instance})
