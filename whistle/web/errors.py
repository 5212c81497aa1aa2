"""One place that turns errors into answers: JSON under /api/, a Dutch page elsewhere.
Nothing here logs the request."""
from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from flask.logging import default_handler
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from whistle.services.errors import Conflict, ServiceError

DUTCH = {
    400: "Het verzoek is niet geldig.",
    401: "De code is onjuist of de sessie is verlopen.",
    403: "U heeft hier geen toegang toe.",
    404: "Deze pagina bestaat niet.",
    405: "Deze actie is hier niet mogelijk.",
    408: "Het versturen ging te langzaam of stokte. Er is niets opgeslagen; probeer het opnieuw.",
    413: "Het bestand of formulier is te groot.",
    429: "Te veel pogingen. Probeer het later opnieuw.",
    500: "Er ging iets mis aan onze kant. Er is niets opgeslagen van deze poging.",
}


# Blueprints a melder uses: an error there is logged by its kind only, never which page or
# call (with the date of the log line, that would say what a melder did and when).
MELDER_BLUEPRINTS = frozenset({"reporter", "api", "melder_consent"})
# Log lines carry the date, never the time: a melder's request must not be datable to the minute.
DATE_ONLY = logging.Formatter("[%(asctime)s] %(levelname)s: %(message)s", datefmt="%Y-%m-%d")


def where() -> str:
    return "a melder's request" if request.blueprint in MELDER_BLUEPRINTS else str(request.endpoint)


def wants_json() -> bool:
    return request.path.startswith("/api/")


def answer(status: int, message: str, *, field: str | None = None, extra: dict | None = None):
    if wants_json():
        # For people, in the melder's language (Accept-Language or ?taal=; docs/protocol.md 10.1).
        from whistle.web.melder_words import translated
        body = {"error": translated(message)}
        if field:
            body["field"] = field
        body.update(extra or {})
        return jsonify(body), status
    return render_template("error.html", status=status, message=message), status


def refusal(exc: ServiceError):
    """A service's refusal as an answer; a view that must keep what the request did so far
    (a used-up challenge) returns this itself instead of raising."""
    extra = exc.payload if isinstance(exc, Conflict) else None
    return answer(exc.status, exc.message, field=exc.field, extra=extra)


def init_app(app: Flask) -> None:
    default_handler.setFormatter(DATE_ONLY)
    @app.before_request
    def _no_nul_in_path():
        # A NUL byte in a path parameter names nothing; PostgreSQL refuses it in any text
        # comparison (a 500, found by tests/fuzz) where SQLite just finds nothing.
        if any("\x00" in str(v) for v in (request.view_args or {}).values()):
            return answer(404, DUTCH[404])

    @app.errorhandler(DataError)
    def _refused_value(exc: DataError):
        # A value the database refuses (a NUL byte in an e-mail address on PostgreSQL): bad
        # input, nothing stored (teardown rolls back). Logged by kind only, never the value.
        app.logger.warning("database refused a value in %s: %s", where(), type(exc.orig).__name__)
        return answer(400, DUTCH[400])

    app.register_error_handler(ServiceError, refusal)

    @app.errorhandler(CSRFError)
    def _csrf(exc):
        return answer(400, "Het formulier is verlopen of ongeldig. Laad de pagina opnieuw en probeer het nog eens.")

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        response, status = answer(exc.code or 500, DUTCH.get(exc.code or 500, exc.description or ""))
        response = app.make_response((response, status))
        if isinstance(exc, MethodNotAllowed) and exc.valid_methods:
            response.headers["Allow"] = ", ".join(sorted(exc.valid_methods))
        return response

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        if request.blueprint in MELDER_BLUEPRINTS:
            # No traceback: its frames name the view, and so what the melder was doing.
            app.logger.error("unhandled %s in %s", type(exc).__name__, where())
        else:
            app.logger.exception("unhandled %s in %s", type(exc).__name__, request.endpoint)
        return answer(500, DUTCH[500])
