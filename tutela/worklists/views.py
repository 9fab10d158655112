from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from tutela.audit.services import audit_record
from tutela.worklists.selectors import worklist_sections


def home(request: HttpRequest) -> HttpResponse:
    """Each role lands here: its "Da fare" list with counts."""
    sections = worklist_sections(request.user)
    shown = sorted(
        {
            row.pk if s.kind == "cases" else row.case_id
            for s in sections
            if s.kind != "entries"
            for row in s.rows
        }
    )
    if shown:
        audit_record(actor=request.user, action="worklists.worklist.viewed", data={"cases": shown})
    return render(request, "worklists/home.html", {"sections": sections, "now": timezone.now()})
