"""The beheerder's logbook (/beheer/logboek: the organisation's audit trail, metadata only)
and deleting an account that holds nothing (/beheer/accounts/<id>/verwijderen)."""
from __future__ import annotations

from flask import Blueprint, render_template, request

from whistle.domain.roles import STAFF_ROLE_LABELS, StaffRole
from whistle.services import logbook
from whistle.services.errors import Forbidden, InvalidInput
from whistle.services.staff import accounts as staff_service
from whistle.services.staff import deletion
from whistle.services.staff.accounts import StaffPrincipal
from whistle.web import notices
from whistle.web.context import attempt, db, use_case
from whistle.web.principals import staff_required

bp = Blueprint("admin_logbook", __name__)


@bp.get("/beheer/logboek")
@staff_required(StaffRole.ADMIN)
def logbook_page(principal: StaffPrincipal):
    org = principal.staff.organisation
    before = request.args.get("voor", "")
    before_seq = int(before) if before.isdigit() and 0 < int(before) < 2**31 else None
    checked = request.args.get("controleer") == "ja"
    problems, head = logbook.check(db(), org) if checked else ([], None)
    return render_template("admin/logbook.html", page=logbook.page(db(), org, before_seq), checked=checked,
                           problems=problems, head=head, first_page=before_seq is None)


def _delete_page(member, reasons, error=None, status=200):
    return render_template("admin/delete.html", member=member, reasons=reasons, error=error,
                           role_names=STAFF_ROLE_LABELS), status


@bp.get("/beheer/accounts/<int:staff_id>/verwijderen")
@staff_required(StaffRole.ADMIN)
def confirm_delete(principal: StaffPrincipal, staff_id: int):
    member = staff_service.colleague(db(), principal.staff, staff_id)
    return _delete_page(member, deletion.reasons_to_keep(db(), member, principal.staff))


@bp.post("/beheer/accounts/<int:staff_id>/verwijderen")
@staff_required(StaffRole.ADMIN)
def delete(principal: StaffPrincipal, staff_id: int):
    member = staff_service.colleague(db(), principal.staff, staff_id)
    if request.form.get("confirm") != "ja":
        return _delete_page(member, deletion.reasons_to_keep(db(), member, principal.staff),
                            "Vink aan dat u dit account wilt verwijderen.", 400)
    try:
        with attempt():
            deletion.delete_account(use_case(), member=member, by=principal.staff, actor=principal.staff.email)
    except (InvalidInput, Forbidden) as exc:
        member = staff_service.colleague(db(), principal.staff, staff_id)
        return _delete_page(member, deletion.reasons_to_keep(db(), member, principal.staff), exc.message,
                            exc.status)
    return notices.done("admin.accounts", "account_verwijderd")
