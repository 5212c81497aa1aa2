"""An oral melding (Wbk art. 18; issue 15, point 1): by phone, a voice message or in a
meeting, recorded by the vertrouwenspersoon. It is kept as minutes (verslag) the melder can
check: they approve a version or send corrections, after which the counsellor writes a new
version. A recording is made only with the melder's consent; the consent is recorded.

Pure rules: which forms exist, and whether a version may be approved or corrected."""
from __future__ import annotations

from enum import StrEnum


class OralForm(StrEnum):
    TELEFOON = "telefoon"
    VOICEMAIL = "voicemail"
    GESPREK = "gesprek"

    @property
    def label(self) -> str:
        return {"telefoon": "Telefonisch", "voicemail": "Ingesproken bericht",
                "gesprek": "In een gesprek"}[self.value]


def may_answer(version: int, versions: int, approved_version: int | None) -> str | None:
    """None when the melder may approve or correct `version` now; else why not."""
    if approved_version is not None:
        return "het verslag is al goedgekeurd"
    if version != versions:
        return f"alleen de nieuwste versie ({versions}) kan worden goedgekeurd of gecorrigeerd"
    return None


def may_revise(approved_version: int | None) -> str | None:
    """None when the counsellor may write a new version; else why not."""
    if approved_version is not None:
        return "de melder heeft het verslag al goedgekeurd"
    return None
