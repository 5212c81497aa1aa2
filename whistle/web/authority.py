"""The bevoegd gezag's pages (Dutch): the dossiers addressed to the member, one dossier, and
the decision. A dossier the member holds no key for is 404, whoever asks."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for

from whistle.domain.lifecycle import Decision
from whistle.services.authority import decisions as authority
from whistle.services.dossiers import DECISION_LABELS
from whistle.services.errors import Conflict, InvalidInput
from whistle.web.context import clock, db
from whistle.web.staff_auth import require_role

bp = Blueprint("authority", __name__, url_prefix="/bg")


@bp.get("/")
def inbox():
    principal = require_role("authority")
    return render_template("authority/inbox.html", dossiers=authority.inbox(db(), principal))


@bp.get("/dossier/<ref>")
def dossier(ref: str):
    return _render(ref)


def _render(ref: str, error: str | None = None, status: int = 200):
    principal = require_role("authority")
    opened = authority.read(db(), clock(), principal, ref)
    db().commit()
    return render_template("authority/dossier.html", d=opened, case=opened.case, error=error,
                           may_decide=authority.may_decide(opened.case),
                           decisions=[(d.value, DECISION_LABELS[d.value]) for d in Decision],
                           form=request.form if status != 200 else {}), status


@bp.post("/dossier/<ref>/besluit")
def decide(ref: str):
    principal = require_role("authority")
    try:
        authority.decide(db(), clock(), principal, ref, request.form)
        db().commit()
    except (InvalidInput, Conflict) as exc:
        db().rollback()
        return _render(ref, error=exc.message, status=exc.status)
    return redirect(url_for("authority.dossier", ref=ref))
