"""Reads of the meetings app: the case page section, the indicators' counts, lists and agendas."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, cast

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from tutela.accounts.access import can_view_confidential, cases_visible_to, has_capability_on_case
from tutela.accounts.models import Territory
from tutela.accounts.roles import Cap
from tutela.cases.models import Case
from tutela.meetings.access import (
    may_edit_case_team,
    may_manage_visits,
    meetings_visible_to,
    paths_visible_to,
)
from tutela.meetings.models import (
    ComplexCase,
    Meeting,
    MeetingKind,
    MicroTeam,
    Network,
    Room,
    SupervisedVisit,
    VisitArrangement,
    VisitAttendee,
    VisitState,
)

Period = tuple[dt.date, dt.date]  # first and last day, both included


def _territory_id(territory: Territory | int) -> int:
    return territory if isinstance(territory, int) else territory.pk


def _moments(period: Period) -> tuple[dt.datetime, dt.datetime]:
    """The period as [first day 00:00, day after the last 00:00) in local time."""
    start, end = period
    return (
        timezone.make_aware(dt.datetime.combine(start, dt.time.min)),
        timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min)),
    )


def micro_team_share(territory: Territory | int, period: Period) -> tuple[int, int]:
    """(cases with a micro-équipe constituted in the period, complex cases and court investigations of the
    period): seed 002's "costituzioni di micro-équipe / casi-indagini" (expected 120/200). A case counts once."""
    territory_id = _territory_id(territory)
    start, end = period
    with_team = set(
        MicroTeam.objects.filter(
            case__territory_id=territory_id, constituted_on__gte=start, constituted_on__lte=end
        ).values_list("case_id", flat=True)
    )
    recognised = set(
        ComplexCase.objects.filter(
            case__territory_id=territory_id, recognised_on__gte=start, recognised_on__lte=end
        ).values_list("case_id", flat=True)
    )
    return len(with_team), len(with_team | recognised)


def meetings_planned_vs_held(territory: Territory | int, kind: str | None, period: Period) -> tuple[int, int]:
    """(meetings planned in the period, of them held) for a kind (None: every kind). A cancelled meeting was
    planned and not held (seed 002's "riunioni effettuate/previste", expected 6/6)."""
    start, end = _moments(period)
    meetings = Meeting.objects.filter(
        territory_id=_territory_id(territory), starts_at__gte=start, starts_at__lt=end
    )
    if kind:
        meetings = meetings.filter(kind=kind)
    counts = meetings.aggregate(planned=Count("pk"), held=Count("pk", filter=Q(held_on__isnull=False)))
    return counts["planned"], counts["held"]


@dataclass(frozen=True)
class KindCount:
    kind: str
    label: str
    planned: int
    held: int
    cancelled: int

    @property
    def pending(self) -> int:
        return self.planned - self.held - self.cancelled


def meetings_summary(territory: Territory | int, period: Period) -> list[KindCount]:
    """Planned, held and cancelled meetings per kind in the period (one query)."""
    start, end = _moments(period)
    rows = (
        Meeting.objects.filter(territory_id=_territory_id(territory), starts_at__gte=start, starts_at__lt=end)
        .values("kind")
        .annotate(
            planned=Count("pk"),
            held=Count("pk", filter=Q(held_on__isnull=False)),
            cancelled=Count("pk", filter=Q(cancelled_at__isnull=False)),
        )
    )
    by_kind = {row["kind"]: row for row in rows}
    counts = []
    for kind, label in MeetingKind.choices:
        row = by_kind.get(kind)
        counts.append(
            KindCount(
                kind,
                str(label),
                row["planned"] if row else 0,
                row["held"] if row else 0,
                row["cancelled"] if row else 0,
            )
        )
    return counts


def meeting_list(user: Any, *, when: str = "upcoming", kind: str = "") -> QuerySet[Meeting]:
    """The meetings the user may read: upcoming (from today) or past, optionally of one kind."""
    today = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time.min))
    meetings = meetings_visible_to(user).select_related("case__child", "organiser", "room", "territory")
    if kind:
        meetings = meetings.filter(kind=kind)
    if when == "past":
        return meetings.filter(starts_at__lt=today).order_by("-starts_at", "-id")
    return meetings.filter(starts_at__gte=today).order_by("starts_at", "id")


def meeting_detail(meeting: Meeting) -> dict[str, Any]:
    """Participants and decisions of the meeting, with the case and owner of each decision."""
    return {
        "participants": meeting.participants.select_related("user", "organisation"),
        "decisions": meeting.decisions.select_related("case", "owner", "done_by"),
    }


def micro_team_list(territory_ids: set[int], user: Any, period: Period) -> QuerySet[MicroTeam]:
    """The micro-équipes constituted in the period in the user's cases of those territories."""
    start, end = period
    return (
        MicroTeam.objects.filter(
            case__territory_id__in=territory_ids,
            case__in=cases_visible_to(user).values("pk"),
            constituted_on__gte=start,
            constituted_on__lte=end,
        )
        .select_related("case__child")
        .prefetch_related("members__user", "members__organisation")
        .order_by("-constituted_on", "-id")
    )


def visits_of_case(case: Case) -> QuerySet[SupervisedVisit]:
    return (
        SupervisedVisit.objects.filter(case=case)
        .select_related("room", "supervisor")
        .prefetch_related(Prefetch("attendees", queryset=VisitAttendee.objects.select_related("person")))
        .order_by("-starts_at", "-id")
    )


def arrangements_of_case(case: Case) -> QuerySet[VisitArrangement]:
    return (
        VisitArrangement.objects.filter(case=case)
        .select_related("court_order")
        .prefetch_related("persons")
        .order_by("-starts_on", "-id")
    )


def case_section(case: Case, user: Any) -> dict[str, Any]:
    """What the case page shows of micro-équipe, meetings and supervised visits, and what the user may do."""
    teams = list(
        MicroTeam.objects.filter(case=case)
        .prefetch_related("members__user", "members__organisation")
        .order_by("-constituted_on", "-id")
    )
    active = next((t for t in teams if t.is_active), None)
    today = timezone.localdate()
    arrangements = list(arrangements_of_case(case))
    visits = list(visits_of_case(case)[:10])
    confidential = can_view_confidential(user, case)
    for visit in visits:
        visit.case = case
        cast(Any, visit).observations_visible = (
            confidential or visit.supervisor_id == user.pk
        )  # may_read_observations
    return {
        "micro_team": active,
        "past_micro_teams": [t for t in teams if not t.is_active],
        "complexity": list(ComplexCase.objects.filter(case=case).order_by("-recognised_on")[:5]),
        "meetings": list(
            case.meetings.select_related("organiser", "room").order_by("-starts_at", "-id")[:10]
        ),
        "arrangement": next((a for a in arrangements if a.covers(today)), None),
        "visits": visits,
        "can_edit_team": may_edit_case_team(user, case),
        "can_plan_meeting": case.is_open and has_capability_on_case(user, Cap.MEETING_MANAGE, case),
        "can_manage_visits": case.is_open and may_manage_visits(user, case),
    }


@dataclass
class AgendaDay:
    day: dt.date
    entries: list[dict[str, Any]]


def room_week(room: Room, monday: dt.date, user: Any) -> list[AgendaDay]:
    """The room's bookings day by day for the week; a visit names its case only to those who may read it."""
    start, end = _moments((monday, monday + dt.timedelta(days=6)))
    visits = list(
        SupervisedVisit.objects.filter(room=room, starts_at__lt=end, ends_at__gt=start)
        .select_related("case__child", "supervisor")
        .order_by("starts_at")
    )
    meetings = list(
        Meeting.objects.filter(
            room=room, starts_at__lt=end, ends_at__gt=start, cancelled_at__isnull=True
        ).order_by("starts_at")
    )
    readable = set(
        cases_visible_to(user).filter(pk__in={v.case_id for v in visits}).values_list("pk", flat=True)
    )
    readable_meetings = set(
        meetings_visible_to(user).filter(pk__in={m.pk for m in meetings}).values_list("pk", flat=True)
    )
    entries: list[dict[str, Any]] = [
        {
            "kind": "visit",
            "starts_at": v.starts_at,
            "ends_at": v.ends_at,
            "visit": v if v.case_id in readable else None,
            "cancelled": v.state == VisitState.CANCELLED,
        }
        for v in visits
    ]
    entries += [
        {
            "kind": "meeting",
            "starts_at": m.starts_at,
            "ends_at": m.ends_at,
            "meeting": m if m.pk in readable_meetings else None,
            "cancelled": False,
        }
        for m in meetings
    ]
    days = [AgendaDay(monday + dt.timedelta(days=n), []) for n in range(7)]
    for entry in sorted(entries, key=lambda e: e["starts_at"]):
        index = (timezone.localtime(entry["starts_at"]).date() - monday).days
        if 0 <= index < 7:
            days[index].entries.append(entry)
    return days


def shown_visit_ids(days: list[AgendaDay]) -> list[int]:
    return [e["visit"].pk for d in days for e in d.entries if e.get("visit") is not None]


def network_overview(network: Network, user: Any, year: int) -> dict[str, Any]:
    """The network page: partners, agreements, the monitoring meetings of the year and the paths the user
    may see."""
    period = (dt.date(year, 1, 1), dt.date(year, 12, 31))
    planned, held = meetings_planned_vs_held(network.territory_id, MeetingKind.NETWORK, period)
    start, end = _moments(period)
    return {
        "partners": network.partners.select_related("organisation"),
        "agreements": network.agreements.all(),
        "monitoring": Meeting.objects.filter(
            territory_id=network.territory_id,
            kind=MeetingKind.NETWORK,
            starts_at__gte=start,
            starts_at__lt=end,
        ).order_by("starts_at"),
        "monitoring_planned": planned,
        "monitoring_held": held,
        "paths": paths_visible_to(user)
        .filter(network=network)
        .select_related("woman", "referring_organisation", "social_worker")
        .prefetch_related("children")
        .order_by("ended_on", "-started_on"),
    }
