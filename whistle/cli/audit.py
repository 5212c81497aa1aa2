"""`whistle audit`: the audit trail's hash chains."""
from __future__ import annotations

import click

from whistle.cli.base import Env, main, pass_env, service_call


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
