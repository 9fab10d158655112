"""PDF letters, rendered from Django templates with WeasyPrint."""

from typing import Any

from django.template.loader import render_to_string

from tutela.core.bidi import bidi_escape


def pdf_render(template_name: str, context: dict[str, Any]) -> bytes:
    from weasyprint import HTML  # imported late: it loads Pango, which only PDF rendering needs
    from weasyprint.urls import URLFetcher

    # Bidirectional controls kept in long texts print as "[U+202E]", as pages show them (ADR 0010).
    html = bidi_escape(render_to_string(template_name, context))
    # Letters carry their styles inline and need nothing from outside: no file://, http(s):// or other fetch,
    # so not even markup that slipped through escaping could read a local file or call a server (ADR 0010).
    return HTML(string=html, url_fetcher=URLFetcher(allowed_protocols={"data"})).write_pdf()
