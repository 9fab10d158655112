"""Letters are recorded first and e-mailed only after the transaction that caused them commits."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.db import transaction

from tutela.audit.models import AuditEvent
from tutela.documents.services import attachment_store
from tutela.notifications.models import Communication
from tutela.notifications.services import communication_create, communication_send
from tutela.testing import factories
from tutela.testing.documents import pdf_bytes

PDF = pdf_bytes()  # a real one: documents are checked by their structure (ADR 0016)


def _create(demo, case, **kwargs) -> Communication:
    values = dict(
        case=case,
        kind=Communication.Kind.ADMIN_OFFICE_NOTICE,
        actor=demo.users["coordinatore"],
        subject="Pratica TM: proposta approvata",
        body="In allegato.",
        recipient_email="area.minori@comune.prato.example.invalid",
        recipient_organisation=demo.organisations["admin_office"],
    )
    values.update(kwargs)
    return communication_create(**values)


def test_the_e_mail_leaves_only_after_commit_with_its_document(demo, django_capture_on_commit_callbacks):
    case = factories.referred_case(demo)
    document = attachment_store(
        content=PDF, original_name="l.pdf", actor=demo.users["coordinatore"], case=case
    )

    with django_capture_on_commit_callbacks(execute=True):
        communication = _create(demo, case, document=document)
        assert mail.outbox == []

    communication.refresh_from_db()
    assert communication.sent_at is not None
    assert (
        AuditEvent.objects.filter(
            action="notifications.communication.created", object_id=str(communication.pk)
        ).count()
        == 1
    )
    [message] = mail.outbox
    assert message.to == ["area.minori@comune.prato.example.invalid"]
    assert message.subject == "Pratica TM: proposta approvata"
    [(name, content, mimetype)] = [(a[0], a[1], a[2]) for a in message.attachments]
    assert (content, mimetype) == (PDF, "application/pdf")
    assert name.endswith(".pdf")
    assert "/" not in name


def test_a_rolled_back_act_sends_nothing(demo, django_capture_on_commit_callbacks):
    case = factories.referred_case(demo)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        _create(demo, case)
        raise RuntimeError("rollback")
    assert callbacks == []
    assert mail.outbox == []
    assert Communication.objects.count() == 0


def test_a_communication_is_sent_once(demo, django_capture_on_commit_callbacks):
    case = factories.referred_case(demo)
    with django_capture_on_commit_callbacks(execute=True):
        communication = _create(demo, case)
    communication_send(communication_id=communication.pk)
    assert len(mail.outbox) == 1


def test_without_an_address_the_operator_is_told(demo, django_capture_on_commit_callbacks):
    case = factories.referred_case(demo)
    with django_capture_on_commit_callbacks(execute=True):
        communication = _create(demo, case, recipient_email="")
    communication.refresh_from_db()
    assert communication.sent_at is None
    assert communication.send_error == "Nessun indirizzo e-mail per il destinatario: inviare per altra via."
    assert mail.outbox == []


def test_a_failed_send_is_kept_on_the_row_and_can_be_retried(
    demo, monkeypatch, django_capture_on_commit_callbacks
):
    case = factories.referred_case(demo)

    def refuse(self, fail_silently=False):
        raise ConnectionRefusedError("SMTP non raggiungibile")

    with monkeypatch.context() as patch:
        patch.setattr(EmailMessage, "send", refuse)
        with django_capture_on_commit_callbacks(execute=True):
            communication = _create(demo, case)
    communication.refresh_from_db()
    assert (communication.sent_at, communication.send_error) == (None, "SMTP non raggiungibile")

    communication_send(communication_id=communication.pk)

    communication.refresh_from_db()
    assert communication.sent_at is not None
    assert communication.send_error == ""
    assert len(mail.outbox) == 1


def test_the_e_mail_shows_bidirectional_controls_as_markers(demo, django_capture_on_commit_callbacks):
    """The letter keeps its text as recorded; the e-mail shows the controls as "[U+202E]" (ADR 0010)."""
    case = factories.referred_case(demo)
    with django_capture_on_commit_callbacks(execute=True):
        communication = _create(demo, case, subject="Pratica \u202eAT", body="Nota: \u2067fdp.exe\u2069")

    assert communication.body == "Nota: \u2067fdp.exe\u2069"
    [message] = mail.outbox
    assert message.subject == "Pratica [U+202E]AT"
    assert message.body == "Nota: [U+2067]fdp.exe[U+2069]"
