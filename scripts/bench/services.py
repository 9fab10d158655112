"""The service proposal of a case in care and, once authorised, its administrative review and intervention.

Proposals are for services that need no placement, facility or foster family rows (population.py); 60% of the
cases taken in charge get an authorised one, and a few open cases have one still on its way (drafted, submitted
to the coordinator, approved, under review) for the worklists.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from scripts.bench.people import _next
from scripts.bench.timeline import CLOSED, CLOSING, Plan

DAY = dt.timedelta(days=1)
ORDER = ["DRAFT", "SUBMITTED", "APPROVED", "UNDER_REVIEW", "AUTHORISED"]
STEP_DAYS = {"SUBMITTED": 1, "APPROVED": 3, "UNDER_REVIEW": 5, "AUTHORISED": 15}
AUDIT_ACTIONS = {
    "SUBMITTED": "services.proposal.submitted",
    "APPROVED": "services.proposal.approved",
    "UNDER_REVIEW": "services.proposal.review_started",
    "AUTHORISED": "services.proposal.authorised",
}
HOURS = Decimal("6.0")
BUDGET = Decimal("7800.00")

PROPOSAL_COLUMNS = (
    "id", "case_id", "social_report_id", "service_type_id", "state", "motivation", "hours_per_week",
    "duration_months", "proposed_start", "provider_id", "author_id", "created_at", "submitted_at",
    "evaluated_by_id", "evaluated_at", "outcome_acknowledged_at", "outcome_acknowledged_by_id",
)  # fmt: skip
REVIEW_COLUMNS = (
    "id", "proposal_id", "started_by_id", "started_at", "act_number", "act_date", "cost_estimate",
    "paying_municipality_id", "check_report", "check_residence", "check_budget", "check_provider",
    "check_family_share", "commitment_number", "decided_by_id", "decided_at",
)  # fmt: skip
INTERVENTION_COLUMNS = (
    "id", "case_id", "proposal_id", "service_type_id", "state", "paying_municipality_id", "planned_start",
    "hours_per_week", "budget", "provider_id", "planned_end", "started_on", "ended_on", "end_reason", "created_at",
)  # fmt: skip


def proposal_add(
    gen: Any, *, case_id: int, plan: Plan, lead: int, comune: int, report_id: int, state: str
) -> None:
    """A proposal brought to `state` through the steps before it, each audited as the services do."""
    rng, world, now = gen.rng, gen.world, gen.now
    start = plan.in_care
    assert start is not None
    limit = min(plan.closing or now, now) - dt.timedelta(minutes=1)
    at = {step: min(start + DAY * days, limit) for step, days in STEP_DAYS.items()}
    service_id, delivery = rng.choices(world.services, weights=world.service_weights)[0]
    educational = delivery == "educational"
    proposal_id = _next(gen.ids, "proposal")
    reached = ORDER[: ORDER.index(state) + 1]
    authorised = state == "AUTHORISED"
    acknowledged = at["AUTHORISED"] + DAY if authorised else None
    gen.tables.proposals.rows.append((
        proposal_id, case_id, report_id, service_id, state, rng.choice(world.tokens["motivation"]),
        HOURS if educational else None, 12, (start + 20 * DAY).date(), gen.provider if educational else None,
        lead, start, at["SUBMITTED"] if "SUBMITTED" in reached else None,
        gen.coordinator if "APPROVED" in reached else None, at["APPROVED"] if "APPROVED" in reached else None,
        min(acknowledged, limit) if acknowledged else None, lead if authorised else None,
    ))  # fmt: skip
    audit = gen.audit.append
    audit((start, lead, "services.proposal.created", "services.serviceproposal", str(proposal_id), case_id))
    for step in reached[1:]:
        actor = {"SUBMITTED": lead, "APPROVED": gen.coordinator}.get(step, gen.admin_officer)
        audit((at[step], actor, AUDIT_ACTIONS[step], "services.serviceproposal", str(proposal_id), case_id))
    if "UNDER_REVIEW" in reached:
        _review(gen, proposal_id, at, comune, decided=authorised)
    if authorised:
        _intervention(gen, case_id, proposal_id, service_id, plan, at["AUTHORISED"], comune, educational)


def _review(gen: Any, proposal_id: int, at: dict[str, dt.datetime], comune: int, *, decided: bool) -> None:
    started = at["UNDER_REVIEW"]
    review_id = _next(gen.ids, "review")
    year = started.year
    decision = (gen.admin_officer, at["AUTHORISED"]) if decided else (None, None)
    gen.tables.reviews.rows.append((
        review_id, proposal_id, gen.admin_officer, started, f"{gen.rng.randint(100, 2500)}/{year}" if decided else "",
        started.date() if decided else None, BUDGET if decided else None, comune, decided, decided, decided,
        decided, decided, f"IMP-{year}-{proposal_id:06d}" if decided else "", *decision,
    ))  # fmt: skip


def _intervention(
    gen: Any, case_id: int, proposal_id: int, service_id: int, plan: Plan, authorised: dt.datetime, comune: int,
    educational: bool,
) -> None:  # fmt: skip
    rng = gen.rng
    planned_start = (authorised + 5 * DAY).date()
    if plan.state in (CLOSED, CLOSING):
        state = "ENDED" if plan.state == CLOSED else "ACTIVE"
    else:
        state = rng.choices(["ACTIVE", "SUSPENDED", "PLANNED"], weights=[85, 5, 10])[0]
    started = planned_start if state != "PLANNED" and planned_start <= gen.now.date() else None
    if started is None and state != "PLANNED":
        state = "PLANNED"
    ended = plan.closing.date() if state == "ENDED" and plan.closing else None
    if ended is not None and started is not None:
        ended = max(ended, started)
    reason = rng.choice(gen.world.tokens["end_reason"]) if ended else ""
    intervention_id = _next(gen.ids, "intervention")
    gen.tables.interventions.rows.append((
        intervention_id, case_id, proposal_id, service_id, state, comune, planned_start,
        HOURS if educational else None, BUDGET, gen.provider if educational else None,
        planned_start + 365 * DAY, started, ended, reason, authorised,
    ))  # fmt: skip
    created = (authorised, gen.admin_officer, "services.intervention.created", "services.intervention")
    gen.audit.append((*created, str(intervention_id), case_id))
