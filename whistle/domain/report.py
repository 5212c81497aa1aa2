"""What a melder writes: the fields of the report and of the identity, and of a message.

One list for every place that shows or checks them: the melding form and the server path
(whistle.services.melder.intake), the browser client (which reads them from the intake
answer, protocol v1 section 11.1), the counsellor's case page, the dossier the counsellor
composes (whistle.services.counsellor.escalation) and the bevoegd gezag's dossier page. A
field's `question` is what the melder's form asks; its `label` is how staff pages name it.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

MAX_FIELD_CHARS = 50_000
MAX_MESSAGE_CHARS = 20_000


class Input(StrEnum):
    """The control a field needs: one line, several lines, a category of the regeling, or one
    of the units (municipalities, departments) a shared-service regeling serves."""

    LINE = "line"
    TEXT = "text"
    CATEGORY = "category"
    UNIT = "unit"


# What a choice from the regeling's lists is checked against, and what the melder is told when
# a value is not in the list (a client that sends an id the regeling does not have).
CHOICES: dict[Input, str] = {Input.CATEGORY: "categories", Input.UNIT: "units"}


@dataclass(frozen=True)
class Field:
    name: str  # the member of the sealed record (protocol v1, section 6)
    question: str  # on the melder's form
    label: str  # on the staff pages
    input: Input = Input.LINE
    lines: int = 1  # rows of a TEXT field on the melder's form
    required: bool = False
    max_chars: int = MAX_FIELD_CHARS
    missing: str | None = None  # what the melder is told when a required field is empty
    unknown: str | None = None  # what the melder is told when a choice is not in the regeling's list

    def __post_init__(self) -> None:
        if self.required and not self.missing:  # pragma: no cover - a mistake in the list below
            raise ValueError(f"required field {self.name!r} needs the message for when it is missing")

    @property
    def too_long(self) -> str:
        return f"Het veld is te lang (meer dan {self.max_chars} tekens)."

    @property
    def free_text(self) -> bool:
        """Text the melder typed, which the counsellor may redact before it goes on."""
        return self.input not in CHOICES

    @property
    def choices(self) -> str | None:
        """The name of the regeling's list (and of the intake's member) a choice comes from."""
        return CHOICES.get(self.input)


REPORT_FIELDS: tuple[Field, ...] = (
    Field("what", "Wat is er gebeurd?", "Wat is er gebeurd", Input.TEXT, lines=8, required=True,
          missing="Beschrijf wat er is gebeurd."),
    Field("when", "Wanneer gebeurde het?", "Wanneer"),
    Field("where", "Waar gebeurde het?", "Waar"),
    Field("who", "Wie zijn erbij betrokken?", "Wie zijn betrokken", Input.TEXT, lines=3),
    Field("how_known", "Hoe weet u dit?", "Hoe weet de melder dit", Input.TEXT, lines=3),
    Field("category", "Waar gaat het over? (mag leeg blijven)", "Onderwerp volgens de melder", Input.CATEGORY,
          unknown="Kies een onderwerp uit de lijst."),
    # Only on the form of a regeling that lists units (SamenTwente); the counsellor still records
    # the unit at triage (Case.unit), with the melder's choice pre-selected.
    Field("unit", "Over welke gemeente of afdeling gaat uw melding? (mag leeg blijven)",
          "Gemeente of afdeling volgens de melder", Input.UNIT,
          unknown="Onbekende gemeente of afdeling: kies er een uit de lijst."),
)
IDENTITY_FIELDS: tuple[Field, ...] = (
    Field("name", "Naam", "Naam"),
    Field("contact", "Telefoon of e-mail", "Contact"),
)
REPORT_FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in REPORT_FIELDS)
IDENTITY_FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in IDENTITY_FIELDS)
# The report's text, without the choices (category, unit): what the counsellor can redact for a dossier.
REPORT_TEXT_FIELDS: tuple[Field, ...] = tuple(f for f in REPORT_FIELDS if f.free_text)


def published(fields: tuple[Field, ...]) -> list[dict[str, Any]]:
    """The fields as the intake answer publishes them, for a client to build and check its form."""
    return [{"name": f.name, "label": f.question, "input": f.input.value, "required": f.required,
             "max_chars": f.max_chars, "if_missing": f.missing, "if_too_long": f.too_long,
             **({"if_unknown": f.unknown} if f.unknown else {})}
            for f in fields]
