"""Reads of case data; every one starts from the scoped queryset of accounts.access."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from codicefiscale import codicefiscale
from django.db.models import Prefetch, Q, QuerySet

from tutela.accounts.access import can_view_confidential, cases_visible_to, has_capability
from tutela.accounts.roles import Cap
from tutela.cases.models import Case, CaseEvent, JournalEntry
from tutela.deadlines.models import Deadline
from tutela.people.search import search_key
from tutela.people.similarity import Distance, IsNear

PAGE_SIZE = 25
# The list says "more than 1,000" rather than counting a territory's whole archive on every search.
COUNT_LIMIT = 1000
# Near matches are offered for a name of at least 3 letters (fewer share too few trigrams to mean anything).
NEAR_MIN_LENGTH = 3
NEAR_LIMIT = 10


CASE_CODE = re.compile(r"^[A-Z0-9]+-\d{4}-\d+$")


def _term_filter(term: str) -> Q:
    """One searched word, by what it is: a case code (exact), a codice fiscale (exact), else the prefix of the
    child's surname or name (their search keys, people/search.py). Each reads one table through its index: an
    OR across the case and the person would make the database join every case to every child first."""
    exact = term.upper()
    if CASE_CODE.match(exact):
        return Q(code=exact)
    if len(exact) == 16 and codicefiscale.is_valid(exact):
        return Q(child__fiscal_code=exact)
    key = search_key(term)
    if not key:
        return Q(pk__in=[])
    return Q(child__surname_key__startswith=key) | Q(child__given_name_key__startswith=key)


def case_list(user: Any, *, query: str = "", state: str = "") -> QuerySet[Case]:
    """The cases the user may see, found by code, codice fiscale or the prefix of the child's surname or name
    (every word must match), newest first, with what a list row shows."""
    cases = cases_visible_to(user)
    for term in query.split():
        cases = cases.filter(_term_filter(term))
    if state:
        cases = cases.filter(state=state)
    return _rows(user, cases).order_by("-opened_at", "-pk")


def case_near_matches(user: Any, *, query: str, state: str = "") -> list[Case]:
    """For a search that found nothing: the cases whose child's surname is near the longest searched name
    (trigram similarity, people/similarity.py, through the surname's trigram index), nearest first."""
    names = [
        search_key(term)
        for term in query.split()
        if not CASE_CODE.match(term.upper()) and not codicefiscale.is_valid(term.upper())
    ]
    names = [name for name in names if len(name) >= NEAR_MIN_LENGTH]
    if not names:
        return []
    return list(near_cases(user, max(names, key=len), state=state)[:NEAR_LIMIT])


def near_cases(user: Any, key: str, *, state: str = "") -> QuerySet[Case]:
    """The user's cases whose child's surname key is near `key`, nearest first. Ordered by the distance alone:
    the trigram index then returns the nearest surnames first and the database stops at the page (a second
    key would make it sort every near surname, tens of thousands for a common one)."""
    cases = cases_visible_to(user).filter(IsNear("child__surname_key", key))
    if state:
        cases = cases.filter(state=state)
    return _rows(user, cases).order_by(Distance("child__surname_key", key))


def _rows(user: Any, cases: QuerySet[Case]) -> QuerySet[Case]:
    """What a row of the case list shows: the child, the territory, the lead, the next pending deadline."""
    cases = cases.select_related("child", "territory", "lead_social_worker")
    pending = Deadline.objects.pending().order_by("due_at")
    if not has_capability(user, Cap.VIEW_CONFIDENTIAL):  # a court deadline reveals a proceeding
        from tutela.court.selectors import COURT_DEADLINE_KINDS

        pending = pending.exclude(kind__in=COURT_DEADLINE_KINDS)
    return cases.prefetch_related(Prefetch("deadlines", queryset=pending, to_attr="pending_deadlines"))


@dataclass(frozen=True)
class CasePage:
    """One page of the case list, by keyset: the rows after a cursor, never an OFFSET through the archive."""

    rows: list[Case]
    next_cursor: str  # "" on the last page
    first: bool
    total: int | None  # exact up to COUNT_LIMIT, None beyond


def _cursor(case: Case) -> str:
    return f"{case.opened_at.isoformat()}~{case.pk}"


def _after(cases: QuerySet[Case], cursor: str) -> QuerySet[Case] | None:
    """The cases after the cursor in the list's order; None for a cursor that does not read (first page)."""
    at, _sep, pk = cursor.partition("~")
    try:
        opened_at, last_pk = dt.datetime.fromisoformat(at), int(pk)
    except ValueError:
        return None
    if opened_at.tzinfo is None:
        return None
    return cases.filter(Q(opened_at__lt=opened_at) | Q(opened_at=opened_at, pk__lt=last_pk))


def case_list_page(user: Any, *, query: str = "", state: str = "", after: str = "") -> CasePage:
    """A page of `case_list` after the cursor, its next cursor, and how many cases match (up to COUNT_LIMIT)."""
    cases = case_list(user, query=query, state=state)
    total = cases.order_by()[: COUNT_LIMIT + 1].count()
    following = _after(cases, after) if after else None
    rows = list((following if following is not None else cases)[: PAGE_SIZE + 1])
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    return CasePage(
        rows=rows,
        next_cursor=_cursor(rows[-1]) if more else "",
        first=following is None,
        total=total if total <= COUNT_LIMIT else None,
    )


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
