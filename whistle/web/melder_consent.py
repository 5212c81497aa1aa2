"""The melder's consent to share their identity with the bevoegd gezag, on their own case page
(no JavaScript needed). Only the melder's own session reaches it."""
from __future__ import annotations

from flask import Blueprint, redirect, request, url_for
from flask_babel import gettext

from whistle.services.melder import consent
from whistle.services.melder.case import ReporterContext
from whistle.services.errors import InvalidInput
from whistle.web.context import attempt, use_case
from whistle.web.principals import melder_required
from whistle.web.reporter import render_case

bp = Blueprint("melder_consent", __name__)


@bp.post("/melder/toestemming")
@melder_required
def set_consent(ctx: ReporterContext):
    choice = request.form.get("consent")
    try:
        if choice not in ("ja", "nee"):
            raise InvalidInput(gettext("Kies of u toestemming geeft of intrekt."), field="consent")
        with attempt():
            consent.set_identity_consent(use_case(), ctx, choice == "ja")
    except InvalidInput as exc:
        return render_case(ctx, error=exc.message, status=400)
    return redirect(url_for("reporter.case_page"))
