"""The offices a regeling may name for the bevoegd gezag, recusal and reporting lines.

Offices, never people: a regeling says "burgemeester", not who holds it. Some names stand
for a body rather than an office one person holds (`college`, the `..._without_concerned`
bodies) or for a function outside the bevoegd gezag (`vertrouwenspersoon`); an account can
hold only the HOLDABLE_OFFICES. The list is closed so that a typo in a regeling is caught at
load time; add an office here with its label. Staff roles are whistle.domain.roles.
"""
from __future__ import annotations

from enum import StrEnum
from types import MappingProxyType
from typing import Mapping


class Office(StrEnum):
    BURGEMEESTER = "burgemeester"
    LOCOBURGEMEESTER = "locoburgemeester"
    WETHOUDER = "wethouder"
    COLLEGE = "college"
    COLLEGE_WITHOUT_CONCERNED = "college_without_concerned"
    GEMEENTESECRETARIS = "gemeentesecretaris"
    DAGELIJKS_BESTUUR = "dagelijks_bestuur"
    DAGELIJKS_BESTUUR_WITHOUT_CONCERNED = "dagelijks_bestuur_without_concerned"
    ALGEMEEN_BESTUUR = "algemeen_bestuur"
    VOORZITTER_DAGELIJKS_BESTUUR = "voorzitter_dagelijks_bestuur"
    DIRECTIE = "directie"
    ALGEMEEN_DIRECTEUR = "algemeen_directeur"
    DIRECTEUR = "directeur"
    DIRECTEUR_BESTUURDER = "directeur-bestuurder"
    RAAD_VAN_COMMISSARISSEN = "raad_van_commissarissen"
    RAAD_VAN_TOEZICHT = "raad_van_toezicht"
    LEIDINGGEVENDE = "leidinggevende"
    VERTROUWENSPERSOON = "vertrouwenspersoon"

    @property
    def label(self) -> str:
        return OFFICE_LABELS[self]


OFFICE_LABELS: Mapping[Office, str] = MappingProxyType({
    Office.BURGEMEESTER: "Burgemeester",
    Office.LOCOBURGEMEESTER: "Locoburgemeester",
    Office.WETHOUDER: "Wethouder",
    Office.COLLEGE: "College van burgemeester en wethouders",
    Office.COLLEGE_WITHOUT_CONCERNED: "College zonder het betrokken lid",
    Office.GEMEENTESECRETARIS: "Gemeentesecretaris",
    Office.DAGELIJKS_BESTUUR: "Dagelijks bestuur",
    Office.DAGELIJKS_BESTUUR_WITHOUT_CONCERNED: "Dagelijks bestuur zonder het betrokken lid",
    Office.ALGEMEEN_BESTUUR: "Algemeen bestuur",
    Office.VOORZITTER_DAGELIJKS_BESTUUR: "Voorzitter van het dagelijks bestuur",
    Office.DIRECTIE: "Directie",
    Office.ALGEMEEN_DIRECTEUR: "Algemeen directeur",
    Office.DIRECTEUR: "Directeur",
    Office.DIRECTEUR_BESTUURDER: "Directeur-bestuurder",
    Office.RAAD_VAN_COMMISSARISSEN: "Raad van commissarissen",
    Office.RAAD_VAN_TOEZICHT: "Raad van toezicht",
    Office.LEIDINGGEVENDE: "Leidinggevende",
    Office.VERTROUWENSPERSOON: "Vertrouwenspersoon integriteit",
})

# A body, or a function outside the bevoegd gezag: named by a regeling, held by no account.
NOT_HOLDABLE: frozenset[Office] = frozenset({
    Office.COLLEGE, Office.COLLEGE_WITHOUT_CONCERNED, Office.DAGELIJKS_BESTUUR_WITHOUT_CONCERNED,
    Office.VERTROUWENSPERSOON,
})
# The offices an authority member can hold on their account (Staff.authority_function).
HOLDABLE_OFFICES: frozenset[Office] = frozenset(Office) - NOT_HOLDABLE


def office_label(office: str) -> str:
    return OFFICE_LABELS[Office(office)]
