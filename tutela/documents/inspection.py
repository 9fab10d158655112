"""What a stored document may be: a plain PDF, checked by its structure, or a PNG/JPEG image, rewritten from its
pixels. Uploads and generated letters alike pass here before anything is stored (ADR 0016)."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, JpegImagePlugin
from pypdf import PasswordType, PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"

# Accepted by content, never by extension: (magic bytes, MIME type).
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", PDF),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
)

# Markup that makes a browser (or a reader sniffing content) take the file for a page: a document carrying it
# is a polyglot, whatever its first bytes say. A tag name ends at a space, "/" or ">" for a browser too;
# requiring it keeps random (compressed) bytes from matching by chance but once in 17 GB, instead of 500 MB.
_MARKUP = re.compile(rb"<(?:html|script|body|svg|iframe|!doctype)[\s/>]", re.IGNORECASE)
_PDF_WHITESPACE = b"\x00\t\n\x0c\r "

# Bounds on the walk of a PDF's objects: a file within the size limit can still hold millions of tiny objects.
_PDF_MAX_NODES = 300_000
_ACTION_CHAIN_MAX = 100

# An A4 page scanned at 600 dpi is about 35 million pixels; beyond the limit an image is a decompression bomb
# or not a document, and decoding it would take hundreds of megabytes.
_IMAGE_MAX_PIXELS = 40_000_000
_IMAGE_FORMATS = {PNG: "PNG", JPEG: "JPEG"}

# What a PDF reader would run, open or fetch: (key, value) of a dictionary → kind found. Value None: the key
# alone is enough.
_ACTIVE_ENTRIES: dict[tuple[str, str | None], str] = {
    ("/JS", None): "javascript",
    ("/JavaScript", None): "javascript",  # the document-level name tree of scripts
    ("/S", "/JavaScript"): "javascript",
    ("/S", "/Launch"): "launch",
    ("/S", "/SubmitForm"): "form_data",
    ("/S", "/ImportData"): "form_data",
    ("/EmbeddedFiles", None): "embedded",
    ("/EF", None): "embedded",
    ("/Type", "/EmbeddedFile"): "embedded",
    ("/Subtype", "/FileAttachment"): "embedded",
    ("/S", "/RichMediaExecute"): "multimedia",
    ("/RichMediaContent", None): "multimedia",
    ("/RichMediaSettings", None): "multimedia",
    ("/Subtype", "/RichMedia"): "multimedia",
    ("/Subtype", "/Movie"): "multimedia",
    ("/Subtype", "/Sound"): "multimedia",
    ("/Subtype", "/Screen"): "multimedia",
    ("/Subtype", "/3D"): "multimedia",
    ("/XFA", None): "xfa",
}
# Defence in depth: the same names spelled out in the raw bytes, where a reader repairing a damaged file could
# find an object that the cross-reference table (and so the walk) leaves out. Only long names: compressed data
# spells a short one like /JS by chance in about one 10 MB file out of thirty.
_ACTIVE_NAMES = re.compile(
    rb"/(JavaScript|Launch|SubmitForm|ImportData|EmbeddedFiles?|RichMedia\w*)(?=[\s/<>\[\]()%{}]|$)"
)
_RAW_KINDS = {
    b"JavaScript": "javascript",
    b"Launch": "launch",
    b"SubmitForm": "form_data",
    b"ImportData": "form_data",
    b"EmbeddedFile": "embedded",
    b"EmbeddedFiles": "embedded",
}
# Actions a reader runs by itself (the document's /OpenAction, any /AA trigger): only moving inside the document.
_AUTOMATIC_ALLOWED = {"/GoTo"}


@dataclass(frozen=True)
class InspectedDocument:
    content_type: str
    content: bytes  # what is stored: the PDF as received, an image rewritten without its metadata


def sniff_content_type(head: bytes) -> str | None:
    for magic, mime in _SIGNATURES:
        if head.startswith(magic):
            return mime
    return None


def document_inspect(content: bytes) -> InspectedDocument:
    """Refuse what is not a plain PDF, PNG or JPEG; returns its type and the bytes to store."""
    content_type = sniff_content_type(content[:16])
    if content_type is None:
        raise ValidationError(_("Sono ammessi solo documenti PDF o immagini (PNG, JPEG)."))
    if _MARKUP.search(content) or (content_type != PDF and b"%PDF-" in content):
        raise ValidationError(_mixed_message())
    if content_type == PDF:
        pdf_check(content)
        return InspectedDocument(content_type=content_type, content=content)
    return InspectedDocument(content_type=content_type, content=image_rewrite(content, content_type))


def _mixed_message() -> str:
    return _(
        "Il file sembra un file misto: oltre al documento contiene codice di pagine web o di un altro "
        "formato, e non può essere accettato."
    )


# ------------------------------------------------------------------------------------------------------ PDF


def pdf_check(content: bytes) -> None:
    """Refuse a PDF that does not parse, is locked by a password or carries active content."""
    if not content.rstrip(_PDF_WHITESPACE).endswith(b"%%EOF"):
        raise ValidationError(
            _(
                "Il PDF non termina come un documento PDF: sembra un file misto o danneggiato, e non può "
                "essere accettato."
            )
        )
    found = {_RAW_KINDS.get(m.group(1), "multimedia") for m in _ACTIVE_NAMES.finditer(content)}
    try:
        found |= _pdf_walk(_pdf_open(content))
    except ValidationError:
        raise
    except Exception:  # any parser error on hostile input (pypdf, zlib, recursion) means "not readable"
        if not found:
            raise ValidationError(
                _("Il PDF è danneggiato o non leggibile e non può essere accettato.")
            ) from None
    if found:
        raise ValidationError(
            _(
                "Il PDF contiene contenuti attivi, che non sono ammessi: %(found)s. Caricarne una copia senza "
                "questi contenuti (ad esempio salvandolo con «Stampa in PDF»)."
            )
            % {"found": ", ".join(_found_labels(found))}
        )


def _too_complex() -> ValidationError:
    return ValidationError(
        _(
            "Il PDF è troppo complesso per essere verificato: caricarne una copia semplificata (ad esempio "
            "salvandolo con «Stampa in PDF»)."
        )
    )


def _pdf_open(content: bytes) -> PdfReader:
    # Not strict: scanners and office suites write slightly irregular files that readers open all the same.
    reader = PdfReader(io.BytesIO(content), strict=False)
    if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
        raise ValidationError(_("Il PDF è protetto da password: caricarne una copia senza protezione."))
    if not isinstance(reader.trailer["/Root"].get_object(), DictionaryObject) or len(reader.pages) == 0:
        raise ValueError("no catalog or no page")
    return reader


def _pdf_walk(reader: PdfReader) -> set[str]:
    """Every object reachable from the trailer, and every object of the cross-reference table even if
    nothing points to it; each indirect object once, at most _PDF_MAX_NODES values."""
    found: set[str] = set()
    seen: set[tuple[int, int]] = set()
    stack: list[Any] = [reader.trailer]
    stack += [IndirectObject(num, gen, reader) for gen, table in reader.xref.items() for num in table]
    stack += [IndirectObject(num, 0, reader) for num in reader.xref_objStm]
    budget = _PDF_MAX_NODES
    while stack:
        budget -= 1
        if budget < 0:
            raise _too_complex()
        node = stack.pop()
        if isinstance(node, IndirectObject):
            if (node.idnum, node.generation) in seen:
                continue
            seen.add((node.idnum, node.generation))
            node = node.get_object()
        if isinstance(node, DictionaryObject):  # streams too: their dictionary is what names their kind
            found |= _dictionary_findings(node)
            stack += dict.values(node)  # unresolved: references go through `seen`
        elif isinstance(node, ArrayObject):
            stack += list(node)
    return found


def _resolved(value: Any) -> Any:
    return value.get_object() if isinstance(value, IndirectObject) else value


def _dictionary_findings(node: DictionaryObject) -> set[str]:
    found: set[str] = set()
    for key, value in dict.items(node):
        kind = _ACTIVE_ENTRIES.get((key, None))
        if kind is None and key in ("/S", "/Type", "/Subtype"):
            kind = _ACTIVE_ENTRIES.get((key, str(_resolved(value))))
        if kind:
            found.add(kind)
    if "/OpenAction" in node:
        found |= _automatic_findings(node["/OpenAction"])
    additional = _resolved(dict.get(node, "/AA"))
    if isinstance(additional, DictionaryObject):
        for trigger in dict.values(additional):
            found |= _automatic_findings(trigger)
    return found


def _automatic_findings(action: Any) -> set[str]:
    """Actions run without a click: anything but a move inside the document (a destination array, /GoTo)."""
    found: set[str] = set()
    chain = [action]
    for _step in range(_ACTION_CHAIN_MAX):
        if not chain:
            return found
        action = _resolved(chain.pop())
        if isinstance(action, ArrayObject):
            continue  # a destination, or a /Next that is an array handled below
        if not isinstance(action, DictionaryObject):
            continue
        kind = str(_resolved(dict.get(action, "/S", "")))
        # JavaScript, Launch and the like are named as such wherever they are; here only the rest.
        if kind and kind not in _AUTOMATIC_ALLOWED and ("/S", kind) not in _ACTIVE_ENTRIES:
            found.add(f"automatic:{kind.lstrip('/')}")
        following = _resolved(dict.get(action, "/Next"))
        chain += list(following) if isinstance(following, ArrayObject) else [following]
    raise _too_complex()


def _found_labels(found: set[str]) -> list[str]:
    labels = {
        "javascript": _("JavaScript"),
        "launch": _("avvio di programmi o file (Launch)"),
        "form_data": _("invio o importazione di dati (SubmitForm, ImportData)"),
        "embedded": _("file incorporati"),
        "multimedia": _("contenuti multimediali (RichMedia)"),
        "xfa": _("moduli XFA"),
    }
    result = [label for kind, label in labels.items() if kind in found]
    automatic = sorted(kind.split(":", 1)[1] for kind in found if kind.startswith("automatic:"))
    if automatic:
        result.append(_("azioni automatiche (%(kinds)s)") % {"kinds": ", ".join(automatic)})
    return result


# --------------------------------------------------------------------------------------------------- images


def image_rewrite(content: bytes, content_type: str) -> bytes:
    """Decode an image within the pixel limit and encode its pixels again, with no metadata."""
    image_format = _IMAGE_FORMATS[content_type]
    unreadable = _("L'immagine è danneggiata o non leggibile e non può essere accettata.")
    try:
        with Image.open(io.BytesIO(content), formats=[image_format]) as image:
            _image_size_check(image)
            image.verify()
        with Image.open(io.BytesIO(content), formats=[image_format]) as image:
            image.load()
            return _image_encode(image, image_format)
    except ValidationError:
        raise
    except Image.DecompressionBombError:
        raise ValidationError(_image_too_large()) from None
    except Exception:  # any decoder error on hostile input (Pillow, zlib, libjpeg) means "not readable"
        raise ValidationError(unreadable) from None


def _image_size_check(image: Image.Image) -> None:
    width, height = image.size
    if width * height > _IMAGE_MAX_PIXELS:
        raise ValidationError(_image_too_large())


def _image_too_large() -> str:
    return _("L'immagine è troppo grande: al massimo %(limit)s milioni di pixel.") % {
        "limit": _IMAGE_MAX_PIXELS // 1_000_000
    }


def _image_encode(image: Image.Image, image_format: str) -> bytes:
    # Orientation lives in the EXIF data about to be dropped: turn the pixels instead. Unreadable EXIF is no
    # reason to refuse a photo: it is dropped all the same.
    try:
        upright = ImageOps.exif_transpose(image)
    except Exception:
        upright = image.copy()
    options: dict[str, Any] = {}
    if "dpi" in image.info:  # the print size of a scan
        options["dpi"] = image.info["dpi"]
    if image_format == "PNG" and "transparency" in image.info:
        options["transparency"] = image.info["transparency"]
    if image_format == "JPEG":
        # The original's tables keep its quality and size, instead of a second lossy pass at a guessed one.
        options["qtables"] = image.quantization  # type: ignore[attr-defined]
        options["subsampling"] = JpegImagePlugin.get_sampling(image)
    # Nothing else of `info` survives (EXIF, XMP, ICC profile, text chunks, comments): save() reads some of it.
    upright.info = {}
    out = io.BytesIO()
    upright.save(out, format=image_format, **options)
    return out.getvalue()
