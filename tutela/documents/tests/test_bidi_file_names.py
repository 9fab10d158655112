"""An uploaded file's name loses its bidirectional controls ("fattura\u202efdp.exe" would read as
"fatturaexe.pdf"); the upload itself is not refused for them (ADR 0010)."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tutela.core.demo.territory import DemoTerritory
from tutela.documents.models import Attachment
from tutela.documents.services import attachment_store
from tutela.testing.documents import pdf_bytes
from tutela.testing.forms import direct_request_data

PDF = pdf_bytes()


def test_an_uploaded_name_is_stored_without_the_controls(client: Client, demo: DemoTerritory) -> None:
    client.force_login(demo.users["segretariato"])
    data = direct_request_data(
        document=SimpleUploadedFile("relazione\u202efdp.exe\u2066\u200f.pdf", PDF, "application/pdf")
    )

    response = client.post(reverse("intake:record_direct"), data)

    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.original_name == "relazionefdp.exe.pdf"


def test_every_stored_document_loses_the_controls(demo: DemoTerritory) -> None:
    attachment = attachment_store(
        content=PDF, original_name="\u202bverbale\u202c\u061c.pdf", actor=demo.users["coordinatore"]
    )
    assert attachment.original_name == "verbale.pdf"
