"""Template filters and globals: Dutch dates and labels, overdue deadlines, the report's fields."""
from __future__ import annotations

from datetime import date

from flask import Flask

from whistle.domain import report
from whistle.domain.lifecycle import MeldingKind, State
from whistle.domain.oral_channels import tel_uri
from whistle.domain.routes import GUIDE, ROUTES
from whistle.services.cases import overdue
from whistle.services.organisations import regeling_of
from whistle.web.downloads import download_name


def print_date() -> str:
    """Today (dd-mm-jjjj) for a printed page's footer line: the date only, never a time."""
    from whistle.web.context import clock
    return nl_date(clock().today())


def office_label(value: str | None) -> str:
    """An office of the bevoegd gezag (burgemeester, ...) as people read it."""
    from whistle.domain.offices import OFFICE_LABELS
    return OFFICE_LABELS.get(value or "", value or "")


def nl_date(value: date | str | None) -> str:
    """dd-mm-jjjj; also for a date a sealed record keeps as ISO text (a dossier's messages)."""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return value
    return value.strftime("%d-%m-%Y") if value else ""


ORGANISATION_KINDS = {"gemeente": "Gemeente", "gemeenschappelijke_regeling": "Gemeenschappelijke regeling",
                      "woningcorporatie": "Woningcorporatie", "werkbedrijf": "Werkbedrijf", "overig": "Overig"}


def organisation_kind_label(value: str) -> str:
    return ORGANISATION_KINDS.get(value, value)


def route_label(route_ref) -> str:
    """An external route as the regeling words it, else the catalogue's name; never its id."""
    if getattr(route_ref, "wording", None):
        return route_ref.wording
    route_id = getattr(route_ref, "id", route_ref)
    return ROUTES[route_id].name if route_id in ROUTES else str(route_id).replace("_", " ")


def category_label(value: str | None, case=None) -> str:
    """A regeling category (the melder's choice, or the triage) by its label, never its id."""
    if not value:
        return ""
    if case is not None:
        try:
            return regeling_of(case.organisation).category(value).label
        except KeyError:
            pass
    return melding_kind_label(value).replace("_", " ")


def unit_label(value: str | None, case) -> str:
    """A unit of a shared-service regeling (the melder's choice) by its label; an id the
    regeling no longer lists stays as it is."""
    if not value:
        return ""
    try:
        return regeling_of(case.organisation).unit(value).label
    except KeyError:
        return value


def report_value(value, field, case) -> str:
    """A field of the report as a person reads it: a category or a unit by its label."""
    if field.input == report.Input.CATEGORY:
        return category_label(value, case)
    if field.input == report.Input.UNIT:
        return unit_label(value, case)
    return value


def state_label(value: str) -> str:
    try:
        return State(value).label
    except ValueError:
        return value


def melding_kind_label(value: str | None) -> str:
    try:
        return MeldingKind(value).label
    except ValueError:
        return value or ""


def term_nl(term) -> str:
    """A regeling's term in Dutch: '2 werkdagen', '6 weken', '10 dagen'."""
    words = {"weeks": ("week", "weken"), "days": ("dag", "dagen"), "working_days": ("werkdag", "werkdagen")}
    one, many = words[term.unit.value]
    return f"{term.amount} {one if term.amount == 1 else many}"


def term_text(term) -> str:
    """A regeling's term in the page's language (term_nl is the Dutch one the staff's pages and
    documents keep)."""
    from flask_babel import ngettext
    if term.unit.value == "weeks":
        return ngettext("%(num)s week", "%(num)s weken", term.amount)
    if term.unit.value == "working_days":
        return ngettext("%(num)s werkdag", "%(num)s werkdagen", term.amount)
    return ngettext("%(num)s dag", "%(num)s dagen", term.amount)


def filesize(value: int | None) -> str:
    size = float(value or 0)
    for unit in ("bytes", "kB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}".replace(".", ",")
        size /= 1000
    return ""


def fingerprint(value: bytes | None) -> str:
    import crypto
    return crypto.fingerprint(value) if value else ""


def init_app(app: Flask) -> None:
    app.add_template_filter(nl_date)
    app.add_template_filter(office_label)
    app.add_template_filter(download_name)
    app.add_template_filter(state_label)
    app.add_template_filter(term_text)
    app.add_template_filter(filesize)
    app.add_template_filter(melding_kind_label)
    app.add_template_filter(term_nl)
    app.add_template_filter(organisation_kind_label)
    app.add_template_filter(route_label)
    app.add_template_filter(tel_uri)  # a regeling's [oral] number -> tel: link
    app.add_template_filter(category_label)
    app.add_template_filter(report_value)
    app.add_template_filter(unit_label)
    app.add_template_global(GUIDE, "routes_guide")
    app.add_template_filter(overdue)  # case | overdue('feedback', today)
    app.add_template_global(print_date)
    app.add_template_global(report.REPORT_FIELDS, "report_fields")
    app.add_template_global(report.REPORT_TEXT_FIELDS, "report_text_fields")
    app.add_template_global(report.IDENTITY_FIELDS, "identity_fields")
    app.add_template_filter(fingerprint)
