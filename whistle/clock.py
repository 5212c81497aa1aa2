"""The one place that reads the time. Everything else takes a Clock, so tests can move it."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


class Clock:
    def now(self) -> datetime:
        """Aware UTC time; for expiry of short-lived tokens only, never stored for melders."""
        return datetime.now(timezone.utc)

    def today(self) -> date:
        """The date in Europe/Amsterdam: the only time a melder's actions are stored with."""
        return self.now().astimezone(AMSTERDAM).date()


class MovableClock(Clock):
    """A clock tests can set and move forward."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2026, 3, 2, 10, 0, tzinfo=timezone.utc)

    def now(self) -> datetime:
        return self._now

    def advance(self, **delta) -> None:
        self._now += timedelta(**delta)

    def set(self, moment: datetime) -> None:
        self._now = moment
