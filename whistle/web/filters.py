"""Template filters: Dutch dates and labels."""
from __future__ import annotations

from datetime import date

from flask import Flask

from whistle.domain.lifecycle import MeldingKind, State


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


def filesize(value: int | None) -> str:
    size = float(value or 0)
    for unit in ("bytes", "kB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}".replace(".", ",")
        size /= 1000
    return ""


def init_app(app: Flask) -> None:
    app.add_template_filter(nl_date)
    app.add_template_filter(state_label)
    app.add_template_filter(filesize)
    app.add_template_filter(melding_kind_label)
