"""`whistle backup`: encrypted backups."""
from __future__ import annotations

from pathlib import Path

import click

from whistle.cli.base import Env, main, pass_env, read_secret_stdin


@main.group()
def backup() -> None:
    """Encrypted backups of the database and the attachments (docs/operations.md)."""


@backup.command("create")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--password-stdin", is_flag=True, required=True, help="read the backup passphrase from standard input")
@click.option("--portable", is_flag=True,
              help="a logical dump (rows) that restores into SQLite or PostgreSQL alike, instead of the "
                   "database's own form (SQLite: the file's image; PostgreSQL: its COPY stream)")
@pass_env
def backup_create(env: Env, file: Path, password_stdin: bool, portable: bool) -> None:
    """Write a consistent, encrypted snapshot to FILE (a new file), also while the server runs."""
    from whistle.services.operations import backup as backup_service
    passphrase = read_secret_stdin()
    try:
        # The backup key costs what a staff key costs: both guard the same database.
        summary = backup_service.create(env.settings, file, passphrase, env.settings.staff_kdf,
                                        env.clock.today(), portable=portable)
    except backup_service.BackupError as exc:
        raise click.ClickException(str(exc)) from None
    rows = sum(summary.tables.values())
    click.echo(f"backup written to {file}: {rows} rows in {len(summary.tables)} tables, "
               f"{summary.files} attachment bodies (schema {summary.revision})")


@backup.command("restore")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--password-stdin", is_flag=True, required=True, help="read the backup passphrase from standard input")
@pass_env
def backup_restore(env: Env, file: Path, password_stdin: bool) -> None:
    """Restore FILE into an empty data directory and database; all or nothing."""
    from whistle.services.operations import backup as backup_service
    passphrase = read_secret_stdin()
    try:
        summary = backup_service.restore(env.settings, file, passphrase)
    except backup_service.BackupError as exc:
        raise click.ClickException(str(exc)) from None
    rows = sum(summary.tables.values())
    click.echo(f"restored {rows} rows and {summary.files} attachment bodies from the backup of "
               f"{summary.created_on} into {env.settings.data_dir}")
