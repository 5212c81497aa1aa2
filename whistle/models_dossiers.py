"""Tables of the dossier's workbench (issue 13), on the Base of whistle.models (which imports
this module at its end, so every table is in one metadata): the attachments that travel in a
dossier and the draft of a dossier being composed."""
from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, LargeBinary, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from whistle.models import Base


class DossierAttachment(Base):
    """An attachment of the case that travels in a dossier: the same body on disk (never a copy),
    its file key re-wrapped under the dossier key. `header` is an `attachment` record sealed
    under the dossier key and bound to the dossier's locator (name, type, size, file key)."""
    __tablename__ = "dossier_attachments"
    __table_args__ = (UniqueConstraint("dossier_id", "attachment_id", name="uq_dossier_attachments_dossier_attachment"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id", ondelete="CASCADE"), index=True)
    attachment_id: Mapped[str] = mapped_column(ForeignKey("attachments.id", ondelete="CASCADE"), index=True)
    header: Mapped[bytes] = mapped_column(LargeBinary)


class DossierDraft(Base):
    """A dossier being composed (issue 13): what the counsellor chose and typed, a
    `dossier_draft` record sealed under the case key. One per case; gone once sent or deleted.
    Only the day it was saved is in the clear."""
    __tablename__ = "dossier_drafts"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), unique=True)
    saved_on: Mapped[date] = mapped_column(Date)
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary)
