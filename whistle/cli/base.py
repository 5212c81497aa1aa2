"""What every command group shares: the lazily built environment (settings, engine,
sessions), reading a secret from standard input, and turning a service's error into a clear
message and a non-zero exit."""
from __future__ import annotations

import os

import sys
from contextlib import contextmanager
from typing import Iterator

import click

from whistle.clock import Clock
from whistle.infra.db import make_engine, make_session_factory, transaction
from whistle.services.context import UseCase
from whistle.settings import Settings, SettingsError, settings_from_env

CLI_ACTOR = "cli"


class Env:
    """Settings, engine and sessions, built on first use (so `--help` needs no data dir)."""

    def __init__(self) -> None:
        self._settings: Settings | None = None
        self._factory = None
        self._engine = None
        self.clock = Clock()

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            try:
                self._settings = settings_from_env()
            except SettingsError as exc:
                raise click.ClickException(str(exc)) from None
        return self._settings

    @property
    def engine(self):
        if self._engine is None:
            self._engine = make_engine(self.settings.database_url)
        return self._engine

    def session(self):
        if self._factory is None:
            from whistle.infra import migrate
            if not migrate.is_current(self.engine):
                raise click.ClickException("the database is not at the latest schema: run `whistle db upgrade`")
            self._factory = make_session_factory(self.engine)
        return transaction(self._factory)

    @contextmanager
    def use_case(self) -> Iterator[UseCase]:
        """One command's unit of work, as the services take it."""
        with self.session() as session:
            yield UseCase(session, self.settings, self.clock)


pass_env = click.make_pass_decorator(Env, ensure=True)


def read_secret_stdin() -> str:
    line = sys.stdin.readline()
    secret = line.rstrip("\r\n")
    if not secret:
        raise click.ClickException("no passphrase on standard input")
    return secret


def service_call(fn, *args, **kwargs):
    """Turn a service's error into a clear message and a non-zero exit."""
    from whistle.services.errors import ServiceError
    from whistle.domain.errors import DomainError
    try:
        return fn(*args, **kwargs)
    except (ServiceError, DomainError) as exc:
        raise click.ClickException(getattr(exc, "message", None) or str(exc)) from None


@click.group()
def main() -> None:
    """Whistle: klokkenluidersvoorziening."""
    # Everything the operator's commands and the server write (database, WAL, attachments,
    # backups) is the service account's alone, whatever umask they were started with.
    os.umask(0o077)
