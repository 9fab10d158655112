"""What a page or a letter would run or fetch, read with the standard library's HTML parser (tests only)."""

from __future__ import annotations

import re
import zlib
from html.parser import HTMLParser

from django.conf import settings

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "srcset"}
SCRIPT_SCHEMES = ("javascript:", "vbscript:", "data:text/html", "data:image/svg")
# Elements Tutela's own templates never emit: injected, they would run, frame or redirect something.
FOREIGN_ELEMENTS = {"iframe", "frame", "object", "embed", "base", "applet"}


class _Scan(HTMLParser):
    def __init__(self, static_url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.static_url = static_url
        self.problems: list[str] = []
        self.text: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag}> carries the event handler {name}={value!r}")
            elif name == "style":
                self.problems.append(f"<{tag}> carries an inline style {value!r} (CSP style-src 'self')")
            elif name == "srcdoc":
                self.problems.append(f"<{tag}> carries srcdoc")
            elif name in URL_ATTRIBUTES and value and value.strip().lower().startswith(SCRIPT_SCHEMES):
                self.problems.append(f"<{tag}> points {name} at {value!r}")
        if tag == "script":
            self._in_script = True
            src = values.get("src") or ""
            if not src:
                self.problems.append("an inline <script>")
            elif not src.startswith(self.static_url):
                self.problems.append(f"a <script> from {src!r}, not from {self.static_url}")
        elif tag in FOREIGN_ELEMENTS:
            self.problems.append(f"an <{tag}> element")
        elif tag == "img" and not (values.get("src") or "").startswith((self.static_url, "data:image/png")):
            self.problems.append(f"an <img> from {values.get('src')!r}")
        elif tag == "meta" and (values.get("http-equiv") or "").lower() == "refresh":
            self.problems.append("a <meta http-equiv=refresh>")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag == "script":
            self._in_script = False

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.problems.append(f"script content {data.strip()[:60]!r}")
        self.text.append(data)


def _scan(html: str) -> _Scan:
    scan = _Scan("/" + settings.STATIC_URL.lstrip("/"))
    scan.feed(html)
    scan.close()
    return scan


def active_content(html: str) -> list[str]:
    """Everything in the page that a browser would run, fetch from elsewhere or treat as markup injected:
    event-handler attributes, scripts not served from STATIC_URL or inline, inline styles, script URLs,
    frames, objects, <base>, images from elsewhere, meta refresh. Empty for an inert page."""
    return _scan(html).problems


def page_text(html: str) -> str:
    """The text a reader sees (entities decoded): typed markup must show up here, as text."""
    return "".join(_scan(html).text)


def pdf_structure(pdf: bytes) -> bytes:
    """The PDF's objects, with every Flate stream inflated (WeasyPrint packs objects in object streams)."""
    parts = [pdf]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.DOTALL):
        try:
            parts.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return b"\n".join(parts)


# PDF features through which a document runs, opens or embeds something: none may appear in a letter.
PDF_ACTIVE_KEYS = (b"/JavaScript", b"/JS", b"/URI", b"/Launch", b"/EmbeddedFile", b"/SubmitForm", b"/GoToR")
