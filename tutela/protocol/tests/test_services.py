"""The protocol register (DPR 445/2000 artt. 53-57): one yearly sequence without gaps, immutable entries,
annulment that keeps the data."""

from __future__ import annotations

import datetime as dt
import hashlib
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction

from tutela.audit.models import AuditEvent
from tutela.documents.services import attachment_store
from tutela.protocol.models import ProtocolEntry
from tutela.protocol.services import protocol_entry_annul, protocol_entry_register, sha256_hex
from tutela.testing.documents import pdf_bytes

ROME = ZoneInfo("Europe/Rome")
PDF = pdf_bytes()  # a real one: documents are checked by their structure (ADR 0016)


def _register(demo, subject: str = "Comunicazione al servizio sociale", **kwargs) -> ProtocolEntry:
    values = dict(
        register=demo.register,
        direction=ProtocolEntry.Direction.INCOMING,
        actor=demo.users["protocollo"],
        correspondents="Questura di Prato",
        subject=subject,
    )
    values.update(kwargs)
    return protocol_entry_register(**values)


def test_numbers_are_consecutive_within_the_year(demo):
    entries = [_register(demo) for _ in range(5)]
    numbers = [e.number for e in entries]
    assert numbers == list(range(numbers[0], numbers[0] + 5))
    assert len({e.year for e in entries}) == 1
    assert entries[0].display_number == f"{numbers[0]:07d}/{entries[0].year}"
    assert entries[0].label == f"{demo.register.code} {entries[0].year}/{numbers[0]:07d}"
    assert AuditEvent.objects.filter(action="protocol.entry.registered").count() == 5


def test_numbering_restarts_with_the_calendar_year_in_italian_time(demo):
    with time_machine.travel(dt.datetime(2030, 12, 31, 9, 0, tzinfo=ROME), tick=False):
        first = _register(demo)
    with time_machine.travel(dt.datetime(2030, 12, 31, 23, 59, 30, tzinfo=ROME), tick=False):
        last = _register(demo)
    # 00:30 in Rome is still 31 December in UTC: the Italian date decides the year.
    with time_machine.travel(dt.datetime(2031, 1, 1, 0, 30, tzinfo=ROME), tick=False):
        new_year = _register(demo)
    with time_machine.travel(dt.datetime(2031, 1, 1, 10, 0, tzinfo=ROME), tick=False):
        second = _register(demo)

    assert [(e.year, e.number) for e in (first, last, new_year, second)] == [
        (2030, 1),
        (2030, 2),
        (2031, 1),
        (2031, 2),
    ]
    assert new_year.display_number == "0000001/2031"


def test_numbering_is_per_register(demo):
    from tutela.protocol.models import ProtocolRegister

    other = ProtocolRegister.objects.create(
        code="c_x999",
        aoo_code="AOO_X",
        name="Altro registro",
        organisation=demo.organisations["comune_montemurlo"],
    )
    a = _register(demo)
    b = _register(demo, register=other)
    assert (a.number, b.number) == (1, 1)


def test_registration_stores_the_document_hash(demo):
    document = attachment_store(content=PDF, original_name="lettera.pdf", actor=demo.users["protocollo"])
    entry = _register(demo, document=document)
    assert entry.document_sha256 == hashlib.sha256(PDF).hexdigest() == sha256_hex(PDF)


def test_render_document_sees_the_number_before_saving(demo):
    seen = {}

    def render(entry):
        seen["label"] = entry.display_number
        return attachment_store(content=PDF, original_name="u.pdf", actor=demo.users["protocollo"])

    entry = _register(demo, direction=ProtocolEntry.Direction.OUTGOING, render_document=render)
    assert seen["label"] == entry.display_number
    assert entry.document_sha256 == sha256_hex(PDF)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(correspondents="  "), "Indicare il mittente o i destinatari."),
        (dict(subject=" "), "Indicare l'oggetto."),
        (
            dict(subject="Minore Conti Luca", forbidden_names=["Conti", "Luca"]),
            "L'oggetto del protocollo non deve contenere il nome del minore o dei familiari.",
        ),
        (
            dict(subject="Segnalazione D'ANGELO", forbidden_names=["D'Angelo"]),
            "L'oggetto del protocollo non deve contenere il nome del minore o dei familiari.",
        ),
    ],
)
def test_bad_registrations_take_no_number(demo, kwargs, message):
    with pytest.raises(ValidationError) as excinfo:
        _register(demo, **kwargs)
    assert excinfo.value.messages == [message]
    assert ProtocolEntry.objects.count() == 0
    assert _register(demo).number == 1  # no gap


def test_only_whole_names_are_forbidden_in_the_subject(demo):
    entry = _register(demo, subject="Intervento autorizzato", forbidden_names=["Vento", "Rizzato", "Al"])
    assert entry.number == 1


# The database itself refuses changes (migration protocol 0002): whatever code runs, even a bulk update.


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("number", 99),
        ("year", 1999),
        ("subject", "Oggetto cambiato"),
        ("correspondents", "Altro mittente"),
        ("document_sha256", "0" * 64),
        ("registered_at", dt.datetime(2020, 1, 1, tzinfo=ROME)),
    ],
)
def test_the_database_refuses_to_update_registered_data(demo, field, value):
    entry = _register(demo)
    with pytest.raises(DatabaseError), transaction.atomic():
        ProtocolEntry.objects.filter(pk=entry.pk).update(**{field: value})
    setattr(entry, field, value)
    with pytest.raises(DatabaseError), transaction.atomic():
        entry.save()
    stored = ProtocolEntry.objects.get(pk=entry.pk)
    assert (stored.number, stored.year, stored.subject, stored.correspondents) == (
        1,
        stored.registered_at.astimezone(ROME).year,
        "Comunicazione al servizio sociale",
        "Questura di Prato",
    )


def test_the_database_refuses_to_delete_an_entry(demo):
    entry = _register(demo)
    with pytest.raises(DatabaseError), transaction.atomic():
        ProtocolEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        entry.delete()
    assert ProtocolEntry.objects.filter(pk=entry.pk).exists()


def test_non_registered_fields_may_change(demo):
    entry = _register(demo)
    assert ProtocolEntry.objects.filter(pk=entry.pk).update(classification="07.02", confidential=False) == 1


# annulment (art. 54)


def test_annulment_works_once_and_keeps_the_data(demo):
    entry = _register(demo)
    officer = demo.users["protocollo"]
    with pytest.raises(ValidationError) as excinfo:
        protocol_entry_annul(entry=entry, actor=officer, reason=" ")
    assert excinfo.value.messages == [
        "Indicare il motivo e gli estremi dell'autorizzazione all'annullamento."
    ]

    annulled = protocol_entry_annul(
        entry=entry, actor=officer, reason=" Errata registrazione, autorizzazione n. 5 "
    )

    stored = ProtocolEntry.objects.get(pk=entry.pk)
    assert stored.annulled_at is not None
    assert stored.annulled_by == officer
    assert stored.annulment_reason == "Errata registrazione, autorizzazione n. 5"
    assert (stored.number, stored.subject, stored.correspondents) == (
        entry.number,
        entry.subject,
        entry.correspondents,
    )
    audit = AuditEvent.objects.get(action="protocol.entry.annulled", object_id=str(entry.pk))
    assert audit.reason == " Errata registrazione, autorizzazione n. 5 "

    with pytest.raises(ValidationError) as excinfo:
        protocol_entry_annul(entry=annulled, actor=officer, reason="Di nuovo")
    assert excinfo.value.messages == ["La registrazione è già annullata."]
    # ...and the database refuses to move the annulment date.
    with pytest.raises(DatabaseError), transaction.atomic():
        ProtocolEntry.objects.filter(pk=entry.pk).update(annulled_at=None)
    assert ProtocolEntry.objects.get(pk=entry.pk).annulled_at == stored.annulled_at
    # An annulled number is not reused.
    assert _register(demo).number == entry.number + 1


def test_an_annulment_cannot_be_rewritten_even_by_sql(demo):
    from django.db import DatabaseError, transaction

    entry = _register(demo)
    protocol_entry_annul(
        entry=entry, actor=demo.users["protocollo"], reason="Errata registrazione, aut. n. 5"
    )
    with pytest.raises(DatabaseError), transaction.atomic():
        ProtocolEntry.objects.filter(pk=entry.pk).update(annulment_reason="Altro motivo")
    assert ProtocolEntry.objects.get(pk=entry.pk).annulment_reason == "Errata registrazione, aut. n. 5"
