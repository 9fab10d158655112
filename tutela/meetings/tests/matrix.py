"""The meetings app's part of the access matrix (tutela/accounts/tests/test_access_matrix.py): who may open each
page, the objects its case-scoped URLs name (a case meeting and a supervised visit of each World case) and the
answer each role gets in scope.

Built once per World, before any probe reads them: a planned case meeting that began yesterday (so it may be
recorded or cancelled) and a visit booked yesterday under an arrangement admitting the child's mother.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from tutela.cases.models import Case, CaseState
from tutela.meetings.models import MeetingKind, Room, SupervisedVisit
from tutela.meetings.services.meetings import MeetingData, meeting_plan
from tutela.meetings.services.rooms import room_create
from tutela.meetings.services.visits import ArrangementData, BookingData, arrangement_set, visit_book
from tutela.people.services import PersonData, relationship_add

# Who may open the pages outside a case (by the capabilities of their roles, accounts/roles.py).
MEETING_VIEWERS = frozenset(
    {
        "segretariato",
        "segretariato.montemurlo",
        "coordinatore",
        "assistente",
        "assistente2",
        "amministrativo",
        "sds",
        "comune",
        "educatore",
        "cooperativa",
        "psicologa",
        "dirigente",
    }
)
MEETING_MANAGERS = frozenset({"coordinatore", "assistente", "assistente2", "sds"})
MEETING_OVERSEERS = frozenset({"coordinatore", "sds", "dirigente"})
ROOM_MANAGERS = frozenset({"coordinatore", "sds"})
VISIT_MANAGERS = frozenset({"coordinatore", "assistente", "assistente2", "educatore"})
NETWORK_VIEWERS = frozenset({"coordinatore", "assistente", "assistente2", "sds"})
NETWORK_MANAGERS = frozenset({"coordinatore", "sds"})

# What a GET answered with 200 must leave in the audit log, with the case id.
MEETINGS_AUDITED_READS = {
    **dict.fromkeys(
        [
            "meetings:case_meeting_create",
            "meetings:micro_team",
            "meetings:micro_team_action",
            "meetings:case_visits",
            "meetings:arrangement",
            "meetings:visit_book",
        ],
        "cases.case.viewed",
    ),
    **dict.fromkeys(["meetings:detail", "meetings:action"], "meetings.meeting.viewed"),
    **dict.fromkeys(["meetings:visit_detail", "meetings:visit_action"], "meetings.visit.viewed"),
}


def _actor(case: Case, users: dict[str, Any]) -> Any:
    return case.lead_social_worker or users["coordinatore"]


def _build(world: Any) -> dict[str, dict[str, int]]:
    from tutela.accounts.models import User

    users = {u.username: u for u in User.objects.filter(username__in=["coordinatore"])}
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    built: dict[str, dict[str, int]] = {"meeting": {}, "visit": {}}
    room: Room | None = None
    for hour, (key, case) in enumerate(sorted(world.cases.items()), start=7):
        if case.state == CaseState.CLOSED:
            continue
        actor = _actor(case, users)
        start = timezone.make_aware(dt.datetime.combine(yesterday, dt.time(hour)))
        meeting = meeting_plan(
            actor=actor,
            territory=case.territory,
            case=case,
            data=MeetingData(
                kind=MeetingKind.CASE_MEETING,
                title="Verifica del progetto",
                starts_at=start,
                ends_at=start + dt.timedelta(hours=1),
                place="Sala riunioni",
            ),
        )
        built["meeting"][key] = meeting.pk
        if case.territory.name != "SdS Area Pratese":
            continue  # the other territory has no one who may add rooms
        room = room or room_create(
            territory=case.territory,
            actor=users["coordinatore"],
            name="Stanza matrice",
            place="Sede",
            capacity=6,
        )
        built["visit"][key] = _visit(case, actor, room, start).pk
    return built


def _visit(case: Case, actor: Any, room: Room, start: dt.datetime) -> SupervisedVisit:
    mother = relationship_add(
        child=case.child,
        relative_data=PersonData(surname="Madre", given_name=case.code, birth_date=dt.date(1980, 1, 1)),
        kind="mother",
        cohabiting=False,
        actor=actor,
        case=case,
    ).relative
    arrangement_set(
        case=case,
        actor=actor,
        data=ArrangementData(
            persons=[mother], frequency="weekly", starts_on=timezone.localdate() - dt.timedelta(days=30)
        ),
    )
    return visit_book(
        case=case,
        actor=actor,
        data=BookingData(
            room=room,
            starts_at=start,
            ends_at=start + dt.timedelta(hours=1),
            supervisor=actor,
            visitors=[mother],
        ),
    )


def meetings_matrix_targets(world: Any, target: str, key: str) -> list[tuple[str, int, bool]]:
    """(label, pk, confidential) of the case meeting or the visit of World case `key`; none for a closed case."""
    built = world.__dict__.get("_meetings_matrix")
    if built is None:
        built = world.__dict__["_meetings_matrix"] = _build(world)
    kind = target.removeprefix("meetings.")
    pk = built[kind].get(key)
    return [(f"{key} {kind}", pk, False)] if pk else []


def meetings_expected(
    user: str, key: str, name: str, slug: str, is_open: bool, leads: set[tuple[str, str]]
) -> int:
    """The answer in scope: pages open to every reader of the case; acts open their form to whom may do them
    now and send the others back to the case (302); pages that need a capability on the case are 404 without it."""
    may_manage_meetings = user in MEETING_MANAGERS  # their roles reach every case of their scope
    may_manage_visits = user in VISIT_MANAGERS
    if name in {"meetings:detail", "meetings:micro_team", "meetings:case_visits", "meetings:visit_detail"}:
        return 200
    if name == "meetings:action":
        return 200 if slug in {"registra", "annulla"} and may_manage_meetings else 302
    if name == "meetings:case_meeting_create":
        return (200 if is_open else 302) if may_manage_meetings else 404
    if name == "meetings:micro_team_action":
        editor = (user, key) in leads or user == "coordinatore"
        return 200 if slug in {"costituisci", "caso-complesso"} and editor and is_open else 302
    if name in {"meetings:arrangement", "meetings:visit_book"}:
        return (200 if is_open else 302) if may_manage_visits else 404
    if name == "meetings:visit_action":
        return 200 if may_manage_visits else 302
    raise AssertionError(f"no expectation for {name}")
