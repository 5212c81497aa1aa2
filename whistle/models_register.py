"""The register's anonymous counts of deleted cases (issue 14), beside whistle.models on the same
Base (import RegisterCount from whistle.models)."""
from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column

from whistle.models import Base


class RegisterCount(Base):
    """What the annual figures need of deleted cases, as anonymous counts: retention adds each
    case it deletes to the row of its kind (whistle.domain.register.Fact), never its reference."""
    __tablename__ = "register_counts"
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str | None] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(16))
    named: Mapped[bool] = mapped_column(Boolean)
    outcome: Mapped[str | None] = mapped_column(String(16))
    route: Mapped[str] = mapped_column(String(16))
    ack_days: Mapped[int | None] = mapped_column(Integer)
    feedback_days: Mapped[int | None] = mapped_column(Integer)
    feedback_in_time: Mapped[bool | None] = mapped_column(Boolean)
    extended: Mapped[bool] = mapped_column(Boolean)
    count: Mapped[int] = mapped_column(Integer)
    category: Mapped[str | None] = mapped_column(String(64))  # the regeling's category
    benadeling: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    unit: Mapped[str | None] = mapped_column(String(64))
