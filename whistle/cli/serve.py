"""`whistle serve` and `whistle demo`: serving the web application and the demo."""
from __future__ import annotations

import click

from whistle.settings import Settings
from whistle.infra.db import transaction
from whistle.cli.base import Env, main, pass_env


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8080, show_default=True, type=int)
@click.option("--threads", default=256, show_default=True, type=int,
              help="threads per worker: each request, slow or not, holds one (docs/operations.md)")
@click.option("--scheduler", "with_scheduler", is_flag=True,
              help="also run the scheduled jobs in this process (see `whistle scheduler`)")
@pass_env
def serve(env: Env, host: str, port: int, threads: int, with_scheduler: bool) -> None:
    """Serve the web application with gunicorn (threaded workers; no access log, no addresses)."""
    from whistle.infra import migrate
    if not migrate.is_current(env.engine):
        raise click.ClickException("the database is not at the latest schema: run `whistle db upgrade`")
    settings = env.settings.with_(run_scheduler=True) if with_scheduler else env.settings
    run_server(settings, host, port, threads)


def run_server(settings: Settings, host: str, port: int, threads: int = 256) -> None:
    from whistle.infra.attachments import sweep_stale
    from whistle.web.app import create_app
    from whistle.web.server import serve as serve_wsgi
    # The scheduler starts in each worker after the fork (below), never in the master: a thread
    # busy in SQLite while gunicorn forks would leave the worker a copy of its locks and
    # connections (SQLite: "do not carry an open connection across a fork").
    app = create_app(settings.with_(run_scheduler=False))
    with transaction(app.extensions["whistle"].sessions) as s:
        # Leftovers of a crash (half uploads, bodies whose row never committed); only old
        # ones, so a worker starting beside running ones takes nothing they still need.
        removed = sweep_stale(s, settings.attachments_dir)
    if removed:
        click.echo(f"removed {removed} attachment file(s) left behind by an interrupted upload")
    click.echo(f"Whistle luistert op http://{host}:{port}/", err=True)
    # The database connections made above must not be shared with forked workers.
    app.extensions["whistle_engine"].dispose()
    after_fork = None
    if settings.run_scheduler:
        def after_fork() -> None:
            from whistle import jobs
            app.extensions["whistle_scheduler"] = jobs.start_in_process(
                app.extensions["whistle_engine"], settings, app.extensions["whistle"].clock)
    serve_wsgi(app, host=host, port=port, threads=threads, after_fork=after_fork)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8080, show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="set up the demo and exit")
@pass_env
def demo(env: Env, host: str, port: int, no_serve: bool) -> None:
    """Set up a demo organisation with demo users (passphrases printed once), then serve."""
    from whistle import demo as demo_setup
    from whistle.infra import migrate
    env.settings.data_dir.mkdir(parents=True, exist_ok=True)
    migrate.upgrade(env.engine)
    with env.use_case() as uc:
        lines = demo_setup.set_up(uc)
    click.echo(f"Data directory: {env.settings.data_dir}")
    click.echo("\n".join(lines))
    if not no_serve:
        run_server(env.settings, host, port)


if __name__ == "__main__":  # pragma: no cover
    main()
