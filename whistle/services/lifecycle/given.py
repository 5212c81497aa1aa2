"""What an actor sends with a lifecycle step (whistle.services.lifecycle.effects): the base that
every step's checked input extends, in a module of its own so that the step modules
(effects, complaint) share it without importing each other."""
from __future__ import annotations

from typing import Any


class Given:
    """What the actor sent with a step, checked. A bare button sends nothing."""

    def guard_facts(self) -> dict[str, object]:
        """The facts the transition table's input guards ask about."""
        return {}

    def audit(self) -> dict[str, object]:
        """The audit event's details: choices and dates, never content."""
        return {}

    def claim(self) -> tuple[Any, ...]:
        """Conditions added to the compare-and-set on the case row."""
        return ()
