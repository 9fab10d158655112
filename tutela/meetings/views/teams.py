"""Micro-équipes: the case's page and its acts, and the territory's list with the indicator (seed 002)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tutela.accounts.access import get_case_for_user
from tutela.accounts.roles import Cap
from tutela.audit.services import audit_record
from tutela.cases.models import Case
from tutela.core.actions import form_submitted
from tutela.core.forms import StyledForm
from tutela.meetings import forms as meeting_forms
from tutela.meetings.access import may_edit_case_team
from tutela.meetings.models import ComplexCase, MicroTeam
from tutela.meetings.selectors import micro_team_list, micro_team_share
from tutela.meetings.services import teams as team_services
from tutela.meetings.views.common import form_page, territory_for, year_of
from tutela.workflow import TransitionError


def _teams(case: Case) -> list[MicroTeam]:
    return list(
        MicroTeam.objects.filter(case=case)
        .select_related("constituted_by")
        .prefetch_related("members__user", "members__organisation")
        .order_by("-constituted_on", "-id")
    )


def micro_team_page(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk)
    audit_record(
        actor=request.user, action="cases.case.viewed", obj=case, case_id=case.pk, data={"page": "micro_team"}
    )
    teams = _teams(case)
    active = next((t for t in teams if t.is_active), None)
    return render(
        request,
        "meetings/micro_team_page.html",
        {
            "case": case,
            "active": active,
            "past": [t for t in teams if not t.is_active],
            "complexity": ComplexCase.objects.filter(case=case).select_related("recognised_by"),
            "actions": [
                (slug, spec)
                for slug, spec in TEAM_ACTIONS.items()
                if spec.available(case, active, request.user)
            ],
        },
    )


@dataclass(frozen=True)
class TeamAction:
    title: str
    available: Callable[[Case, MicroTeam | None, Any], bool]
    form: Callable[[Case, Any], StyledForm]
    run: Callable[[Case, MicroTeam | None, Any, Any], Any]
    success: str
    style: str = "primary"


def _active(team: MicroTeam | None) -> MicroTeam:
    if team is None:
        raise TransitionError(_("La pratica non ha una micro-équipe attiva."))
    return team


def _when(active: bool) -> Callable[[Case, MicroTeam | None, Any], bool]:
    return lambda case, team, user: (team is not None) == active and may_edit_case_team(user, case)


TEAM_ACTIONS: dict[str, TeamAction] = {
    "costituisci": TeamAction(
        _("Costituisci la micro-équipe"),
        _when(False),
        lambda case, data: meeting_forms.MicroTeamForm(data, case=case),
        lambda case, team, user, f: team_services.micro_team_constitute(
            case=case,
            actor=user,
            reason=f.cleaned_data["reason"],
            constituted_on=f.cleaned_data["constituted_on"],
            purpose=f.cleaned_data.get("purpose", ""),
            members=f.members(),
        ),
        _("Micro-équipe costituita: i professionisti di Tutela raggiungono ora la pratica."),
    ),
    "aggiungi": TeamAction(
        _("Aggiungi un componente alla micro-équipe"),
        _when(True),
        lambda case, data: meeting_forms.MemberAddForm(data, case=case),
        lambda case, team, user, f: team_services.micro_team_member_add(
            team=_active(team), actor=user, member=f.member()
        ),
        _("Componente aggiunto alla micro-équipe."),
        "outline-primary",
    ),
    "sciogli": TeamAction(
        _("Sciogli la micro-équipe"),
        _when(True),
        lambda case, data: meeting_forms.DateOnlyForm(data, label=_("Sciolta il")),
        lambda case, team, user, f: team_services.micro_team_dissolve(
            team=_active(team), actor=user, dissolved_on=f.cleaned_data["day"]
        ),
        _("Micro-équipe sciolta."),
        "outline-danger",
    ),
    "caso-complesso": TeamAction(
        _("Registra il caso come complesso o in indagine"),
        lambda case, team, user: may_edit_case_team(user, case),
        lambda case, data: meeting_forms.ComplexCaseForm(data),
        lambda case, team, user, f: team_services.complex_case_record(
            case=case,
            actor=user,
            reason=f.cleaned_data["reason"],
            recognised_on=f.cleaned_data["recognised_on"],
        ),
        _("Registrato."),
        "outline-secondary",
    ),
}


@require_http_methods(["GET", "POST"])
def micro_team_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    spec = TEAM_ACTIONS.get(action)
    if spec is None:
        raise Http404
    case = get_case_for_user(request.user, pk)
    team = MicroTeam.objects.filter(case=case, dissolved_on__isnull=True).first()
    if team is not None:
        team.case = case
    if not spec.available(case, team, request.user):
        messages.error(
            request, _("Questa azione non è disponibile per te su questa pratica in questo momento.")
        )
        return redirect("cases:detail", pk=case.pk)
    audit_record(
        actor=request.user,
        action="cases.case.viewed",
        obj=case,
        case_id=case.pk,
        data={"page": f"micro_team.{action}"},
    )
    form = spec.form(case, request.POST if request.method == "POST" else None)
    done = form_submitted(
        request, form, lambda: spec.run(case, team, request.user, form), success=spec.success
    )
    if done is not None:
        return redirect("meetings:micro_team", pk=case.pk)
    return form_page(
        request,
        form=form,
        title=spec.title,
        back_url=reverse("meetings:micro_team", kwargs={"pk": case.pk}),
        case=case,
    )


def micro_team_list_view(request: HttpRequest) -> HttpResponse:
    """The micro-équipes constituted in the year and the share of complex cases and investigations they cover."""
    territory = territory_for(request, Cap.MEETING_OVERSEE)
    year = year_of(request, timezone.localdate())
    period = (dt.date(year, 1, 1), dt.date(year, 12, 31))
    teams = list(micro_team_list({territory.pk}, request.user, period))
    audit_record(
        actor=request.user,
        action="meetings.micro_team.listed",
        data={"year": year, "shown": [t.pk for t in teams]},
    )
    with_team, complex_cases = micro_team_share(territory, period)
    return render(
        request,
        "meetings/micro_team_list.html",
        {
            "teams": teams,
            "year": year,
            "years": range(timezone.localdate().year - 3, timezone.localdate().year + 1),
            "with_team": with_team,
            "complex_cases": complex_cases,
            "territory": territory,
        },
    )
