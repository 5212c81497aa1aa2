"""Charts as SVG written on the server by hand. pygal was tried: even with `js=[]` its output
carries an inline config <script> and inline styles, which the pages' CSP refuses; a bar chart
needs only rectangles and text with presentation attributes, so nothing runs and nothing is
loaded from anywhere. A suppressed cell gets no bar: its label says "< 5". Built from literal
markup with escaped values (markupsafe), so the pages can embed it as it is. The title and the
labels in the language of the page that shows the chart (listed in whistle.web.staff_words.mail)."""
from __future__ import annotations

from flask_babel import gettext
from markupsafe import Markup

from whistle.domain.indicators import Breakdown

WIDTH, LABEL_W, ROW_H, BAR_MAX = 640, 300, 26, 280
BAR_COLOUR = "#1f5f8b"
_TEXT = Markup('<text x="{}" y="{}" font-family="sans-serif" font-size="13">{}</text>')
_BAR = Markup('<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>')


def bar_svg(b: Breakdown) -> Markup:
    shown = [cell.value for _label, cell in b.rows if not cell.hidden]
    top = max(shown, default=0) or 1
    height = 34 + ROW_H * len(b.rows)
    title = gettext(b.title)
    parts = [Markup('<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" '
                    'role="img" aria-label="{t}">').format(w=WIDTH, h=height, t=title),
             Markup('<text x="0" y="18" font-family="sans-serif" font-size="15" font-weight="bold">{}</text>')
             .format(title)]
    for i, (label, cell) in enumerate(b.rows):
        y = 30 + i * ROW_H
        parts.append(_TEXT.format(0, y + 16, gettext(label)))
        width = 0 if cell.hidden else round(BAR_MAX * cell.value / top)
        if width:
            parts.append(_BAR.format(LABEL_W, y + 4, width, ROW_H - 8, BAR_COLOUR))
        parts.append(_TEXT.format(LABEL_W + width + 6, y + 16, str(cell)))
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)
