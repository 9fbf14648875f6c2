"""Server-side PDF of the printable pages (juror score sheet, certificate) rendered by WeasyPrint.

The PDF is built from the same templates as the print pages, with the stylesheet passed as a file
(the CSP forbids inline styles, and WeasyPrint must not fetch /static/ over HTTP).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.text import get_valid_filename

STYLESHEET = Path(__file__).parent / "static" / "products" / "print.css"


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    from weasyprint import CSS, HTML

    html = render_to_string(template, {**context, "for_pdf": True})
    return HTML(string=html, base_url=str(STYLESHEET.parent)).write_pdf(
        stylesheets=[CSS(filename=str(STYLESHEET))])


def pdf_response(template: str, context: dict[str, Any], filename: str) -> HttpResponse:
    response = HttpResponse(render_pdf(template, context), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{get_valid_filename(filename)}.pdf"'
    return response
