"""`whistle config`: checking regelingen."""
from __future__ import annotations

from pathlib import Path

import click

from whistle.cli.base import main


@main.group()
def config() -> None:
    """Configuration files."""


@config.command("check")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
def config_check(files: tuple[Path, ...]) -> None:
    """Validate regelingen (all shipped ones when no FILE is given); exit 1 naming the file
    and the field of the first problem in each bad file."""
    from whistle.domain.errors import RegelingError
    from whistle.domain.regeling import load_regeling, shipped_regeling_paths
    paths = list(files) or shipped_regeling_paths()
    if not paths:
        raise click.ClickException("no regelingen found to check")
    bad = 0
    for path in paths:
        try:
            regeling = load_regeling(path)
        except RegelingError as exc:
            bad += 1
            click.echo(f"{exc.file}: {exc.field}: {exc.message}", err=True)
        else:
            click.echo(f"ok {path} ({regeling.slug}, terugkoppeling binnen {regeling.feedback_term})")
    if bad:
        raise SystemExit(1)
