"""Year-by-year bar charts drawn on the server as SVG (the site's CSP forbids inline scripts and styles).

The SVG is self-contained (presentation attributes, no <style>) and is embedded as an
``<img src="data:image/svg+xml;base64,…">``, which the CSP's ``img-src 'self' data:`` allows and
WeasyPrint renders in the PDF.
"""

from __future__ import annotations

import base64
from xml.sax.saxutils import escape

from khuyencong.reports.numbers import integer
from khuyencong.reports.tables import Table

PANEL_W, PANEL_H, COLUMNS = 240, 150, 3
BAR_COLOUR, TEXT_COLOUR = "#2b5797", "#222222"


def _panel(x0: int, y0: int, label: str, years: list[str], values: list[int]) -> list[str]:
    parts = [f'<text x="{x0 + 6}" y="{y0 + 14}" font-size="10" font-weight="bold" fill="{TEXT_COLOUR}">'
             f"{escape(label if len(label) <= 44 else label[:43] + '…')}</text>"]
    top, bottom, left, right = y0 + 34, y0 + PANEL_H - 18, x0 + 8, x0 + PANEL_W - 8
    peak = max(values) if values and max(values) > 0 else 1
    slot = (right - left) / max(len(values), 1)
    width = max(slot * 0.6, 2)
    parts.append(f'<line x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}" stroke="#888888" stroke-width="1"/>')
    for i, (year, value) in enumerate(zip(years, values, strict=True)):
        height = (bottom - top) * value / peak
        x = left + i * slot + (slot - width) / 2
        parts.append(f'<rect x="{x:.1f}" y="{bottom - height:.1f}" width="{width:.1f}" height="{height:.1f}" '
                     f'fill="{BAR_COLOUR}"><title>{escape(year)}: {integer(value)}</title></rect>')
        parts.append(f'<text x="{x + width / 2:.1f}" y="{bottom - height - 3:.1f}" font-size="8" '
                     f'text-anchor="middle" fill="{TEXT_COLOUR}">{integer(value)}</text>')
        parts.append(f'<text x="{x + width / 2:.1f}" y="{bottom + 11}" font-size="8" text-anchor="middle" '
                     f'fill="{TEXT_COLOUR}">{escape(year[-2:] if len(years) > 8 else year)}</text>')
    return parts


def year_chart_svg(table: Table) -> str:
    """Small multiples: one bar panel per row of a year table (first column the label, then one per year)."""
    years = [str(h) for h in table.headers[1:]]
    rows = [r for r in table.rows if r]
    n_rows = max((len(rows) + COLUMNS - 1) // COLUMNS, 1)
    width, height = PANEL_W * COLUMNS, PANEL_H * n_rows
    body: list[str] = []
    for i, row in enumerate(rows):
        values = [v if isinstance(v, int) else 0 for v in row[1:]]
        body += _panel((i % COLUMNS) * PANEL_W, (i // COLUMNS) * PANEL_H, str(row[0]), years, values)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" font-family="DejaVu Sans, Arial, sans-serif" role="img">'
            f"<title>{escape(table.title)}</title>{''.join(body)}</svg>")


def data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
