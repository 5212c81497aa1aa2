"""What the vertrouwenspersoon's inbox keeps per member (issue 13.1), beside whistle.models on the
same Base (import CaseSeen from whistle.models)."""
from __future__ import annotations

from sqlalchemy import ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column

from whistle.models import Base


class CaseSeen(Base):
    """When a counsellor last opened a case, as the organisation's audit sequence number at that
    moment (staff data, not the melder's time): the inbox marks what came after."""
    __tablename__ = "case_seen"
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    seen_seq: Mapped[int] = mapped_column(Integer)
