"""Reads and writes that had no audit row: the protocol register's page, a person's record completed by a
later registration, a letter leaving by e-mail (DESIGN.md section 5)."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.urls import reverse

from tutela.accounts.tests.conftest import login
from tutela.audit.models import AuditEvent
from tutela.core.demo.territory import DemoTerritory
from tutela.notifications.models import Communication
from tutela.notifications.services import communication_create, communication_send
from tutela.people.services import PersonData, person_resolve
from tutela.protocol.models import ProtocolEntry
from tutela.testing import factories


def test_the_protocol_register_page_is_audited(demo: DemoTerritory, client: Client) -> None:
    factories.referred_case(demo)  # registered at the Protocol Office, routed to the coordinator's territory
    login(client, demo.users["coordinatore"])
    assert client.get(reverse("protocol:list")).status_code == 200
    viewed = AuditEvent.objects.get(action="protocol.register.viewed")
    assert viewed.actor_id == demo.users["coordinatore"].pk
    assert viewed.data["entries"] == list(
        ProtocolEntry.objects.order_by("-year", "-number").values_list("pk", flat=True)
    )


def test_completing_a_known_persons_record_is_audited(demo: DemoTerritory) -> None:
    worker = demo.users["assistente"]
    data = PersonData(surname="Conti", given_name="Marta", birth_date=dt.date(1985, 3, 2))
    person, created = person_resolve(data=data, actor=worker)
    assert created
    again, created = person_resolve(
        data=PersonData(**{**data.__dict__, "residence_address": "Via Roma 1"}), actor=worker
    )
    assert (again.pk, created) == (person.pk, False)
    completed = AuditEvent.objects.get(action="people.person.completed")
    assert (completed.object_id, completed.data) == (str(person.pk), {"fields": ["residence_address"]})
    person_resolve(data=data, actor=worker)  # nothing missing any more: nothing written, nothing audited
    assert AuditEvent.objects.filter(action="people.person.completed").count() == 1


def test_a_letter_sent_by_e_mail_is_audited(demo: DemoTerritory) -> None:
    case = factories.referred_case(demo)
    communication = communication_create(
        case=case,
        kind=Communication.Kind.ADMIN_OFFICE_NOTICE,
        actor=demo.users["coordinatore"],
        subject="Pratica: proposta approvata",
        body="In allegato.",
        recipient_email="area.minori@comune.prato.example.invalid",
        recipient_organisation=demo.organisations["admin_office"],
    )
    communication_send(communication_id=communication.pk)
    sent = AuditEvent.objects.get(action="notifications.communication.sent")
    assert (sent.actor_id, sent.case_id, sent.object_id) == (None, case.pk, str(communication.pk))
    assert sent.data == {"recipient": "area.minori@comune.prato.example.invalid"}


def test_the_audit_records_the_address_the_lockout_counts(client, demo, settings):
    """Behind a trusted proxy the audit keeps the client's address, not the proxy's."""
    from tutela.audit.models import AuditEvent
    from tutela.testing import factories

    settings.TUTELA_TRUSTED_PROXY_COUNT = 1
    case = factories.in_care_case(demo)
    client.force_login(demo.users["assistente"])
    client.get(f"/pratiche/{case.pk}/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.7")
    event = AuditEvent.objects.filter(action="cases.case.viewed", case_id=case.pk).latest("id")
    assert event.ip_address == "203.0.113.7"
