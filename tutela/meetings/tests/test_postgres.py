"""Double booking under concurrency, on PostgreSQL (DESIGN.md section 7): without btree_gist there is no
exclusion constraint on time ranges, so the bookings of a room, and of an operator, are serialised by a row lock
(select_for_update on the Room, then on the operator's User). Run by `make test-postgres` (pg_virtualenv)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from tutela.accounts.tests.conftest import run_in_threads
from tutela.conftest import TEST_PASSWORD
from tutela.core.demo.territory import territory_build
from tutela.meetings.models import SupervisedVisit
from tutela.meetings.tests.conftest import at, book, visit_world_build

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (DATABASE_URL)"),
]

DAY = timezone.localdate() + dt.timedelta(days=3)


# Threads need committed rows, hence a transactional test; serialized_rollback puts back the reference data.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_bookings_of_one_room_keep_one() -> None:
    demo = territory_build(password=TEST_PASSWORD)
    world = visit_world_build(demo)
    supervisors = [demo.users[name] for name in ("educatore", "assistente", "coordinatore")]

    def booking(index: int) -> None:
        book(world, demo.users["assistente"], at(DAY, 10), at(DAY, 11), supervisor=supervisors[index])

    errors = run_in_threads(booking, len(supervisors))

    assert SupervisedVisit.objects.filter(room=world.room).count() == 1
    assert len(errors) == 2 and all("è già prenotata" in error for error in errors), errors


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_bookings_of_one_operator_in_two_rooms_keep_one() -> None:
    demo = territory_build(password=TEST_PASSWORD)
    world = visit_world_build(demo)
    rooms = [world.room, world.other_room]

    def booking(index: int) -> None:
        book(
            world,
            demo.users["assistente"],
            at(DAY, 15),
            at(DAY, 16),
            supervisor=demo.users["educatore"],
            room=rooms[index],
        )

    errors = run_in_threads(booking, len(rooms))

    assert SupervisedVisit.objects.filter(supervisor=demo.users["educatore"]).count() == 1
    assert len(errors) == 1 and "segue già un altro incontro protetto" in errors[0], errors
