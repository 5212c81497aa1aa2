"""`whistle recovery`: restoring access with the organisation's recovery key."""
from __future__ import annotations

import click

from whistle.cli.base import CLI_ACTOR, Env, main, pass_env, read_secret_stdin, service_call


@main.group()
def recovery() -> None:
    """Getting access back with the organisation's recovery key."""


@recovery.command("restore-access")
@click.option("--org", "org_slug", required=True)
@click.option("--email", required=True, help="the member whose passphrase was reset")
@click.option("--ref", default=None, help="one case only")
@click.option("--all", "all_cases", is_flag=True, help="every key the member held before the reset")
@click.option("--secret-stdin", is_flag=True, required=True, help="read the recovery key (the words) from standard input")
@pass_env
def recovery_restore_access(env: Env, org_slug: str, email: str, ref: str | None, all_cases: bool,
                            secret_stdin: bool) -> None:
    """Re-wrap the case and dossier keys a member lost at a passphrase reset to their new key pair."""
    from whistle.services.staff.recovery import decode_secret, restore_access
    if bool(ref) == all_cases:
        raise click.ClickException("give either --ref REF or --all")
    secret = service_call(decode_secret, read_secret_stdin())
    with env.use_case() as uc:
        result = service_call(restore_access, uc, org_slug=org_slug, email=email, secret=secret,
                              ref=ref, actor=CLI_ACTOR)
    for case_ref in result.cases:
        click.echo(f"restored case {case_ref}")
    for case_ref in result.dossiers:
        click.echo(f"restored dossier of {case_ref}")
    for case_ref, why in result.skipped:
        click.echo(f"skipped {case_ref}: {why}", err=True)
