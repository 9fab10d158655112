"""Real documents for tests: attachments are checked by their structure (ADR 0016), so a few bytes that only
start like a PDF or an image are refused."""

from __future__ import annotations

import io
import zlib

from PIL import Image
from pypdf import PdfWriter


def pdf_bytes() -> bytes:
    """A valid one-page A4 PDF, as pypdf writes it."""
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def png_bytes(size: tuple[int, int] = (4, 3)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "white").save(out, format="PNG")
    return out.getvalue()


def jpeg_bytes(size: tuple[int, int] = (4, 3)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "white").save(out, format="JPEG")
    return out.getvalue()


def pdf_from_objects(objects: list[bytes], *, in_object_stream: bool = False) -> bytes:
    """A PDF whose objects are typed by hand (object 1 is the catalog), with a correct cross-reference table.
    `in_object_stream`: every object compressed in one object stream, indexed by a cross-reference stream
    (PDF 1.5), so that none of their bytes can be read without parsing the file."""
    if not in_object_stream:
        out = bytearray(b"%PDF-1.4\n")
        offsets = []
        for number, body in enumerate(objects, start=1):
            offsets.append(len(out))
            out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
        xref = len(out)
        out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
        out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
        out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
        return bytes(out)
    header = b""
    body = b""
    for number, text in enumerate(objects, start=1):
        header += b"%d %d " % (number, len(body))
        body += text + b"\n"
    stream_number, xref_number = len(objects) + 1, len(objects) + 2
    packed = zlib.compress(header + body)
    out = bytearray(b"%PDF-1.5\n")
    stream_offset = len(out)
    out += b"%d 0 obj\n<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\nstream\n" % (
        stream_number,
        len(objects),
        len(header),
        len(packed),
    )
    out += packed + b"\nendstream\nendobj\n"
    xref_offset = len(out)
    rows = b"\x00\x00\x00\x00\x00\xff\xff"  # object 0: free
    rows += b"".join(b"\x02" + stream_number.to_bytes(4) + index.to_bytes(2) for index in range(len(objects)))
    rows += b"\x01" + stream_offset.to_bytes(4) + b"\x00\x00"
    rows += b"\x01" + xref_offset.to_bytes(4) + b"\x00\x00"
    out += b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n" % (
        xref_number,
        xref_number + 1,
        len(rows),
    )
    out += rows + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref_offset
    return bytes(out)
