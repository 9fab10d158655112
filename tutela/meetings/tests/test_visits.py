"""Supervised visits (seed 003): bookings without double booking, who may meet the child, records, cancellations,
and the confidentiality of the operator's observations."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tutela.audit.models import AuditEvent
from tutela.cases.models import CaseEvent
from tutela.core.demo.territory import DemoTerritory
from tutela.meetings.models import SupervisedVisit, VisitArrangement, VisitState
from tutela.meetings.services.visits import ArrangementData, arrangement_set, visit_cancel, visit_record
from tutela.meetings.tests.conftest import VisitWorld, at, book
from tutela.testing.asserts import assert_refused
from tutela.workflow import TransitionError

TOMORROW = timezone.localdate() + dt.timedelta(days=1)
YESTERDAY = timezone.localdate() - dt.timedelta(days=1)


def _visits() -> list[tuple[int, str]]:
    return list(SupervisedVisit.objects.order_by("pk").values_list("pk", "state"))


def test_a_booking_is_stored_with_its_visitors_event_and_audit(
    demo: DemoTerritory, visit_world: VisitWorld
) -> None:
    u = demo.users
    visit = book(visit_world, u["assistente"], at(TOMORROW, 10), at(TOMORROW, 11), supervisor=u["educatore"])

    assert visit.state == VisitState.BOOKED
    assert [a.person for a in visit.attendees.all()] == [visit_world.mother]
    assert visit.arrangement == visit_world.arrangement
    assert CaseEvent.objects.filter(case=visit_world.case, code="meetings.visit.booked").exists()
    assert AuditEvent.objects.filter(action="meetings.visit.booked", object_id=str(visit.pk)).exists()


def test_the_same_room_at_an_overlapping_time_is_refused(
    demo: DemoTerritory, visit_world: VisitWorld
) -> None:
    u = demo.users
    book(visit_world, u["assistente"], at(TOMORROW, 10), at(TOMORROW, 11), supervisor=u["educatore"])
    day = TOMORROW.strftime("%d/%m/%Y")

    assert_refused(
        lambda: book(
            visit_world,
            u["assistente"],
            at(TOMORROW, 10, 30),
            at(TOMORROW, 11, 30),
            supervisor=u["assistente"],
        ),
        _visits,
        f"La stanza «Stanza Arcobaleno» è già prenotata il {day} dalle 10:00 alle 11:00 per un incontro protetto.",
        ValidationError,
    )


def test_the_same_educator_in_another_room_at_an_overlapping_time_is_refused(
    demo: DemoTerritory, visit_world: VisitWorld
) -> None:
    u = demo.users
    book(visit_world, u["assistente"], at(TOMORROW, 10), at(TOMORROW, 11), supervisor=u["educatore"])
    day = TOMORROW.strftime("%d/%m/%Y")

    assert_refused(
        lambda: book(
            visit_world,
            u["assistente"],
            at(TOMORROW, 9, 30),
            at(TOMORROW, 10, 15),
            supervisor=u["educatore"],
            room=visit_world.other_room,
        ),
        _visits,
        f"Davide Pieri segue già un altro incontro protetto il {day} dalle 10:00 alle 11:00.",
        ValidationError,
    )


def test_adjacent_slots_and_cancelled_visits_leave_the_room_free(
    demo: DemoTerritory, visit_world: VisitWorld
) -> None:
    u = demo.users
    first = book(visit_world, u["assistente"], at(TOMORROW, 10), at(TOMORROW, 11), supervisor=u["educatore"])
    before = book(visit_world, u["assistente"], at(TOMORROW, 9), at(TOMORROW, 10), supervisor=u["educatore"])
    after = book(visit_world, u["assistente"], at(TOMORROW, 11), at(TOMORROW, 12), supervisor=u["educatore"])
    visit_cancel(visit=first, actor=u["assistente"], reason="service")
    again = book(visit_world, u["assistente"], at(TOMORROW, 10), at(TOMORROW, 11), supervisor=u["educatore"])

    assert {before.state, after.state, again.state} == {VisitState.BOOKED}
    assert (
        SupervisedVisit.objects.filter(room=visit_world.room).exclude(state=VisitState.CANCELLED).count() == 3
    )


def test_a_person_the_arrangement_does_not_allow_is_refused(
    demo: DemoTerritory, visit_world: VisitWorld
) -> None:
    u = demo.users

    assert_refused(
        lambda: book(
            visit_world,
            u["assistente"],
            at(TOMORROW, 10),
            at(TOMORROW, 11),
            supervisor=u["educatore"],
            visitors=[visit_world.mother, visit_world.father],
        ),
        _visits,
        "Rossi Marco non è ammesso/a agli incontri con il minore dalla disposizione in vigore.",
        ValidationError,
    )


def test_no_booking_outside_the_arrangement_or_beyond_the_room(
    demo: DemoTerritory, visit_world: VisitWorld
) -> None:
    u = demo.users
    long_ago = visit_world.arrangement.starts_on - dt.timedelta(days=3)

    assert_refused(
        lambda: book(
            visit_world, u["assistente"], at(long_ago, 10), at(long_ago, 11), supervisor=u["educatore"]
        ),
        _visits,
        "In quella data non è in vigore alcuna disposizione sugli incontri protetti.",
        ValidationError,
    )
    visit_world.room.capacity = 2
    visit_world.room.save(update_fields=["capacity"])
    assert_refused(
        lambda: book(
            visit_world, u["assistente"], at(TOMORROW, 10), at(TOMORROW, 11), supervisor=u["educatore"]
        ),
        _visits,
        "La stanza «Stanza Arcobaleno» accoglie al massimo 2 persone, compresi il minore e l'operatore.",
        ValidationError,
    )


def test_the_operator_must_follow_the_case_and_the_booker_must_manage_its_visits(
    demo: DemoTerritory, visit_world: VisitWorld
) -> None:
    u = demo.users

    assert_refused(
        lambda: book(
            visit_world, u["assistente"], at(TOMORROW, 10), at(TOMORROW, 11), supervisor=u["assistente2"]
        ),
        _visits,
        "L'operatore scelto non segue la pratica: va prima aggiunto all'équipe del caso.",
        ValidationError,
    )
    for outsider in ("assistente2", "comune", "psicologa"):
        assert_refused(
            lambda outsider=outsider: book(
                visit_world, u[outsider], at(TOMORROW, 10), at(TOMORROW, 11), supervisor=u["educatore"]
            ),
            _visits,
            "Il tuo ruolo non consente di gestire gli incontri protetti di questa pratica.",
        )


def test_a_new_arrangement_ends_the_previous_one(demo: DemoTerritory, visit_world: VisitWorld) -> None:
    u = demo.users
    new = arrangement_set(
        case=visit_world.case,
        actor=u["assistente"],
        data=ArrangementData(
            persons=[visit_world.mother, visit_world.father], frequency="fortnightly", starts_on=TOMORROW
        ),
    )

    visit_world.arrangement.refresh_from_db()
    assert visit_world.arrangement.ends_on == timezone.localdate()
    assert set(new.persons.all()) == {visit_world.mother, visit_world.father}


def test_an_arrangement_admits_only_the_childs_family(demo: DemoTerritory, visit_world: VisitWorld) -> None:
    from tutela.people.models import Person

    stranger = Person.objects.create(surname="Verdi", given_name="Ugo")

    assert_refused(
        lambda: arrangement_set(
            case=visit_world.case,
            actor=demo.users["assistente"],
            data=ArrangementData(persons=[stranger], frequency="weekly", starts_on=TOMORROW),
        ),
        lambda: list(VisitArrangement.objects.values_list("pk", "ends_on")),
        "Verdi Ugo non risulta tra i familiari del minore registrati nella pratica.",
        ValidationError,
    )


def test_recording_a_visit_keeps_who_came_and_encrypted_observations(
    demo: DemoTerritory, visit_world: VisitWorld
) -> None:
    u = demo.users
    visit = book(
        visit_world, u["assistente"], at(YESTERDAY, 15), at(YESTERDAY, 16), supervisor=u["educatore"]
    )

    recorded = visit_record(
        visit=visit,
        actor=u["educatore"],
        child_attended=True,
        attended={visit_world.mother.pk},
        observations="La madre arriva puntuale; il bambino la accoglie con calore.",
    )

    assert recorded.state == VisitState.HELD
    assert recorded.attendees.get().attended is True
    assert SupervisedVisit.objects.get(pk=visit.pk).observations.startswith("La madre arriva puntuale")
    assert CaseEvent.objects.filter(case=visit_world.case, code="meetings.visit.record").exists()
    assert AuditEvent.objects.filter(action="meetings.visit.recorded", object_id=str(visit.pk)).exists()


def test_a_visit_is_recorded_only_after_it_began_and_with_the_family_present(
    demo: DemoTerritory, visit_world: VisitWorld
) -> None:
    u = demo.users
    future = book(visit_world, u["assistente"], at(TOMORROW, 15), at(TOMORROW, 16), supervisor=u["educatore"])
    past = book(visit_world, u["assistente"], at(YESTERDAY, 15), at(YESTERDAY, 16), supervisor=u["educatore"])

    assert_refused(
        lambda: visit_record(
            visit=future,
            actor=u["educatore"],
            child_attended=True,
            attended={visit_world.mother.pk},
            observations="x",
        ),
        _visits,
        "L'incontro non è ancora iniziato: si registra dopo il suo svolgimento.",
    )
    assert_refused(
        lambda: visit_record(
            visit=past, actor=u["educatore"], child_attended=True, attended=set(), observations="x"
        ),
        _visits,
        "Un incontro si registra come svolto se il minore e almeno un familiare erano presenti; altrimenti va "
        "annullato indicando il motivo.",
        ValidationError,
    )


def test_a_cancellation_needs_a_reason_and_says_who_cancelled(
    demo: DemoTerritory, visit_world: VisitWorld
) -> None:
    u = demo.users
    visit = book(visit_world, u["assistente"], at(TOMORROW, 15), at(TOMORROW, 16), supervisor=u["educatore"])

    assert_refused(
        lambda: visit_cancel(visit=visit, actor=u["assistente"], reason=""),
        _visits,
        "Indica il motivo dell'annullamento.",
        ValidationError,
    )
    assert_refused(
        lambda: visit_cancel(visit=visit, actor=u["assistente"], reason="other", note="  "),
        _visits,
        "Precisa il motivo dell'annullamento.",
        ValidationError,
    )
    cancelled = visit_cancel(visit=visit, actor=u["educatore"], reason="visitor_absent")

    assert cancelled.state == VisitState.CANCELLED
    assert cancelled.cancelled_by == u["educatore"]
    assert cancelled.get_cancellation_reason_display() == "Assenza del genitore o familiare"
    event = CaseEvent.objects.filter(case=visit_world.case, code="meetings.visit.cancel").get()
    assert "assenza del genitore o familiare" in event.description
    with pytest.raises(TransitionError):
        visit_cancel(visit=cancelled, actor=u["assistente"], reason="service")


def test_the_comune_reads_the_visit_but_not_the_observations(client: Client, demo: DemoTerritory) -> None:
    from tutela.meetings.tests.conftest import visit_world_build

    world = visit_world_build(demo)
    # The Comune's officer follows the children resident in Montemurlo.
    world.case.child.residence_municipality = demo.municipalities["Montemurlo"]
    world.case.child.save(update_fields=["residence_municipality"])
    u = demo.users
    visit = book(world, u["assistente"], at(YESTERDAY, 15), at(YESTERDAY, 16), supervisor=u["educatore"])
    secret = "Osservazione riservata: il padre ha telefonato durante la visita."
    visit_record(
        visit=visit,
        actor=u["educatore"],
        child_attended=True,
        attended={world.mother.pk},
        observations=secret,
    )
    url = reverse("meetings:visit_detail", kwargs={"pk": visit.pk})

    shown = {}
    for name in ("comune", "educatore", "assistente", "coordinatore", "sds"):
        client.force_login(u[name])
        response = client.get(url)
        assert response.status_code == 200, name
        shown[name] = secret in response.content.decode()
        visits_page = client.get(
            reverse("meetings:case_visits", kwargs={"pk": world.case.pk})
        ).content.decode()
        assert secret not in visits_page
    # The managing body reads the territory's cases but not their confidential sections.
    assert shown == {
        "comune": False,
        "educatore": True,
        "assistente": True,
        "coordinatore": True,
        "sds": False,
    }


def _visit_order(world: VisitWorld, demo: DemoTerritory) -> Any:
    """A juvenile court order on the case whose supervised-visit measure admits the mother only."""
    from tutela.court.models import AuthorityKind, JudicialAuthority, MeasureKind, Nature, OrderStage
    from tutela.court.services.orders import (
        MeasureData,
        OrderData,
        ProceedingData,
        court_order_register,
        court_proceeding_create,
    )

    actor = demo.users["assistente"]
    today = timezone.localdate()
    authority = JudicialAuthority.objects.create(
        name="Tribunale per i minorenni di Firenze", kind=AuthorityKind.JUVENILE_COURT, seat="Firenze"
    )
    proceeding = court_proceeding_create(
        case=world.case,
        actor=actor,
        data=ProceedingData(
            authority=authority, rg_number="321", rg_year=today.year, nature=Nature.CIVIL, opened_on=today
        ),
    )
    return court_order_register(
        proceeding=proceeding,
        actor=actor,
        data=OrderData(
            order_date=today,
            deposited_on=today,
            received_on=today,
            stage=OrderStage.PROVISIONAL,
            nature=Nature.CIVIL,
        ),
        measures=[
            MeasureData(kind=MeasureKind.SUPERVISED_VISITS, persons=[world.mother], frequency="weekly")
        ],
    )


def test_an_arrangement_linked_to_a_court_order_admits_only_whom_the_order_admits(
    demo: DemoTerritory, visit_world: VisitWorld
) -> None:
    order = _visit_order(visit_world, demo)
    u = demo.users
    snapshot = lambda: list(VisitArrangement.objects.values_list("pk", "ends_on"))  # noqa: E731

    def arrange(actor: str, persons: list[Any]) -> VisitArrangement:
        return arrangement_set(
            case=visit_world.case,
            actor=u[actor],
            data=ArrangementData(persons=persons, frequency="weekly", starts_on=TOMORROW, court_order=order),
        )

    assert_refused(
        lambda: arrange("assistente", [visit_world.mother, visit_world.father]),
        snapshot,
        "Rossi Marco non è tra le persone che il provvedimento ammette agli incontri protetti.",
        ValidationError,
    )
    # The educator manages the visits but does not read court orders.
    assert_refused(
        lambda: arrange("educatore", [visit_world.mother]),
        snapshot,
        "Solo chi legge le sezioni riservate della pratica può collegare un provvedimento.",
    )
    assert arrange("assistente", [visit_world.mother]).court_order == order
