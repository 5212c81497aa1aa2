"""The application factory."""
from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask
from flask_wtf.csrf import CSRFProtect
from sqlalchemy.orm import Session, sessionmaker

from whistle.clock import Clock
from whistle.infra.db import make_engine, make_session_factory
from whistle.settings import Settings, settings_from_env
from whistle.web import context, errors, filters, i18n, melder_words, notices, security
from whistle.web.uploads import WhistleRequest, discard_unclaimed_uploads

ROOT = Path(__file__).resolve().parents[2]
csrf = CSRFProtect()


@dataclass
class Whistle:
    """What every view needs, kept on app.extensions['whistle']."""
    settings: Settings
    clock: Clock
    sessions: sessionmaker[Session]
    # Mixed into every staff session's sealing key and never stored: a restarted server
    # cannot open sessions sealed before (whistle.services.staff.accounts).
    process_key: bytes = field(default_factory=lambda: secrets.token_bytes(32), repr=False)


class WhistleFlask(Flask):
    def dispatch_request(self):
        answer = super().dispatch_request()
        context.finish()  # the one commit of the request's unit of work (whistle.web.context)
        return answer


def create_app(settings: Settings | None = None, *, clock: Clock | None = None) -> Flask:
    settings = settings or settings_from_env()
    # The owner's alone, whatever the umask (mkdir's mode passes through it) or an older install.
    for directory in (settings.data_dir, settings.attachments_dir, settings.upload_dir):
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        directory.chmod(0o700)
    app = WhistleFlask("whistle", template_folder=str(ROOT / "templates"),
                static_folder=str(ROOT / "static"), static_url_path="/static")
    app.request_class = WhistleRequest
    app.config.update(
        SECRET_KEY=settings.secret_key,
        TESTING=settings.testing,
        SESSION_COOKIE_NAME="whistle",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_SECURE=settings.behind_tls,
        # Room for the largest attachment plus the form around it; each file is also
        # limited on its own while it streams in (see infra/attachment_intake.py).
        MAX_CONTENT_LENGTH=settings.max_attachment_bytes + 4 * settings.max_form_bytes,
        MAX_FORM_MEMORY_SIZE=settings.max_form_bytes,
        WTF_CSRF_TIME_LIMIT=None,
        WTF_CSRF_SSL_STRICT=settings.behind_tls,
        JSON_SORT_KEYS=False,
    )
    engine = make_engine(settings.database_url)
    # Shared staff sessions: no process key (b""), the cookie's token alone seals the session.
    process_key = b"" if settings.shared_staff_sessions else secrets.token_bytes(32)
    app.extensions["whistle"] = Whistle(settings, clock or Clock(), make_session_factory(engine), process_key)
    app.extensions["whistle_engine"] = engine
    # Flask's development server logs every request with the client's address; we never
    # want that, whichever server runs us.
    logging.getLogger("werkzeug").setLevel(logging.ERROR)

    csrf.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    filters.init_app(app)
    notices.init_app(app)
    i18n.init_app(app, str(ROOT / "translations"))
    melder_words.init_app(app)
    app.teardown_request(discard_unclaimed_uploads)
    app.teardown_appcontext(context.close)

    from whistle.web import api, counsellor, limits, principals, reporter, staff
    from whistle.web import admin, admin_logbook, authority, deadlines, disclosure, handover, melder_consent
    from whistle.web import recipients, register
    from whistle.web import theme
    principals.init_app(app)
    limits.init_app(app)
    app.register_blueprint(staff.bp)
    app.register_blueprint(reporter.bp)
    app.register_blueprint(counsellor.bp)
    app.register_blueprint(handover.bp)
    app.register_blueprint(authority.bp)
    app.register_blueprint(disclosure.bp)
    app.register_blueprint(melder_consent.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(admin_logbook.bp)
    app.register_blueprint(deadlines.bp)
    app.register_blueprint(theme.bp)
    app.register_blueprint(recipients.bp)
    app.register_blueprint(register.bp)
    app.register_blueprint(api.bp)
    csrf.exempt(api.bp)  # bearer tokens, no cookies: cross-site forgery has nothing to ride on
    if settings.run_scheduler:
        # Every worker may tick; the day's claim in job_runs lets one of them do the work.
        from whistle import jobs
        app.extensions["whistle_scheduler"] = jobs.start_in_process(
            engine, settings, app.extensions["whistle"].clock)
    return app
