"""Role names a regeling may use for the bevoegd gezag, recusal and reporting lines.

Roles, never people: a regeling says "burgemeester", not who holds the office. The list is
closed so a typo in a regeling is caught at load time; add a role here with its label.
"""
from __future__ import annotations

from types import MappingProxyType
from typing import Mapping

ROLE_LABELS: Mapping[str, str] = MappingProxyType({
    "burgemeester": "Burgemeester",
    "locoburgemeester": "Locoburgemeester",
    "wethouder": "Wethouder",
    "college": "College van burgemeester en wethouders",
    "college_without_concerned": "College zonder het betrokken lid",
    "gemeentesecretaris": "Gemeentesecretaris",
    "dagelijks_bestuur": "Dagelijks bestuur",
    "dagelijks_bestuur_without_concerned": "Dagelijks bestuur zonder het betrokken lid",
    "algemeen_bestuur": "Algemeen bestuur",
    "voorzitter_dagelijks_bestuur": "Voorzitter van het dagelijks bestuur",
    "directie": "Directie",
    "algemeen_directeur": "Algemeen directeur",
    "directeur": "Directeur",
    "directeur-bestuurder": "Directeur-bestuurder",
    "raad_van_commissarissen": "Raad van commissarissen",
    "raad_van_toezicht": "Raad van toezicht",
    "leidinggevende": "Leidinggevende",
    "vertrouwenspersoon": "Vertrouwenspersoon integriteit",
})
ROLES: frozenset[str] = frozenset(ROLE_LABELS)


def role_label(role: str) -> str:
    return ROLE_LABELS[role]
