"""Disclosure of the melder's identity without consent (whistle.domain.disclosure; docs/authority.md).

A member of the bevoegd gezag asks from a dossier sent to them, or a vertrouwenspersoon asks for
a case that has a dossier; a second vertrouwenspersoon approves or refuses, with a reason. On
approval the melder gets a message in their case, with the ground, the reasons and the term to
react; after the term a vertrouwenspersoon takes the disclose step, which sends the identity as a
new dossier (dossiers.store, as the consent path does at escalation) sealed only to the member who
asked, or, for a counsellor's request, to the members who hold the dossier it concerns.

The reasons are `disclosure` records sealed under the key of that dossier: its members of the
bevoegd gezag read them with their own key, the counsellors through the copy under the case key.
The row keeps only the state, the ground, who acted and the dates. Every step is an audit event,
never with a reason's text."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Mapping

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

import crypto
from whistle.domain import disclosure as rules
from whistle.domain.disclosure import DisclosureRefused, DisclosureState, LegalGround, Requester
from whistle.domain.records import Author, RecordKind
from whistle.domain.report import IDENTITY_FIELD_NAMES
from whistle.domain.roles import StaffRole
from whistle.models import Case, CaseKey, Disclosure, Dossier, DossierKey, Record, Staff
from whistle.services import audit, dossiers
from whistle.services.cases import case_by_ref, open_or_none, staff_case_key
from whistle.services.context import UseCase
from whistle.services.errors import Conflict, Forbidden, InvalidInput, NotFound
from whistle.services.input import checked
from whistle.services.melder.consent import has_identity
from whistle.services.organisations import regeling_of
from whistle.services.staff.accounts import StaffPrincipal

RECORD = "disclosure"  # the record kind (crypto.RECORD_KINDS) the reasons are sealed as
NOT_FOUND = "Dit verzoek om bekendmaking bestaat niet bij deze zaak."
NO_DOSSIER = ("Er is nog geen dossier naar het bevoegd gezag gestuurd. De identiteit kan alleen via een "
              "dossier naar het bevoegd gezag; zet de zaak eerst door. Er is niets aangevraagd.")


def _refused(exc: DisclosureRefused) -> InvalidInput:
    return InvalidInput(exc.message, field=exc.field)


def _require(principal: StaffPrincipal, role: StaffRole) -> None:
    if principal.staff.role != role:
        raise Forbidden("Alleen een vertrouwenspersoon kan dit." if role == StaffRole.COUNSELLOR
                        else "Alleen een lid van het bevoegd gezag kan dit.")


def facts(row: Disclosure) -> rules.Disclosure:
    return rules.Disclosure(DisclosureState(row.state), row.requested_by_id, row.requested_on,
                            row.decided_by_id, row.notified_on, row.react_until, bool(row.notice_withheld),
                            Requester(row.requester_role), row.seconded_by_id)


def _seal(key: bytes, dossier: Dossier, body: dict) -> bytes:
    return crypto.seal_record(key, RECORD, dossier.locator.hex(), body)


def _open_count(session: Session, case: Case) -> int:
    return session.scalar(select(func.count(Disclosure.id)).where(
        Disclosure.case_id == case.id, Disclosure.state.in_([s.value for s in rules.OPEN_STATES])))


# --- asking -----------------------------------------------------------------------------------

def request_by_authority(uc: UseCase, principal: StaffPrincipal, dossier_ref: str,
                         form: Mapping[str, Any]) -> Disclosure:
    """A member of the bevoegd gezag asks, from a dossier sent to them."""
    _require(principal, StaffRole.AUTHORITY)
    dossier = dossiers.held_dossier(uc.session, dossier_ref, principal.staff)
    key = dossiers.authority_key(uc.session, dossier, principal.staff, principal.secret_key)
    case = uc.session.get(Case, dossier.case_id)
    return _request(uc, principal, case, dossier, key, Requester.AUTHORITY, form)


def request_by_counsellor(uc: UseCase, principal: StaffPrincipal, ref: str, form: Mapping[str, Any]) -> Disclosure:
    """A vertrouwenspersoon asks (e.g. on a court's order); it concerns the latest dossier."""
    _require(principal, StaffRole.COUNSELLOR)
    case = case_by_ref(uc.session, ref)
    case_key = staff_case_key(uc.session, case, principal.staff, principal.secret_key)
    sent = dossiers.dossiers_of_case(uc.session, case)
    if not sent:
        raise InvalidInput(NO_DOSSIER, field="dossier")
    key = dossiers.key_from_copy(case, case_key, sent[-1])
    return _request(uc, principal, case, sent[-1], key, Requester.COUNSELLOR, form)


def _request(uc: UseCase, principal: StaffPrincipal, case: Case, dossier: Dossier, key: bytes,
             role: Requester, form: Mapping[str, Any]) -> Disclosure:
    session, today = uc.session, uc.today()
    try:
        ground = rules.check_ground(form.get("ground"))
        reason = rules.check_reason(form.get("reason"))
        rules.check_new_request(_open_count(session, case), has_identity(session, case))
    except DisclosureRefused as exc:
        raise _refused(exc) from None
    row = Disclosure(case_id=case.id, dossier_id=dossier.id, state=DisclosureState.REQUESTED.value,
                     ground=ground.value, requester_role=role.value, requested_by_id=principal.staff.id,
                     requested_on=today, notice_withheld=False,
                     reason=_seal(key, dossier, {"type": "request", "ground": ground.value, "reason": reason,
                                                 "by": principal.staff.email}))
    session.add(row)
    try:
        session.flush()
    except IntegrityError:  # another request was made meanwhile (the one-open-request index)
        raise Conflict("Er loopt al een verzoek om bekendmaking bij deze zaak.") from None
    audit.record(session, chain=case.organisation.slug, actor=principal.staff.email, event="disclosure_requested",
                 today=today, case_ref=case.ref, disclosure=row.id, ground=ground.value, requester=role.value)
    return row


# --- deciding, telling the melder -------------------------------------------------------------

def _row(session: Session, case: Case, disclosure_id: Any) -> Disclosure:
    try:
        number = int(str(disclosure_id))
    except ValueError:
        raise NotFound(NOT_FOUND) from None
    row = session.scalar(select(Disclosure).where(Disclosure.id == number, Disclosure.case_id == case.id))
    if row is None:
        raise NotFound(NOT_FOUND)
    return row


def _counsellor_keys(uc: UseCase, principal: StaffPrincipal, ref: str, disclosure_id: Any):
    _require(principal, StaffRole.COUNSELLOR)
    case = case_by_ref(uc.session, ref)
    case_key = staff_case_key(uc.session, case, principal.staff, principal.secret_key)
    row = _row(uc.session, case, disclosure_id)
    dossier = uc.session.get(Dossier, row.dossier_id)
    return case, case_key, row, dossier, dossiers.key_from_copy(case, case_key, dossier)


def decide(uc: UseCase, principal: StaffPrincipal, ref: str, disclosure_id: Any, form: Mapping[str, Any]) -> Disclosure:
    """A second vertrouwenspersoon approves (`decision=toestaan`) or refuses (`weigeren`), with a
    reason (required for a refusal, and for withholding the notice from the melder)."""
    session, today = uc.session, uc.today()
    case, case_key, row, dossier, key = _counsellor_keys(uc, principal, ref, disclosure_id)
    choice = form.get("decision")
    try:
        if choice not in ("toestaan", "weigeren"):
            raise DisclosureRefused("decision", "Kies of u het verzoek toestaat of weigert.")
        approve = choice == "toestaan"
        withhold = approve and checked(form.get("withhold_notice"))
        state = rules.decide(facts(row), principal.staff.id, approve)
        if state is DisclosureState.REQUESTED:  # the first of two counsellors approves
            return _second(uc, principal, case, row)
        text = form.get("reason")
        reason = rules.check_reason(text, what="De reden") if (not approve or withhold or (text or "").strip()) else ""
    except DisclosureRefused as exc:
        raise _refused(exc) from None
    row.state, row.decided_by_id, row.decided_on = state.value, principal.staff.id, today
    row.decision = _seal(key, dossier, {"type": "decision", "approve": approve, "reason": reason,
                                        "withhold_notice": withhold, "by": principal.staff.email})
    row.notice_withheld = withhold
    audit.record(session, chain=case.organisation.slug, actor=principal.staff.email,
                 event="disclosure_approved" if approve else "disclosure_refused", today=today,
                 case_ref=case.ref, disclosure=row.id, notice_withheld=withhold)
    if approve and not withhold:
        _notify(uc, principal, case, case_key, row, key, dossier)
    session.flush()
    return row


def _second(uc: UseCase, principal: StaffPrincipal, case: Case, row: Disclosure) -> Disclosure:
    row.seconded_by_id, row.seconded_on = principal.staff.id, uc.today()
    audit.record(uc.session, chain=case.organisation.slug, actor=principal.staff.email, event="disclosure_seconded",
                 today=uc.today(), case_ref=case.ref, disclosure=row.id)
    uc.session.flush()
    return row


def _notify(uc: UseCase, principal: StaffPrincipal, case: Case, case_key: bytes, row: Disclosure,
            key: bytes, dossier: Dossier) -> None:
    """The melder's notice: a normal message in their case, with the ground, the reasons, the term."""
    today = uc.today()
    try:
        row.state = rules.notify(facts(row)).value
        until = rules.react_until(today, regeling_of(case.organisation).disclosure_reaction_term)
    except DisclosureRefused as exc:  # pragma: no cover - decide() only notifies an approval
        raise _refused(exc) from None
    request = crypto.open_record(key, RECORD, dossier.locator.hex(), row.reason)
    text = rules.notice_text(LegalGround(row.ground), request.get("reason", ""), until)
    row.notified_on, row.react_until = today, until
    uc.session.add(Record(case_id=case.id, kind=RecordKind.MESSAGE, author=Author.COUNSELLOR, created_on=today,
                          ciphertext=crypto.seal_record(case_key, "message", case.binding_hex, {"text": text})))
    audit.record(uc.session, chain=case.organisation.slug, actor=principal.staff.email, event="disclosure_notified",
                 today=today, case_ref=case.ref, disclosure=row.id, react_until=until.isoformat())


# --- disclosing, withdrawing ------------------------------------------------------------------

def _recipients(session: Session, row: Disclosure) -> list[Staff]:
    """Who receives the identity: the member who asked, or (a counsellor's request) the members
    who hold the dossier it concerns; only while they still hold that dossier (not recused since)."""
    query = (select(Staff).join(DossierKey, DossierKey.staff_id == Staff.id)
             .where(DossierKey.dossier_id == row.dossier_id, Staff.active.is_(True), Staff.role == StaffRole.AUTHORITY))
    if row.requester_role == Requester.AUTHORITY:
        query = query.where(Staff.id == row.requested_by_id)
    return list(session.scalars(query.order_by(Staff.id)))


def disclose(uc: UseCase, principal: StaffPrincipal, ref: str, disclosure_id: Any) -> tuple[Dossier, list[Staff]]:
    """After the melder's term: the identity goes, as a dossier of its own, to the recipients;
    returns that dossier and them (the web mails them the usual notice, nothing of the content)."""
    session, today = uc.session, uc.today()
    case, case_key, row, _dossier, _key = _counsellor_keys(uc, principal, ref, disclosure_id)
    try:
        state = rules.check_disclose(facts(row), today)
    except DisclosureRefused as exc:
        raise _refused(exc) from None
    identity = next((open_or_none(case_key, "identity", case.binding_hex, r.ciphertext) for r in session.scalars(
        select(Record).where(Record.case_id == case.id, Record.kind == RecordKind.IDENTITY))), None)
    if not identity:
        raise InvalidInput("De identiteit van de melder kan niet worden geopend; er is niets bekendgemaakt.",
                           field="identity")
    recipients = _recipients(session, row)
    if not recipients:
        raise InvalidInput("Wie om de identiteit vroeg, heeft geen toegang meer tot het dossier (bijvoorbeeld "
                           "omdat die betrokkene werd). Er is niets bekendgemaakt.", field="recipients")
    ground = LegalGround(row.ground)
    notice = (f"de melder is op {row.notified_on:%d-%m-%Y} schriftelijk ingelicht" if row.notified_on
              else "de melder is niet vooraf ingelicht, omdat dat het onderzoek in gevaar zou brengen")
    entries = [{"type": "identity", "without_consent": True, "ground": ground.value,
                **{k: v for k, v in identity.items() if k in IDENTITY_FIELD_NAMES}},
               {"type": "note", "text": f"Identiteit van de melder, bekendgemaakt zonder toestemming op grond van: "
                                        f"{ground.label.lower()}; {notice}. Alleen voor het doel van het verzoek."}]
    sent = dossiers.store(session, case, case_key, today, entries, recipients)
    row.state, row.disclosed_on, row.disclosed_by_id = state.value, today, principal.staff.id
    audit.record(session, chain=case.organisation.slug, actor=principal.staff.email, event="identity_disclosed",
                 today=today, case_ref=case.ref, disclosure=row.id, dossier=dossiers.ref_of(sent),
                 recipients=len(recipients))
    session.flush()
    return sent, recipients


def withdraw(uc: UseCase, principal: StaffPrincipal, case: Case, row: Disclosure) -> None:
    today = uc.today()
    try:
        row.state = rules.check_withdraw(facts(row)).value
    except DisclosureRefused as exc:
        raise _refused(exc) from None
    row.withdrawn_on = today
    audit.record(uc.session, chain=case.organisation.slug, actor=principal.staff.email, event="disclosure_withdrawn",
                 today=today, case_ref=case.ref, disclosure=row.id)
    uc.session.flush()


def withdraw_by_counsellor(uc: UseCase, principal: StaffPrincipal, ref: str, disclosure_id: Any) -> None:
    case, _, row, _, _ = _counsellor_keys(uc, principal, ref, disclosure_id)
    withdraw(uc, principal, case, row)


def withdraw_by_authority(uc: UseCase, principal: StaffPrincipal, dossier_ref: str, disclosure_id: Any) -> None:
    """The member who asked may withdraw their own request."""
    _require(principal, StaffRole.AUTHORITY)
    dossier = dossiers.held_dossier(uc.session, dossier_ref, principal.staff)
    case = uc.session.get(Case, dossier.case_id)
    row = _row(uc.session, case, disclosure_id)
    if row.requested_by_id != principal.staff.id or row.dossier_id != dossier.id:
        raise NotFound(NOT_FOUND)
    withdraw(uc, principal, case, row)


# --- reading ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class View:
    row: Disclosure
    request: dict      # ground, reason, by (empty when unreadable)
    decision: dict     # approve, reason, withhold_notice, by (empty before the decision)
    requested_by: str

    @property
    def state(self) -> DisclosureState:
        return DisclosureState(self.row.state)

    @property
    def ground(self) -> LegalGround:
        return LegalGround(self.row.ground)

    def first_disclosure_day(self) -> date | None:
        return rules.first_disclosure_day(facts(self.row))


def _views(session: Session, rows: list[Disclosure], key_of) -> list[View]:
    out = []
    for r in rows:
        dossier = session.get(Dossier, r.dossier_id)
        key = key_of(dossier)
        loc = dossier.locator.hex()
        request = (open_or_none(key, RECORD, loc, r.reason) if key else None) or {}
        decision = (open_or_none(key, RECORD, loc, r.decision) if key and r.decision else None) or {}
        out.append(View(r, request, decision, request.get("by", "")))
    return out


def for_case(session: Session, case: Case, case_key: bytes) -> list[View]:
    """Every request of the case, for its counsellors."""
    rows = list(session.scalars(select(Disclosure).where(Disclosure.case_id == case.id).order_by(Disclosure.id)))
    return _views(session, rows, lambda d: open_key(case, case_key, d))


def open_key(case: Case, case_key: bytes, dossier: Dossier) -> bytes | None:
    try:
        return dossiers.key_from_copy(case, case_key, dossier)
    except crypto.CryptoError:
        return None


def for_dossier(session: Session, dossier: Dossier, key: bytes) -> list[View]:
    """The requests about this dossier, for a member of the bevoegd gezag who holds it."""
    rows = list(session.scalars(select(Disclosure).where(Disclosure.dossier_id == dossier.id).order_by(Disclosure.id)))
    return _views(session, rows, lambda d: key)


def for_melder(session: Session, case: Case) -> list[Disclosure]:
    """What the melder's page says beside the notice message: the requests they were told of."""
    return list(session.scalars(select(Disclosure).where(
        Disclosure.case_id == case.id, Disclosure.notified_on.is_not(None)).order_by(Disclosure.id)))


def waiting(session: Session, principal: StaffPrincipal, today: date) -> dict[int, str]:
    """For the counsellor's inbox: the cases (of theirs) where a request waits for a step, and which."""
    _require(principal, StaffRole.COUNSELLOR)
    rows = session.scalars(select(Disclosure).join(CaseKey, CaseKey.case_id == Disclosure.case_id).where(
        CaseKey.staff_id == principal.staff.id, Disclosure.state.in_([s.value for s in rules.OPEN_STATES])))
    out = {}
    for r in rows:
        if r.state == DisclosureState.REQUESTED:
            out[r.case_id] = "verzoek wacht op besluit" if principal.staff.id not in (
                r.requested_by_id, r.seconded_by_id) else "wacht op een tweede vertrouwenspersoon"
        elif (first := rules.first_disclosure_day(facts(r))) is None or today >= first:
            out[r.case_id] = "reactietermijn voorbij, bekendmaken of intrekken"
        else:
            out[r.case_id] = f"melder kan reageren tot en met {r.react_until:%d-%m-%Y}"
    return out


def case_views(uc: UseCase, principal: StaffPrincipal, case: Case) -> list[View]:
    _require(principal, StaffRole.COUNSELLOR)
    return for_case(uc.session, case, staff_case_key(uc.session, case, principal.staff, principal.secret_key))


def dossier_views(uc: UseCase, principal: StaffPrincipal, dossier_ref: str) -> list[View]:
    _require(principal, StaffRole.AUTHORITY)
    dossier = dossiers.held_dossier(uc.session, dossier_ref, principal.staff)
    return for_dossier(uc.session, dossier, dossiers.authority_key(uc.session, dossier, principal.staff,
                                                                   principal.secret_key))
