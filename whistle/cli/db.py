"""`whistle db`: the database schema."""
from __future__ import annotations

import click

from whistle.cli.base import Env, main, pass_env


@main.group()
def db() -> None:
    """The database schema (Alembic)."""


@db.command("upgrade")
@pass_env
def db_upgrade(env: Env) -> None:
    """Create or upgrade the schema to the latest revision."""
    from whistle.infra import migrate
    env.settings.data_dir.mkdir(parents=True, exist_ok=True)
    migrate.upgrade(env.engine)
    click.echo(f"database at revision {migrate.current_revision(env.engine)}")
