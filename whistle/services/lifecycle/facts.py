"""What a form or a JSON body sends with a lifecycle step, parsed into typed facts.

Strings (a form) and JSON values are both accepted; a bad value raises InvalidInput naming
the field, with words for the person who filled it in."""
from __future__ import annotations

from typing import Any, Mapping

from whistle.domain.lifecycle import Decision, DismissReason, Event, MeldingKind, OverdueDeadline
from whistle.domain.report import MAX_MESSAGE_CHARS
from whistle.services.errors import InvalidInput
from whistle.services.input import bounded_text, iso_date, member, yes_no


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
        category = raw.get("category")
        return {"kind": member(raw.get("kind"), "kind", MeldingKind, "soort melding"),
                "meldingswaardig": yes_no(raw.get("meldingswaardig"), "meldingswaardig", "meldingswaardig"),
                "category": category.strip() if isinstance(category, str) and category.strip() else None,
                "unit": raw["unit"].strip() if isinstance(raw.get("unit"), str) and raw["unit"].strip() else None}
    if event is Event.EXTEND_FEEDBACK:
        return {"until": iso_date(raw.get("until"), "until", "verlengen tot: geef een datum als JJJJ-MM-DD."),
                "reason": bounded_text(raw.get("reason"), "reason", limit=MAX_MESSAGE_CHARS,
                                       what="De reden voor de verlenging")}
    if event is Event.GIVE_FEEDBACK:
        return {"text": bounded_text(raw.get("text"), "text", limit=MAX_MESSAGE_CHARS, what="De terugkoppeling")}
    if event is Event.DECIDE:
        return {"decision": member(raw.get("decision"), "decision", Decision, "besluit"),
                "motivation": bounded_text(raw.get("motivation"), "motivation", limit=MAX_MESSAGE_CHARS,
                                           what="De motivering van het besluit")}
    if event is Event.REPORT_EXTERNAL:
        facts: dict[str, Any] = {"route": raw.get("route")}
        if raw.get("ciphertext") is not None:
            facts["ciphertext"] = raw.get("ciphertext")
        return facts
    if event is Event.DISMISS:
        return {"reason": member(raw.get("reason"), "reason", DismissReason, "reden")}
    if event is Event.MARK_OVERDUE:
        return {"deadline": member(raw.get("deadline"), "deadline", OverdueDeadline, "termijn")}
    return {}
