"""`whistle case`: case metadata and a counsellor's view of a case."""
from __future__ import annotations

import json
from pathlib import Path

import click

from whistle.cli.base import Env, main, pass_env, read_secret_stdin, service_call


@main.group()
def case() -> None:
    """Cases (metadata; decrypting needs a counsellor's passphrase)."""


@case.command("list")
@click.option("--org", "org_slug", required=True)
@click.option("--json", "as_json", is_flag=True)
@pass_env
def case_list(env: Env, org_slug: str, as_json: bool) -> None:
    """Metadata only: reference, state, dates, deadlines."""
    from whistle.services.operations.case_list import list_cases
    with env.session() as s:
        rows = service_call(list_cases, s, org_slug)
        if as_json:
            _echo_json_array(rows)
            return
        for r in rows:
            d = r["deadlines"]
            click.echo(f"{r['ref']}\t{r['state']}\t{r['received_on']}\tack {d['acknowledgement']}\tfeedback {d['feedback']}")


def _echo_json_array(rows) -> None:
    """Write the rows as one JSON array, a row to a line as it is read: the same value as
    before, without holding the list (or paying for indentation, which costs the C encoder)."""
    encode = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode
    first = True
    for row in rows:
        click.echo(("[\n" if first else ",\n") + encode(row), nl=False)
        first = False
    click.echo("[]" if first else "\n]")


@case.command("show")
@click.argument("ref")
@click.option("--as", "email", required=True, help="the counsellor whose key decrypts")
@click.option("--password-stdin", is_flag=True, required=True)
@pass_env
def case_show(env: Env, ref: str, email: str, password_stdin: bool) -> None:
    """Decrypt and print a case with the counsellor's key. Prints nothing of the case on any failure."""
    from whistle.services.counsellor import case as counsellor
    from whistle.services.staff import accounts as staff
    from whistle.services.staff.accounts import StaffPrincipal
    passphrase = read_secret_stdin()
    with env.use_case() as uc:
        member, secret = service_call(staff.check_passphrase, uc.session, email, passphrase)
        opened = service_call(counsellor.open_case, uc, StaffPrincipal(member, secret, b""), ref)
    c = opened.case
    out = [f"Zaak {c.ref} ({c.organisation.slug})", f"status: {c.state}",
           f"ontvangen: {c.received_on}", f"ontvangstbevestiging uiterlijk: {c.ack_due}",
           f"terugkoppeling uiterlijk: {c.feedback_due}", "", "== Melding =="]
    out += [f"{k}: {v}" for k, v in opened.report.items()]
    out += ["", "== Identiteit =="]
    out += [f"{k}: {v}" for k, v in (opened.identity or {"melder": "anoniem"}).items()]
    out += ["", "== Berichten =="]
    out += [f"[{m.created_on} {m.author}] {m.body.get('text', '')}" for m in opened.messages]
    out += ["", "== Bijlagen =="]
    out += [f"{a.id} {a.name} ({a.size} bytes, {a.media_type})" for a in opened.attachments]
    click.echo("\n".join(out))


@case.command("export")
@click.argument("ref")
@click.option("--as", "email", required=True, help="the counsellor whose key decrypts")
@click.option("--password-stdin", is_flag=True, required=True)
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@pass_env
def case_export(env: Env, ref: str, email: str, password_stdin: bool, out: Path) -> None:
    """Write the case, decrypted with the counsellor's key, as PDF (each page marked with who
    made it and the date); an audit event. Writes nothing on any failure."""
    from whistle.services.register.exports import case_export as export
    from whistle.services.staff import accounts as staff
    from whistle.services.staff.accounts import StaffPrincipal
    passphrase = read_secret_stdin()
    with env.use_case() as uc:
        member, secret = service_call(staff.check_passphrase, uc.session, email, passphrase)
        body = service_call(export, uc, StaffPrincipal(member, secret, b""), ref)
    out.write_bytes(body)
    click.echo(f"zaak {ref} naar {out}")


@case.command("transition")
@click.argument("ref")
@click.argument("event")
@click.option("--as", "email", required=True, help="the counsellor (or authority) taking the step")
@click.option("--password-stdin", is_flag=True, required=True)
@click.option("--set", "fact_args", multiple=True, metavar="NAME=VALUE",
              help="a fact the step needs, e.g. --set kind=vermoeden_misstand --set meldingswaardig=ja")
@pass_env
def case_transition(env: Env, ref: str, event: str, email: str, password_stdin: bool, fact_args) -> None:
    """Take one lifecycle step on a case, as the web's buttons do."""
    from whistle.services import lifecycle
    from whistle.services.staff import accounts as staff
    from whistle.services.staff.accounts import StaffPrincipal
    facts = {}
    for item in fact_args:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise click.ClickException(f"--set {item!r}: write NAME=VALUE")
        facts[name] = value
    passphrase = read_secret_stdin()
    with env.use_case() as uc:
        member, secret = service_call(staff.check_passphrase, uc.session, email, passphrase)
        outcome = service_call(lifecycle.transition, uc, ref, event,
                               StaffPrincipal(member, secret, b""), **facts)
    click.echo(f"{outcome.case.ref}: {outcome.from_state.value} -> {outcome.to_state.value}")
