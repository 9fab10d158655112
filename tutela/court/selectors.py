"""Reads of court data. Court data is a confidential section (DESIGN.md section 5): whoever may not see it gets
nothing, not even a count, and its pages answer 404."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from tutela.accounts.access import can_view_confidential, cases_visible_to, get_case_for_user, grants_of
from tutela.accounts.roles import Cap, Scope
from tutela.cases.models import Case
from tutela.court.models import (
    Art403Notice,
    Art403Step,
    CourtDuty,
    CourtMandate,
    CourtOrder,
    CourtProceeding,
    CourtReport,
    EmergencyPlacement,
    ReportState,
    StepKind,
)
from tutela.court.services.common import court_write_refusal
from tutela.court.services.emergency import NEXT_STEP, OUTCOMES, STEP_SEQUENCE, TERM_DAYS, TERM_HOURS
from tutela.deadlines.models import Deadline

# The deadline kinds that reveal a court proceeding: shown only to who may read confidential sections.
COURT_DEADLINE_KINDS = Deadline.COURT_KINDS
# Case events of the court app (their codes start with it): the same.
COURT_EVENT_PREFIX = "court."


def get_court_case_for_user(user: Any, pk: int, *, write: bool = False) -> Case:
    """The case when the user may read its court section (and hold court.write on it, for writes); else 404."""
    case = get_case_for_user(user, pk, capability=Cap.COURT_WRITE if write else None)
    if not can_view_confidential(user, case):
        raise Http404
    return case


def _object_case(user: Any, case_id: int, write: bool) -> Case:
    return get_court_case_for_user(user, case_id, write=write)


def get_proceeding_for_user(user: Any, pk: int, *, write: bool = False) -> CourtProceeding:
    proceeding = CourtProceeding.objects.select_related("authority").filter(pk=pk).first()
    if proceeding is None:
        raise Http404
    proceeding.case = _object_case(user, proceeding.case_id, write)
    return proceeding


def get_order_for_user(user: Any, pk: int, *, write: bool = False) -> CourtOrder:
    order = (
        CourtOrder.objects.select_related("proceeding__authority", "sinba_type", "ended_by", "registered_by")
        .filter(pk=pk)
        .first()
    )
    if order is None:
        raise Http404
    order.case = _object_case(user, order.case_id, write)
    order.proceeding.case = order.case
    return order


def get_report_for_user(user: Any, pk: int, *, write: bool = False) -> CourtReport:
    report = (
        CourtReport.objects.select_related(
            "order__proceeding__authority__organisation",
            "mandate",
            "duty",
            "author",
            "filed_by",
            "protocol_entry__register",
        )
        .filter(pk=pk)
        .first()
    )
    if report is None:
        raise Http404
    report.case = _object_case(user, report.case_id, write)
    report.order.case = report.case
    return report


def get_placement_for_user(user: Any, pk: int, *, write: bool = False) -> EmergencyPlacement:
    placement = (
        EmergencyPlacement.objects.select_related("prosecutor__organisation", "court", "created_by")
        .filter(pk=pk)
        .first()
    )
    if placement is None:
        raise Http404
    placement.case = _object_case(user, placement.case_id, write)
    return placement


def get_step_for_user(user: Any, pk: int, *, write: bool = False) -> Art403Step:
    step = Art403Step.objects.select_related("placement__prosecutor").filter(pk=pk).first()
    if step is None:
        raise Http404
    step.placement.case = _object_case(user, step.placement.case_id, write)
    return step


# --- the court section of a case -----------------------------------------------------------------------------


def hide_court_data(page: dict[str, Any]) -> None:
    """The case page of who may not read court data: without the court deadlines and timeline events."""
    page["deadlines"] = page["deadlines"].exclude(kind__in=COURT_DEADLINE_KINDS)
    page["events"] = page["events"].exclude(code__startswith=COURT_EVENT_PREFIX)


def proceedings_of(case: Case) -> QuerySet[CourtProceeding]:
    orders = CourtOrder.objects.select_related("ended_by").prefetch_related(
        "measures__persons", "duties", "mandates"
    )
    return (
        CourtProceeding.objects.filter(case=case)
        .select_related("authority")
        .prefetch_related(Prefetch("orders", queryset=orders))
    )


def court_section(case: Case, user: Any) -> dict[str, Any] | None:
    """The "Autorità giudiziaria" section of the case page, or None for who may not see it (nothing at all)."""
    if not can_view_confidential(user, case):
        return None
    return {
        "proceedings": proceedings_of(case),
        "reports": CourtReport.objects.filter(case=case).select_related(
            "order__proceeding", "protocol_entry"
        ),
        "placements": EmergencyPlacement.objects.filter(case=case).order_by("-placed_at"),
        "deadlines": Deadline.objects.pending()
        .filter(case=case, kind__in=COURT_DEADLINE_KINDS)
        .order_by("due_at"),
        "can_write": court_write_refusal(user, case) is None,
        "now": timezone.now(),
    }


def order_deadlines(order: CourtOrder) -> QuerySet[Deadline]:
    """Every deadline the order caused, directly (periodic reports) or through its duties and mandates."""
    condition = Q()
    for model, ids in (
        (CourtOrder, [order.pk]),
        (CourtDuty, list(order.duties.values_list("pk", flat=True))),
        (CourtMandate, list(order.mandates.values_list("pk", flat=True))),
    ):
        if ids:
            condition |= Q(source_type=ContentType.objects.get_for_model(model), source_id__in=ids)
    return Deadline.objects.filter(condition).select_related("owner", "done_by").order_by("due_at")


# --- the art. 403 clock --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StepRow:
    kind: str
    label: str
    term: str
    step: Art403Step | None
    status: str  # done, done_late, late, due, waiting, cancelled

    @property
    def outcomes(self) -> tuple[str, ...]:
        return OUTCOMES[self.kind]


def _term_label(kind: str) -> str:
    if kind == StepKind.ORAL_NOTICE:
        return _("subito (entro un'ora dal collocamento)")
    if kind == StepKind.ACTS_TO_PM:
        return _("entro 24 ore dal collocamento")
    previous = next(k for k, v in NEXT_STEP.items() if v == kind)
    if kind in TERM_HOURS:
        return _("entro %(hours)d ore da «%(step)s»") % {
            "hours": TERM_HOURS[kind],
            "step": StepKind(previous).label,
        }
    return _("entro %(days)d giorni da «%(step)s»") % {
        "days": TERM_DAYS[kind],
        "step": StepKind(previous).label,
    }


def art403_rows(placement: EmergencyPlacement, now: dt.datetime) -> list[StepRow]:
    """Every step of the clock, recorded or not yet started, with its state now."""
    steps = {s.kind: s for s in placement.steps.select_related("recorded_by", "protocol_entry", "escalation")}
    rows = []
    for kind in STEP_SEQUENCE:
        step = steps.get(kind)
        if step is None:
            status = "cancelled" if placement.ended_at else "waiting"
        elif step.cancelled_at is not None:
            status = "cancelled"
        elif step.done_at is not None:
            status = "done_late" if step.done_at > step.due_at else "done"
        else:
            status = "late" if step.due_at < now else "due"
        rows.append(StepRow(kind, str(StepKind(kind).label), _term_label(kind), step, status))
    return rows


# --- the coordinator's views ---------------------------------------------------------------------------------


def coordinated_territories(user: Any) -> set[int]:
    """The territories where a role of the user holds court.write and confidential reading over every case."""
    return {
        g.territory_id
        for g in grants_of(user)
        if Cap.COURT_WRITE in g.capabilities
        and Cap.VIEW_CONFIDENTIAL in g.capabilities
        and g.scope == Scope.TERRITORY
        and g.territory_id
    }


def court_deadlines_visible(user: Any) -> bool:
    return bool(coordinated_territories(user))


def territory_court_deadlines(user: Any) -> QuerySet[Deadline]:
    """Pending court deadlines of the coordinator's territories, soonest first."""
    territories = coordinated_territories(user)
    cases = cases_visible_to(user).filter(territory_id__in=territories)
    return (
        Deadline.objects.pending()
        .filter(case__in=cases, kind__in=COURT_DEADLINE_KINDS)
        .select_related("case__child", "case__lead_social_worker", "owner")
        .order_by("due_at")
    )


def unseen_notices(user: Any) -> QuerySet[Art403Notice]:
    """The user's art. 403 notices not yet seen, on cases they may still read with confidential sections."""
    territories = coordinated_territories(user)
    return (
        Art403Notice.objects.filter(
            recipient=user,
            seen_at__isnull=True,
            escalation__step__placement__case__territory_id__in=territories,
        )
        .select_related("escalation__step__placement__case__child")
        .order_by("-escalation__escalated_at")
    )


def escalated_cases(user: Any) -> QuerySet[Case]:
    """Cases with a late art. 403 step notified to the user and not yet seen (their worklist section)."""
    placements = EmergencyPlacement.objects.filter(
        steps__escalation__notices__recipient=user, steps__escalation__notices__seen_at__isnull=True
    )
    territories = coordinated_territories(user)
    # A semi-join from the user's few unseen notices: no join of every case to its placements, no DISTINCT.
    return cases_visible_to(user).filter(territory_id__in=territories, pk__in=placements.values("case_id"))


def report_is_draft(report: CourtReport) -> bool:
    return report.state == ReportState.DRAFT
