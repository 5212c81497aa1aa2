"""The audited exports: the register as CSV (metadata only), the annual report as CSV, HTML or
PDF, a case as PDF for the vertrouwenspersoon (decrypted with their key) and a dossier as PDF
for the bevoegd gezag. Their words are in the language of the page that asked for them (gettext
in its request; Dutch from the CLI); the register CSV's column names are identifiers and stay."""
from __future__ import annotations

import csv
import io
from datetime import date
from html import escape

from flask_babel import gettext

from whistle.domain.lifecycle import State
from whistle.domain.report import IDENTITY_FIELDS, REPORT_FIELDS, Input

from whistle.domain.roles import StaffRole
from whistle.services import audit
from whistle.services.authority import decisions as authority
from whistle.services.context import UseCase
from whistle.services.counsellor import case as counsellor
from whistle.services.errors import Forbidden
from whistle.services.organisations import get_organisation, regeling_of
from whistle.services.register import pdf
from whistle.services.register.annual import CLI, AnnualReport, actor_name, annual_report
from whistle.services.register.charts import bar_svg
from whistle.services.register.facts import FIELDS, register_rows
from whistle.services.staff.accounts import StaffPrincipal

FORMATS = ("pdf", "csv", "html")


def N_(text: str) -> str:
    """Marks a text for pybabel (-k N_); gettext translates it where it is written out."""
    return text


def register_csv(uc: UseCase, member: StaffPrincipal | str, org_slug: str) -> str:
    """Every melding of the organisation, one row each: reference, dates, kind, channel,
    named, route, outcome, state. The vertrouwenspersoon of the organisation or the operator."""
    org = get_organisation(uc.session, org_slug)
    if member != CLI and (member.staff.role != StaffRole.COUNSELLOR or member.staff.organisation_id != org.id):
        raise Forbidden("Alleen de vertrouwenspersoon exporteert het register.")
    rows = register_rows(uc.session, org.id)
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(FIELDS)
    yes, no = gettext("ja"), gettext("nee")
    for r in rows:
        w.writerow(["" if v is None else (yes if v is True else no if v is False else v)
                    for v in (getattr(r, f) for f in FIELDS)])
    audit.record(uc.session, chain=org.slug, actor=actor_name(member), event="register_exported",
                 today=uc.today(), rows=len(rows))
    return out.getvalue()


def annual_csv(report: AnnualReport) -> str:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow([gettext("indicator"), gettext("waarde"), str(report.figures.year), str(report.previous.year)])
    w.writerow([gettext("meldingen"), gettext("totaal"), str(report.figures.total), str(report.previous.total)])
    prev = {b.title: dict(b.rows) for b in report.previous.breakdowns}
    for b in report.figures.breakdowns:
        for label, cell in b.rows:
            w.writerow([gettext(b.title), gettext(label), str(cell), str(prev[b.title][label])])
    for name, t, p in ((gettext("ontvangst bevestigd binnen 7 dagen"), report.figures.acknowledged,
                        report.previous.acknowledged),
                       (gettext("terugkoppeling binnen de termijn"), report.figures.feedback, report.previous.feedback)):
        w.writerow([name, gettext("op tijd"), str(t.in_time), str(p.in_time)])
        w.writerow([name, gettext("te laat"), str(t.late), str(p.late)])
        w.writerow([name, gettext("aandeel op tijd"), t.share, p.share])
        w.writerow([name, gettext("mediaan dagen"), t.median_days, p.median_days])
    w.writerow([gettext("terugkoppeling"), gettext("termijn verlengd"), str(report.figures.extensions),
                str(report.previous.extensions)])
    return out.getvalue()


def annual_html(report: AnnualReport, language: str = "nl") -> str:
    """A standalone page: no script, no style, nothing from another origin; the charts inline SVG."""
    lines = "".join(f"<p>{escape(x)}</p>" for x in pdf.summary_lines(report.figures, report.previous))
    charts = "".join(f"<figure>{bar_svg(b)}</figure>" for b in report.figures.breakdowns)
    title = escape(gettext("Jaarverslag meldingen %(year)s: %(title)s", year=report.figures.year,
                           title=report.title))
    return (f'<!doctype html><html lang="{escape(language)}"><head><meta charset="utf-8"><title>{title}</title>'
            f"</head><body><h1>{title}</h1>{lines}{charts}</body></html>\n")


def annual_export(uc: UseCase, member: StaffPrincipal | str, org_slug: str, year: object, fmt: str) -> bytes:
    """The annual report in `fmt` (pdf, csv, html); audited as annual_report_exported."""
    if fmt not in FORMATS:
        raise ValueError(fmt)
    report = annual_report(uc, member, org_slug, year, purpose="exported")
    if fmt == "csv":
        return annual_csv(report).encode()
    if fmt == "html":
        return annual_html(report, _language()).encode()
    return pdf.annual_pdf(report.title, report.figures, report.previous, report.report_to,
                          actor_name(member), uc.today())


def case_export(uc: UseCase, principal: StaffPrincipal, ref: str) -> bytes:
    """The case decrypted with the counsellor's key (open_case audits the opening), as PDF."""
    opened = counsellor.open_case(uc, principal, ref)
    c = opened.case
    sections = [
        (gettext("Gegevens"), [
            gettext("Organisatie: %(name)s", name=c.organisation.name),
            gettext("Status: %(state)s", state=gettext(State(c.state).label)),
            gettext("Ontvangen: %(date)s", date=_nl(c.received_on)),
            gettext("Ontvangst bevestigd: %(date)s", date=_nl(c.acknowledged_on)),
            gettext("Terugkoppeling gegeven: %(date)s", date=_nl(c.feedback_given_on)),
            gettext("Afgesloten: %(date)s", date=_nl(c.closed_on))]),
        (gettext("Melding"), _field_lines(opened.report, c)),
        (gettext("Identiteit"), _identity_lines(opened.identity) if opened.identity
         else [gettext("De melder is anoniem.")]),
        (gettext("Berichten"), [f"[{_nl(m.created_on)} {_author(m.author)}] {m.body.get('text', '')}"
                                for m in opened.messages] or ["-"]),
        (gettext("Bijlagen"), [gettext("%(name)s (%(size)s bytes, %(type)s)", name=a.name, size=a.size,
                                       type=a.media_type) for a in opened.attachments] or ["-"]),
    ]
    made_by = _who(principal)
    body = pdf.case_pdf(gettext("Zaak %(ref)s", ref=c.ref), sections, made_by, uc.today())
    audit.record(uc.session, chain=c.organisation.slug, actor=principal.staff.email, event="case_exported",
                 today=uc.today(), case_ref=c.ref)
    return body


def dossier_export(uc: UseCase, principal: StaffPrincipal, dossier_ref: str) -> bytes:
    """A dossier decrypted with the authority member's key (read audits the opening), as PDF."""
    opened = authority.read(uc, principal, dossier_ref)
    lines = []
    for entry in opened.entries:
        lines += _entry_lines(entry, opened.case)
    sections = [(gettext("Dossier"), [gettext("Zaak: %(ref)s", ref=opened.case.ref),
                                      gettext("Doorgezet op: %(date)s", date=_nl(opened.dossier.sent_on))]),
                (gettext("Inhoud"), lines or ["-"])]
    if opened.decision:
        sections.append((gettext("Besluit"), [gettext(opened.decision_label),
                                              str(opened.decision.get("motivation", ""))]))
    made_by = _who(principal)
    body = pdf.case_pdf(gettext("Dossier bij zaak %(ref)s", ref=opened.case.ref), sections, made_by, uc.today())
    audit.record(uc.session, chain=opened.case.organisation.slug, actor=principal.staff.email,
                 event="dossier_exported", today=uc.today(), case_ref=opened.case.ref)
    return body


_ENTRY_TITLES = {"report": N_("De melding (zoals doorgezet)"), "message": N_("Bericht"),
                 "identity": N_("Identiteit van de melder (met toestemming)"),
                 "note": N_("Toelichting van de vertrouwenspersoon"), "unit": N_("De melding betreft")}


_AUTHORS = {"counsellor": N_("vertrouwenspersoon"), "melder": N_("melder"), "authority": N_("bevoegd gezag")}


def _author(author: str) -> str:
    return gettext(_AUTHORS[author]) if author in _AUTHORS else author


def _language() -> str:
    from flask_babel import get_locale
    return str(get_locale() or "nl")


def _nl(value: date | str | None) -> str:
    """A date as people read it (dd-mm-jjjj), also one a sealed record keeps as ISO text."""
    if not value:
        return "-"
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return value
    return value.strftime("%d-%m-%Y")


def _field_lines(values: dict, case) -> list[str]:
    """The report's fields by their labels, a category by its label (never ids)."""
    lines = []
    for f in REPORT_FIELDS:
        value = values.get(f.name)
        if not value:
            continue
        if f.input in (Input.CATEGORY, Input.UNIT):
            try:
                regeling = regeling_of(case.organisation)
                value = (regeling.category(value) if f.input == Input.CATEGORY else regeling.unit(value)).label
            except KeyError:
                pass
        lines.append(f"{gettext(f.label)}: {value}")
    return lines


def _identity_lines(values: dict) -> list[str]:
    return [f"{gettext(f.label)}: {values[f.name]}" for f in IDENTITY_FIELDS if values.get(f.name)]


def _entry_lines(entry: dict, case) -> list[str]:
    kind = entry.get("type", "")
    head = gettext(_ENTRY_TITLES[kind]) if kind in _ENTRY_TITLES else kind
    if kind == "report":
        return [head] + _field_lines(entry.get("fields", {}), case) + [""]
    if kind == "message":
        when = _nl(entry.get("created_on"))
        said = (gettext("%(head)s van de vertrouwenspersoon (%(date)s):", head=head, date=when)
                if entry.get("author") == "counsellor"
                else gettext("%(head)s van de melder (%(date)s):", head=head, date=when))
        return [said, str(entry.get("text", "")), ""]
    if kind == "identity":
        if entry.get("without_consent"):  # disclosed on a legal obligation (whistle.services.disclosure)
            head = gettext("Identiteit van de melder (zonder toestemming, op wettelijke grond)")
        return [head] + _identity_lines(entry) + [""]
    return [f"{head}:", str(entry.get("text", "")), ""]


def _who(principal: StaffPrincipal) -> str:
    s = principal.staff
    return f"{s.display_name} ({s.email})" if s.display_name else s.email
