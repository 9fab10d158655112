"""Registering a court order creates the deadlines it sets; a later order that ends it cancels them."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from tutela.audit.models import AuditEvent
from tutela.cases.models import CaseEvent
from tutela.court.models import (
    CourtDuty,
    CourtMandate,
    CourtOrder,
    MandateKind,
    MeasureKind,
    VisitFrequency,
)
from tutela.court.services.orders import (
    DutyData,
    MandateData,
    MeasureData,
    ProceedingData,
    court_duty_complete,
    court_proceeding_create,
)
from tutela.court.tests.conftest import register
from tutela.deadlines.models import Deadline
from tutela.deadlines.services import deadlines_of_source
from tutela.people.models import Person
from tutela.testing import factories
from tutela.testing.asserts import assert_refused

ROME = ZoneInfo("Europe/Rome")
# A Tuesday; 2 June 2031 (Festa della Repubblica) is a Monday.
TODAY = dt.datetime(2031, 3, 11, 10, 0, tzinfo=ROME)


def _due(deadline: Deadline) -> dt.datetime:
    return deadline.due_at.astimezone(ROME).replace(tzinfo=None)


def _end_of(day: str) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(23, 59, 59))


def _snapshot() -> tuple[int, int, int]:
    return CourtOrder.objects.count(), Deadline.objects.count(), CourtDuty.objects.count()


@time_machine.travel(TODAY, tick=False)
def test_an_order_creates_the_deadlines_of_its_duties_mandates_and_first_report(demo, proceeding):
    worker = demo.users["assistente"]
    order = register(
        proceeding,
        demo.users["coordinatore"],
        order_date=dt.date(2031, 3, 3),
        deposited_on=dt.date(2031, 3, 3),
        received_on=dt.date(2031, 3, 5),
        report_every_months=6,
        first_report_due=dt.date(2031, 4, 15),
        duties=(DutyData(description="Verifica della frequenza scolastica", due_on=dt.date(2031, 6, 2)),),
        mandates=(MandateData(kind=MandateKind.PSYCHOSOCIAL_INVESTIGATION, due_on=dt.date(2031, 5, 20)),),
    )

    report = deadlines_of_source(order).get()
    assert (report.kind, _due(report), report.owner) == ("court_report", _end_of("2031-04-15"), worker)
    assert "Tribunale per i minorenni di Firenze" in report.description and "RG 1234/" in report.description
    duty = deadlines_of_source(order.duties.get()).get()
    # 2 June is a public holiday: the term moves to the next business day (art. 155 c.p.c.).
    assert (duty.kind, _due(duty), duty.owner) == ("court_duty", _end_of("2031-06-03"), worker)
    mandate = deadlines_of_source(order.mandates.get()).get()
    assert (mandate.kind, _due(mandate)) == ("court_report", _end_of("2031-05-20"))
    assert "Indagine psico-sociale" in mandate.description
    actions = set(AuditEvent.objects.filter(case_id=order.case_id).values_list("action", flat=True))
    assert {"court.order.registered", "court.duty.created", "court.mandate.created"} <= actions
    court_kinds = ["court_report", "court_duty"]
    assert Deadline.objects.filter(case=order.case, kind__in=court_kinds).count() == 3


@time_machine.travel(TODAY, tick=False)
def test_without_a_first_date_the_periodic_report_is_due_a_period_after_receipt(demo, proceeding):
    order = register(
        proceeding, demo.users["assistente"], received_on=dt.date(2031, 3, 10), report_every_months=6
    )
    assert order.first_report_due == dt.date(2031, 9, 10)
    assert _due(deadlines_of_source(order).get()) == _end_of("2031-09-10")


def test_supervised_visits_name_who_may_meet_the_child(demo, case, proceeding):
    mother = Person.objects.get(
        relationships_as_relative__child=case.child, relationships_as_relative__kind="mother"
    )
    order = register(
        proceeding,
        demo.users["assistente"],
        measures=(
            MeasureData(kind=MeasureKind.CUSTODY_TO_SERVICE),
            MeasureData(
                kind=MeasureKind.SUPERVISED_VISITS, persons=(mother,), frequency=VisitFrequency.WEEKLY
            ),
        ),
    )
    visits = order.measures.get(kind=MeasureKind.SUPERVISED_VISITS)
    assert list(visits.persons.all()) == [mother]
    assert visits.child == case.child
    assert order.measures.count() == 2


def test_supervised_visits_need_persons_of_the_family_and_a_frequency(demo, case, proceeding):
    stranger = Person.objects.create(surname="Estranei", given_name="Ugo")
    worker = demo.users["assistente"]
    assert_refused(
        lambda: register(proceeding, worker, measures=(MeasureData(kind=MeasureKind.SUPERVISED_VISITS),)),
        _snapshot,
        "Indicare chi può incontrare il minore negli incontri protetti. Indicare la frequenza degli incontri protetti.",
        ValidationError,
    )
    assert_refused(
        lambda: register(
            proceeding,
            worker,
            measures=(
                MeasureData(kind=MeasureKind.SUPERVISED_VISITS, persons=(stranger,), frequency="weekly"),
            ),
        ),
        _snapshot,
        "Le persone indicate devono essere familiari del minore registrati nella pratica.",
        ValidationError,
    )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {
                "order_date": dt.date(2031, 3, 12),
                "deposited_on": dt.date(2031, 3, 12),
                "received_on": dt.date(2031, 3, 12),
            },
            "La data del provvedimento non può essere nel futuro. La data di deposito non può essere nel futuro. "
            "La data di ricezione non può essere nel futuro.",
        ),
        (
            {"order_date": dt.date(2031, 3, 5), "deposited_on": dt.date(2031, 3, 4)},
            "La data di deposito non può precedere la data del provvedimento.",
        ),
        (
            {"deposited_on": dt.date(2031, 3, 5), "received_on": dt.date(2031, 3, 4)},
            "La data di ricezione non può precedere il deposito in cancelleria.",
        ),
        ({"report_every_months": 36}, "La periodicità delle relazioni va da 1 a 24 mesi."),
        (
            {"order_date": dt.date(2031, 3, 1), "first_report_due": dt.date(2031, 2, 1)},
            "La prima relazione non può scadere prima della data del provvedimento.",
        ),
        (
            {"ends_previous": True},
            "Nel procedimento non ci sono provvedimenti precedenti in vigore da revocare o sostituire.",
        ),
    ],
)
def test_bad_dates_are_refused_and_nothing_is_written(demo, proceeding, changes, message):
    base = {
        "order_date": dt.date(2031, 3, 3),
        "deposited_on": dt.date(2031, 3, 4),
        "received_on": dt.date(2031, 3, 5),
    }
    with time_machine.travel(TODAY, tick=False):
        assert_refused(
            lambda: register(proceeding, demo.users["assistente"], **{**base, **changes}),
            _snapshot,
            message,
            ValidationError,
        )


def test_a_duty_due_before_the_order_is_refused(demo, proceeding):
    duty = DutyData(description="Relazione", due_on=dt.date(2000, 1, 1))
    assert_refused(
        lambda: register(proceeding, demo.users["assistente"], duties=(duty,)),
        _snapshot,
        "La scadenza dell'adempimento non può precedere la data del provvedimento.",
        ValidationError,
    )


def test_only_the_lead_social_worker_or_the_coordinator_register_orders(demo, proceeding):
    # assistente2 is in the case team (the scope reaches the case) but does not lead it.
    from tutela.cases.services.members import case_member_add

    case_member_add(case=proceeding.case, actor=demo.users["coordinatore"], user=demo.users["assistente2"])
    assert_refused(
        lambda: register(proceeding, demo.users["assistente2"]),
        _snapshot,
        "Solo l'assistente sociale referente o il coordinatore possono registrare atti dell'autorità giudiziaria "
        "su questa pratica.",
    )
    for outsider in ("educatore", "comune", "sds", "psicologa"):
        assert_refused(
            lambda outsider=outsider: register(proceeding, demo.users[outsider]),
            _snapshot,
            "Il tuo ruolo non consente di registrare atti dell'autorità giudiziaria su questa pratica.",
        )
    register(proceeding, demo.users["coordinatore"])
    register(proceeding, demo.users["assistente"])
    assert proceeding.orders.count() == 2


def test_a_closed_case_takes_no_court_acts(demo, authorities):
    closed = factories.closed_case(demo)
    data = ProceedingData(
        authority=authorities["tm"],
        rg_number="77",
        rg_year=2026,
        nature="civil",
        opened_on=dt.date(2026, 1, 5),
    )
    assert_refused(
        lambda: court_proceeding_create(case=closed, actor=demo.users["coordinatore"], data=data),
        lambda: closed.court_proceedings.count(),
        "La pratica è chiusa: non si registrano atti dell'autorità giudiziaria.",
    )


def test_the_same_rg_number_twice_is_refused(demo, proceeding, authorities):
    data = ProceedingData(
        authority=authorities["tm"],
        rg_number="1234",
        rg_year=proceeding.rg_year,
        nature="civil",
        opened_on=proceeding.opened_on,
    )
    assert_refused(
        lambda: court_proceeding_create(case=proceeding.case, actor=demo.users["assistente"], data=data),
        lambda: proceeding.case.court_proceedings.count(),
        "Questo procedimento è già registrato nella pratica.",
        ValidationError,
    )


@time_machine.travel(TODAY, tick=False)
def test_a_later_order_that_replaces_the_earlier_cancels_its_pending_deadlines(demo, proceeding):
    worker = demo.users["assistente"]
    first = register(
        proceeding,
        worker,
        order_date=dt.date(2031, 1, 10),
        deposited_on=dt.date(2031, 1, 10),
        received_on=dt.date(2031, 1, 12),
        report_every_months=6,
        first_report_due=dt.date(2031, 4, 15),
        duties=(DutyData(description="Verifica della frequenza scolastica", due_on=dt.date(2031, 5, 5)),),
        mandates=(MandateData(kind=MandateKind.PARENTING_ASSESSMENT, due_on=dt.date(2031, 5, 20)),),
    )
    second = register(
        proceeding,
        demo.users["coordinatore"],
        order_date=dt.date(2031, 3, 3),
        deposited_on=dt.date(2031, 3, 3),
        received_on=dt.date(2031, 3, 4),
        stage="final",
        ends_previous=True,
        report_every_months=12,
        first_report_due=dt.date(2031, 9, 10),
    )

    first.refresh_from_db()
    assert (first.ended_on, first.ended_by) == (dt.date(2031, 3, 3), second)
    earlier = [
        *deadlines_of_source(first),
        *deadlines_of_source(first.duties.get()),
        *deadlines_of_source(first.mandates.get()),
    ]
    assert len(earlier) == 3 and all(d.cancelled_at is not None for d in earlier)
    assert first.duties.get().cancelled_at is not None
    assert CourtMandate.objects.get(order=first).cancelled_at is not None
    assert deadlines_of_source(second).pending().count() == 1
    assert AuditEvent.objects.filter(action="court.order.ended", object_id=str(first.pk)).exists()
    assert (
        AuditEvent.objects.filter(action="deadlines.deadline.cancelled", case_id=first.case_id).count() == 3
    )


@time_machine.travel(TODAY, tick=False)
def test_a_periodic_duty_done_gets_its_next_deadline_a_single_one_closes(demo, proceeding):
    worker = demo.users["assistente"]
    order = register(
        proceeding,
        worker,
        duties=(
            DutyData(description="Aggiornamento sugli incontri", due_on=dt.date(2031, 3, 31), every_months=3),
            DutyData(description="Iscrizione scolastica", due_on=dt.date(2031, 3, 20)),
        ),
    )
    periodic, single = order.duties.order_by("id")

    court_duty_complete(duty=periodic, actor=worker, done_on=dt.date(2031, 3, 11))
    court_duty_complete(duty=single, actor=worker, done_on=dt.date(2031, 3, 11))

    rows = list(deadlines_of_source(periodic).order_by("due_at"))
    assert [(_due(d), d.done_at is not None) for d in rows] == [
        (_end_of("2031-03-31"), True),
        (_end_of("2031-06-30"), False),
    ]
    single.refresh_from_db()
    assert single.completed_at is not None
    assert deadlines_of_source(single).get().done_at is not None
    assert_refused(
        lambda: court_duty_complete(duty=single, actor=worker, done_on=dt.date(2031, 3, 11)),
        lambda: Deadline.objects.count(),
        "L'adempimento è già concluso o annullato.",
    )
    assert_refused(
        lambda: court_duty_complete(duty=periodic, actor=worker, done_on=dt.date(2031, 3, 12)),
        lambda: Deadline.objects.count(),
        "La data dell'adempimento non può essere nel futuro.",
        ValidationError,
    )


def test_court_acts_stay_off_the_timeline_of_who_may_not_read_them(demo, case, proceeding):
    register(proceeding, demo.users["assistente"], report_every_months=6)
    from tutela.cases.selectors import case_page

    assert CaseEvent.objects.filter(case=case, code="court.order.registered").exists()
    for username, visible in (
        ("assistente", True),
        ("coordinatore", True),
        ("comune", False),
        ("educatore", False),
    ):
        page = case_page(demo.users[username], case)
        assert ("court_report" in {d.kind for d in page["deadlines"]}) is visible, username
        assert any(e.code.startswith("court.") for e in page["events"]) is visible, username


@time_machine.travel(TODAY, tick=False)
def test_an_investigation_mandate_makes_the_case_a_court_investigation_for_the_micro_team_indicator(
    demo, proceeding
):
    from tutela.meetings.models.teams import ComplexCase, ComplexityReason
    from tutela.meetings.selectors import micro_team_share

    coordinator = demo.users["coordinatore"]
    days = {"deposited_on": dt.date(2031, 3, 4), "received_on": dt.date(2031, 3, 5)}
    register(proceeding, coordinator, order_date=dt.date(2031, 3, 3), number="1/2031", **days)  # no mandate
    assert not ComplexCase.objects.exists()
    for number in ("2/2031", "3/2031"):  # two orders of the same day: recognised once
        register(
            proceeding,
            coordinator,
            order_date=dt.date(2031, 3, 4),
            number=number,
            **days,
            mandates=(MandateData(kind=MandateKind.SOCIAL_INVESTIGATION, due_on=dt.date(2031, 5, 20)),),
        )

    mark = ComplexCase.objects.get()
    assert (mark.case_id, mark.reason, mark.recognised_on) == (
        proceeding.case_id,
        ComplexityReason.COURT_INVESTIGATION,
        dt.date(2031, 3, 4),
    )
    assert micro_team_share(demo.territory, (dt.date(2031, 1, 1), dt.date(2031, 12, 31))) == (0, 1)
