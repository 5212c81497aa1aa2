"""`whistle org trust-key|recipients` and `whistle user endorse|fingerprint`: the trust in
recipients (docs/threat-model.md). Registered on the `org` and `user` groups."""
from __future__ import annotations

import json
from pathlib import Path

import click

from whistle.cli.base import CLI_ACTOR, Env, pass_env, read_secret_stdin, service_call
from whistle.cli.org import org
from whistle.cli.user import user


def _member(session, email: str):
    from sqlalchemy import select
    from whistle.models import Staff
    member = session.scalar(select(Staff).where(Staff.email == (email or "").strip().lower()))
    if member is None:
        raise click.ClickException(f"no account for {email}")
    return member


def read_trust_secret() -> bytes:
    from whistle.services.errors import InvalidInput
    from whistle.services.staff.recovery import decode_secret
    try:
        return decode_secret(read_secret_stdin())
    except InvalidInput:
        raise click.ClickException("the organisation key on standard input is not 60 symbols with a valid check; "
                                   "type it again from the paper") from None


@org.command("trust-key")
@click.argument("slug")
@click.option("--qr", "qr_file", type=click.Path(dir_okay=False, path_type=Path),
              help="also write the secret as a QR code (SVG) to this new file, to print and then delete")
@pass_env
def org_trust_key(env: Env, slug: str, qr_file: Path | None) -> None:
    """Make the organisation key that vouches for recipients. The secret is printed once, to keep
    offline; only the public half is stored. A second call refuses."""
    import crypto
    from whistle.services import recipient_log, trust
    from whistle.services.staff.recovery import encode_secret
    if qr_file is not None and qr_file.exists():
        raise click.ClickException(f"{qr_file} exists already")
    with env.use_case() as uc:
        seed = service_call(trust.create_trust_key, uc, slug, CLI_ACTOR)
        fingerprint = crypto.fingerprint(crypto.signing_verify_key(seed))
        uc.session.commit()
        recipient_log.mail_new_entries(uc.session, env.settings)
    words = encode_secret(seed)
    if qr_file is not None:
        import segno
        segno.make(words, error="m").save(str(qr_file), kind="svg", scale=8)
    click.echo(f"Organisatiesleutel van {slug} (vingerafdruk {fingerprint}).")
    click.echo("Publiceer de vingerafdruk op het intranet. Schrijf of print de sleutel en bewaar hem offline; "
               "hij wordt niet opgeslagen en niet nog eens getoond:")
    click.echo("")
    click.echo(f"    {words}")
    click.echo("")
    if qr_file is not None:
        click.echo(f"QR-code geschreven naar {qr_file}: print hem en verwijder het bestand daarna.")


@user.command("endorse")
@click.argument("email")
@click.option("--trust-key-stdin", is_flag=True, help="sign with the organisation key (its words on standard input)")
@click.option("--as", "endorser_email", help="sign as this endorsed vertrouwenspersoon")
@click.option("--password-stdin", is_flag=True, help="with --as: read that member's passphrase from standard input")
@click.option("--fingerprint", help="the fingerprint the member read to you; refused when it differs")
@pass_env
def user_endorse(env: Env, email: str, trust_key_stdin: bool, endorser_email: str | None,
                 password_stdin: bool, fingerprint: str | None) -> None:
    """Vouch for a member's key, so they receive meldingen (or dossiers, for their office)."""
    import crypto
    from whistle.services import recipient_log, trust
    from whistle.services.staff import accounts
    if trust_key_stdin == bool(endorser_email):
        raise click.ClickException("give either --trust-key-stdin or --as ENDORSER_EMAIL --password-stdin")
    if endorser_email and not password_stdin:
        raise click.ClickException("--as needs --password-stdin")
    secret = read_trust_secret() if trust_key_stdin else read_secret_stdin()
    with env.use_case() as uc:
        s = uc.session
        member = _member(s, email)
        if trust_key_stdin:
            service_call(trust.endorse, uc, member, actor=CLI_ACTOR, seed=secret, fingerprint=fingerprint)
            by = "the organisation key"
        else:
            endorser, unlocked = service_call(accounts.check_passphrase, s, endorser_email, secret)
            if unlocked is None:
                raise click.ClickException(f"{endorser.email} has no key yet")
            principal = accounts.StaffPrincipal(endorser, unlocked, b"")
            service_call(trust.endorse, uc, member, actor=endorser.email, by=principal, fingerprint=fingerprint)
            by = endorser.email
        fp = crypto.fingerprint(member.public_key)
        s.commit()
        recipient_log.mail_new_entries(s, env.settings)
    click.echo(f"endorsed {member.role} {member.email} (fingerprint {fp}) by {by}")


@user.command("fingerprint")
@click.argument("email")
@pass_env
def user_fingerprint(env: Env, email: str) -> None:
    """The fingerprint of a member's key, to compare by phone before endorsing."""
    import crypto
    with env.session() as s:
        member = _member(s, email)
        if member.public_key is None:
            raise click.ClickException(f"{member.email} has no key yet: they log in once and choose their own passphrase")
        click.echo(crypto.fingerprint(member.public_key))


@org.command("recipients")
@click.argument("slug")
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
@pass_env
def org_recipients(env: Env, slug: str, as_json: bool) -> None:
    """Who receives meldingen and dossiers now (every chain verified), and the recipient log
    (its hash chain verified). Exits non-zero when the log is broken."""
    from whistle.services import recipient_log
    with env.session() as s:
        report = service_call(recipient_log.report, s, slug)
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=1))
    else:
        click.echo(f"organisation key: {report['trust']['fingerprint'] if report['trust'] else 'none (whistle org trust-key)'}")
        click.echo("recipients:")
        for r in report["recipients"]:
            office = f" ({r['office']})" if r["office"] else ""
            click.echo(f"  {r['role']}{office}\t{r['email'] or '-'}\t{r['fingerprint']}\tchain of {r['chain_length']}")
        click.echo(f"log ({'verified' if report['log_ok'] else 'BROKEN: ' + report['log_problem']}):")
        for e in report["log"]:
            click.echo(f"  #{e['seq']} {e['on']} {e['event']} {e['details']} by {e['actor']}")
    if not report["log_ok"]:
        raise SystemExit(1)
