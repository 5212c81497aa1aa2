"""The one exception family of the domain layer.

Services catch `DomainError` and turn it into a refusal for the actor; the subclasses carry
the detail a message or a log line needs.
"""
from __future__ import annotations


class DomainError(Exception):
    """Base of every error the domain layer raises on purpose."""


class TransitionNotAllowed(DomainError):
    """An event cannot happen to a case in its current state, for this actor or these facts.

    `guard` is the lifecycle Guard that refused, when one did (None when there is no such
    transition or the actor may not start it), so a caller can explain it without reading
    `reason`."""

    def __init__(self, state: object, event: object, actor: object, reason: str, *,
                 guard: object | None = None) -> None:
        self.state = str(getattr(state, "value", state))
        self.event = str(getattr(event, "value", event))
        self.actor = str(getattr(actor, "value", actor))
        self.reason = reason
        self.guard = guard
        super().__init__(
            f"event {self.event!r} by {self.actor!r} is not allowed in state {self.state!r}: {reason}"
        )


class DeadlineError(DomainError):
    """A deadline computation or extension was refused; `field` names the offending input."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


class RegelingError(DomainError):
    """A regeling (organisation policy) is invalid; names the file and the dotted field."""

    def __init__(self, file: str, field: str, message: str) -> None:
        self.file = str(file)
        self.field = field
        self.message = message
        super().__init__(f"{self.file}: {field}: {message}")


class UnknownRoute(DomainError):
    """An external route id that is not in the catalogue."""

    def __init__(self, route_id: str) -> None:
        self.route_id = route_id
        super().__init__(f"unknown external route {route_id!r}")
