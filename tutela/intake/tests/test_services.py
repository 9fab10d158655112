"""Seed 000 step 1: a third party's report through the Protocol Office, or a family's request at the front
office. Bad input changes nothing."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

import pytest
from codicefiscale import codicefiscale
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tutela.accounts.models import Organisation
from tutela.audit.models import AuditEvent
from tutela.cases.models import Case, CaseEvent, CaseState, Channel
from tutela.deadlines.calendar import add_business_days, patron_of
from tutela.deadlines.models import Deadline
from tutela.documents.models import Attachment
from tutela.intake.models import Referral
from tutela.intake.services import ReferralData, referral_record_direct, referral_register_indirect
from tutela.notifications.models import Communication
from tutela.people.models import Person
from tutela.people.services import PersonData
from tutela.protocol.models import ProtocolEntry
from tutela.reference.models import Code, CodeList
from tutela.testing.documents import pdf_bytes, png_bytes

PDF = pdf_bytes()  # a real one: documents are checked by their structure (ADR 0016)


def _today() -> dt.date:
    return timezone.localdate()


def _birth(years: int = 8) -> dt.date:
    return _today().replace(year=_today().year - years, day=1)


def _child(
    demo,
    *,
    surname: str = "Rossi",
    given_name: str = "Giulia",
    birth: dt.date | None = None,
    fiscal_code: str | None = None,
    residence: str = "Prato",
    place: str = "G999",
) -> PersonData:
    birth = birth or _birth()
    if fiscal_code is None:
        fiscal_code = codicefiscale.encode(
            lastname=surname,
            firstname=given_name,
            gender="F",
            birthdate=birth.strftime("%d/%m/%Y"),
            birthplace=place,
        )
    residence_municipality = (
        demo.municipalities[residence] if residence in demo.municipalities else _municipality(residence)
    )
    return PersonData(
        surname=surname,
        given_name=given_name,
        birth_date=birth,
        fiscal_code=fiscal_code,
        sex="F",
        residence_municipality=residence_municipality,
        residence_address="Via Roma 1",
    )


def _municipality(name: str):
    from tutela.accounts.models import Municipality

    return Municipality.objects.get(name=name)


def _data(
    demo,
    *,
    received_on: dt.date | None = None,
    subject: str = "Segnalazione di situazione di pregiudizio",
    sender: str | None = "school",
    **kwargs,
) -> ReferralData:
    return ReferralData(
        source=Code.objects.get(code_list=CodeList.REFERRAL_SOURCE, code="13"),
        received_on=received_on or _today() - dt.timedelta(days=2),
        subject=subject,
        sender_organisation=demo.organisations[sender] if sender else None,
        narrative="Assenze ripetute.",
        sender_reference="prot. 1234 del 02/11/2026",
        **kwargs,
    )


def _register(demo, child: PersonData, data: ReferralData | None = None, document=None) -> Referral:
    return referral_register_indirect(
        actor=demo.users["protocollo"],
        protocol_office=Organisation.objects.get(pk=demo.organisations["protocol_office"].pk),
        data=data or _data(demo),
        child_data=child,
        document_file=document,
    )


def _record(
    demo, child: PersonData, *, desk: str = "pass_prato", user: str = "segretariato", document=None
) -> Referral:
    data = ReferralData(
        source=Code.objects.get(code_list=CodeList.REFERRAL_SOURCE, code="8"),
        received_on=_today(),
        subject="Richiesta di sostegno alla genitorialità",
        applicant_name=" Genitore ",
        applicant_relationship="madre",
    )
    return referral_record_direct(
        actor=demo.users[user],
        desk=demo.organisations[desk],
        data=data,
        child_data=child,
        document_file=document,
    )


def _counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            Person,
            Case,
            ProtocolEntry,
            Referral,
            Attachment,
            Deadline,
            CaseEvent,
            AuditEvent,
            Communication,
        )
    }


# indirect channel


def test_protocol_office_registers_a_referral(demo, protocol_officer, django_capture_on_commit_callbacks):
    child = _child(demo)
    document = SimpleUploadedFile("segnalazione.pdf", PDF, content_type="application/pdf")
    before = _counts()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        referral = _register(demo, child, document=document)

    case = referral.case
    person = case.child
    assert (person.surname, person.given_name, person.fiscal_code, person.birth_date) == (
        "Rossi",
        "Giulia",
        child.fiscal_code,
        child.birth_date,
    )
    assert person.residence_municipality == demo.municipalities["Prato"]
    assert case.state == CaseState.REFERRED
    assert case.channel == Channel.INDIRECT
    assert case.territory == demo.territory
    assert case.lead_social_worker is None
    assert re.fullmatch(rf"TM-{timezone.localdate().year}-\d{{5}}", case.code)
    assert (referral.channel, referral.registered_by, referral.registered_by_organisation) == (
        Channel.INDIRECT,
        protocol_officer,
        demo.organisations["protocol_office"],
    )

    entry = referral.protocol_entry
    assert entry.direction == ProtocolEntry.Direction.INCOMING
    assert entry.register == demo.register
    assert re.fullmatch(r"\d{7}/\d{4}", entry.display_number)
    assert entry.display_number == f"{entry.number:07d}/{timezone.localdate().year}"
    assert entry.correspondents == demo.organisations["school"].name
    assert entry.correspondent_organisation == demo.organisations["school"]
    assert entry.subject == "Segnalazione di situazione di pregiudizio"
    assert entry.sender_reference == "prot. 1234 del 02/11/2026"
    assert entry.confidential is True
    digest = hashlib.sha256(PDF).hexdigest()
    assert entry.document_sha256 == digest
    assert entry.document == referral.document
    assert referral.document.sha256 == digest
    assert referral.document.case == case
    assert referral.document.content_type == "application/pdf"
    assert referral.document.file.open("rb").read() == PDF

    deadline = Deadline.objects.get(case=case)
    assert deadline.kind == "take_in_charge"
    # 10 working days (ADR 0011): weekends, national holidays and the patron saint's day are skipped.
    due = timezone.localtime(deadline.due_at).date()
    assert due == add_business_days(referral.received_on, 10, patron_of(demo.territory))
    assert timezone.localtime(deadline.due_at).time() == dt.time(23, 59, 59)
    assert deadline.done_at is None

    # Routed to the social services' queue only: no letter, no e-mail, nothing else created.
    after = _counts()
    assert {k: after[k] - before[k] for k in after if k not in {"CaseEvent", "AuditEvent"}} == {
        "Person": 1,
        "Case": 1,
        "ProtocolEntry": 1,
        "Referral": 1,
        "Attachment": 1,
        "Deadline": 1,
        "Communication": 0,
    }
    assert callbacks == []
    assert mail.outbox == []
    assert list(CaseEvent.objects.filter(case=case).values_list("code", "to_state")) == [
        ("cases.case.opened", CaseState.REFERRED),
        ("intake.referral.registered", ""),
    ]
    assert CaseEvent.objects.get(case=case, code="intake.referral.registered").protocol_entry == entry
    assert sorted(AuditEvent.objects.values_list("action", flat=True)) == sorted(
        [
            "people.person.created",
            "documents.attachment.stored",
            "protocol.entry.registered",
            "cases.case.opened",
            "intake.referral.registered",
            "deadlines.deadline.created",
        ]
    )


def test_the_take_in_charge_deadline_follows_the_territory_setting(demo):
    demo.territory.take_in_charge_days = 5
    demo.territory.save(update_fields=["take_in_charge_days"])
    received = _today() - dt.timedelta(days=3)

    referral = _register(demo, _child(demo), _data(demo, received_on=received))

    deadline = Deadline.objects.get(case=referral.case, kind="take_in_charge")
    # Counted in working days (ADR 0011), no longer in calendar days.
    assert timezone.localtime(deadline.due_at).date() == add_business_days(
        received, 5, patron_of(demo.territory)
    )
    assert "5 giorni lavorativi" in deadline.description


def test_a_second_referral_with_the_same_fiscal_code_joins_the_open_case(demo):
    first = _register(demo, _child(demo))
    before = _counts()

    second = _register(
        demo,
        _child(demo, surname="ROSSI", given_name="giulia"),
        _data(demo, sender="police", subject="Intervento per lite familiare"),
    )

    assert second.case == first.case
    assert second.pk != first.pk
    after = _counts()
    assert (after["Person"], after["Case"], after["Deadline"]) == (
        before["Person"],
        before["Case"],
        before["Deadline"],
    )
    assert after["ProtocolEntry"] == before["ProtocolEntry"] + 1
    assert second.protocol_entry.number == first.protocol_entry.number + 1
    assert Case.objects.get(pk=first.case_id).state == CaseState.REFERRED


def test_a_second_referral_without_fiscal_code_joins_by_name_and_birth_date(demo):
    child = _child(demo)
    first = _register(demo, child)
    before = _counts()

    second = _register(
        demo,
        _child(demo, surname="rossi ", given_name="GIULIA", fiscal_code=""),
        _data(demo, sender="consultorio"),
    )

    assert second.case == first.case
    assert (_counts()["Person"], _counts()["Case"]) == (before["Person"], before["Case"])
    assert Person.objects.get(pk=first.case.child_id).fiscal_code == child.fiscal_code


def test_a_direct_request_for_a_child_already_referred_joins_the_open_case(demo):
    first = _register(demo, _child(demo))
    second = _record(demo, _child(demo))
    assert second.case == first.case
    assert second.channel == Channel.DIRECT
    assert Case.objects.get(pk=first.case_id).channel == Channel.INDIRECT


def test_front_office_may_not_register_for_the_protocol_office(demo):
    before = _counts()
    with pytest.raises(ValidationError) as excinfo:
        referral_register_indirect(
            actor=demo.users["segretariato"],
            protocol_office=demo.organisations["protocol_office"],
            data=_data(demo),
            child_data=_child(demo),
        )
    assert excinfo.value.messages == [
        f"Il tuo ruolo non consente questa registrazione per {demo.organisations['protocol_office'].name}."
    ]
    assert _counts() == before


# direct channel


def test_front_office_of_prato_refuses_a_child_resident_in_montemurlo(demo):
    before = _counts()
    with pytest.raises(ValidationError) as excinfo:
        _record(demo, _child(demo, residence="Montemurlo"))
    assert excinfo.value.message_dict == {
        "residence_municipality": [
            "Il minore risiede a Montemurlo: l'istanza va raccolta dal Segretariato sociale di quel Comune."
        ]
    }
    assert _counts() == before


def test_the_montemurlo_desk_records_its_resident(demo):
    referral = _record(
        demo, _child(demo, residence="Montemurlo"), desk="desk_montemurlo", user="segretariato.montemurlo"
    )
    assert referral.case.state == CaseState.REFERRED
    assert referral.registered_by_organisation == demo.organisations["desk_montemurlo"]


def test_front_office_records_a_child_resident_outside_the_territory(demo, front_office):
    document = SimpleUploadedFile("isee.png", png_bytes(), content_type="image/png")
    before = _counts()

    referral = _record(demo, _child(demo, residence="Firenze"), document=document)

    case = referral.case
    assert case.state == CaseState.REFERRED
    assert case.channel == Channel.DIRECT
    assert case.child.residence_municipality.name == "Firenze"
    assert referral.protocol_entry is None
    assert (referral.applicant_name, referral.applicant_relationship) == ("Genitore", "madre")
    assert referral.document.content_type == "image/png"
    assert referral.document.case == case
    after = _counts()
    assert (
        after["Case"] - before["Case"],
        after["ProtocolEntry"] - before["ProtocolEntry"],
        after["Deadline"] - before["Deadline"],
    ) == (1, 0, 1)
    event = CaseEvent.objects.get(case=case, code="intake.referral.registered")
    assert event.actor == front_office
    assert demo.organisations["pass_prato"].name in event.description


def test_protocol_officer_may_not_record_a_direct_request(demo):
    before = _counts()
    with pytest.raises(ValidationError) as excinfo:
        _record(demo, _child(demo), user="protocollo")
    assert excinfo.value.messages == [
        f"Il tuo ruolo non consente questa registrazione per {demo.organisations['pass_prato'].name}."
    ]
    assert _counts() == before


# bad input changes nothing


def _text_file():
    return SimpleUploadedFile("segnalazione.txt", b"Testo della segnalazione", content_type="text/plain")


def _exe_as_pdf():
    return SimpleUploadedFile(
        "segnalazione.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64, content_type="application/pdf"
    )


BAD_INPUT = {
    "invalid fiscal code": (
        dict(child=dict(fiscal_code="RSSGLI18C52G999X")),
        "Il codice fiscale non è valido.",
    ),
    "fiscal code of another surname": (
        dict(
            child=dict(
                fiscal_code=codicefiscale.encode(
                    lastname="Bianchi",
                    firstname="Giulia",
                    gender="F",
                    birthdate="01/01/2018",
                    birthplace="G999",
                ),
                birth=dt.date(2018, 1, 1),
            )
        ),
        "Il codice fiscale non corrisponde al cognome indicato.",
    ),
    "fiscal code of another birth date": (
        dict(
            child=dict(
                fiscal_code=codicefiscale.encode(
                    lastname="Rossi",
                    firstname="Giulia",
                    gender="F",
                    birthdate="02/01/2018",
                    birthplace="G999",
                ),
                birth=dt.date(2018, 1, 1),
            )
        ),
        "Il codice fiscale non corrisponde alla data di nascita indicata.",
    ),
    "future birth date": (
        dict(child=dict(birth=dt.date(2099, 1, 1), fiscal_code="")),
        "La data di nascita non può essere nel futuro.",
    ),
    "adult": (dict(child=dict(birth="adult")), "La persona segnalata deve essere minorenne."),
    "no fiscal code and no birth date": (
        dict(child=dict(birth="none", fiscal_code="")),
        "Senza codice fiscale la data di nascita è obbligatoria.",
    ),
    "missing surname": (dict(child=dict(surname=" ", fiscal_code="")), "Il cognome è obbligatorio."),
    "missing subject": (dict(data=dict(subject="  ")), "L'oggetto è obbligatorio."),
    "missing sender": (dict(data=dict(sender=None)), "Indicare l'ente che ha inviato la segnalazione."),
    "future received date": (
        dict(data=dict(received_on="tomorrow")),
        "La data di ricezione non può essere nel futuro.",
    ),
    "subject naming the child": (
        dict(data=dict(subject="Segnalazione relativa a ROSSI Giulia")),
        "L'oggetto del protocollo non deve contenere il nome del minore o dei familiari.",
    ),
    "text file": (dict(document=_text_file), "Sono ammessi solo documenti PDF o immagini (PNG, JPEG)."),
    "exe renamed pdf": (
        dict(document=_exe_as_pdf),
        "Sono ammessi solo documenti PDF o immagini (PNG, JPEG).",
    ),
    "empty file": (dict(document=lambda: SimpleUploadedFile("vuoto.pdf", b"")), "Il file è vuoto."),
}


def _bad_child(demo, overrides: dict) -> PersonData:
    if overrides.get("birth") == "adult":  # eighteen today
        today = _today()
        birth = today.replace(
            year=today.year - 18, day=28 if (today.month, today.day) == (2, 29) else today.day
        )
        return _child(demo, birth=birth)
    if overrides.get("birth") == "none":
        return PersonData(
            surname="Rossi", given_name="Giulia", residence_municipality=demo.municipalities["Prato"]
        )
    return _child(demo, **overrides)


def _bad_data(demo, overrides: dict) -> ReferralData:
    overrides = dict(overrides)
    if overrides.get("received_on") == "tomorrow":
        overrides["received_on"] = _today() + dt.timedelta(days=1)
    return _data(demo, **overrides)


@pytest.mark.parametrize("case", BAD_INPUT.values(), ids=BAD_INPUT.keys())
def test_bad_referral_input_changes_nothing(demo, case):
    spec, message = case
    child = _bad_child(demo, spec.get("child", {}))
    data = _bad_data(demo, spec.get("data", {}))
    document = spec["document"]() if "document" in spec else SimpleUploadedFile("s.pdf", PDF)
    before = _counts()

    with pytest.raises(ValidationError) as excinfo:
        _register(demo, child, data, document=document)

    assert excinfo.value.messages == [message]
    assert _counts() == before


@pytest.mark.parametrize(
    "case",
    [BAD_INPUT[k] for k in ("adult", "fiscal code of another surname", "exe renamed pdf")],
    ids=["adult", "fiscal code of another surname", "exe renamed pdf"],
)
def test_bad_direct_request_changes_nothing(demo, case):
    spec, message = case
    child = _bad_child(demo, spec.get("child", {}))
    document = spec["document"]() if "document" in spec else None
    before = _counts()

    with pytest.raises(ValidationError) as excinfo:
        _record(demo, child, document=document)

    assert excinfo.value.messages == [message]
    assert _counts() == before


def test_an_upload_over_the_size_limit_changes_nothing(demo, settings):
    settings.TUTELA_UPLOAD_MAX_BYTES = 64
    before = _counts()
    with pytest.raises(ValidationError) as excinfo:
        _register(demo, _child(demo), document=SimpleUploadedFile("grande.pdf", PDF + b"0" * 64))
    [message] = excinfo.value.messages
    assert message.startswith("Il file supera la dimensione massima di ")
    assert _counts() == before
    with pytest.raises(ValidationError):
        _record(demo, _child(demo), document=SimpleUploadedFile("grande.pdf", PDF + b"0" * 64))
    assert _counts() == before


def test_an_upload_at_the_size_limit_is_accepted(demo, settings):
    settings.TUTELA_UPLOAD_MAX_BYTES = len(PDF)
    referral = _register(demo, _child(demo), document=SimpleUploadedFile("giusto.pdf", PDF))
    assert referral.document.size == len(PDF)


def test_a_refused_subject_leaves_no_document_on_disk(demo, settings):
    with pytest.raises(ValidationError):
        _register(
            demo,
            _child(demo),
            _data(demo, subject="Segnalazione per Giulia"),
            document=SimpleUploadedFile("s.pdf", PDF),
        )
    stored = (
        [p for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()] if settings.MEDIA_ROOT.exists() else []
    )
    assert stored == []
