"""The counsellor's deadline overview (/vp/termijnen): overdue, this week, next week."""
from __future__ import annotations

from flask import Blueprint, render_template

from whistle.domain.roles import StaffRole
from whistle.services.counsellor import deadlines
from whistle.services.staff.accounts import StaffPrincipal
from whistle.web.context import clock, db
from whistle.web.principals import staff_required

bp = Blueprint("deadlines", __name__)


@bp.get("/vp/termijnen")
@staff_required(StaffRole.COUNSELLOR)
def overview(principal: StaffPrincipal):
    today = clock().today()
    return render_template("counsellor/deadlines.html", found=deadlines.overview(db(), principal.staff.id, today),
                           today=today)
