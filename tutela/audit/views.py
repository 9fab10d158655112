"""The DPO's pages on the audit log (ADR 0008): who accessed a child's file, when and why (GDPR art. 15), the
log filtered, and its export. Only the Responsabile protezione dati sees them; everyone else gets 404.
Every page and export is itself audited."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tutela.accounts.access import has_role
from tutela.accounts.reauth import require_reauth
from tutela.accounts.roles import Role
from tutela.audit.forms import EventFilterForm, FileLookupForm
from tutela.audit.models import AuditEvent
from tutela.audit.selectors import (
    audit_event_list,
    event_rows,
    event_rows_streamed,
    file_event_list,
    file_lookup,
)
from tutela.audit.services import audit_record
from tutela.core.exports import XLSX_MAX_ROWS, csv_response, xlsx_response

PER_PAGE = 50
EXPORT_FORMATS = ("csv", "xlsx")
EXPORT_HEADER = (
    "Progressivo",
    "Quando",
    "Utente",
    "Ruoli",
    "Codice azione",
    "Azione",
    "Pratica",
    "Oggetto",
    "Indirizzo IP",
    "Motivazione",
    "Accesso di emergenza",
)


def _dpo_only(request: HttpRequest) -> None:
    """DPO only (ADR 0008): not the coordinator, not the system administrator."""
    if not has_role(request.user, Role.PRIVACY_OFFICER):
        raise Http404


def _break_glass_reviews_url() -> str | None:
    """The review queue of emergency accesses, where that feature is installed."""
    try:
        return reverse("accounts:break_glass_reviews")
    except NoReverseMatch:
        return None


def log_home(request: HttpRequest) -> HttpResponse:
    _dpo_only(request)
    audit_record(actor=request.user, action="audit.log.viewed", data={"page": "home"})
    return render(
        request,
        "audit/log_home.html",
        {"form": FileLookupForm(), "break_glass_reviews_url": _break_glass_reviews_url()},
    )


def log_file(request: HttpRequest) -> HttpResponse:
    """Who accessed this child's file, when and why: every event of the child's cases (GDPR art. 15)."""
    _dpo_only(request)
    form = FileLookupForm(request.GET)
    if not form.is_valid():
        audit_record(actor=request.user, action="audit.log.viewed", data={"page": "file", "found": False})
        return render(
            request,
            "audit/log_home.html",
            {"form": form, "break_glass_reviews_url": _break_glass_reviews_url()},
        )
    query = form.cleaned_data["q"]
    lookup = file_lookup(query)
    page = Paginator(file_event_list(lookup).order_by("-sequence"), PER_PAGE).get_page(
        request.GET.get("page")
    )
    rows = list(event_rows(page.object_list))  # read before this look is recorded: it shows what was there
    described = {"page": "file", "q": query, "found": bool(lookup.cases), "page_number": page.number}
    # One event per case, so that each case's own log shows that the DPO looked at it.
    for case in lookup.cases:
        audit_record(actor=request.user, action="audit.log.viewed", case_id=case.pk, data=described)
    if not lookup.cases:
        audit_record(actor=request.user, action="audit.log.viewed", data=described)
    return render(
        request,
        "audit/log_file.html",
        {
            "form": form,
            "query": query,
            "lookup": lookup,
            "page_obj": page,
            "rows": rows,
        },
    )


def event_list(request: HttpRequest) -> HttpResponse:
    """All events, filtered by user, action, period and case; paginated, newest first."""
    _dpo_only(request)
    form = EventFilterForm(request.GET or None)
    valid = form.is_valid() if request.GET else True
    filters = form.filters() if request.GET and valid else {}
    events = audit_event_list(**filters) if valid else AuditEvent.objects.none()
    page = Paginator(events, PER_PAGE).get_page(request.GET.get("page"))
    rows = list(event_rows(page.object_list))  # read before this look is recorded: it shows what was there
    described = form.described() if filters else {}
    audit_record(
        actor=request.user,
        action="audit.log.viewed",
        case_id=filters["case"].pk if filters.get("case") else None,
        data={"page": "events", "filters": described, "valid": valid, "page_number": page.number},
    )
    return render(
        request,
        "audit/event_list.html",
        {
            "form": form,
            "valid": valid,
            "page_obj": page,
            "rows": rows,
            "export_query": _filters_query(request) if valid else "",
        },
    )


def _filters_query(request: HttpRequest) -> str:
    query = request.GET.copy()
    for key in ("page", "formato"):
        query.pop(key, None)
    return query.urlencode()


def event_export(request: HttpRequest) -> HttpResponseBase:
    """The filtered events as CSV or XLSX, after a fresh re-authentication (ADR 0007)."""
    _dpo_only(request)  # before the re-authentication: to anybody else the page does not exist
    return _event_export(request)


@require_reauth  # type: ignore[arg-type]  # it is typed for HttpResponse; a download is a streaming one
def _event_export(request: HttpRequest) -> HttpResponseBase:
    fmt = request.GET.get("formato", "csv")
    form = EventFilterForm(request.GET)
    if fmt not in EXPORT_FORMATS or not form.is_valid():
        messages.error(request, _("Filtri non validi: correggerli prima di esportare."))
        return redirect(f"{reverse('audit:event_list')}?{request.GET.urlencode()}")
    events = audit_event_list(**form.filters())
    if fmt == "xlsx" and events.count() > XLSX_MAX_ROWS:
        messages.error(
            request, _("Troppi eventi per un foglio di calcolo: restringere i filtri o esportare in CSV.")
        )
        return redirect(f"{reverse('audit:event_list')}?{request.GET.urlencode()}")
    case = form.filters()["case"]
    audit_record(
        actor=request.user,
        action="audit.log.exported",
        case_id=case.pk if case else None,
        data={"format": fmt, "filters": form.described()},
    )
    filename = f"registro-accessi-{timezone.localtime():%Y%m%d-%H%M%S}"
    rows = (_export_row(row) for row in event_rows_streamed(events))
    if fmt == "xlsx":
        return xlsx_response(filename, "Registro accessi", EXPORT_HEADER, rows)
    return csv_response(filename, EXPORT_HEADER, rows)


def _export_row(row: Any) -> tuple[Any, ...]:
    event = row.event
    return (
        event.sequence,
        event.at,
        row.actor_name,
        row.roles,
        event.action,
        row.action,
        row.case_code,
        f"{event.object_type}:{event.object_id}" if event.object_type else "",
        event.ip_address,
        row.reason,
        "sì" if row.break_glass else "no",
    )
