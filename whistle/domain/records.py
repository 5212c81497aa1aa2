"""What is stored about a sealed record besides its ciphertext: its kind and its author.

The database constraints on these columns are derived from these enums (whistle.models).
"""
from __future__ import annotations

from enum import StrEnum


class RecordKind(StrEnum):
    """The kinds of record kept in the `records` table (protocol v1, section 6). An attachment's
    own record travels as its header, in the attachment's row."""

    REPORT = "report"
    MESSAGE = "message"
    IDENTITY = "identity"


class Author(StrEnum):
    """Who wrote a record, an attachment or a dossier record.

    The melder is stored, and named on the wire, as "reporter" (protocol v1: a record's
    `author`), while the lifecycle and the audit trail call the same person the actor
    "melder" (whistle.domain.lifecycle.Actor.MELDER). The code says Author.MELDER; its value
    stays "reporter" so that neither the protocol nor the stored rows change.
    """

    MELDER = "reporter"
    COUNSELLOR = "counsellor"  # vertrouwenspersoon
    AUTHORITY = "authority"  # bevoegd gezag, only in a dossier (its decision)


# Who may write a case's records and attachments, and who a dossier's records.
CASE_AUTHORS: tuple[Author, ...] = (Author.MELDER, Author.COUNSELLOR)
DOSSIER_AUTHORS: tuple[Author, ...] = (Author.COUNSELLOR, Author.AUTHORITY)
