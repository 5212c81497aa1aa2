"""The beheerder's logbook (/beheer/logboek: the organisation's audit trail, metadata only)
and deleting an account that holds nothing (/beheer/accounts/<id>/verwijderen)."""
from __future__ import annotations

from dataclasses import replace

from flask import Blueprint, render_template, request
from flask_babel import gettext

from whistle.domain.roles import STAFF_ROLE_LABELS, StaffRole
from whistle.services import logbook
from whistle.services.errors import Forbidden, InvalidInput
from whistle.services.staff import accounts as staff_service
from whistle.services.staff import deletion
from whistle.services.staff.accounts import StaffPrincipal
from whistle.web import notices
from whistle.web.context import attempt, db, use_case
from whistle.web.melder_words import translated
from whistle.web.principals import staff_required

bp = Blueprint("admin_logbook", __name__)


def _line(line: logbook.LogLine) -> logbook.LogLine:
    """A logbook line in the page's language (a step without a label of its own is worded by
    whistle.domain.audit_labels, so `translated` says it with the step's label)."""
    return replace(line, who=translated(line.who), what=translated(line.what))


@bp.get("/beheer/logboek")
@staff_required(StaffRole.ADMIN)
def logbook_page(principal: StaffPrincipal):
    org = principal.staff.organisation
    before = request.args.get("voor", "")
    before_seq = int(before) if before.isdigit() and 0 < int(before) < 2**31 else None
    checked = request.args.get("controleer") == "ja"
    problems, head = logbook.check(db(), org) if checked else ([], None)
    page = logbook.page(db(), org, before_seq)
    page = replace(page, lines=[_line(line) for line in page.lines])
    return render_template("admin/logbook.html", page=page, checked=checked,
                           problems=problems, head=head, first_page=before_seq is None)


def _delete_page(member, reasons, error=None, status=200):
    return render_template("admin/delete.html", member=member, reasons=[translated(r) for r in reasons],
                           error=translated(error) if error else None, role_names=STAFF_ROLE_LABELS), status


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
                            gettext("Vink aan dat u dit account wilt verwijderen."), 400)
    try:
        with attempt():
            deletion.delete_account(use_case(), member=member, by=principal.staff, actor=principal.staff.email)
    except (InvalidInput, Forbidden) as exc:
        member = staff_service.colleague(db(), principal.staff, staff_id)
        return _delete_page(member, deletion.reasons_to_keep(db(), member, principal.staff), exc.message,
                            exc.status)
    return notices.done("admin.accounts", "account_verwijderd")
