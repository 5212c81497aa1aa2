"""`whistle user`: staff accounts."""
from __future__ import annotations

import click

from whistle.cli.base import CLI_ACTOR, Env, main, pass_env, read_secret_stdin, service_call
from whistle.domain.roles import StaffRole


@main.group()
def user() -> None:
    """Staff accounts."""


@user.command("create")
@click.option("--org", "org_slug", required=True)
@click.option("--role", required=True, type=click.Choice([r.value for r in StaffRole]))
@click.option("--email", required=True)
@click.option("--name", "display_name", default="")
@click.option("--function", "authority_function", default=None,
              help="for role authority: the office held (burgemeester, wethouder, directeur-bestuurder, ...)")
@click.option("--password-stdin", is_flag=True, required=True, help="read the passphrase from standard input")
@pass_env
def user_create(env: Env, org_slug: str, role: str, email: str, display_name: str,
                authority_function: str | None, password_stdin: bool) -> None:
    """Create a staff member; the passphrase comes from standard input only."""
    from whistle.services.staff.accounts import create_staff
    passphrase = read_secret_stdin()
    with env.use_case() as uc:
        u = service_call(create_staff, uc, org_slug=org_slug, role=role, email=email,
                         passphrase=passphrase, actor=CLI_ACTOR,
                         display_name=display_name, authority_function=authority_function)
    click.echo(f"created {u.role} {u.email}: the passphrase given works for the first login only, "
               "where the member chooses their own and their key pair is made; it receives nothing "
               "until endorsed (`whistle user endorse`)")


@user.command("reset-2fa")
@click.option("--email", required=True)
@pass_env
def user_reset_2fa(env: Env, email: str) -> None:
    """Clear a member's second factor, recovery codes and sessions (audited); their next login
    enrols again. Reads no key and no case."""
    from whistle.services.staff.second_factor import reset
    with env.use_case() as uc:
        member = service_call(reset, uc, email=email, by=None, actor=CLI_ACTOR)
    click.echo(f"second factor of {member.email} cleared; they enrol again at their next login")


@user.command("set-function")
@click.option("--email", required=True)
@click.option("--function", "authority_function", required=True,
              help="the office held (burgemeester, wethouder, ...); '' clears it")
@pass_env
def user_set_function(env: Env, email: str, authority_function: str) -> None:
    """Set the office of a member of the bevoegd gezag (who receives which dossier)."""
    from whistle.services.staff.accounts import set_authority_function
    with env.use_case() as uc:
        member = service_call(set_authority_function, uc, email=email, function=authority_function,
                              actor=CLI_ACTOR)
    click.echo(f"{member.email}: {member.authority_function or 'no office'}")


@user.command("reset-passphrase")
@click.option("--email", required=True)
@click.option("--password-stdin", is_flag=True, required=True, help="read the new passphrase from standard input")
@pass_env
def user_reset_passphrase(env: Env, email: str, password_stdin: bool) -> None:
    """Give a member who lost their passphrase a new one and a new key pair. Keys wrapped to the
    old pair are useless; `whistle recovery restore-access` gives them back with the recovery key."""
    from whistle.services.staff.recovery import reset_passphrase
    passphrase = read_secret_stdin()
    with env.use_case() as uc:
        member, waiting = service_call(reset_passphrase, uc, email=email,
                                       passphrase=passphrase, actor=CLI_ACTOR)
    import crypto
    click.echo(f"new passphrase and key pair for {member.email} (fingerprint {crypto.fingerprint(member.public_key)}); "
               f"{waiting} key(s) to restore with `whistle recovery restore-access`")


@user.command("delete")
@click.option("--email", required=True)
@pass_env
def user_delete(env: Env, email: str) -> None:
    """Delete an account that holds no key to a melding or dossier and endorsed nobody, with its
    sessions and second factor (audited). An account that holds keys is refused with the reason:
    deactivate it instead."""
    from whistle.services.staff import deletion
    with env.use_case() as uc:
        member = service_call(deletion.by_email, uc.session, email)
        gone = service_call(deletion.delete_account, uc, member=member, by=None, actor=CLI_ACTOR)
    click.echo(f"deleted {gone}")
