"""Charts of the reports: one definition, drawn by matplotlib as SVG (web page, PDF) or PNG (DOCX).

A :class:`Chart` holds what is drawn — a title, the categories (years) and one or more series — and
nothing about how. :func:`render_svg` and :func:`render_png` draw it the same way: one small bar panel
per series (the series have different units, so they never share an axis), the value above each bar.

* Text is converted to paths in the SVG (``svg.fonttype = "path"``), so the PDF embeds no second font
  family and the web page needs no web font; the SVG is self-contained (no ``<style>``, no script) and
  is embedded as ``<img src="data:image/svg+xml;base64,…">``, which the CSP's ``img-src 'self' data:``
  allows and WeasyPrint draws.
* Labels never overlap: constrained layout keeps titles, tick labels and axes apart; titles are
  wrapped; value labels are rotated upright when they would be wider than their bar slot, and the axis
  is given head-room for them; tests measure every text's box.
* Each bar may carry a link (``Series.urls``), written into the SVG with ``set_url`` for drill-down.

matplotlib writes a font cache on first use: ``MPLCONFIGDIR`` points it at ``VAR_DIR/matplotlib``
(or a temporary directory), so it works with a read-only home and under production settings.
"""

from __future__ import annotations

import io
import os
import tempfile
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from khuyencong.reports.numbers import integer

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from khuyencong.reports.tables import Table

FONT_DIR = Path(__file__).parent / "static" / "reports" / "fonts"
FONT_FAMILY = "Tinos"
BAR_COLOUR, TEXT_COLOUR = "#2b5797", "#222222"
COLUMNS = 3
PANEL_SIZE = (2.4, 1.9)  # inches per panel; the PDF and DOCX scale the picture to the text width
MONEY_UNITS = {"đồng"}


@dataclass(frozen=True)
class Series:
    label: str
    unit: str
    values: list[int]
    urls: list[str] = field(default_factory=list)  # one per category, or none


@dataclass(frozen=True)
class Chart:
    title: str
    categories: list[str]
    series: list[Series]


def year_chart(table: Table, units: list[str]) -> Chart:
    """The chart of a year table (first column the indicator, then one column per year)."""
    series = [Series(str(row[0]), unit, [v if isinstance(v, int) else 0 for v in row[1:]])
              for row, unit in zip(table.rows, units, strict=True)]
    return Chart(table.title, [str(h) for h in table.headers[1:]], series)


def _pyplot() -> Any:
    """matplotlib's pyplot on the Agg backend, with its cache in a writable place and the report's font."""
    if "MPLCONFIGDIR" not in os.environ:
        os.environ["MPLCONFIGDIR"] = _cache_dir()
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager
    from matplotlib import pyplot as plt

    if FONT_FAMILY not in {f.name for f in font_manager.fontManager.ttflist}:
        for path in sorted(FONT_DIR.glob("*.ttf")):
            font_manager.fontManager.addfont(str(path))
    return plt


def _cache_dir() -> str:
    from django.conf import settings

    target = Path(getattr(settings, "VAR_DIR", tempfile.gettempdir())) / "matplotlib"
    try:
        target.mkdir(parents=True, exist_ok=True)
        if os.access(target, os.W_OK):
            return str(target)
    except OSError:
        pass
    return tempfile.mkdtemp(prefix="khuyencong-matplotlib-")


def _scaled(series: Series) -> tuple[list[float], str]:
    """Money in triệu đồng so that a label stays short; other units as they are."""
    if series.unit in MONEY_UNITS and max(series.values, default=0) >= 1_000_000:
        return [v / 1_000_000 for v in series.values], "triệu đồng"
    return [float(v) for v in series.values], series.unit


def _label(value: float) -> str:
    return integer(round(value))


def draw(chart: Chart) -> Figure:
    """The figure of a chart (callers save it as SVG or PNG)."""
    plt = _pyplot()
    rows = max((len(chart.series) + COLUMNS - 1) // COLUMNS, 1)
    columns = min(COLUMNS, max(len(chart.series), 1))
    with plt.rc_context({"font.family": FONT_FAMILY, "font.size": 8, "svg.fonttype": "path",
                         "axes.edgecolor": "#888888", "text.color": TEXT_COLOUR}):
        figure = plt.figure(figsize=(PANEL_SIZE[0] * columns, PANEL_SIZE[1] * rows), layout="constrained")
        axes = figure.subplots(rows, columns, squeeze=False)
        for index, ax in enumerate(axes.flat):
            if index >= len(chart.series):
                ax.set_visible(False)
                continue
            _panel(ax, chart.categories, chart.series[index])
        figure.canvas.draw()  # constrained layout places the texts; labels are then checked against bars
        for ax in axes.flat[:len(chart.series)]:
            _make_room(figure, ax)
    return figure


def _panel(ax: Any, categories: list[str], series: Series) -> None:
    values, unit = _scaled(series)
    positions = list(range(len(categories)))
    bars = ax.bar(positions, values, color=BAR_COLOUR, width=0.65)
    for bar, url in zip(bars, series.urls, strict=False):
        bar.set_url(url)
    ax.set_title("\n".join(textwrap.wrap(f"{series.label} ({unit})", 34)), fontsize=8, loc="center")
    ax.set_xticks(positions, categories, rotation=90 if len(categories) > 8 else 0, fontsize=7)
    ax.set_yticks([])
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.set_ylim(0, (max(values, default=0) or 1) * 1.25)
    labels = ax.bar_label(bars, labels=[_label(v) for v in values], padding=2, fontsize=6.5)
    ax._khuyencong_labels = labels  # kept for _make_room


def _make_room(figure: Any, ax: Any) -> None:
    """Turn value labels upright where they are wider than a bar slot, and give them head-room."""
    renderer = figure.canvas.get_renderer()
    labels = ax._khuyencong_labels
    if not labels:
        return
    positions = ax.transData.transform([(0, 0), (1, 0)])
    slot = abs(positions[1][0] - positions[0][0])
    if any(label.get_window_extent(renderer).width > slot * 0.95 for label in labels):
        for label in labels:
            label.set_rotation(90)
    top = ax.get_ylim()[1]
    for _ in range(6):  # raise the axis top until every label ends inside the axes
        figure.canvas.draw()
        box = ax.get_window_extent(renderer)
        if all(label.get_window_extent(renderer).y1 <= box.y1 for label in labels):
            return
        top *= 1.3
        ax.set_ylim(0, top)


def render_svg(chart: Chart) -> str:
    plt = _pyplot()
    figure = draw(chart)
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    plt.close(figure)
    return buffer.getvalue()


def render_png(chart: Chart, dpi: int = 200) -> bytes:
    plt = _pyplot()
    figure = draw(chart)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi)
    plt.close(figure)
    return buffer.getvalue()


def data_uri(svg: str) -> str:
    import base64

    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
