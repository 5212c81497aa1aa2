"""Template filters and globals: Dutch dates and labels, overdue deadlines, the report's fields."""
from __future__ import annotations

from datetime import date

from flask import Flask

from whistle.domain import report
from whistle.domain.lifecycle import MeldingKind, State
from whistle.domain.routes import GUIDE
from whistle.services.cases import overdue


def nl_date(value: date | None) -> str:
    return value.strftime("%d-%m-%Y") if value else ""


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
    app.add_template_filter(state_label)
    app.add_template_filter(filesize)
    app.add_template_filter(melding_kind_label)
    app.add_template_filter(term_nl)
    app.add_template_global(GUIDE, "routes_guide")
    app.add_template_filter(overdue)  # case | overdue('feedback', today)
    app.add_template_global(report.REPORT_FIELDS, "report_fields")
    app.add_template_global(report.REPORT_TEXT_FIELDS, "report_text_fields")
    app.add_template_global(report.IDENTITY_FIELDS, "identity_fields")
    app.add_template_filter(fingerprint)
