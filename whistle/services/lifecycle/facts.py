"""What a form or a JSON body sends with a lifecycle step, parsed into typed facts.

Strings (a form) and JSON values are both accepted; a bad value raises InvalidInput naming
the field, with words for the person who filled it in."""
from __future__ import annotations

from datetime import date
from typing import Any, Mapping

from whistle.domain.lifecycle import Decision, Event, MeldingKind, OverdueDeadline
from whistle.domain.report import MAX_MESSAGE_CHARS
from whistle.services.errors import InvalidInput


def _text(raw: Mapping[str, Any], name: str, what: str) -> str:
    value = raw.get(name)
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        raise InvalidInput(f"{what} ontbreekt.", field=name)
    if len(text) > MAX_MESSAGE_CHARS:
        raise InvalidInput(f"{what} is te lang (meer dan {MAX_MESSAGE_CHARS} tekens).", field=name)
    return text


def _yes_no(raw: Mapping[str, Any], name: str, what: str) -> bool:
    value = raw.get(name)
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("ja", "true", "1", "yes"):
        return True
    if isinstance(value, str) and value.strip().lower() in ("nee", "false", "0", "no"):
        return False
    raise InvalidInput(f"Kies ja of nee bij '{what}'.", field=name)


def _date(raw: Mapping[str, Any], name: str, what: str) -> date:
    value = raw.get(name)
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value.strip()) if isinstance(value, str) else date.fromisoformat("")
    except ValueError:
        raise InvalidInput(f"{what}: geef een datum als JJJJ-MM-DD.", field=name) from None


def _member(raw: Mapping[str, Any], name: str, enum, what: str) -> str:
    value = raw.get(name)
    value = getattr(value, "value", value)
    allowed = [m.value for m in enum]
    if value not in allowed:
        raise InvalidInput(f"Kies een geldige waarde bij '{what}' ({', '.join(allowed)}).", field=name)
    return value


def parse_event(value: Any) -> Event:
    try:
        return Event(getattr(value, "value", value))
    except ValueError:
        known = ", ".join(e.value for e in Event)
        raise InvalidInput(f"event: onbekende stap {value!r}; bekend zijn: {known}", field="event") from None


def parse_facts(event: Event | str, raw: Mapping[str, Any]) -> dict[str, Any]:
    """Typed facts for `event` from strings (a form) or JSON values; a clear error naming the
    field otherwise. Fields an event does not use are ignored."""
    event = parse_event(event)
    if event is Event.TRIAGE:
        return {"kind": _member(raw, "kind", MeldingKind, "soort melding"),
                "meldingswaardig": _yes_no(raw, "meldingswaardig", "meldingswaardig")}
    if event is Event.EXTEND_FEEDBACK:
        return {"until": _date(raw, "until", "verlengen tot"),
                "reason": _text(raw, "reason", "De reden voor de verlenging")}
    if event is Event.GIVE_FEEDBACK:
        return {"text": _text(raw, "text", "De terugkoppeling")}
    if event is Event.DECIDE:
        return {"decision": _member(raw, "decision", Decision, "besluit"),
                "motivation": _text(raw, "motivation", "De motivering van het besluit")}
    if event is Event.REPORT_EXTERNAL:
        facts: dict[str, Any] = {"route": raw.get("route")}
        if raw.get("ciphertext") is not None:
            facts["ciphertext"] = raw.get("ciphertext")
        return facts
    if event is Event.MARK_OVERDUE:
        return {"deadline": _member(raw, "deadline", OverdueDeadline, "termijn")}
    return {}
