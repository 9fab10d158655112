"""Uploads over HTTP: checked by content, size-limited before they reach the disk, stored under generated
names, served only through the access check as attachments (ADR 0010)."""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, RequestFactory
from django.urls import reverse
from PIL import Image, PngImagePlugin

from tutela.core.demo.territory import DemoTerritory
from tutela.documents.models import Attachment
from tutela.documents.uploads import OversizedUpload
from tutela.intake.models import Referral
from tutela.testing.documents import pdf_bytes, pdf_from_objects, png_bytes
from tutela.testing.forms import direct_request_data
from tutela.testing.html import page_text

PDF = pdf_bytes()
PNG = png_bytes()
NOT_A_DOCUMENT = "Sono ammessi solo documenti PDF o immagini (PNG, JPEG)."
GENERATED = re.compile(r"^attachments/\d{4}/\d{2}/[0-9a-f]{32}$")


def _files_under(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.fixture
def desk(client: Client, demo: DemoTerritory) -> Client:
    client.force_login(demo.users["segretariato"])
    return client


@pytest.mark.parametrize(
    ("name", "content", "declared"),
    [
        ("relazione.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00", "application/pdf"),  # a renamed .exe
        ("relazione.pdf", b"<html><script>alert(1)</script></html>", "application/pdf"),  # a renamed page
        ("foto.png", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "image/png"),
        ("verbale.pdf", b"PK\x03\x04\x14\x00\x00\x00", "application/pdf"),  # a zip (or .docx)
        ("verbale.pdf", b"  %PDF-1.7", "application/pdf"),  # the signature must open the file
    ],
)
def test_a_file_that_is_not_a_document_is_refused_whatever_its_name(
    desk: Client, settings: Any, name: str, content: bytes, declared: str
) -> None:
    response = desk.post(
        reverse("intake:record_direct"),
        direct_request_data(document=SimpleUploadedFile(name, content, declared)),
    )

    assert response.status_code == 200
    assert NOT_A_DOCUMENT in page_text(response.content.decode())
    assert Referral.objects.count() == 0
    assert Attachment.objects.count() == 0
    assert _files_under(Path(settings.MEDIA_ROOT)) == []


def _pdf_opening_a_script() -> bytes:
    return pdf_from_objects(
        [
            b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        ],
        in_object_stream=True,
    )


@pytest.mark.parametrize(
    ("name", "build", "message"),
    [
        (
            "relazione.pdf",
            _pdf_opening_a_script,
            "Il PDF contiene contenuti attivi, che non sono ammessi: JavaScript. Caricarne una copia senza "
            "questi contenuti (ad esempio salvandolo con «Stampa in PDF»).",
        ),
        (
            "relazione.pdf",
            lambda: pdf_bytes() + b"<html><script>alert(1)</script></html>",
            "Il file sembra un file misto: oltre al documento contiene codice di pagine web o di un altro "
            "formato, e non può essere accettato.",
        ),
        (
            "foto.png",
            lambda: png_bytes() + b"<svg onload=alert(1)>",
            "Il file sembra un file misto: oltre al documento contiene codice di pagine web o di un altro "
            "formato, e non può essere accettato.",
        ),
    ],
)
def test_a_document_with_active_content_or_two_formats_is_refused_on_the_form(
    desk: Client, settings: Any, name: str, build: Callable[[], bytes], message: str
) -> None:
    """ADR 0016: checked by structure; the form says what was found and nothing is stored."""
    response = desk.post(
        reverse("intake:record_direct"),
        direct_request_data(document=SimpleUploadedFile(name, build(), "application/pdf")),
    )

    assert response.status_code == 200
    assert message in page_text(response.content.decode())
    assert Referral.objects.count() == Attachment.objects.count() == 0
    assert _files_under(Path(settings.MEDIA_ROOT)) == []


def test_an_image_uploaded_on_the_form_is_stored_without_its_metadata(desk: Client, settings: Any) -> None:
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Anna Verdi")
    photo = io.BytesIO()
    Image.new("RGB", (8, 6), "white").save(photo, format="PNG", pnginfo=info)

    response = desk.post(
        reverse("intake:record_direct"),
        direct_request_data(document=SimpleUploadedFile("isee.png", photo.getvalue())),
    )

    assert response.status_code == 302, page_text(response.content.decode())[-2000:]
    attachment = Attachment.objects.get()
    [on_disk] = _files_under(Path(settings.MEDIA_ROOT))
    stored = on_disk.read_bytes()
    assert b"Anna Verdi" not in stored and b"tEXt" not in stored
    assert attachment.sha256 == hashlib.sha256(stored).hexdigest() and attachment.size == len(stored)


def test_an_oversized_upload_is_refused_with_the_limit_in_the_message(desk: Client, settings: Any) -> None:
    settings.TUTELA_UPLOAD_MAX_BYTES = 1024
    big = PDF + b"0" * 5000

    response = desk.post(
        reverse("intake:record_direct"),
        direct_request_data(document=SimpleUploadedFile("grande.pdf", big, "application/pdf")),
    )

    assert response.status_code == 200
    assert "Il file supera la dimensione massima di 1,0\xa0KB." in page_text(response.content.decode())
    assert Referral.objects.count() == Attachment.objects.count() == 0
    assert _files_under(Path(settings.MEDIA_ROOT)) == []


def test_past_the_limit_an_upload_is_counted_but_not_kept(settings: Any) -> None:
    """The upload handler stops storing a file once it is over the limit, before any view or CSRF check
    reads the request: the view receives its size, not its content."""
    settings.TUTELA_UPLOAD_MAX_BYTES = 1024
    factory = RequestFactory()
    big = factory.post("/", {"document": SimpleUploadedFile("grande.pdf", PDF + b"0" * 300_000)})
    small = factory.post("/", {"document": SimpleUploadedFile("piccolo.pdf", PDF)})

    refused = big.FILES["document"]
    kept = small.FILES["document"]

    assert isinstance(refused, OversizedUpload)
    assert refused.size > 1024
    assert refused.read() == b""
    assert not isinstance(kept, OversizedUpload)
    assert kept.read() == PDF


def test_a_document_is_stored_under_a_generated_name_and_typed_by_its_content(
    desk: Client, settings: Any
) -> None:
    typed_name = "../../Relazione Verdi Luca <script>.pdf"
    response = desk.post(
        reverse("intake:record_direct"),
        direct_request_data(document=SimpleUploadedFile(typed_name, PDF, "text/html")),
    )

    assert response.status_code == 302, page_text(response.content.decode())[-2000:]
    attachment = Attachment.objects.get()
    assert GENERATED.match(attachment.file.name), attachment.file.name
    assert attachment.content_type == "application/pdf"  # from the bytes, not from the browser's text/html
    on_disk = _files_under(Path(settings.MEDIA_ROOT))
    assert [p.relative_to(settings.MEDIA_ROOT).as_posix() for p in on_disk] == [attachment.file.name]
    assert on_disk[0].read_bytes() == PDF
    assert "Verdi" not in attachment.file.name and "script" not in attachment.file.name
    # The name typed is kept only as a label (escaped wherever shown), without its directories.
    assert attachment.original_name == "Relazione Verdi Luca <script>.pdf"


@pytest.mark.parametrize(
    ("content", "content_type", "extension"), [(PDF, "application/pdf", "pdf"), (PNG, "image/png", "png")]
)
def test_a_download_is_an_attachment_of_the_detected_type_only_within_scope(
    desk: Client, demo: DemoTerritory, content: bytes, content_type: str, extension: str
) -> None:
    desk.post(
        reverse("intake:record_direct"),
        direct_request_data(document=SimpleUploadedFile("scansione.html", content, "text/html")),
    )
    attachment = Attachment.objects.get()
    url = reverse("documents:download", kwargs={"pk": attachment.pk})
    code = attachment.case.code  # type: ignore[union-attr]
    with attachment.file.open("rb") as stored:
        stored_content = stored.read()  # an image as rewritten (ADR 0016), a PDF as uploaded

    response = desk.get(url)

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == stored_content  # type: ignore[attr-defined]
    assert content_type != "application/pdf" or stored_content == content
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == (
        f'attachment; filename="{code}-documento-{attachment.pk}.{extension}"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]

    # Out of scope it does not exist: the other Comune's desk, a social worker of another team, a stranger.
    for username in ("segretariato.montemurlo", "assistente2", "dpo"):
        desk.force_login(demo.users[username])
        assert desk.get(url).status_code == 404, username
    desk.logout()
    anonymous = desk.get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("login"))


def test_documents_are_never_served_from_the_media_url(desk: Client, settings: Any) -> None:
    desk.post(reverse("intake:record_direct"), direct_request_data(document=SimpleUploadedFile("a.pdf", PDF)))
    attachment = Attachment.objects.get()
    assert desk.get(settings.MEDIA_URL + attachment.file.name).status_code == 404
    assert desk.get("/media/" + attachment.file.name).status_code == 404
