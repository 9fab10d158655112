"""Micro-équipes (seed 002): constitution, case-team membership, dissolution, and the 120/200 indicator."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone

from tutela.accounts.access import cases_visible_to
from tutela.audit.models import AuditEvent
from tutela.cases.models import CaseEvent, CaseMember
from tutela.core.demo.territory import DemoTerritory
from tutela.meetings.models import ComplexCase, MicroTeam
from tutela.meetings.selectors import micro_team_share
from tutela.meetings.services.teams import (
    MemberData,
    complex_case_record,
    micro_team_constitute,
    micro_team_dissolve,
    micro_team_member_add,
)
from tutela.testing import factories
from tutela.testing.asserts import assert_refused
from tutela.workflow import TransitionError

TODAY = timezone.localdate()


def _members(demo: DemoTerritory) -> list[MemberData]:
    u, o = demo.users, demo.organisations
    return [
        MemberData(profession="Psicologa", user=u["psicologa"]),
        MemberData(profession="Educatore professionale", user=u["educatore"]),
        MemberData(
            profession="Neuropsichiatra infantile", full_name="Dott.ssa Elisa Neri", organisation=o["ausl"]
        ),
    ]


def _teams() -> list[tuple[int, object]]:
    return list(MicroTeam.objects.values_list("pk", "dissolved_on"))


def test_constituting_adds_the_tutela_members_to_the_case_team(demo: DemoTerritory) -> None:
    u = demo.users
    case = factories.in_care_case(demo)
    assert not cases_visible_to(u["psicologa"]).filter(pk=case.pk).exists()

    team = micro_team_constitute(
        case=case,
        actor=u["assistente"],
        reason=MicroTeam.Reason.COURT_INVESTIGATION,
        constituted_on=TODAY,
        purpose="Indagine psico-sociale richiesta dal Tribunale per i minorenni",
        members=_members(demo),
    )

    members = {m.display_name: m for m in team.members.select_related("user", "organisation")}
    assert set(members) == {"Chiara Santini", "Davide Pieri", "Dott.ssa Elisa Neri"}
    assert members["Chiara Santini"].organisation == demo.organisations["ausl"]
    assert members["Chiara Santini"].joined_case_team and members["Davide Pieri"].joined_case_team
    assert not members["Dott.ssa Elisa Neri"].joined_case_team
    assert set(CaseMember.objects.filter(case=case).values_list("user__username", flat=True)) == {
        "psicologa",
        "educatore",
    }
    assert cases_visible_to(u["psicologa"]).filter(pk=case.pk).exists()
    assert ComplexCase.objects.filter(case=case, reason="court_investigation", recognised_on=TODAY).exists()
    assert CaseEvent.objects.filter(case=case, code="meetings.micro_team.constituted").exists()
    assert AuditEvent.objects.filter(
        action="meetings.micro_team.constituted", object_id=str(team.pk)
    ).exists()


def test_a_member_already_reaching_the_case_does_not_join_its_team(demo: DemoTerritory) -> None:
    u, o = demo.users, demo.organisations
    case = factories.in_care_case(demo)

    team = micro_team_constitute(
        case=case,
        actor=u["coordinatore"],
        reason=MicroTeam.Reason.COMPLEX_CASE,
        constituted_on=TODAY,
        members=[
            MemberData(profession="Coordinatore", user=u["coordinatore"]),
            MemberData(profession="Assistente sociale", user=u["assistente"]),
            MemberData(
                profession="Assistente sociale", full_name="Sara Monti", organisation=o["comune_prato"]
            ),
        ],
    )

    assert not team.members.filter(joined_case_team=True).exists()
    assert not CaseMember.objects.filter(case=case).exists()


def test_only_the_lead_or_the_coordinator_constitute_and_only_one_at_a_time(demo: DemoTerritory) -> None:
    u = demo.users
    case = factories.in_care_case(demo)
    constitute = lambda actor: micro_team_constitute(  # noqa: E731
        case=case, actor=actor, reason="complex_case", constituted_on=TODAY, members=_members(demo)
    )
    for name in ("assistente2", "sds", "psicologa"):
        assert_refused(
            lambda name=name: constitute(u[name]),
            _teams,
            "Solo l'assistente sociale referente o il coordinatore possono costituire la micro-équipe.",
        )
    constitute(u["assistente"])
    assert_refused(
        lambda: constitute(u["coordinatore"]),
        _teams,
        "La pratica ha già una micro-équipe attiva: va sciolta prima di costituirne un'altra.",
    )


def test_bad_members_are_refused_with_nothing_written(demo: DemoTerritory) -> None:
    u = demo.users
    case = factories.in_care_case(demo)

    def constitute(members: list[MemberData]) -> None:
        micro_team_constitute(
            case=case, actor=u["assistente"], reason="complex_case", constituted_on=TODAY, members=members
        )

    snapshot = lambda: (_teams(), list(CaseMember.objects.values_list("pk")))  # noqa: E731
    assert_refused(
        lambda: constitute(_members(demo)[:1]),
        snapshot,
        "Una micro-équipe multiprofessionale ha almeno due componenti.",
        ValidationError,
    )
    assert_refused(
        lambda: constitute(
            [*_members(demo)[:1], MemberData(profession="Pediatra", full_name="Dott. Ugo Sala")]
        ),
        snapshot,
        "Per un professionista esterno indica nome e cognome e l'ente di appartenenza.",
        ValidationError,
    )
    # The provider's coordinator reaches only the cases its organisation delivers to: no case-team role.
    assert_refused(
        lambda: constitute(
            [*_members(demo)[:1], MemberData(profession="Coordinatrice", user=u["cooperativa"])]
        ),
        snapshot,
        "Marta Lenzi: La persona scelta non opera in questo territorio come professionista del caso.",
        ValidationError,
    )
    future = TODAY + dt.timedelta(days=1)
    assert_refused(
        lambda: micro_team_constitute(
            case=case,
            actor=u["assistente"],
            reason="complex_case",
            constituted_on=future,
            members=_members(demo),
        ),
        snapshot,
        "La data non può essere nel futuro.",
        ValidationError,
    )


def test_dissolving_takes_out_who_joined_through_the_team(demo: DemoTerritory) -> None:
    u = demo.users
    case = factories.in_care_case(demo)
    team = micro_team_constitute(
        case=case,
        actor=u["assistente"],
        reason="complex_case",
        constituted_on=TODAY,
        members=_members(demo)[1:],
    )
    micro_team_member_add(
        team=team, actor=u["assistente"], member=MemberData(profession="Psicologa", user=u["psicologa"])
    )
    assert set(CaseMember.objects.filter(case=case).values_list("user__username", flat=True)) == {
        "psicologa",
        "educatore",
    }

    dissolved = micro_team_dissolve(team=team, actor=u["coordinatore"], dissolved_on=TODAY)

    assert dissolved.dissolved_on == TODAY
    assert not CaseMember.objects.filter(case=case).exists()
    assert not cases_visible_to(u["psicologa"]).filter(pk=case.pk).exists()
    assert_refused(
        lambda: micro_team_dissolve(team=team, actor=u["assistente"], dissolved_on=TODAY),
        _teams,
        "La micro-équipe è già stata sciolta.",
    )
    # A new one may be constituted once the previous is dissolved.
    micro_team_constitute(
        case=case, actor=u["assistente"], reason="complex_case", constituted_on=TODAY, members=_members(demo)
    )


def test_the_share_counts_constitutions_over_complex_cases_and_investigations(demo: DemoTerritory) -> None:
    """Seed 002: "costituzioni di micro-équipe / casi-indagini" (expected 120/200); each case counts once."""
    u = demo.users
    cases = [factories.in_care_case(demo) for _ in range(5)]
    last_year = dt.date(TODAY.year - 1, 6, 1)
    for case in cases[:2]:
        micro_team_constitute(
            case=case,
            actor=u["assistente"],
            reason="complex_case",
            constituted_on=TODAY,
            members=_members(demo),
        )
    complex_case_record(
        case=cases[2], actor=u["coordinatore"], reason="court_investigation", recognised_on=TODAY
    )
    complex_case_record(case=cases[2], actor=u["coordinatore"], reason="complex_case", recognised_on=TODAY)
    complex_case_record(case=cases[3], actor=u["coordinatore"], reason="complex_case", recognised_on=TODAY)
    complex_case_record(
        case=cases[4], actor=u["coordinatore"], reason="complex_case", recognised_on=last_year
    )
    year = (dt.date(TODAY.year, 1, 1), dt.date(TODAY.year, 12, 31))

    assert micro_team_share(demo.territory, year) == (2, 4)
    assert micro_team_share(demo.territory.pk, (last_year, last_year)) == (0, 1)
    assert_refused(
        lambda: complex_case_record(
            case=cases[3], actor=u["coordinatore"], reason="complex_case", recognised_on=TODAY
        ),
        lambda: list(ComplexCase.objects.values_list("pk")),
        "Già registrato per questa data.",
        ValidationError,
    )


def test_a_closed_case_takes_no_micro_team(demo: DemoTerritory) -> None:
    case = factories.closed_case(demo)

    assert_refused(
        lambda: micro_team_constitute(
            case=case,
            actor=demo.users["coordinatore"],
            reason="complex_case",
            constituted_on=TODAY,
            members=_members(demo),
        ),
        _teams,
        "La pratica è chiusa: l'équipe non si modifica più.",
        TransitionError,
    )
