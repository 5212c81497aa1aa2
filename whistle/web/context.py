"""The request's unit of work and its use-case context.

One session per request, opened on first use. The rules, in one place:
- the view returned an answer: everything the request did is committed, right after the view
  and before anything is sent (WhistleFlask.dispatch_request calls `finish`); a streamed body
  (an attachment download) therefore starts only after its audit event is stored;
- the view raised (a service error, a bug): nothing is committed; the teardown rolls back;
- a view that answers a refusal itself (re-rendering its form with the message) runs that use
  case inside `attempt()`: on the refusal everything is rolled back at once and the loading of
  the principal is done again, so the page shows things as they are and still commits that;
- what must only happen once the work is stored (mailing a notice) is handed to `after_commit`.
Views never commit or roll back themselves."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Callable, Iterator

from flask import current_app, g
from sqlalchemy.orm import Session

from whistle.clock import Clock
from whistle.services.context import UseCase
from whistle.services.errors import ServiceError
from whistle.settings import Settings


def whistle():
    return current_app.extensions["whistle"]


def db() -> Session:
    if "db" not in g:
        g.db = whistle().sessions()
    return g.db


def settings() -> Settings:
    return whistle().settings


def clock() -> Clock:
    return whistle().clock


def use_case() -> UseCase:
    """What the services need for this request, built once."""
    if "use_case" not in g:
        w = whistle()
        g.use_case = UseCase(db(), w.settings, w.clock, process_key=w.process_key)
    return g.use_case


@contextmanager
def attempt() -> Iterator[None]:
    """A use case whose refusal (a ServiceError) the view shows on its own page. Not a
    SAVEPOINT: on SQLite that would open the transaction at the use case's first read, and a
    write after another connection's commit then fails at once instead of waiting its turn."""
    try:
        yield
    except ServiceError:
        db().rollback()
        for action in g.get("redo_after_rollback", ()):
            action()
        raise


def redo_after_rollback(action: Callable[[], object]) -> None:
    """What loading the principal did (moving the session's idle timeout) and must hold even
    when `attempt` rolls a refusal back."""
    g.setdefault("redo_after_rollback", []).append(action)


def after_commit(action: Callable[[], None]) -> None:
    """Run `action` once this request's work is committed; never when it is not."""
    g.setdefault("after_commit", []).append(action)


def finish() -> None:
    """The view returned: commit its work, then run what waited for that."""
    _commit()
    for action in g.pop("after_commit", []):
        action()


def commit_login() -> None:
    """Loading a staff member moved their session's idle timeout (or removed a dead session):
    that holds even when the request then fails. The loader runs before any use case, so this
    commits nothing else."""
    _commit()


def commit_so_far() -> None:
    """Commit this request's work up to here, for a step that must hold even when what follows
    is refused (a staff login completed before the form kept across it is sent again)."""
    _commit()


def _commit() -> None:
    session = g.get("db")
    if session is not None:
        session.commit()


def close(_exc=None) -> None:
    """Teardown: whatever was not committed is rolled back."""
    for name in ("use_case", "after_commit", "redo_after_rollback"):
        g.pop(name, None)
    session = g.pop("db", None)
    if session is not None:
        session.rollback()
        session.close()
