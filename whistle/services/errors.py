"""The errors use cases raise. The web maps each to one HTTP answer (see whistle.web.errors)."""
from __future__ import annotations


from whistle.domain.worded import Worded  # noqa: F401  (services raise with it)


class ServiceError(Exception):
    status = 400

    def __init__(self, message: str, *, field: str | None = None, params: dict | None = None) -> None:
        """`message` is Dutch; with `params` it has named placeholders (%(name)s) they fill."""
        message = Worded(message, **params) if params else message
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidInput(ServiceError):
    status = 400


class StepRefused(InvalidInput):
    """The lifecycle's transition table refused a step (field `event`); `guard` names the
    guard that refused, or is None when the step does not exist here or not for this actor."""

    def __init__(self, message: str, *, guard: str | None = None, params: dict | None = None) -> None:
        super().__init__(message, field="event", params=params)
        self.guard = guard


class NotFound(ServiceError):
    status = 404


class Forbidden(ServiceError):
    status = 403


class Unauthorized(ServiceError):
    """The one answer for every failed melder or staff authentication: no oracle."""
    status = 401

    def __init__(self, message: str = "De code is onjuist of de sessie is verlopen.") -> None:
        super().__init__(message)


class UnreadableRecord(ServiceError):
    """A stored record (an attachment's sealed header or body) does not open: shown as
    unreadable (protocol E.6), never as a server error. 422: the request was understood,
    what it asks for cannot be opened."""
    status = 422


class TooLarge(ServiceError):
    status = 413


class Conflict(ServiceError):
    status = 409

    def __init__(self, message: str, *, payload: dict | None = None) -> None:
        super().__init__(message)
        self.payload = payload or {}


class TooManyRequests(ServiceError):
    """Throttled (whistle.infra.throttle): answered 429 with Retry-After, the same whether
    or not the case or account exists."""
    status = 429

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = max(1, int(retry_after))
