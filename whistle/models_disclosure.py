"""The disclosures table (whistle.domain.disclosure), beside whistle.models, which imports it:
import `Disclosure` from whistle.models."""
from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Index, LargeBinary, String, text
from sqlalchemy.orm import Mapped, mapped_column

from whistle.domain.disclosure import DisclosureState, LegalGround, Requester
from whistle.models import Base, _in

DISCLOSURE_STATES, DISCLOSURE_GROUNDS, DISCLOSURE_REQUESTERS = (
    tuple(e.value for e in enum) for enum in (DisclosureState, LegalGround, Requester))
# A disclosure's steps as the database holds them (migration 0185): one open request per case; decided by
# someone else than who asked, with a reason; the identity goes only after the melder's term.
OPEN_DISCLOSURE = "state IN ('requested', 'approved', 'notified')"
DISCLOSURE_FOUR_EYES = ("(decided_by_id IS NULL OR decided_by_id <> requested_by_id) AND (seconded_by_id IS NULL OR "
                        "(seconded_by_id <> requested_by_id AND (decided_by_id IS NULL OR decided_by_id <> seconded_by_id))) "
                        "AND (requester_role = 'counsellor' OR state IN ('requested', 'refused', 'withdrawn') "
                        "OR seconded_by_id IS NOT NULL)")
DISCLOSURE_DECIDED = ("(decided_on IS NULL) = (decided_by_id IS NULL) AND (decided_on IS NULL) = (decision IS NULL) "
                      "AND (state IN ('requested', 'withdrawn') OR decided_on IS NOT NULL) "
                      "AND (decided_on IS NULL OR decided_on >= requested_on)")
DISCLOSURE_TERM = ("(notified_on IS NULL) = (react_until IS NULL) AND (react_until IS NULL OR react_until > notified_on) "
                   "AND (state <> 'notified' OR notified_on IS NOT NULL) AND NOT (notice_withheld AND notified_on IS NOT NULL)")
DISCLOSURE_DONE = ("(state = 'disclosed') = (disclosed_on IS NOT NULL) AND (state = 'withdrawn') = (withdrawn_on IS NOT NULL) "
                   "AND (disclosed_on IS NULL OR react_until IS NULL OR disclosed_on > react_until)")


class Disclosure(Base):
    """A request to disclose the melder's identity without consent (whistle.domain.disclosure): state, who
    and dates in the clear; the reasons sealed as `disclosure` records under its dossier's key."""
    __tablename__ = "disclosures"
    __table_args__ = (
        CheckConstraint(_in("state", DISCLOSURE_STATES), name="state"),
        CheckConstraint(_in("ground", DISCLOSURE_GROUNDS), name="ground"),
        CheckConstraint(_in("requester_role", DISCLOSURE_REQUESTERS), name="requester_role"),
        CheckConstraint(DISCLOSURE_FOUR_EYES, name="four_eyes"),
        CheckConstraint(DISCLOSURE_DECIDED, name="decided"),
        CheckConstraint(DISCLOSURE_TERM, name="term"),
        CheckConstraint(DISCLOSURE_DONE, name="done"),
        Index("uq_disclosures_open_case", "case_id", unique=True,
              sqlite_where=text(OPEN_DISCLOSURE), postgresql_where=text(OPEN_DISCLOSURE)),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id", ondelete="CASCADE"), index=True)
    state: Mapped[str] = mapped_column(String(16))
    ground: Mapped[str] = mapped_column(String(32))
    requester_role: Mapped[str] = mapped_column(String(16))
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    requested_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[bytes] = mapped_column(LargeBinary)  # sealed: the requester's motivation
    # A request of the bevoegd gezag: the first of the two counsellors who approve it.
    seconded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    seconded_on: Mapped[date | None] = mapped_column(Date)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    decided_on: Mapped[date | None] = mapped_column(Date)
    decision: Mapped[bytes | None] = mapped_column(LargeBinary)  # sealed: the decider's reason
    # The decider withheld the notice to the melder: it would jeopardise the investigation (reason sealed).
    notice_withheld: Mapped[bool] = mapped_column(Boolean, default=False)
    notified_on: Mapped[date | None] = mapped_column(Date)
    react_until: Mapped[date | None] = mapped_column(Date)
    disclosed_on: Mapped[date | None] = mapped_column(Date)
    disclosed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    withdrawn_on: Mapped[date | None] = mapped_column(Date)
