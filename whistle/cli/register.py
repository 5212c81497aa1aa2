"""`whistle register`: the register of meldingen (metadata only)."""
from __future__ import annotations

from pathlib import Path

import click

from whistle.cli.base import CLI_ACTOR, Env, main, pass_env, service_call


@main.group()
def register() -> None:
    """The register of meldingen (metadata only, never content)."""


@register.command("export")
@click.option("--org", "org_slug", required=True)
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@pass_env
def register_export(env: Env, org_slug: str, out: Path) -> None:
    """Write the organisation's register as CSV; the export is an audit event."""
    from whistle.services.register.exports import register_csv
    with env.use_case() as uc:
        text = service_call(register_csv, uc, CLI_ACTOR, org_slug)
    out.write_text(text, encoding="utf-8")
    click.echo(f"register van {org_slug}: {max(text.count(chr(10)) - 1, 0)} meldingen naar {out}")
