"""`whistle scheduler`: the scheduled jobs as a process of their own."""
from __future__ import annotations

import click

from whistle.cli.base import Env, main, pass_env


@main.command()
@click.option("--once", is_flag=True, help="run the deadline watch once (claiming today) and exit")
@pass_env
def scheduler(env: Env, once: bool) -> None:
    """Run the scheduled jobs (deadlines, reminders) as a process of its own."""
    import logging
    from whistle import jobs
    from whistle.infra import migrate
    from whistle.infra.db import make_session_factory
    from whistle.services.operations import deadlines_watch
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
