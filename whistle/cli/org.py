"""`whistle org`: organisations."""
from __future__ import annotations

from pathlib import Path

import click

from whistle.cli.base import CLI_ACTOR, Env, main, pass_env, service_call


@main.group()
def org() -> None:
    """Organisations."""


@org.command("create")
@click.argument("slug")
@click.option("--name", required=True)
@click.option("--regeling", "regeling_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@pass_env
def org_create(env: Env, slug: str, name: str, regeling_file: Path | None) -> None:
    """Create an organisation, under a regeling (TOML) or the statutory default."""
    from whistle.services.organisations import create_organisation
    with env.use_case() as uc:
        o = service_call(create_organisation, uc, slug=slug, name=name,
                         actor=CLI_ACTOR, regeling_file=regeling_file)
    click.echo(f"created organisation {o.slug}")


@org.command("list")
@pass_env
def org_list(env: Env) -> None:
    from whistle.services.organisations import list_organisations
    with env.session() as s:
        for o in list_organisations(s):
            click.echo(f"{o.slug}\t{o.name}")


@org.command("recovery-key")
@click.argument("slug")
@click.option("--qr", "qr_file", type=click.Path(dir_okay=False, path_type=Path),
              help="also write the private half as a QR code (SVG) to this new file, to print and then delete")
@click.option("--trust-key-stdin", is_flag=True,
              help="endorse the new key with the organisation key (its words on standard input)")
@pass_env
def org_recovery_key(env: Env, slug: str, qr_file: Path | None, trust_key_stdin: bool) -> None:
    """Create the organisation's recovery key pair. The private half is printed once, to keep
    offline (on paper, in a safe); only the public half is stored. It receives case keys once
    the organisation key endorsed it: with --trust-key-stdin, or by `whistle org trust-key` later."""
    from whistle.services.staff.recovery import create_recovery_key, encode_secret
    from whistle.cli.trust_cmds import read_trust_secret
    if qr_file is not None and qr_file.exists():
        raise click.ClickException(f"{qr_file} exists already")
    seed = read_trust_secret() if trust_key_stdin else None
    with env.use_case() as uc:
        secret = service_call(create_recovery_key, uc, slug, CLI_ACTOR, seed)
        import crypto
        fingerprint = crypto.fingerprint(crypto.public_from_secret(secret))
    words = encode_secret(secret)
    if qr_file is not None:
        import segno
        segno.make(words, error="m").save(str(qr_file), kind="svg", scale=8)
    click.echo(f"Herstelsleutel van {slug} (vingerafdruk {fingerprint}).")
    click.echo("Schrijf of print deze sleutel en bewaar hem offline; hij wordt niet opgeslagen en niet nog eens getoond:")
    click.echo("")
    click.echo(f"    {words}")
    click.echo("")
    if qr_file is not None:
        click.echo(f"QR-code geschreven naar {qr_file}: print hem en verwijder het bestand daarna.")
