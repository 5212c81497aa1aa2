"""Tables of the procedures of issue 15, on the Base of whistle.models (which imports this
module at its end, so every table is in one metadata): a melder's complaint after the
terugkoppeling, and an oral melding's minutes."""
from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from whistle.domain.complaint import ComplaintOutcome
from whistle.domain.meeting import MeetingKind
from whistle.domain.oral import OralForm
from whistle.models import Base, _in

COMPLAINT_OUTCOMES = tuple(o.value for o in ComplaintOutcome)
ORAL_FORMS = tuple(f.value for f in OralForm)
MEETING_KINDS = tuple(k.value for k in MeetingKind)


class CaseComplaint(Base):
    """A melder's complaint after the terugkoppeling (whistle.domain.complaint), as metadata: its
    days, the complaint dossier for the office that decides, the outcome, and the LKC's last
    day. What the melder wrote, and the event date, are a sealed `message` record."""
    __tablename__ = "case_complaints"
    __table_args__ = (
        CheckConstraint(_in("outcome", COMPLAINT_OUTCOMES), name="outcome"),
        CheckConstraint("due >= lodged_on", name="due_after_lodged"),
        CheckConstraint("forwarded_on IS NULL OR forwarded_on >= lodged_on", name="forwarded_after_lodged"),
        CheckConstraint("(decided_on IS NULL AND outcome IS NULL) OR (decided_on IS NOT NULL AND outcome IS NOT "
                        "NULL AND forwarded_on IS NOT NULL AND decided_on >= forwarded_on)", name="decided"),
    )
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    lodged_on: Mapped[date] = mapped_column(Date)
    due: Mapped[date] = mapped_column(Date)  # the decision's last day (the regeling's [complaint] term)
    forwarded_on: Mapped[date | None] = mapped_column(Date)
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossiers.id", ondelete="SET NULL"))
    decided_on: Mapped[date | None] = mapped_column(Date)
    outcome: Mapped[str | None] = mapped_column(String(16))
    lkc_limit_on: Mapped[date | None] = mapped_column(Date)  # two years after the event; NULL: not given
    reminded_on: Mapped[date | None] = mapped_column(Date)  # the counsellors' last reminder of `due`


class CaseMinutes(Base):
    """An oral melding's minutes (whistle.domain.oral), as metadata: the form, the consent to a
    recording, how many versions the counsellor wrote and which one the melder approved. Each
    version, and each correction, is a sealed `message` record (purpose minutes / correction)."""
    __tablename__ = "case_minutes"
    __table_args__ = (
        CheckConstraint(_in("form", ORAL_FORMS), name="form"),
        CheckConstraint("versions >= 1", name="versions"),
        CheckConstraint("(approved_version IS NULL AND approved_on IS NULL) OR (approved_version IS NOT NULL "
                        "AND approved_on IS NOT NULL AND approved_version BETWEEN 1 AND versions)", name="approved"),
    )
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    form: Mapped[str] = mapped_column(String(16))
    held_on: Mapped[date] = mapped_column(Date)
    recording_consent: Mapped[bool] = mapped_column(Boolean)
    versions: Mapped[int] = mapped_column(Integer)
    approved_version: Mapped[int | None] = mapped_column(Integer)
    approved_on: Mapped[date | None] = mapped_column(Date)


class CaseMeeting(Base):
    """A meeting the melder asked for (whistle.domain.meeting), as metadata: the kind, the days,
    the proposal's last day and the last reminder of it. A note with the request and the
    counsellor's proposal (time and place) are sealed `message` records."""
    __tablename__ = "case_meetings"
    __table_args__ = (
        CheckConstraint(_in("kind", MEETING_KINDS), name="kind"),
        CheckConstraint("due >= requested_on", name="due_after_requested"),
        CheckConstraint("proposals >= 0", name="proposals"),
        CheckConstraint("proposed_on IS NULL OR (proposals >= 1 AND proposed_on >= requested_on)", name="proposed"),
        CheckConstraint("confirmed_on IS NULL OR (proposed_on IS NOT NULL AND confirmed_on >= proposed_on)",
                        name="confirmed"),
        # One open request per case: a melder asks again only once the last one was confirmed.
        Index("ix_case_meetings_open", "case_id", unique=True, sqlite_where=text("confirmed_on IS NULL"),
              postgresql_where=text("confirmed_on IS NULL")),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    requested_on: Mapped[date] = mapped_column(Date)
    due: Mapped[date] = mapped_column(Date)  # the last day for a proposal
    proposals: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    proposed_on: Mapped[date | None] = mapped_column(Date)
    confirmed_on: Mapped[date | None] = mapped_column(Date)
    reminded_on: Mapped[date | None] = mapped_column(Date)
