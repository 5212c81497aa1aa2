"""Charts as SVG written on the server by hand. pygal was tried: even with `js=[]` its output
carries an inline config <script> and inline styles, which the pages' CSP refuses; a bar chart
needs only rectangles and text with presentation attributes, so nothing runs and nothing is
loaded from anywhere. A suppressed cell gets no bar: its label says "< 5"."""
from __future__ import annotations

from html import escape

from whistle.domain.indicators import Breakdown

WIDTH, LABEL_W, ROW_H, BAR_MAX = 640, 300, 26, 280
BAR_COLOUR = "#1f5f8b"


def bar_svg(b: Breakdown) -> str:
    shown = [cell.value for _label, cell in b.rows if not cell.hidden]
    top = max(shown, default=0) or 1
    height = 34 + ROW_H * len(b.rows)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
             f'viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{escape(b.title)}">',
             f'<text x="0" y="18" font-family="sans-serif" font-size="15" font-weight="bold">{escape(b.title)}</text>']
    for i, (label, cell) in enumerate(b.rows):
        y = 30 + i * ROW_H
        parts.append(f'<text x="0" y="{y + 16}" font-family="sans-serif" font-size="13">{escape(label)}</text>')
        width = 0 if cell.hidden else round(BAR_MAX * cell.value / top)
        if width:
            parts.append(f'<rect x="{LABEL_W}" y="{y + 4}" width="{width}" height="{ROW_H - 8}" fill="{BAR_COLOUR}"/>')
        parts.append(f'<text x="{LABEL_W + width + 6}" y="{y + 16}" font-family="sans-serif" '
                     f'font-size="13">{escape(str(cell))}</text>')
    parts.append("</svg>")
    return "".join(parts)
