"""Deleting a staff account (the beheerder's page and `whistle user delete`).

Only an account that holds nothing can go: no key to a melding or a dossier, no place in the
recipient log's endorsements (which must stay verifiable), nothing else that names it. The
account's sessions, recovery codes and pending restores go with it, and so does its second
factor (it lives on the row). What cannot be deleted is explained, so that the beheerder knows
to deactivate it instead. The audit trail keeps the fact of the deletion; its earlier events
keep naming the address, as they always did."""
from __future__ import annotations

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from whistle.domain.roles import StaffRole
from whistle.models import Base, CaseKey, DossierKey, Endorsement, Staff
from whistle.services import audit
from whistle.services.context import UseCase
from whistle.services.errors import Forbidden, InvalidInput, NotFound, Worded

# Tables whose rows name an account and explain, in the beheerder's words, why it stays.
_HOLDS = (
    (CaseKey, CaseKey.staff_id, "Dit account heeft de sleutel van %(n)s melding(en). Zolang iemand een melding "
                                "kan lezen, blijft het account bestaan: schakel het uit, of laat de vertrouwenspersoon "
                                "de toegang eerst intrekken."),
    (DossierKey, DossierKey.staff_id, "Dit account heeft de sleutel van %(n)s dossier(s). Schakel het uit, of laat de "
                                      "vertrouwenspersoon de toegang tot die dossiers eerst intrekken."),
)


def _foreign_keys_to_staff() -> list:
    """Every other column that refers to staff.id, with what the database does on delete."""
    found = []
    for table in Base.metadata.sorted_tables:
        for fk in table.foreign_keys:
            if fk.column.table.name == "staff" and table.name != "staff":
                found.append((table, fk.parent, (fk.ondelete or "").upper()))
    return found


def reasons_to_keep(session: Session, member: Staff, by: Staff | None = None) -> list[str]:
    """Why `member` cannot be deleted; empty when it can."""
    reasons = []
    if by is not None and member.id == by.id:
        reasons.append("U kunt uw eigen account niet verwijderen; dat doet een andere beheerder.")
    for model, column, text in _HOLDS:
        n = session.scalar(select(func.count()).select_from(model).where(column == member.id))
        if n:
            reasons.append(Worded(text, n=n))  # the page says it in the beheerder's language
    if session.scalar(select(func.count()).select_from(Endorsement).where(
            or_(Endorsement.staff_id == member.id, Endorsement.endorser_staff_id == member.id))):
        reasons.append("Dit account is erkend als ontvanger of heeft zelf sleutels erkend. Die erkenningen moeten "
                       "in het ontvangerslogboek controleerbaar blijven: schakel het account uit in plaats van het "
                       "te verwijderen.")
    explained = {model.__table__.name for model, _c, _t in _HOLDS} | {Endorsement.__table__.name}
    for table, column, ondelete in _foreign_keys_to_staff():
        if table.name in explained or ondelete in ("CASCADE", "SET NULL"):
            continue
        if session.scalar(select(func.count()).select_from(table).where(column == member.id)):
            reasons.append("Dit account komt voor in de geschiedenis van een melding of dossier; schakel het uit "
                           "in plaats van het te verwijderen.")
            break
    return reasons


def delete_account(uc: UseCase, *, member: Staff, by: Staff | None, actor: str) -> str:
    """Delete an account that holds nothing (see `reasons_to_keep`), in one transaction, and
    record it. `by` is the beheerder (None from the command line). Returns the address."""
    session = uc.session
    if by is not None and (by.role != StaffRole.ADMIN or by.organisation_id != member.organisation_id):
        raise Forbidden("Alleen een beheerder van deze organisatie beheert dit account.")
    reasons = reasons_to_keep(session, member, by)
    if reasons:
        raise InvalidInput(reasons[0], field="delete")
    email, role, chain = member.email, member.role, member.organisation.slug
    for table, column, ondelete in _foreign_keys_to_staff():
        if ondelete == "CASCADE":
            session.execute(delete(table).where(column == member.id))
        elif ondelete == "SET NULL":
            session.execute(update(table).where(column == member.id).values({column.name: None}))
    session.execute(delete(Staff).where(Staff.id == member.id))
    session.expunge(member)
    audit.record(session, chain=chain, actor=actor, event="staff_deleted", today=uc.today(), staff=email, role=role)
    return email


def by_email(session: Session, email: str) -> Staff:
    member = session.scalar(select(Staff).where(Staff.email == email.strip().lower()))
    if member is None:
        raise NotFound(f"no staff member {email!r}")
    return member
