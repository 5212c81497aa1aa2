"""`whistle report`: the annual report, and the overview for a shared-service body."""
from __future__ import annotations

from pathlib import Path

import click

from whistle.cli.base import CLI_ACTOR, Env, main, pass_env, service_call


@main.group()
def report() -> None:
    """Annual figures (small counts suppressed)."""


@report.command("annual")
@click.option("--org", "org_slug", required=True)
@click.option("--year", required=True, type=int)
@click.option("--format", "fmt", required=True, type=click.Choice(["pdf", "csv", "html"]))
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@pass_env
def report_annual(env: Env, org_slug: str, year: int, fmt: str, out: Path) -> None:
    """Write the annual report of one organisation; the export is an audit event."""
    from whistle.services.register.exports import annual_export
    with env.use_case() as uc:
        body = service_call(annual_export, uc, CLI_ACTOR, org_slug, year, fmt)
    out.write_bytes(body)
    click.echo(f"jaarverslag {year} van {org_slug} ({fmt}) naar {out}")


@report.command("overview")
@click.option("--org", "org_slugs", required=True, multiple=True, help="each organisation the shared service serves")
@click.option("--year", required=True, type=int)
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@pass_env
def report_overview(env: Env, org_slugs: tuple[str, ...], year: int, out: Path) -> None:
    """The counts across several organisations (a shared service such as SamenTwente), as CSV."""
    from whistle.services.register.annual import shared_overview
    from whistle.services.register.exports import annual_csv
    with env.use_case() as uc:
        rep = service_call(shared_overview, uc, CLI_ACTOR, list(org_slugs), year)
    out.write_text(annual_csv(rep), encoding="utf-8")
    click.echo(f"overzicht {year} van {', '.join(rep.slugs)} naar {out}")
