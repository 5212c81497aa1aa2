"""Who receives a dossier: the regeling's recipients, the recusal rules, and the betrokkenen.

Pure rules over offices (whistle.domain.offices) and account ids; the service supplies
the organisation's authority members and the persons the melding concerns. The answer is the
same whatever order things are given in, so the page that previews the recipients and the
service that seals the dossier agree.

The rules, as written down in docs/authority.md:
- A recipient names an office ("burgemeester") or a body ("college"); a body stands for
  the offices that sit in it (`BODIES`).
- When a betrokkene holds an office that a recusal rule `concerns`, the dossier goes to the
  rule's `handled_by` instead of the regeling's recipients (Deventer: about a wethouder to
  the college without that wethouder; about the burgemeester to the locoburgemeester). When
  several rules apply, the union of their `handled_by` receives it.
- A betrokkene never receives the dossier, whichever role or rule would name them.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping

from whistle.domain.offices import Office
from whistle.domain.regeling import Authority, Recusal

# The offices that sit in a body. "..._without_concerned" is the same body: the betrokkenen
# are taken out of every result anyway.
_COLLEGE = frozenset({Office.BURGEMEESTER, Office.LOCOBURGEMEESTER, Office.WETHOUDER})
_DAGELIJKS_BESTUUR = frozenset({Office.DAGELIJKS_BESTUUR, Office.VOORZITTER_DAGELIJKS_BESTUUR})
BODIES: Mapping[str, frozenset[str]] = {
    Office.COLLEGE: _COLLEGE,
    Office.COLLEGE_WITHOUT_CONCERNED: _COLLEGE,
    Office.DAGELIJKS_BESTUUR: _DAGELIJKS_BESTUUR,
    Office.DAGELIJKS_BESTUUR_WITHOUT_CONCERNED: _DAGELIJKS_BESTUUR,
    Office.DIRECTIE: frozenset({Office.DIRECTIE, Office.ALGEMEEN_DIRECTEUR, Office.DIRECTEUR}),
}


def offices_of(role: str) -> frozenset[str]:
    """The offices a recipient role stands for."""
    return BODIES.get(role, frozenset({role}))


@dataclass(frozen=True)
class Member:
    """An authority member as the rules see them: an account id and the office held."""
    staff_id: int
    office: str | None


@dataclass(frozen=True)
class Entitlement:
    roles: tuple[str, ...]              # the recipient roles that apply to this case
    rules: tuple[Recusal, ...]          # the recusal rules that applied
    recipients: tuple[int, ...]         # staff ids that receive the dossier
    recused: tuple[int, ...]            # members who would have received it, but are betrokkene


def entitled(authority: Authority, members: Iterable[Member], concerned: Iterable[int]) -> Entitlement:
    """Who receives a dossier of a case concerning `concerned` (staff ids)."""
    members = sorted(set(members), key=lambda m: m.staff_id)
    concerned = frozenset(concerned)
    concerned_offices = {m.office for m in members if m.staff_id in concerned and m.office}
    rules = tuple(r for r in authority.recusal if r.concerns in concerned_offices)
    roles = tuple(dict.fromkeys(r.handled_by for r in rules)) or tuple(authority.recipients)
    offices = frozenset().union(*(offices_of(r) for r in roles))
    usual = offices.union(*(offices_of(r) for r in authority.recipients))
    return Entitlement(
        roles=roles, rules=rules,
        recipients=tuple(m.staff_id for m in members if m.office in offices and m.staff_id not in concerned),
        recused=tuple(m.staff_id for m in members if m.office in usual and m.staff_id in concerned))
