"""The register's pages: the annual report for the vertrouwenspersoon and for the member
of the bevoegd gezag holding the regeling's annual_report_to office (nobody else: 403), its
exports, delivering it to that office, and the case and dossier PDFs."""
from __future__ import annotations

from flask import Blueprint, Response, abort, redirect, render_template, url_for
from flask_babel import gettext
from flask_login import current_user

from whistle.domain.indicators import AnnualFigures, Breakdown
from whistle.domain.roles import StaffRole
from whistle.services.register import annual, exports
from whistle.services.register.charts import bar_svg
from whistle.services.staff.accounts import StaffPrincipal
from whistle.web.context import clock, use_case
from whistle.web.melder_words import translated
from whistle.web.principals import staff_required

bp = Blueprint("register", __name__)


@bp.app_context_processor
def _nav():
    def may_see_annual_report() -> bool:
        if not current_user.is_authenticated:
            return False
        return annual.may_see_report(current_user.principal, current_user.staff.organisation)
    return {"may_see_annual_report": may_see_annual_report}


def _attachment(body: bytes, mimetype: str, name: str) -> Response:
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _guard(principal: StaffPrincipal) -> None:
    if not annual.may_see_report(principal, principal.staff.organisation):
        abort(403)


def in_language(b: Breakdown) -> Breakdown:
    """A breakdown's title and row labels in the page's language (a regeling's own category
    or unit label stays as the regeling words it)."""
    return Breakdown(translated(b.title), tuple((translated(label), cell) for label, cell in b.rows))


def summary(figures: AnnualFigures, previous: AnnualFigures) -> list[str]:
    """The report's summary in the page's language: in Dutch the lines of the PDF
    (whistle.services.register.pdf.summary_lines)."""
    a, f = figures.acknowledged, figures.feedback
    return [
        gettext("Meldingen in %(year)s: %(total)s (in %(previous_year)s: %(previous_total)s)",
                year=figures.year, total=str(figures.total), previous_year=previous.year,
                previous_total=str(previous.total)),
        gettext("Ontvangst bevestigd binnen 7 dagen: %(in_time)s van %(counted)s (%(share)s); te laat: "
                "%(late)s; mediaan %(median)s dagen", in_time=str(a.in_time), counted=str(a.counted),
                share=translated(a.share), late=str(a.late), median=translated(a.median_days)),
        gettext("Terugkoppeling binnen de termijn: %(in_time)s van %(counted)s (%(share)s); te laat: "
                "%(late)s; mediaan %(median)s dagen; termijn verlengd: %(extended)s", in_time=str(f.in_time),
                counted=str(f.counted), share=translated(f.share), late=str(f.late),
                median=translated(f.median_days), extended=str(figures.extensions)),
        gettext("Benadeling na een melding: wordt nog niet vastgelegd."),
        gettext("Aantallen onder 5 staan er als \"< 5\", zodat niemand een melder kan herkennen."),
    ]


@bp.get("/jaarverslag/")
@staff_required()
def annual_index(principal: StaffPrincipal):
    _guard(principal)
    this_year = clock().today().year
    return render_template("register/index.html", years=range(this_year, this_year - 5, -1),
                           delivered=annual.delivered_years(use_case(), principal.staff.organisation),
                           office=annual.report_to_label(principal.staff.organisation),
                           is_counsellor=principal.staff.role == StaffRole.COUNSELLOR)


@bp.get("/jaarverslag/<int:year>")
@staff_required()
def annual_page(principal: StaffPrincipal, year: int):
    _guard(principal)
    rep = annual.annual_report(use_case(), principal, principal.staff.organisation.slug, year)
    breakdowns = [in_language(b) for b in rep.figures.breakdowns]
    charts = [bar_svg(b) for b in breakdowns]  # markup with escaped values
    return render_template("register/annual.html", rep=rep, charts=charts, breakdowns=breakdowns,
                           previous=rep.previous.breakdowns, summary=summary(rep.figures, rep.previous),
                           is_counsellor=principal.staff.role == StaffRole.COUNSELLOR)


@bp.get("/jaarverslag/<int:year>.<any(pdf, csv):fmt>")
@staff_required()
def annual_download(principal: StaffPrincipal, year: int, fmt: str):
    _guard(principal)
    org = principal.staff.organisation
    body = exports.annual_export(use_case(), principal, org.slug, year, fmt)
    mimetype = "application/pdf" if fmt == "pdf" else "text/csv; charset=utf-8"
    return _attachment(body, mimetype, f"jaarverslag-{org.slug}-{year}.{fmt}")


@bp.post("/jaarverslag/<int:year>/aanbieden")
@staff_required(StaffRole.COUNSELLOR)
def deliver(principal: StaffPrincipal, year: int):
    annual.deliver(use_case(), principal, year)
    return redirect(url_for("register.annual_index"))


@bp.get("/vp/register.csv")
@staff_required(StaffRole.COUNSELLOR)
def register_csv(principal: StaffPrincipal):
    body = exports.register_csv(use_case(), principal, principal.staff.organisation.slug).encode()
    return _attachment(body, "text/csv; charset=utf-8",
                       f"register-{principal.staff.organisation.slug}-{clock().today().isoformat()}.csv")


@bp.get("/vp/zaak/<ref>/pdf")
@staff_required(StaffRole.COUNSELLOR)
def case_pdf(principal: StaffPrincipal, ref: str):
    return _attachment(exports.case_export(use_case(), principal, ref), "application/pdf", f"zaak-{ref}.pdf")


@bp.get("/bg/dossier/<ref>/pdf")
@staff_required(StaffRole.AUTHORITY)
def dossier_pdf(principal: StaffPrincipal, ref: str):
    return _attachment(exports.dossier_export(use_case(), principal, ref), "application/pdf",
                       f"dossier-{ref[:8]}.pdf")
