"""Documents are checked by their structure before anything is stored: a PDF must parse and carry no active
content, a file must not be two formats at once, an image is stored as rewritten from its pixels (ADR 0016)."""

from __future__ import annotations

import hashlib
import io
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, PngImagePlugin
from pypdf import PdfWriter
from pypdf.actions import JavaScript
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from tutela.accounts.models import User
from tutela.audit.models import AuditEvent
from tutela.documents import inspection
from tutela.documents.models import Attachment
from tutela.documents.pdf import pdf_render
from tutela.documents.services import attachment_store, upload_validate
from tutela.testing.documents import pdf_bytes, pdf_from_objects, png_bytes

MIXED = (
    "Il file sembra un file misto: oltre al documento contiene codice di pagine web o di un altro formato, "
    "e non può essere accettato."
)
NOT_ENDING = "Il PDF non termina come un documento PDF: sembra un file misto o danneggiato, e non può essere accettato."
DAMAGED = "Il PDF è danneggiato o non leggibile e non può essere accettato."
UNREADABLE_IMAGE = "L'immagine è danneggiata o non leggibile e non può essere accettata."
PAGES = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"
CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"


def active(found: str) -> str:
    return (
        f"Il PDF contiene contenuti attivi, che non sono ammessi: {found}. Caricarne una copia senza questi "
        "contenuti (ad esempio salvandolo con «Stampa in PDF»)."
    )


def _written_by_pypdf(change: Callable[[PdfWriter], Any]) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    change(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _open_action_script(writer: PdfWriter) -> None:
    writer.root_object[NameObject("/OpenAction")] = DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert(1)")}
    )


def _catalog_with(entries: bytes) -> bytes:
    return b"<< /Type /Catalog /Pages 2 0 R " + entries + b" >>"


def _page_with_annotation(annotation: bytes, *, in_object_stream: bool = False) -> bytes:
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Annots [4 0 R] >>"
    return pdf_from_objects([CATALOG, PAGES, page, annotation], in_object_stream=in_object_stream)


def _files_under(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def _refused(content: bytes, actor: User, settings: Any) -> list[str]:
    """The messages of the refusal; and nothing was stored: no row, no file, no audit entry."""
    with pytest.raises(ValidationError) as excinfo:
        attachment_store(content=content, original_name="documento.pdf", actor=actor)
    assert Attachment.objects.count() == 0
    assert not AuditEvent.objects.filter(action="documents.attachment.stored").exists()
    assert _files_under(Path(settings.MEDIA_ROOT)) == []
    return excinfo.value.messages


HOSTILE_PDFS: dict[str, tuple[Callable[[], bytes], str]] = {
    "javascript open action, by pypdf": (
        lambda: _written_by_pypdf(_open_action_script),
        active("JavaScript"),
    ),
    "document-level javascript, by pypdf": (
        lambda: _written_by_pypdf(lambda w: w.add_open_action(JavaScript("app.alert(1)"))),
        active("JavaScript"),
    ),
    "embedded file, by pypdf": (
        lambda: _written_by_pypdf(lambda w: w.add_attachment("fattura.exe", b"MZ\x90\x00")),
        active("file incorporati"),
    ),
    "javascript open action, by hand": (
        lambda: pdf_from_objects(
            [_catalog_with(b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>"), PAGES, PAGE]
        ),
        active("JavaScript"),
    ),
    "javascript open action, no cross-reference table": (
        lambda: (
            b"%PDF-1.4\n1 0 obj << /Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>"
            b" endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
        ),
        active("JavaScript"),
    ),
    # Compressed in an object stream or spelled with #xx escapes: no byte of the file says "JavaScript",
    # only the parsed structure does.
    "javascript open action, compressed": (
        lambda: pdf_from_objects(
            [_catalog_with(b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>"), PAGES, PAGE],
            in_object_stream=True,
        ),
        active("JavaScript"),
    ),
    "javascript open action, escaped names": (
        lambda: pdf_from_objects(
            [_catalog_with(b"/OpenAction << /S /J#61vaScript /J#53 (app.alert(1)) >>"), PAGES, PAGE]
        ),
        active("JavaScript"),
    ),
    "javascript in an object nothing points to": (
        lambda: pdf_from_objects(
            [CATALOG, PAGES, PAGE, b"<< /S /J#61vaScript /J#53 (app.alert(1)) >>"], in_object_stream=True
        ),
        active("JavaScript"),
    ),
    "launch action": (
        lambda: pdf_from_objects(
            [_catalog_with(rb"/OpenAction << /S /Launch /F (C:\\Windows\\System32\\cmd.exe) >>"), PAGES, PAGE]
        ),
        active("avvio di programmi o file (Launch)"),
    ),
    "launch behind a link, compressed": (
        lambda: _page_with_annotation(
            b"<< /Type /Annot /Subtype /Link /Rect [0 0 99 99] /A << /S /Launch /F (setup.exe) >> >>",
            in_object_stream=True,
        ),
        active("avvio di programmi o file (Launch)"),
    ),
    "file attachment annotation": (
        lambda: _page_with_annotation(
            b"<< /Type /Annot /Subtype /FileAttachment /Rect [0 0 9 9] /FS << /Type /Filespec /F (a.exe) >> >>"
        ),
        active("file incorporati"),
    ),
    "rich media annotation": (
        lambda: _page_with_annotation(b"<< /Type /Annot /Subtype /RichMedia /Rect [0 0 9 9] >>"),
        active("contenuti multimediali (RichMedia)"),
    ),
    "xfa form": (
        lambda: pdf_from_objects(
            [_catalog_with(b"/AcroForm << /Fields [] /XFA (modulo) >>"), PAGES, PAGE], in_object_stream=True
        ),
        active("moduli XFA"),
    ),
    "form that sends its data away": (
        lambda: _page_with_annotation(
            b"<< /Type /Annot /Subtype /Widget /FT /Btn /T (invia) /Rect [0 0 9 9] "
            b"/A << /S /SubmitForm /F << /FS /URL /F (https://example.org/raccolta) >> >> >>"
        ),
        active("invio o importazione di dati (SubmitForm, ImportData)"),
    ),
    "address opened with the page": (
        lambda: pdf_from_objects(
            [
                CATALOG,
                PAGES,
                b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
                b"/AA << /O << /S /GoTo /D [3 0 R /Fit] /Next 4 0 R >> >> >>",
                b"<< /S /URI /URI (https://example.org/traccia) >>",
            ],
            in_object_stream=True,
        ),
        active("azioni automatiche (URI)"),
    ),
    "other file opened with the document": (
        lambda: pdf_from_objects(
            [_catalog_with(b"/OpenAction << /S /GoToR /F (altro.pdf) /D [0 /Fit] >>"), PAGES, PAGE]
        ),
        active("azioni automatiche (GoToR)"),
    ),
    "script and embedded file": (
        lambda: _written_by_pypdf(lambda w: (_open_action_script(w), w.add_attachment("a.txt", b"x"))),
        active("JavaScript, file incorporati"),
    ),
    "pdf and page at once": (
        lambda: pdf_bytes().replace(b"%%EOF", b"<html><script>alert(1)</script></html>\n%%EOF"),
        MIXED,
    ),
    "page after the end": (lambda: pdf_bytes() + b"<!DOCTYPE html><body onload=alert(1)>", MIXED),
    "svg after the end": (lambda: pdf_bytes() + b'<SVG onload="alert(1)"/>', MIXED),
    "archive after the end": (lambda: pdf_bytes() + b"PK\x03\x04\x14\x00\x00\x00", NOT_ENDING),
    "only a header": (lambda: b"%PDF-1.4\n% Tutela\n%%EOF\n", DAMAGED),
    "no page": (
        lambda: pdf_from_objects(
            [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"]
        ),
        DAMAGED,
    ),
    "locked by a password": (
        lambda: _written_by_pypdf(lambda w: w.encrypt("segreto", algorithm="AES-256")),
        "Il PDF è protetto da password: caricarne una copia senza protezione.",
    ),
}


@pytest.mark.parametrize("case", HOSTILE_PDFS, ids=list(HOSTILE_PDFS))
def test_a_pdf_with_active_content_or_not_a_plain_pdf_is_refused_with_what_was_found(
    protocol_officer: User, settings: Any, case: str
) -> None:
    build, message = HOSTILE_PDFS[case]

    assert _refused(build(), protocol_officer, settings) == [message]


def test_the_walk_of_a_pdf_is_bounded(protocol_officer: User, settings: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(inspection, "_PDF_MAX_NODES", 5)

    assert _refused(pdf_bytes(), protocol_officer, settings) == [
        "Il PDF è troppo complesso per essere verificato: caricarne una copia semplificata (ad esempio "
        "salvandolo con «Stampa in PDF»)."
    ]


def _letter() -> bytes:
    return pdf_render(
        "services/letters/proposal_approved.html", {"case": {"code": "PO-2026-00001"}, "subject": "Proposta"}
    )


def _link(writer: PdfWriter) -> None:
    writer.add_uri(0, "https://www.regione.toscana.it/", [50, 50, 200, 80])  # followed only on a click


PLAIN_PDFS: dict[str, Callable[[], bytes]] = {
    "a letter by WeasyPrint": _letter,
    "a blank page by pypdf": pdf_bytes,
    "a page with a link": lambda: _written_by_pypdf(_link),
    "opening on its first page": lambda: pdf_from_objects(
        [_catalog_with(b"/OpenAction [3 0 R /Fit]"), PAGES, PAGE]
    ),
    "compressed, with references in a cycle": lambda: pdf_from_objects(
        [_catalog_with(b"/Extra 4 0 R"), PAGES, PAGE, b"<< /Self 4 0 R /Back 1 0 R >>"], in_object_stream=True
    ),
    "trailing whitespace": lambda: pdf_bytes() + b"\r\n \n",
    "locked only against editing": lambda: _written_by_pypdf(
        lambda w: w.encrypt(user_password="", owner_password="ufficio", algorithm="AES-128")
    ),
}


@pytest.mark.parametrize("case", PLAIN_PDFS, ids=list(PLAIN_PDFS))
def test_a_plain_pdf_is_stored_as_it_came(protocol_officer: User, case: str) -> None:
    content = PLAIN_PDFS[case]()

    attachment = attachment_store(content=content, original_name="lettera.pdf", actor=protocol_officer)

    assert attachment.content_type == "application/pdf"
    with attachment.file.open("rb") as stored:
        assert stored.read() == content
    assert attachment.sha256 == hashlib.sha256(content).hexdigest()
    assert AuditEvent.objects.filter(action="documents.attachment.stored").count() == 1


# ---------------------------------------------------------------------------------------------------- images


def _png_chunks(content: bytes) -> list[bytes]:
    chunks, position = [], 8
    while position < len(content):
        length = int.from_bytes(content[position : position + 4])
        chunks.append(content[position + 4 : position + 8])
        position += 12 + length
    return chunks


def _png_with_text() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Mario Rossi")
    info.add_text("Comment", "Scansione del decreto del Tribunale per i minorenni", zip=True)
    info.add_itxt("Description", "Luca Verdi, nato il 4 marzo 2017")
    out = io.BytesIO()
    Image.new("RGB", (30, 20), "white").save(out, format="PNG", pnginfo=info, dpi=(300, 300))
    return out.getvalue()


def _jpeg_with_exif() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "Fotocamera"  # Make
    exif[0x013B] = "Mario Rossi"  # Artist
    exif[0x0112] = 6  # Orientation: turned a quarter
    out = io.BytesIO()
    Image.new("RGB", (40, 20), "navy").save(out, format="JPEG", exif=exif, comment=b"Luca Verdi")
    return out.getvalue()


def test_a_png_is_stored_rewritten_without_its_text(protocol_officer: User) -> None:
    content = _png_with_text()
    assert b"Mario Rossi" in content

    attachment = attachment_store(content=content, original_name="scansione.png", actor=protocol_officer)

    with attachment.file.open("rb") as file:
        stored = file.read()
    assert attachment.content_type == "image/png"
    assert set(_png_chunks(stored)) <= {b"IHDR", b"pHYs", b"IDAT", b"IEND"}
    assert b"Mario" not in stored and b"Tribunale" not in stored and b"Luca" not in stored
    assert attachment.sha256 == hashlib.sha256(stored).hexdigest() != hashlib.sha256(content).hexdigest()
    assert attachment.size == len(stored)
    with Image.open(io.BytesIO(stored)) as image:
        assert image.size == (30, 20)
        assert image.info["dpi"] == pytest.approx((300, 300), abs=1)  # a scan prints at its size


def test_a_jpeg_is_stored_rewritten_without_its_exif_and_turned_upright(protocol_officer: User) -> None:
    content = _jpeg_with_exif()

    attachment = attachment_store(content=content, original_name="foto.jpg", actor=protocol_officer)

    with attachment.file.open("rb") as file:
        stored = file.read()
    assert attachment.content_type == "image/jpeg"
    assert b"Exif" not in stored and b"Mario Rossi" not in stored and b"Luca Verdi" not in stored
    assert attachment.sha256 == hashlib.sha256(stored).hexdigest()
    assert attachment.size == len(stored)
    with Image.open(io.BytesIO(stored)) as image:
        assert image.size == (20, 40)  # the orientation the EXIF asked for is now in the pixels
        assert not image.getexif()
        assert "comment" not in image.info


def _png_declaring(width: int, height: int) -> bytes:
    """A few hundred bytes whose header announces width by height pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return len(data).to_bytes(4) + kind + data + zlib.crc32(kind + data).to_bytes(4)

    header = width.to_bytes(4) + height.to_bytes(4) + b"\x08\x00\x00\x00\x00"  # 8-bit greyscale
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def _png_with_svg_text() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>')
    out = io.BytesIO()
    Image.new("RGB", (2, 2)).save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def _jpeg_with_pdf_inside() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (2, 2)).save(out, format="JPEG", comment=b"%PDF-1.4 1 0 obj")
    return out.getvalue()


HOSTILE_IMAGES: dict[str, tuple[Callable[[], bytes], str]] = {
    "png with a page appended": (lambda: png_bytes() + b"<html><script>alert(1)</script></html>", MIXED),
    "png with svg in a text chunk": (_png_with_svg_text, MIXED),
    "jpeg with a pdf inside": (_jpeg_with_pdf_inside, MIXED),
    "png signature and nothing else": (lambda: b"\x89PNG\r\n\x1a\n" + b"\x00" * 32, UNREADABLE_IMAGE),
    "truncated jpeg": (lambda: _jpeg_with_exif()[:300], UNREADABLE_IMAGE),
    "decompression bomb": (
        lambda: _png_declaring(50_000, 50_000),
        "L'immagine è troppo grande: al massimo 40 milioni di pixel.",
    ),
}


@pytest.mark.parametrize("case", HOSTILE_IMAGES, ids=list(HOSTILE_IMAGES))
def test_an_image_that_is_not_only_an_image_is_refused(
    protocol_officer: User, settings: Any, case: str
) -> None:
    build, message = HOSTILE_IMAGES[case]

    assert _refused(build(), protocol_officer, settings) == [message]


def test_the_pixel_limit_is_checked_before_decoding(
    protocol_officer: User, settings: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(inspection, "_IMAGE_MAX_PIXELS", 2_000_000)

    assert _refused(_png_declaring(2000, 1001), protocol_officer, settings) == [
        "L'immagine è troppo grande: al massimo 2 milioni di pixel."
    ]


def test_an_upload_is_refused_by_the_same_checks_before_any_service(db: Any) -> None:
    hostile = SimpleUploadedFile("relazione.pdf", _written_by_pypdf(_open_action_script), "application/pdf")

    with pytest.raises(ValidationError) as excinfo:
        upload_validate(hostile)

    assert excinfo.value.messages == [active("JavaScript")]
    assert upload_validate(SimpleUploadedFile("foto.png", _png_with_text())) == "image/png"
