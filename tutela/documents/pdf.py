"""PDF letters, rendered from Django templates with WeasyPrint."""

from typing import Any

from django.template.loader import render_to_string


def pdf_render(template_name: str, context: dict[str, Any]) -> bytes:
    from weasyprint import HTML  # imported late: it loads Pango, which only PDF rendering needs

    html = render_to_string(template_name, context)
    return HTML(string=html).write_pdf()
