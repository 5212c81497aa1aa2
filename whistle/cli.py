"""`whistle ...`: the operator's command line. Every command calls the same services as the
web; none writes to the models directly."""
from __future__ import annotations

import json
import secrets
import sys
from pathlib import Path

import click

from whistle.clock import Clock
from whistle.db import make_engine, make_session_factory, transaction
from whistle.settings import Settings, SettingsError, settings_from_env

CLI_ACTOR = "cli"


class Env:
    """Settings, engine and sessions, built on first use (so `--help` needs no data dir)."""

    def __init__(self) -> None:
        self._settings: Settings | None = None
        self._factory = None
        self._engine = None
        self.clock = Clock()

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            try:
                self._settings = settings_from_env()
            except SettingsError as exc:
                raise click.ClickException(str(exc)) from None
        return self._settings

    @property
    def engine(self):
        if self._engine is None:
            self._engine = make_engine(self.settings.database_url)
        return self._engine

    def session(self):
        if self._factory is None:
            from whistle import migrate
            if not migrate.is_current(self.engine):
                raise click.ClickException("the database is not at the latest schema: run `whistle db upgrade`")
            self._factory = make_session_factory(self.engine)
        return transaction(self._factory)


pass_env = click.make_pass_decorator(Env, ensure=True)


def read_secret_stdin() -> str:
    line = sys.stdin.readline()
    secret = line.rstrip("\r\n")
    if not secret:
        raise click.ClickException("no passphrase on standard input")
    return secret


def service_call(fn, *args, **kwargs):
    """Turn a service's error into a clear message and a non-zero exit."""
    from whistle.services.errors import ServiceError
    from whistle.domain.errors import DomainError
    try:
        return fn(*args, **kwargs)
    except (ServiceError, DomainError) as exc:
        raise click.ClickException(getattr(exc, "message", None) or str(exc)) from None


@click.group()
def main() -> None:
    """Whistle: klokkenluidersvoorziening."""


# --- db --------------------------------------------------------------------------------------

@main.group()
def db() -> None:
    """The database schema (Alembic)."""


@db.command("upgrade")
@pass_env
def db_upgrade(env: Env) -> None:
    """Create or upgrade the schema to the latest revision."""
    from whistle import migrate
    env.settings.data_dir.mkdir(parents=True, exist_ok=True)
    migrate.upgrade(env.engine)
    click.echo(f"database at revision {migrate.current_revision(env.engine)}")


# --- org ---------------------------------------------------------------------------------------

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
    with env.session() as s:
        o = service_call(create_organisation, s, slug=slug, name=name, today=env.clock.today(),
                         actor=CLI_ACTOR, regeling_file=regeling_file)
    click.echo(f"created organisation {o.slug}")


@org.command("list")
@pass_env
def org_list(env: Env) -> None:
    from whistle.services.organisations import list_organisations
    with env.session() as s:
        for o in list_organisations(s):
            click.echo(f"{o.slug}\t{o.name}")


# --- user --------------------------------------------------------------------------------------

@main.group()
def user() -> None:
    """Staff accounts."""


@user.command("create")
@click.option("--org", "org_slug", required=True)
@click.option("--role", required=True, type=click.Choice(["counsellor", "authority", "admin"]))
@click.option("--email", required=True)
@click.option("--name", "display_name", default="")
@click.option("--function", "authority_function", default=None,
              help="for role authority: the office held (burgemeester, wethouder, directeur-bestuurder, ...)")
@click.option("--password-stdin", is_flag=True, required=True, help="read the passphrase from standard input")
@pass_env
def user_create(env: Env, org_slug: str, role: str, email: str, display_name: str,
                authority_function: str | None, password_stdin: bool) -> None:
    """Create a staff member; the passphrase comes from standard input only."""
    from whistle.services.staff import create_staff
    passphrase = read_secret_stdin()
    with env.session() as s:
        u = service_call(create_staff, s, env.settings, org_slug=org_slug, role=role, email=email,
                         passphrase=passphrase, today=env.clock.today(), actor=CLI_ACTOR,
                         display_name=display_name, authority_function=authority_function)
    import crypto
    click.echo(f"created {u.role} {u.email} (key fingerprint {crypto.fingerprint(u.public_key)})")


@user.command("reset-2fa")
@click.option("--email", required=True)
@pass_env
def user_reset_2fa(env: Env, email: str) -> None:
    """Clear a member's second factor, recovery codes and sessions (audited); their next login
    enrols again. Reads no key and no case."""
    from whistle.services.second_factor import reset
    with env.session() as s:
        member = service_call(reset, s, env.clock, email=email, by=None, actor=CLI_ACTOR)
    click.echo(f"second factor of {member.email} cleared; they enrol again at their next login")


@user.command("set-function")
@click.option("--email", required=True)
@click.option("--function", "authority_function", required=True,
              help="the office held (burgemeester, wethouder, ...); '' clears it")
@pass_env
def user_set_function(env: Env, email: str, authority_function: str) -> None:
    """Set the office of a member of the bevoegd gezag (who receives which dossier)."""
    from whistle.services.staff import set_authority_function
    with env.session() as s:
        member = service_call(set_authority_function, s, email=email, function=authority_function,
                              today=env.clock.today(), actor=CLI_ACTOR)
    click.echo(f"{member.email}: {member.authority_function or 'no office'}")


@user.command("reset-passphrase")
@click.option("--email", required=True)
@click.option("--password-stdin", is_flag=True, required=True, help="read the new passphrase from standard input")
@pass_env
def user_reset_passphrase(env: Env, email: str, password_stdin: bool) -> None:
    """Give a member who lost their passphrase a new one and a new key pair. Keys wrapped to the
    old pair are useless; `whistle recovery restore-access` gives them back with the recovery key."""
    from whistle.services.recovery import reset_passphrase
    passphrase = read_secret_stdin()
    with env.session() as s:
        member, waiting = service_call(reset_passphrase, s, env.settings, env.clock, email=email,
                                       passphrase=passphrase, actor=CLI_ACTOR)
    import crypto
    click.echo(f"new passphrase and key pair for {member.email} (fingerprint {crypto.fingerprint(member.public_key)}); "
               f"{waiting} key(s) to restore with `whistle recovery restore-access`")


# --- recovery ----------------------------------------------------------------------------------

@org.command("recovery-key")
@click.argument("slug")
@click.option("--qr", "qr_file", type=click.Path(dir_okay=False, path_type=Path),
              help="also write the private half as a QR code (SVG) to this new file, to print and then delete")
@pass_env
def org_recovery_key(env: Env, slug: str, qr_file: Path | None) -> None:
    """Create the organisation's recovery key pair. The private half is printed once, to keep
    offline (on paper, in a safe); only the public half is stored."""
    from whistle.services.recovery import create_recovery_key, encode_secret
    if qr_file is not None and qr_file.exists():
        raise click.ClickException(f"{qr_file} exists already")
    with env.session() as s:
        secret = service_call(create_recovery_key, s, env.clock, slug, CLI_ACTOR)
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
    from whistle.services.recovery import decode_secret, restore_access
    if bool(ref) == all_cases:
        raise click.ClickException("give either --ref REF or --all")
    secret = service_call(decode_secret, read_secret_stdin())
    with env.session() as s:
        result = service_call(restore_access, s, env.clock, org_slug=org_slug, email=email, secret=secret,
                              ref=ref, actor=CLI_ACTOR)
    for case_ref in result.cases:
        click.echo(f"restored case {case_ref}")
    for case_ref in result.dossiers:
        click.echo(f"restored dossier of {case_ref}")
    for case_ref, why in result.skipped:
        click.echo(f"skipped {case_ref}: {why}", err=True)


# --- case --------------------------------------------------------------------------------------

@main.group()
def case() -> None:
    """Cases (metadata; decrypting needs a counsellor's passphrase)."""


@case.command("list")
@click.option("--org", "org_slug", required=True)
@click.option("--json", "as_json", is_flag=True)
@pass_env
def case_list(env: Env, org_slug: str, as_json: bool) -> None:
    """Metadata only: reference, state, dates, deadlines."""
    from whistle.services.casework import list_cases
    with env.session() as s:
        rows = service_call(list_cases, s, org_slug)
    if as_json:
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    for r in rows:
        d = r["deadlines"]
        click.echo(f"{r['ref']}\t{r['state']}\t{r['received_on']}\tack {d['acknowledgement']}\tfeedback {d['feedback']}")


@case.command("show")
@click.argument("ref")
@click.option("--as", "email", required=True, help="the counsellor whose key decrypts")
@click.option("--password-stdin", is_flag=True, required=True)
@pass_env
def case_show(env: Env, ref: str, email: str, password_stdin: bool) -> None:
    """Decrypt and print a case with the counsellor's key. Prints nothing of the case on any failure."""
    from whistle.services import counsellor, staff
    from whistle.services.staff import StaffPrincipal
    passphrase = read_secret_stdin()
    with env.session() as s:
        member, secret = service_call(staff.check_passphrase, s, email, passphrase)
        opened = service_call(counsellor.open_case, s, env.clock, StaffPrincipal(member, secret, b""), ref)
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
    from whistle.services import lifecycle, staff
    from whistle.services.staff import StaffPrincipal
    facts = {}
    for item in fact_args:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise click.ClickException(f"--set {item!r}: write NAME=VALUE")
        facts[name] = value
    passphrase = read_secret_stdin()
    with env.session() as s:
        member, secret = service_call(staff.check_passphrase, s, email, passphrase)
        outcome = service_call(lifecycle.transition, s, env.clock, ref, event,
                               StaffPrincipal(member, secret, b""), **facts)
    click.echo(f"{outcome.case.ref}: {outcome.from_state.value} -> {outcome.to_state.value}")


# --- audit -------------------------------------------------------------------------------------

@main.group()
def audit() -> None:
    """The hash-chained audit trail."""


@audit.command("head")
@click.option("--org", "org_slug", help="this organisation's chain only")
@pass_env
def audit_head(env: Env, org_slug: str | None) -> None:
    """Print each chain's head as chain:seq:hash, to keep outside the database (paper, a
    colleague's mailbox) and give to `audit verify --anchor` later."""
    from whistle.services import audit as audit_service
    with env.session() as s:
        for anchor in audit_service.heads(s, org_slug):
            click.echo(str(anchor))


@audit.command("verify")
@click.option("--org", "org_slug", help="check this organisation's chain only")
@click.option("--anchor", "anchors", multiple=True, help="a head printed earlier by `audit head`")
@pass_env
def audit_verify(env: Env, org_slug: str | None, anchors: tuple[str, ...]) -> None:
    """Check every event links to the one before and matches its hash, and that each given
    anchor is still part of its chain; exit 1 on the first broken event of each chain."""
    from sqlalchemy import func, select
    from whistle.models import AuditEvent
    from whistle.services import audit as audit_service
    from whistle.services.organisations import get_organisation
    with env.session() as s:
        if org_slug:
            service_call(get_organisation, s, org_slug)
        problems = audit_service.verify(s, org_slug)
        for text in anchors:
            try:
                anchor = audit_service.Anchor.parse(text)
            except ValueError as exc:
                raise click.ClickException(str(exc)) from None
            problem = audit_service.check_anchor(s, anchor)
            if problem:
                problems.append(problem)
        query = select(func.count(AuditEvent.id), func.count(func.distinct(AuditEvent.chain)))
        if org_slug:
            query = query.where(AuditEvent.chain == org_slug)
        events, chains = s.execute(query).one()
    for p in problems:
        click.echo(f"BROKEN chain {p.chain}: event seq {p.seq} (id {p.event_id}): {p.reason}", err=True)
    if problems:
        raise SystemExit(1)
    click.echo(f"ok: {chains} chain(s), {events} event(s) verified")


# --- config ------------------------------------------------------------------------------------

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


# --- scheduler ---------------------------------------------------------------------------------

@main.command()
@click.option("--once", is_flag=True, help="run the deadline watch once (claiming today) and exit")
@pass_env
def scheduler(env: Env, once: bool) -> None:
    """Run the scheduled jobs (deadlines, reminders) as a process of its own."""
    import logging
    from whistle import jobs, migrate
    from whistle.db import make_session_factory
    from whistle.services import deadlines_watch
    if not migrate.is_current(env.engine):
        raise click.ClickException("the database is not at the latest schema: run `whistle db upgrade`")
    if once:
        report = deadlines_watch.run_daily(make_session_factory(env.engine), env.settings, env.clock)
        if report is None:
            click.echo("another worker has already run the deadline watch today")
            return
        click.echo(f"{len(report.overdue)} overdue recorded, {len(report.reminded)} reminders sent, "
                   f"{len(report.failures)} failures")
        if report.failures:
            raise SystemExit(1)
        return
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    click.echo(f"Whistle scheduler: every {jobs.TICK_MINUTES} minutes; stop with Ctrl-C")
    try:
        jobs.blocking(env.engine, env.settings, env.clock).start()
    except (KeyboardInterrupt, SystemExit):
        pass


# --- backup ------------------------------------------------------------------------------------

@main.group()
def backup() -> None:
    """Encrypted backups of the database and the attachments (docs/operations.md)."""


@backup.command("create")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--password-stdin", is_flag=True, required=True, help="read the backup passphrase from standard input")
@pass_env
def backup_create(env: Env, file: Path, password_stdin: bool) -> None:
    """Write a consistent, encrypted snapshot to FILE (a new file), also while the server runs."""
    from whistle.services import backup as backup_service
    passphrase = read_secret_stdin()
    try:
        # The backup key costs what a staff key costs: both guard the same database.
        summary = backup_service.create(env.settings, file, passphrase, env.settings.staff_kdf,
                                        env.clock.today())
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
    from whistle.services import backup as backup_service
    passphrase = read_secret_stdin()
    try:
        summary = backup_service.restore(env.settings, file, passphrase)
    except backup_service.BackupError as exc:
        raise click.ClickException(str(exc)) from None
    rows = sum(summary.tables.values())
    click.echo(f"restored {rows} rows and {summary.files} attachment bodies from the backup of "
               f"{summary.created_on} into {env.settings.data_dir}")


# --- serve & demo ------------------------------------------------------------------------------

@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8080, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=int)
@click.option("--scheduler", "with_scheduler", is_flag=True,
              help="also run the scheduled jobs in this process (see `whistle scheduler`)")
@pass_env
def serve(env: Env, host: str, port: int, threads: int, with_scheduler: bool) -> None:
    """Serve the web application with gunicorn (threaded workers; no access log, no addresses)."""
    from whistle import migrate
    if not migrate.is_current(env.engine):
        raise click.ClickException("the database is not at the latest schema: run `whistle db upgrade`")
    settings = env.settings.with_(run_scheduler=True) if with_scheduler else env.settings
    run_server(settings, host, port, threads)


def run_server(settings: Settings, host: str, port: int, threads: int = 8) -> None:
    from whistle.services.attachment_store import sweep_stale
    from whistle.web.app import create_app
    from whistle.web.server import serve as serve_wsgi
    app = create_app(settings)
    with transaction(app.extensions["whistle"].sessions) as s:
        # Leftovers of a crash (half uploads, bodies whose row never committed); only old
        # ones, so a worker starting beside running ones takes nothing they still need.
        removed = sweep_stale(s, settings.attachments_dir)
    if removed:
        click.echo(f"removed {removed} attachment file(s) left behind by an interrupted upload")
    click.echo(f"Whistle luistert op http://{host}:{port}/", err=True)
    # The database connections made above must not be shared with forked workers.
    app.extensions["whistle_engine"].dispose()
    serve_wsgi(app, host=host, port=port, threads=threads)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8080, show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="set up the demo and exit")
@pass_env
def demo(env: Env, host: str, port: int, no_serve: bool) -> None:
    """Set up a demo organisation with demo users (passphrases printed once), then serve."""
    from whistle import demo as demo_setup
    from whistle import migrate
    env.settings.data_dir.mkdir(parents=True, exist_ok=True)
    migrate.upgrade(env.engine)
    with env.session() as s:
        lines = demo_setup.set_up(s, env.settings, env.clock)
    click.echo(f"Data directory: {env.settings.data_dir}")
    click.echo("\n".join(lines))
    if not no_serve:
        run_server(env.settings, host, port)


if __name__ == "__main__":  # pragma: no cover
    main()
