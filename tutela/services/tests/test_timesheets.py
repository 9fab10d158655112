"""Seed 003: the hours delivered each day, only on days the intervention was active, at most 12 per operator
and day; a line is corrected by deleting it within 7 days (audited, nothing silently lost); the social worker
sees planned against delivered hours per month."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tutela.audit.models import AuditEvent
from tutela.cases.services.members import case_member_add
from tutela.services.models import DeliveryRecord, InterventionState, Suspension
from tutela.services.tests.educational_setup import assign, days_ago, educator, home_support
from tutela.services.timesheets import (
    DeliveryData,
    delivery_months,
    delivery_record_add,
    delivery_record_delete,
)
from tutela.testing.asserts import assert_refused

ACTIVITY = "Affiancamento nei compiti e colloquio con la madre sulla routine serale"


def _state() -> tuple[int, int]:
    return DeliveryRecord.objects.count(), AuditEvent.objects.count()


def _record(intervention, actor, day, hours="2", activity=ACTIVITY):
    return delivery_record_add(
        intervention=intervention,
        actor=actor,
        data=DeliveryData(day=day, hours=Decimal(hours), activity=activity),
    )


def test_an_assigned_educator_records_the_hours_of_a_day(demo):
    intervention = home_support(demo)
    assign(demo, intervention)
    educatore = demo.users["educatore"]

    record = _record(intervention, educatore, days_ago(2), "3.5")

    assert (record.operator, record.day, record.units) == (educatore, days_ago(2), Decimal("3.5"))
    assert DeliveryRecord.objects.get(pk=record.pk).activity == ACTIVITY
    audit = AuditEvent.objects.get(action="services.delivery_record.created", object_id=str(record.pk))
    assert audit.case_id == intervention.case_id
    assert ACTIVITY not in str(audit.data)


def test_the_provider_coordinator_records_hours_too(demo):
    intervention = home_support(demo)
    record = _record(intervention, demo.users["cooperativa"], days_ago(1))
    assert record.operator == demo.users["cooperativa"]


def test_hours_only_while_active_and_on_days_it_was_active(demo):
    intervention = home_support(demo, started_days_ago=20)
    assign(demo, intervention, starts_days_ago=20)
    Suspension.objects.create(
        intervention=intervention,
        starts_on=days_ago(10),
        ends_on=days_ago(5),
        reason="Ricovero del minore",
        created_by=demo.users["assistente"],
    )
    educatore = demo.users["educatore"]
    assert_refused(
        lambda: _record(intervention, educatore, days_ago(-1)),
        _state,
        "Non si registrano ore per giorni futuri.",
        ValidationError,
    )
    assert_refused(
        lambda: _record(intervention, educatore, days_ago(21)),
        _state,
        f"L'intervento è attivo dal {days_ago(20):%d/%m/%Y}: non si registrano ore per i giorni precedenti.",
        ValidationError,
    )
    assert_refused(
        lambda: _record(intervention, educatore, days_ago(7)),
        _state,
        f"Il {days_ago(7):%d/%m/%Y} l'intervento era sospeso ({days_ago(10):%d/%m/%Y} - {days_ago(5):%d/%m/%Y}).",
        ValidationError,
    )
    _record(intervention, educatore, days_ago(5))  # the day it resumed
    _record(intervention, educatore, days_ago(11))  # the day before the suspension


def test_no_hours_on_an_intervention_that_is_not_active(demo):
    for state in (InterventionState.SUSPENDED, InterventionState.ENDED):
        intervention = home_support(demo, state=state)
        assert_refused(
            lambda intervention=intervention: _record(intervention, demo.users["cooperativa"], days_ago(1)),
            _state,
            f"Le ore si registrano solo su un intervento attivo (ora è «{intervention.get_state_display()}»).",
        )


def test_at_most_twelve_hours_per_operator_and_day_over_all_interventions(demo):
    first = home_support(demo)
    second = home_support(demo)
    assign(demo, first, hours="3")
    assign(demo, second, hours="3")
    educatore = demo.users["educatore"]
    _record(first, educatore, days_ago(1), "8")
    assert_refused(
        lambda: _record(second, educatore, days_ago(1), "4.5"),
        _state,
        f"In una giornata si possono registrare al massimo 12 ore: per il {days_ago(1):%d/%m/%Y} ne hai già "
        "registrate 8.",
        ValidationError,
    )
    _record(second, educatore, days_ago(1), "4")
    assert_refused(
        lambda: _record(first, educatore, days_ago(2), "12.5"),
        _state,
        "In una giornata si possono registrare al massimo 12 ore.",
        ValidationError,
    )


def test_who_may_record_and_what_they_must_say(demo):
    intervention = home_support(demo)
    assign(demo, intervention, starts_days_ago=5)
    not_assigned = educator(demo, "educatore.due")
    assert_refused(
        lambda: _record(intervention, demo.users["educatore"], days_ago(6)),
        _state,
        f"Il {days_ago(6):%d/%m/%Y} non eri assegnato a questo intervento.",
        ValidationError,
    )
    assert_refused(
        lambda: _record(intervention, not_assigned, days_ago(1)),
        _state,
        "Il tuo ruolo non consente di registrare ore su questo intervento.",
    )
    case_member_add(case=intervention.case, actor=demo.users["assistente"], user=not_assigned)
    assert_refused(
        lambda: _record(intervention, not_assigned, days_ago(1)),
        _state,
        "Non sei assegnato a questo intervento: non puoi registrarne le ore.",
    )
    assert_refused(
        lambda: _record(intervention, demo.users["assistente"], days_ago(1)),
        _state,
        "Il tuo ruolo non consente di registrare ore su questo intervento.",
    )
    assert_refused(
        lambda: _record(intervention, demo.users["educatore"], days_ago(1), activity="  "),
        _state,
        "Descrivere l'attività svolta.",
        ValidationError,
    )


def test_an_operator_deletes_their_own_line_within_seven_days_and_the_audit_keeps_it(demo):
    intervention = home_support(demo)
    assign(demo, intervention)
    educatore = demo.users["educatore"]
    record = _record(intervention, educatore, days_ago(1), "2.5")
    pk = record.pk

    delivery_record_delete(record=record, actor=educatore)

    assert not DeliveryRecord.objects.filter(pk=pk).exists()
    audit = AuditEvent.objects.get(action="services.delivery_record.deleted", object_id=str(pk))
    assert audit.case_id == intervention.case_id
    assert audit.data["day"] == days_ago(1).isoformat()
    assert audit.data["units"] == "2.50"
    assert audit.data["operator"] == educatore.pk
    assert ACTIVITY not in str(audit.data)


def test_deleting_someone_elses_or_an_old_line_is_refused(demo):
    intervention = home_support(demo)
    assign(demo, intervention)
    record = _record(intervention, demo.users["educatore"], days_ago(1))
    assert_refused(
        lambda: delivery_record_delete(record=record, actor=demo.users["cooperativa"]),
        _state,
        "Puoi eliminare solo le ore che hai registrato tu.",
    )
    with time_machine.travel(timezone.now() + dt.timedelta(days=8), tick=False):
        assert_refused(
            lambda: delivery_record_delete(record=record, actor=demo.users["educatore"]),
            _state,
            f"Le ore si possono eliminare entro 7 giorni dalla registrazione: questa è del {timezone.localdate() - dt.timedelta(days=8):%d/%m/%Y}.",
        )


def test_planned_against_delivered_per_month(demo):
    today = dt.date(2026, 3, 20)
    intervention = home_support(demo, hours=Decimal("7"))
    intervention.started_on = dt.date(2026, 2, 15)
    Suspension.objects.create(
        intervention=intervention,
        starts_on=dt.date(2026, 3, 1),
        ends_on=dt.date(2026, 3, 8),
        reason="Vacanze",
        created_by=demo.users["assistente"],
    )
    for day, units in [(dt.date(2026, 2, 16), "3"), (dt.date(2026, 2, 20), "4"), (dt.date(2026, 3, 10), "2")]:
        DeliveryRecord.objects.create(
            intervention=intervention, operator=demo.users["educatore"], day=day, units=Decimal(units)
        )

    rows = delivery_months(intervention, today=today)

    # February: 15th to 28th = 14 days = 2 weeks x 7 h; March: 1st to 20th less 7 suspended days = 13 days.
    assert [(r.month, r.active_days, r.planned, r.delivered) for r in rows] == [
        (dt.date(2026, 2, 1), 14, Decimal("14.0"), Decimal("7")),
        (dt.date(2026, 3, 1), 13, Decimal("13.0"), Decimal("2")),
    ]
    assert rows[0].difference == Decimal("-7.0")


def test_the_social_worker_sees_the_summary_and_the_managing_body_no_activity(client, demo):
    intervention = home_support(demo)
    assign(demo, intervention)
    _record(intervention, demo.users["educatore"], days_ago(0), "3")
    url = reverse("delivery:educational", kwargs={"pk": intervention.pk})

    client.force_login(demo.users["assistente"])
    response = client.get(url)
    assert response.status_code == 200
    assert ACTIVITY in response.content.decode()
    assert response.context["months"][-1].delivered == Decimal("3")

    client.force_login(demo.users["sds"])
    page = client.get(url).content.decode()
    assert "Davide Pieri" in page and ACTIVITY not in page


def test_the_educator_records_and_deletes_from_the_page(client, demo):
    intervention = home_support(demo)
    assign(demo, intervention)
    client.force_login(demo.users["educatore"])
    add = reverse("delivery:educational_action", kwargs={"pk": intervention.pk, "action": "registra-ore"})
    response = client.post(add, {"day": days_ago(-1).isoformat(), "hours": "2", "activity": ACTIVITY})
    assert (
        response.status_code == 200
        and "Non si registrano ore per giorni futuri." in response.content.decode()
    )
    response = client.post(add, {"day": days_ago(1).isoformat(), "hours": "2", "activity": ACTIVITY})
    assert response.status_code == 302
    record = DeliveryRecord.objects.get()

    delete = reverse("delivery:educational_action", kwargs={"pk": intervention.pk, "action": "elimina-ore"})
    assert client.get(f"{delete}?registrazione={record.pk}").status_code == 200
    assert client.post(delete, {"record": record.pk}).status_code == 302
    assert not DeliveryRecord.objects.exists()


def test_the_educational_page_reads_a_constant_number_of_queries(client, demo):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    intervention = home_support(demo)
    assign(demo, intervention)
    url = reverse("delivery:educational", kwargs={"pk": intervention.pk})
    client.force_login(demo.users["assistente"])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    _record(intervention, demo.users["educatore"], days_ago(1))
    one = queries()
    for days in range(2, 7):
        _record(intervention, demo.users["educatore"], days_ago(days))
    assign(demo, intervention, educator(demo, "educatore.due"), hours="1")
    assert queries() == one
