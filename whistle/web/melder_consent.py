"""The melder's consent to share their identity with the bevoegd gezag, on their own case page
(no JavaScript needed). Only the melder's own session reaches it."""
from __future__ import annotations

from flask import Blueprint, redirect, request, url_for

from whistle.services.melder import consent
from whistle.services.errors import InvalidInput
from whistle.web.context import clock, db
from whistle.web.reporter import render_case, current_melder

bp = Blueprint("melder_consent", __name__)


@bp.post("/melder/toestemming")
def set_consent():
    ctx = current_melder()
    choice = request.form.get("consent")
    try:
        if choice not in ("ja", "nee"):
            raise InvalidInput("Kies of u toestemming geeft of intrekt.", field="consent")
        consent.set_identity_consent(db(), clock(), ctx, choice == "ja")
        db().commit()
    except InvalidInput as exc:
        db().rollback()
        return render_case(current_melder(), error=exc.message, status=400)
    return redirect(url_for("reporter.case_page"))
