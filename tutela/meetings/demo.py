"""Demo data of teams and meetings, built through the real services on the demo territory and its cases:
rooms, the weekly team meeting series (past ones held), a quarterly coordination with the Comune and the provider,
the anti-violence network with its agreement, six monitoring meetings all held and two autonomy paths, two
micro-équipes and the supervised visits of a case. Idempotent: nothing happens once the rooms exist.

Call `seed_meetings(demo)` after `DemoCases(demo).build()` (it needs cases in care).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from tutela.cases.models import Case, CaseState
from tutela.core.demo.territory import DemoTerritory
from tutela.meetings.models import Frequency, Meeting, MeetingKind, Room
from tutela.meetings.services.meetings import (
    MeetingData,
    decision_add,
    meeting_cancel,
    meeting_plan,
    meeting_record_held,
)
from tutela.meetings.services.network import (
    autonomy_path_open,
    network_agreement_record,
    network_partner_add,
    network_setup,
)
from tutela.meetings.services.rooms import room_create
from tutela.meetings.services.series import SeriesData, series_create
from tutela.meetings.services.teams import MemberData, complex_case_record, micro_team_constitute
from tutela.meetings.services.visits import (
    ArrangementData,
    BookingData,
    arrangement_set,
    visit_book,
    visit_cancel,
    visit_record,
)
from tutela.people.models import Relationship
from tutela.people.services import PersonData, relationship_add


@dataclass
class DemoMeetings:
    rooms: dict[str, Room] = field(default_factory=dict)
    meetings: int = 0
    held: int = 0
    micro_teams: int = 0
    visits: int = 0


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _all_present(meeting: Meeting) -> dict[int, str]:
    return dict.fromkeys(meeting.participants.values_list("pk", flat=True), "present")


@transaction.atomic
def seed_meetings(demo: DemoTerritory) -> DemoMeetings:
    """Seed the demo territory's meetings, network, micro-équipes and supervised visits (idempotent)."""
    out = DemoMeetings()
    if Room.objects.filter(territory=demo.territory).exists():
        return out
    u = demo.users
    for name, place, capacity in [
        ("Stanza Arcobaleno", "Via Roma 101, Prato — piano terra", 5),
        ("Stanza Girasole", "Via Roma 101, Prato — primo piano", 4),
        ("Sala riunioni", "Via Roma 101, Prato — secondo piano", 20),
    ]:
        out.rooms[name] = room_create(
            territory=demo.territory, actor=u["coordinatore"], name=name, place=place, capacity=capacity
        )
    _team_meetings(demo, out)
    _coordination(demo, out)
    _network(demo, out)
    cases = list(
        Case.objects.filter(
            territory=demo.territory, state=CaseState.IN_CARE, lead_social_worker__isnull=False
        )
        .select_related("lead_social_worker", "child")
        .order_by("pk")[:4]
    )
    if len(cases) >= 2:
        _micro_teams(demo, out, cases)
        _visits(demo, out, cases[0])
    return out


def _team_meetings(demo: DemoTerritory, out: DemoMeetings) -> None:
    """Seed 001: the weekly team meeting for the programming of interventions, eight weeks back and ahead."""
    u = demo.users
    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())
    _series, meetings = series_create(
        actor=u["coordinatore"],
        territory=demo.territory,
        data=SeriesData(
            kind=MeetingKind.TEAM_WEEKLY,
            title="Riunione settimanale d'équipe — programmazione degli interventi",
            frequency=Frequency.WEEKLY,
            first_on=monday - dt.timedelta(weeks=8),
            until_on=monday + dt.timedelta(weeks=8),
            start_time=dt.time(9),
            end_time=dt.time(11),
            room=out.rooms["Sala riunioni"],
            users=[u["assistente"], u["assistente2"], u["segretariato"]],
        ),
    )
    out.meetings += len(meetings)
    past = [m for m in meetings if m.starts_at < timezone.now()]
    for n, meeting in enumerate(past):
        if n == 2:
            meeting_cancel(
                meeting=meeting, actor=u["coordinatore"], reason="Festività: équipe non convocata."
            )
            continue
        attendance = _all_present(meeting)
        if n % 3 == 1:  # now and then the front office is absent
            absent = meeting.participants.filter(user=u["segretariato"]).values_list("pk", flat=True).first()
            if absent:
                attendance[absent] = "absent"
        held_on = timezone.localtime(meeting.starts_at).date()
        held = meeting_record_held(
            meeting=meeting,
            actor=u["coordinatore"],
            held_on=held_on,
            attendance=attendance,
            minutes="Esame delle nuove segnalazioni e delle assegnazioni; aggiornamento sui casi in carico.",
        )
        out.held += 1
        if n == 0:
            decision_add(
                meeting=held,
                actor=u["coordinatore"],
                text="Aggiornare la modulistica di accesso condivisa con il segretariato sociale",
                owner=u["segretariato"],
                due_on=held_on + dt.timedelta(days=30),
            )


def _coordination(demo: DemoTerritory, out: DemoMeetings) -> None:
    """Seed 003: quarterly coordination between the Comune, the managing body and the provider."""
    u, o = demo.users, demo.organisations
    today = timezone.localdate()
    for offset, title in [
        (-70, "Coordinamento trimestrale — III trimestre"),
        (20, "Coordinamento trimestrale"),
    ]:
        day = today + dt.timedelta(days=offset)
        meeting = meeting_plan(
            actor=u["sds"],
            territory=demo.territory,
            data=MeetingData(
                kind=MeetingKind.COORDINATION_QUARTERLY,
                title=title,
                starts_at=_at(day, 15),
                ends_at=_at(day, 17),
                place="Comune di Montemurlo, sala consiliare",
                users=[u["coordinatore"], u["comune"], u["cooperativa"]],
                organisations=[o["comune_montemurlo"], o["provider"]],
                agenda="Programmazione concertata degli interventi; questioni organizzative e amministrative.",
            ),
        )
        out.meetings += 1
        if offset < 0:
            meeting_record_held(
                meeting=meeting,
                actor=u["sds"],
                held_on=day,
                attendance=_all_present(meeting),
                minutes="Condivisi i dati del trimestre; concordata la revisione delle ore ADM.",
            )
            out.held += 1


def _monitoring_days(today: dt.date) -> list[dt.date]:
    """Six monitoring meetings of one year, all past: this year's first half, or last year's if it is early."""
    if today >= dt.date(today.year, 7, 1):
        return [dt.date(today.year, month, 15) for month in range(1, 7)]
    return [dt.date(today.year - 1, month, 15) for month in (1, 3, 5, 7, 9, 11)]


def _network(demo: DemoTerritory, out: DemoMeetings) -> None:
    """Seed 002: the anti-violence network, its agreement, six monitoring meetings (6/6) and two paths."""
    u, o = demo.users, demo.organisations
    today = timezone.localdate()
    network = network_setup(
        territory=demo.territory,
        actor=u["coordinatore"],
        name="Rete antiviolenza dell'area pratese",
        programme="Programma regionale «La Rete di Nicoletta»",
    )
    for key, role in [
        ("comune_prato", "Ente capofila"),
        ("consultorio", "Consultorio familiare"),
        ("ausl", "Azienda sanitaria"),
        ("police", "Forze dell'ordine"),
    ]:
        network_partner_add(network=network, actor=u["coordinatore"], organisation=o[key], role=role)
    days = _monitoring_days(today)
    network_agreement_record(
        network=network,
        actor=u["sds"],
        title="Accordo di rete per il contrasto alla violenza contro le donne e i minori",
        approved_on=days[0] - dt.timedelta(days=10),
        act_reference="Deliberazione dell'Assemblea dei soci n. 7",
    )
    for day in days:
        meeting = meeting_plan(
            actor=u["coordinatore"],
            territory=demo.territory,
            data=MeetingData(
                kind=MeetingKind.NETWORK,
                title="Monitoraggio dei percorsi di autonomia",
                starts_at=_at(day, 10),
                ends_at=_at(day, 12),
                place="Sede della rete, Via Roma 101",
                users=[u["assistente"], u["sds"]],
                organisations=[o["consultorio"], o["police"]],
            ),
        )
        meeting_record_held(
            meeting=meeting,
            actor=u["coordinatore"],
            held_on=day,
            attendance=_all_present(meeting),
            minutes="Monitoraggio delle attività connesse ai percorsi di autonomia delle vittime.",
        )
        out.meetings += 1
        out.held += 1
    for surname, given, worker, children in [
        ("Lombardi", "Giada", "assistente", [("Lombardi", "Noemi", dt.date(2017, 4, 2))]),
        ("Kaur", "Simran", "assistente2", []),
    ]:
        autonomy_path_open(
            network=network,
            actor=u[worker],
            woman=PersonData(surname=surname, given_name=given, birth_date=dt.date(1989, 9, 14), sex="F"),
            children=[PersonData(surname=s, given_name=g, birth_date=b) for s, g, b in children],
            social_worker=u[worker],
            started_on=today - dt.timedelta(days=90),
            referring_organisation=o["police"],
            notes="Ospitalità in struttura protetta; orientamento al lavoro in corso.",
        )


def _micro_teams(demo: DemoTerritory, out: DemoMeetings, cases: list[Case]) -> None:
    """Seed 002: two micro-équipes (a complex case, a court investigation) and two more cases recognised."""
    u, o = demo.users, demo.organisations
    today = timezone.localdate()
    for case, reason, purpose in [
        (cases[0], "complex_case", "Caso complesso: progetto integrato con la neuropsichiatria infantile"),
        (cases[1], "court_investigation", "Indagine psico-sociale richiesta dal Tribunale per i minorenni"),
    ]:
        micro_team_constitute(
            case=case,
            actor=case.lead_social_worker,
            reason=reason,
            constituted_on=today - dt.timedelta(days=30),
            purpose=purpose,
            members=[
                MemberData(profession="Psicologa", user=u["psicologa"]),
                MemberData(profession="Educatore professionale", user=u["educatore"]),
                MemberData(
                    profession="Neuropsichiatra infantile",
                    full_name="Dott.ssa Elisa Neri",
                    organisation=o["ausl"],
                ),
            ],
        )
        out.micro_teams += 1
    for case in cases[2:4]:
        complex_case_record(
            case=case,
            actor=u["coordinatore"],
            reason="complex_case",
            recognised_on=today - dt.timedelta(days=10),
        )


def _relative(case: Case, actor: Any, kind: str, given_name: str) -> Any:
    existing = Relationship.objects.filter(child=case.child, kind=kind).select_related("relative").first()
    if existing is not None:
        return existing.relative
    return relationship_add(
        child=case.child,
        relative_data=PersonData(
            surname=case.child.surname, given_name=given_name, birth_date=dt.date(1984, 3, 8)
        ),
        kind=kind,
        cohabiting=False,
        actor=actor,
        case=case,
    ).relative


def _visits(demo: DemoTerritory, out: DemoMeetings, case: Case) -> None:
    """Seed 003: supervised visits of a case (the educator of its micro-équipe supervises them)."""
    u = demo.users
    worker = case.lead_social_worker
    today = timezone.localdate()
    mother = _relative(case, worker, "mother", "Sonia")
    _relative(case, worker, "father", "Fabio")  # not admitted by the arrangement
    arrangement_set(
        case=case,
        actor=worker,
        data=ArrangementData(
            persons=[mother],
            frequency="weekly",
            duration_minutes=60,
            order_reference="Decreto del Tribunale per i minorenni di Firenze, incontri in spazio neutro",
            starts_on=today - dt.timedelta(days=45),
            notes="Incontri alla presenza costante dell'educatore; nessun contatto telefonico.",
        ),
    )
    room = out.rooms["Stanza Arcobaleno"]
    for days in (-14, -7, 7, 14):
        day = today + dt.timedelta(days=days)
        visit = visit_book(
            case=case,
            actor=worker,
            data=BookingData(
                room=room,
                starts_at=_at(day, 16),
                ends_at=_at(day, 17),
                supervisor=u["educatore"],
                visitors=[mother],
            ),
        )
        out.visits += 1
        if days == -14:
            visit_record(
                visit=visit,
                actor=u["educatore"],
                child_attended=True,
                attended={mother.pk},
                observations="La madre arriva puntuale; il gioco condiviso è sereno, il saluto finale faticoso.",
            )
        elif days == -7:
            visit_cancel(visit=visit, actor=u["educatore"], reason="visitor_absent", note="Non ha avvisato.")
