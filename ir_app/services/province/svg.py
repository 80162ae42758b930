"""Server-rendered SVG charts (no JavaScript, no CDN): stacked horizontal bars with a legend.

The markup is built from escaped text only; every chart also comes with a data table on the page,
so a screen reader, a printer or a browser without SVG reads the same numbers.
"""
from __future__ import annotations

from dataclasses import dataclass
from html import escape

from markupsafe import Markup

# Okabe–Ito: distinguishable with the common colour-vision deficiencies.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000",
           "#999999", "#7F3C8D")
LABEL_WIDTH = 230
BAR_HEIGHT = 22
GAP = 8
CHART_WIDTH = 720
LEGEND_ROW = 20


@dataclass(frozen=True)
class Series:
    label: str
    values: tuple[float, ...]  # one per category (row of the chart)


def stacked_bars(title: str, rows: list[str], series: list[Series], unit: str = "",
                 maximum: float | None = None) -> Markup:
    """One horizontal bar per row, one coloured segment per series; the total at the bar's end."""
    totals = [sum(item.values[index] for item in series) for index in range(len(rows))]
    top = maximum or max(totals, default=0) or 1
    plot = CHART_WIDTH - LABEL_WIDTH - 60
    legend_rows = (len(series) + 2) // 3 if len(series) > 1 else 0
    height = len(rows) * (BAR_HEIGHT + GAP) + GAP + legend_rows * LEGEND_ROW + 10
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {CHART_WIDTH} {height}" '
             f'width="100%" role="img" aria-label="{escape(title)}" preserveAspectRatio="xMinYMin meet">',
             f'<title>{escape(title)}</title>']
    for index, row in enumerate(rows):
        y = GAP + index * (BAR_HEIGHT + GAP)
        parts.append(f'<text x="{LABEL_WIDTH - 6}" y="{y + BAR_HEIGHT * 0.7:.1f}" text-anchor="end" '
                     f'font-size="12" fill="#1b1b1b">{escape(_short(row))}</text>')
        x = float(LABEL_WIDTH)
        for number, item in enumerate(series):
            value = item.values[index]
            if not value:
                continue
            width = plot * value / top
            parts.append(f'<rect x="{x:.1f}" y="{y}" width="{max(width, 1):.1f}" height="{BAR_HEIGHT}" '
                         f'fill="{PALETTE[number % len(PALETTE)]}"><title>{escape(row)} — {escape(item.label)}: '
                         f'{_number(value)}{escape(unit)}</title></rect>')
            x += width
        parts.append(f'<text x="{x + 4:.1f}" y="{y + BAR_HEIGHT * 0.7:.1f}" font-size="12" fill="#1b1b1b">'
                     f'{_number(totals[index])}{escape(unit)}</text>')
    legend_top = GAP + len(rows) * (BAR_HEIGHT + GAP) + 4
    if legend_rows:
        for number, item in enumerate(series):
            x = 10 + (number % 3) * (CHART_WIDTH // 3)
            y = legend_top + (number // 3) * LEGEND_ROW
            parts.append(f'<rect x="{x}" y="{y}" width="12" height="12" fill="{PALETTE[number % len(PALETTE)]}"/>'
                         f'<text x="{x + 16}" y="{y + 11}" font-size="12" fill="#1b1b1b">'
                         f'{escape(_short(item.label, 33))}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text above went through escape()


def _short(text: str, limit: int = 34) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"
