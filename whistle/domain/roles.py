"""Staff roles: what an account may do in Whistle.

A role is about the account, not about the organisation: the offices a regeling names for
the bevoegd gezag and for recusal (burgemeester, college, ...) are whistle.domain.offices.
The database constraint on `staff.role` is derived from this enum (whistle.models).
"""
from __future__ import annotations

from enum import StrEnum
from types import MappingProxyType
from typing import Mapping


class StaffRole(StrEnum):
    COUNSELLOR = "counsellor"  # vertrouwenspersoon: holds the case keys
    AUTHORITY = "authority"  # a member of the bevoegd gezag: holds the dossier keys sent to them
    ADMIN = "admin"  # beheerder: accounts and configuration, never case content

    @property
    def label(self) -> str:
        return STAFF_ROLE_LABELS[self]


class EndorsedRole(StrEnum):
    """What an endorsement lets a key receive (protocol E.5); the constraint on
    `endorsements.role` is derived from it. A beheerder is never one of them."""
    COUNSELLOR = "counsellor"  # meldingen
    AUTHORITY = "authority"  # dossiers, for the office the endorsement names
    RECOVERY = "recovery"  # the organisation's recovery key, endorsed by the trust key only


STAFF_ROLE_LABELS: Mapping[StaffRole, str] = MappingProxyType({
    StaffRole.COUNSELLOR: "vertrouwenspersoon",
    StaffRole.AUTHORITY: "bevoegd gezag",
    StaffRole.ADMIN: "beheerder",
})
