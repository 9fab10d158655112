"""Who reaches meetings, visits and autonomy paths; built on the single door of tutela.accounts.access.

A case meeting or a supervised visit is read by whoever may read its case (get_case_for_user: 404 otherwise).
Other meetings are read by their organiser and participants, and by whoever oversees the territory's meetings
(coordinator, managing body, manager); the network's monitoring meetings also by those who follow the network.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from tutela.accounts.access import (
    can_view_confidential,
    cases_visible_to,
    get_case_for_user,
    grants_of,
    has_capability,
    has_capability_on_case,
    territories_with,
)
from tutela.accounts.roles import Cap
from tutela.cases.models import Case
from tutela.meetings.models import (
    AutonomyPath,
    Meeting,
    MeetingKind,
    MeetingParticipant,
    SupervisedVisit,
)


def meetings_visible_to(user: Any) -> QuerySet[Meeting]:
    """Every meeting the user may read: case meetings of the cases in scope, the others by participation or
    oversight."""
    invited = MeetingParticipant.objects.filter(meeting=OuterRef("pk"), user=user)
    other = Q(organiser=user) | Q(Exists(invited))
    overseen = territories_with(user, Cap.MEETING_OVERSEE)
    if overseen:
        other |= Q(territory_id__in=overseen)
    network = territories_with(user, Cap.NETWORK_VIEW)
    if network:
        other |= Q(kind=MeetingKind.NETWORK, territory_id__in=network)
    in_scope = Q(case__isnull=False, case__in=cases_visible_to(user).values("pk"))
    return Meeting.objects.filter(in_scope | (Q(case__isnull=True) & other))


def get_meeting_for_user(user: Any, pk: int) -> Meeting:
    """The meeting if the user may read it; 404 otherwise (a case meeting through its case)."""
    meeting = (
        Meeting.objects.select_related("territory", "organiser", "room", "network", "series")
        .filter(pk=pk)
        .first()
    )
    if meeting is None:
        raise Http404
    if meeting.case_id is not None:
        meeting.case = get_case_for_user(user, meeting.case_id)
        return meeting
    if not meetings_visible_to(user).filter(pk=pk).exists():
        raise Http404
    return meeting


def may_manage_meeting(user: Any, meeting: Meeting) -> bool:
    """Plan-side acts on a meeting (record, cancel, decisions): its organiser, whoever manages meetings on the
    case, or whoever oversees the territory's meetings; always with meeting.manage in the territory."""
    if not has_capability(user, Cap.MEETING_MANAGE, meeting.territory_id):
        return False
    if meeting.organiser_id == user.pk:
        return True
    if meeting.case is not None:
        return has_capability_on_case(user, Cap.MEETING_MANAGE, meeting.case)
    return has_capability(user, Cap.MEETING_OVERSEE, meeting.territory_id)


def get_visit_for_user(user: Any, pk: int) -> SupervisedVisit:
    """The supervised visit if the user may read its case; 404 otherwise."""
    visit = (
        SupervisedVisit.objects.select_related("room", "supervisor", "arrangement", "booked_by")
        .filter(pk=pk)
        .first()
    )
    if visit is None:
        raise Http404
    visit.case = get_case_for_user(user, visit.case_id)
    return visit


def may_manage_visits(user: Any, case: Case) -> bool:
    return has_capability_on_case(user, Cap.VISIT_MANAGE, case)


def may_act_on_visit(user: Any, visit: SupervisedVisit) -> bool:
    """The operator who supervises it, or whoever manages the case's visits."""
    if visit.supervisor_id == user.pk and has_capability(user, Cap.VISIT_MANAGE, visit.case.territory_id):
        return True
    return may_manage_visits(user, visit.case)


def may_read_observations(user: Any, visit: SupervisedVisit) -> bool:
    """The operator's observations are confidential: view_confidential on the case, or the operator."""
    return visit.supervisor_id == user.pk or can_view_confidential(user, visit.case)


def may_edit_case_team(user: Any, case: Case) -> bool:
    """Micro-équipes change the case team: the lead social worker or the coordinator (like cases.members)."""
    if not case.is_open:
        return False
    lead = case.lead_social_worker_id == user.pk and has_capability(user, Cap.CASE_ASSESS, case.territory_id)
    return lead or has_capability(user, Cap.CASE_ASSIGN_INDIRECT, case.territory_id)


def paths_visible_to(user: Any) -> QuerySet[AutonomyPath]:
    """Autonomy paths are sensitive: the territory's coordinator and managing body see all of them, a social
    worker only the paths in their charge."""
    everything = territories_with(user, Cap.NETWORK_MANAGE)
    following = territories_with(user, Cap.NETWORK_VIEW)
    condition = Q(pk__in=[])
    if everything:
        condition |= Q(network__territory_id__in=everything)
    if following:
        condition |= Q(social_worker=user, network__territory_id__in=following)
    return AutonomyPath.objects.filter(condition)


def operates_in(user: Any, territory_id: int) -> bool:
    """True when one of the user's active roles is in the territory."""
    return any(g.territory_id == territory_id for g in grants_of(user))


def reaches_case(user: Any, case: Case) -> bool:
    return cases_visible_to(user).filter(pk=case.pk).exists()
