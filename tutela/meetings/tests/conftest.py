"""Fixtures of the meetings tests: a followed case with its family, a room, an arrangement, a booked visit."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from tutela.cases.models import Case
from tutela.core.demo.territory import DemoTerritory
from tutela.meetings.models import Room, SupervisedVisit, VisitArrangement
from tutela.meetings.services.rooms import room_create
from tutela.meetings.services.visits import ArrangementData, BookingData, arrangement_set, visit_book
from tutela.people.models import Person
from tutela.people.services import PersonData, relationship_add
from tutela.testing import factories


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def relative_add(case: Case, actor: Any, surname: str, given_name: str, kind: str) -> Person:
    relationship = relationship_add(
        child=case.child,
        relative_data=PersonData(surname=surname, given_name=given_name, birth_date=dt.date(1985, 5, 17)),
        kind=kind,
        cohabiting=False,
        actor=actor,
        case=case,
    )
    return relationship.relative


@dataclass
class VisitWorld:
    case: Case
    mother: Person
    father: Person
    room: Room
    other_room: Room
    arrangement: VisitArrangement


def visit_world_build(demo: DemoTerritory, *, worker: str = "assistente") -> VisitWorld:
    """An IN_CARE case of `worker` (educatore in its team), the child's mother and father, two rooms and an
    arrangement admitting the mother only (the father is not allowed)."""
    u = demo.users
    case = factories.in_care_case(demo, worker=worker)
    from tutela.cases.services.members import case_member_add

    case_member_add(case=case, actor=u[worker], user=u["educatore"], role_label="Educatore")
    mother = relative_add(case, u[worker], "Bianchi", "Laura", "mother")
    father = relative_add(case, u[worker], "Rossi", "Marco", "father")
    room = Room.objects.filter(territory=demo.territory, name="Stanza Arcobaleno").first() or room_create(
        territory=demo.territory,
        actor=u["coordinatore"],
        name="Stanza Arcobaleno",
        place="Via Roma 101",
        capacity=4,
    )
    other_room = Room.objects.filter(territory=demo.territory, name="Stanza Girasole").first() or room_create(
        territory=demo.territory,
        actor=u["coordinatore"],
        name="Stanza Girasole",
        place="Via Roma 101",
        capacity=4,
    )
    arrangement = arrangement_set(
        case=case,
        actor=u[worker],
        data=ArrangementData(
            persons=[mother],
            frequency="weekly",
            starts_on=timezone.localdate() - dt.timedelta(days=60),
            order_reference="Decreto TM Firenze n. 123/2026",
        ),
    )
    return VisitWorld(case, mother, father, room, other_room, arrangement)


def book(
    world: VisitWorld,
    actor: Any,
    start: dt.datetime,
    end: dt.datetime,
    *,
    supervisor: Any,
    room: Room | None = None,
    visitors: list[Person] | None = None,
) -> SupervisedVisit:
    return visit_book(
        case=world.case,
        actor=actor,
        data=BookingData(
            room=room or world.room,
            starts_at=start,
            ends_at=end,
            supervisor=supervisor,
            visitors=visitors if visitors is not None else [world.mother],
        ),
    )


@pytest.fixture
def visit_world(demo: DemoTerritory) -> VisitWorld:
    return visit_world_build(demo)
