"""PDFs with fpdf2 (pure Python, no system libraries; docs/dependencies.md): the annual report
with its bar charts drawn as rectangles, the case for the vertrouwenspersoon and the dossier for
the bevoegd gezag. Every page carries who made it and the date in its footer. The words are in
the language of the page that asked for the document (gettext in its request; Dutch from the
CLI); the indicators' titles and labels are listed in whistle.web.staff_words.mail."""
from __future__ import annotations

from datetime import date
from typing import Iterable

from flask_babel import gettext
from fpdf import FPDF

from whistle.domain.indicators import AnnualFigures, Breakdown


def _latin1(text: object) -> str:
    # fpdf2's core fonts cover Latin-1; anything else (an emoji in a melding) becomes "?".
    return str(text).encode("latin-1", "replace").decode("latin-1")


class _Document(FPDF):
    def __init__(self, title: str, made_by: str, made_on: date) -> None:
        super().__init__(format="A4")
        self._mark = _latin1(gettext("%(title)s - gemaakt door %(who)s op %(date)s", title=title, who=made_by,
                                     date=made_on.strftime("%d-%m-%Y")))
        self.set_title(_latin1(title))
        self.set_auto_page_break(True, margin=18)
        self.add_page()

    def footer(self) -> None:
        self.set_y(-13)
        self.set_font("Helvetica", size=8)
        self.cell(0, 6, self._mark + " - " + _latin1(gettext("pagina %(num)s", num=self.page_no())), align="C")

    def heading(self, text: str, size: int = 14) -> None:
        self.set_font("Helvetica", "B", size)
        self.multi_cell(0, 8, _latin1(text), new_x="LMARGIN", new_y="NEXT")
        self.set_font("Helvetica", size=10)

    def line_of(self, text: str) -> None:
        self.set_font("Helvetica", size=10)
        self.multi_cell(0, 5.5, _latin1(text), new_x="LMARGIN", new_y="NEXT")

    def bars(self, b: Breakdown) -> None:
        """A horizontal bar chart: a suppressed cell gets no bar, only "< 5"."""
        self.heading(gettext(b.title), 11)
        top = max((c.value for _l, c in b.rows if not c.hidden), default=0) or 1
        for label, cell in b.rows:
            y = self.get_y()
            self.set_xy(self.l_margin, y)
            self.cell(75, 6, _latin1(gettext(label)))
            width = 0 if cell.hidden else 80 * cell.value / top
            if width:
                self.set_fill_color(31, 95, 139)
                self.rect(self.l_margin + 76, y + 1, width, 4, style="F")
            self.set_xy(self.l_margin + 78 + width, y)
            self.cell(20, 6, str(cell), new_x="LMARGIN", new_y="NEXT")
        self.ln(3)

    def bytes(self) -> bytes:
        return bytes(self.output())


def annual_pdf(title: str, figures: AnnualFigures, previous: AnnualFigures, report_to: str | None,
               made_by: str, made_on: date) -> bytes:
    doc = _Document(gettext("Jaarverslag meldingen %(year)s", year=figures.year), made_by, made_on)
    doc.heading(gettext("Jaarverslag meldingen %(year)s: %(title)s", year=figures.year, title=title), 16)
    if report_to:
        doc.line_of(gettext("Voor: %(office)s", office=gettext(report_to)))
    for line in summary_lines(figures, previous):
        doc.line_of(line)
    doc.ln(3)
    for b in figures.breakdowns:
        doc.bars(b)
    return doc.bytes()


def summary_lines(figures: AnnualFigures, previous: AnnualFigures) -> list[str]:
    a, f = figures.acknowledged, figures.feedback
    return [
        gettext("Meldingen in %(year)s: %(total)s (in %(previous_year)s: %(previous_total)s)",
                year=figures.year, total=figures.total, previous_year=previous.year, previous_total=previous.total),
        gettext("Ontvangst bevestigd binnen 7 dagen: %(in_time)s van %(counted)s (%(share)s); te laat: %(late)s; "
                "mediaan %(median)s dagen", in_time=a.in_time, counted=a.counted, share=a.share, late=a.late,
                median=a.median_days),
        gettext("Terugkoppeling binnen de termijn: %(in_time)s van %(counted)s (%(share)s); te laat: %(late)s; "
                "mediaan %(median)s dagen; termijn verlengd: %(extended)s", in_time=f.in_time, counted=f.counted,
                share=f.share, late=f.late, median=f.median_days, extended=figures.extensions),
        gettext("Benadeling na een melding: wordt nog niet vastgelegd."),
        gettext("Aantallen onder 5 staan er als \"< 5\", zodat niemand een melder kan herkennen."),
    ]


def case_pdf(heading: str, sections: Iterable[tuple[str, list[str]]], made_by: str, made_on: date) -> bytes:
    """A decrypted case or dossier: a heading and sections of lines."""
    doc = _Document(heading, made_by, made_on)
    doc.heading(heading, 16)
    for title, lines in sections:
        doc.heading(title, 12)
        for line in lines:
            doc.line_of(line)
        doc.ln(2)
    return doc.bytes()
