"""Reads of case data; every one starts from the scoped queryset of accounts.access."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from tutela.accounts.access import can_view_confidential, cases_visible_to, has_capability
from tutela.accounts.roles import Cap
from tutela.cases.models import Case, CaseEvent, JournalEntry
from tutela.deadlines.models import Deadline


def case_list(user: Any, *, query: str = "", state: str = "") -> QuerySet[Case]:
    """The cases the user may see, filtered by code, name or codice fiscale, with what a list row shows."""
    cases = cases_visible_to(user).select_related("child", "territory", "lead_social_worker")
    if query:
        terms = query.split()
        for term in terms:
            cases = cases.filter(
                Q(code__icontains=term)
                | Q(child__surname__icontains=term)
                | Q(child__given_name__icontains=term)
                | Q(child__fiscal_code__iexact=term)
            )
    if state:
        cases = cases.filter(state=state)
    pending = Deadline.objects.pending().order_by("due_at")
    if not has_capability(user, Cap.VIEW_CONFIDENTIAL):  # a court deadline reveals a proceeding
        from tutela.court.selectors import COURT_DEADLINE_KINDS

        pending = pending.exclude(kind__in=COURT_DEADLINE_KINDS)
    return cases.prefetch_related(
        Prefetch("deadlines", queryset=pending, to_attr="pending_deadlines")
    ).order_by("-opened_at")


def case_page(user: Any, case: Case) -> dict[str, Any]:
    """Everything the case page shows, with confidential sections only for those who may see them."""
    confidential = can_view_confidential(user, case)
    journal = JournalEntry.objects.filter(case=case).select_related("author")
    attachments = case.attachments.select_related("uploaded_by")
    if not confidential:
        journal = journal.filter(confidential=False)
        attachments = attachments.filter(confidential=False)
    from tutela.services.models import ServiceProposal

    proposals = (
        ServiceProposal.objects.filter(case=case)
        .select_related(
            "service_type",
            "approval_protocol",
            "review__paying_municipality",
            "provider",
            "facility",
            "foster_carer",
            "intervention",
            "author",
            "evaluated_by",
            "social_report",
        )
        .order_by("-created_at")
    )
    page: dict[str, Any] = {
        "confidential_visible": confidential,
        "family": case.child.relationships.select_related("relative").order_by("kind"),
        "events": CaseEvent.objects.filter(case=case)
        .select_related("actor", "protocol_entry")
        .order_by("at", "id"),
        "journal": journal,
        "attachments": attachments,
        "referrals": case.referrals.select_related(
            "source", "sender_organisation", "protocol_entry", "registered_by_organisation"
        ),
        # Assessments and social reports carry abuse and health details: a confidential section.
        "assessments": case.assessments.select_related("child_problem", "family_problem", "assessed_by")
        if confidential
        else [],
        "reports": case.social_reports.select_related("author") if confidential else [],
        "proposals": proposals,
        "interventions": case.interventions.select_related("service_type", "paying_municipality", "provider"),
        "deadlines": case.deadlines.select_related("owner", "done_by").order_by("due_at"),
        "communications": case.communications.select_related(
            "recipient_organisation", "recipient_municipality", "protocol_entry"
        ),
    }
    if not confidential:  # court deadlines and events reveal a proceeding: they are a confidential section
        from tutela.court.selectors import hide_court_data

        hide_court_data(page)
    return page
