"""Attachments are accepted by content, never by extension, within the size limit, with their SHA-256."""

from __future__ import annotations

import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from tutela.audit.models import AuditEvent
from tutela.documents.inspection import sniff_content_type
from tutela.documents.models import Attachment
from tutela.documents.services import attachment_store, attachment_store_upload, upload_validate
from tutela.testing.documents import jpeg_bytes, pdf_bytes, png_bytes

PDF = pdf_bytes()
PNG = png_bytes()
JPEG = jpeg_bytes()


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (PDF, "application/pdf"),
        (PNG, "image/png"),
        (JPEG, "image/jpeg"),
        (b"MZ\x90\x00", None),
        (b"<html>", None),
        (b"PK\x03\x04", None),
        (b"", None),
    ],
)
def test_content_type_comes_from_the_magic_bytes(head, expected):
    assert sniff_content_type(head) == expected


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("nota.txt", b"solo testo", "Sono ammessi solo documenti PDF o immagini (PNG, JPEG)."),
        ("programma.pdf", b"MZ\x90\x00\x03\x00", "Sono ammessi solo documenti PDF o immagini (PNG, JPEG)."),
        ("pagina.pdf", b"<html><script>", "Sono ammessi solo documenti PDF o immagini (PNG, JPEG)."),
        ("vuoto.pdf", b"", "Il file è vuoto."),
    ],
)
def test_uploads_that_are_not_documents_are_refused(db, name, content, message):
    with pytest.raises(ValidationError) as excinfo:
        attachment_store_upload(uploaded=SimpleUploadedFile(name, content), actor=None)
    assert excinfo.value.messages == [message]
    assert Attachment.objects.count() == 0


def test_the_size_limit_message_names_the_limit(settings):
    settings.TUTELA_UPLOAD_MAX_BYTES = 10 * 1024 * 1024
    big = SimpleUploadedFile("grande.pdf", b"")
    big.size = 10 * 1024 * 1024 + 1
    with pytest.raises(ValidationError) as excinfo:
        upload_validate(big)
    assert excinfo.value.messages == ["Il file supera la dimensione massima di 10,0\xa0MB."]


def test_an_upload_is_stored_under_a_generated_name_with_its_hash(demo):
    officer = demo.users["protocollo"]
    uploaded = SimpleUploadedFile("../../etc/passwd.pdf", PDF, content_type="text/plain")

    attachment = attachment_store_upload(uploaded=uploaded, actor=officer, title="Segnalazione")

    assert attachment.content_type == "application/pdf"  # from the content, not from the browser
    assert attachment.sha256 == hashlib.sha256(PDF).hexdigest()
    assert attachment.size == len(PDF)
    assert attachment.original_name == uploaded.name
    assert "passwd" not in attachment.file.name
    assert attachment.file.name.startswith("attachments/")
    assert attachment.file.open("rb").read() == PDF
    assert AuditEvent.objects.get(action="documents.attachment.stored").object_id == str(attachment.pk)


def test_generated_content_is_checked_too(demo):
    with pytest.raises(ValidationError):
        attachment_store(content=b"not a pdf", original_name="x.pdf", actor=demo.users["protocollo"])
    stored = attachment_store(content=JPEG, original_name="f" * 300 + ".jpg", actor=demo.users["protocollo"])
    assert stored.content_type == "image/jpeg"
    assert len(stored.original_name) == 200
    assert Attachment.objects.count() == 1
