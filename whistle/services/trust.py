"""Who may receive a case key: the organisation's trust key, endorsements, and the set of
recipients whose endorsement chain verifies (protocol E.5, docs/threat-model.md).

The server never holds a secret that can endorse: the trust key's secret half is printed once
and kept offline; a vertrouwenspersoon signs with their own key, unlocked from their own
passphrase for the length of their session. The database holds the signed statements, and
every listing of recipients verifies their chains again, so a row written straight into the
database, or a signature that does not verify, makes nobody a recipient.

A withdrawn endorsement also ends every chain that runs through it; deactivating an account
takes that member out of the recipients but leaves standing whom they vouched for."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

import crypto
from whistle.domain.roles import EndorsedRole, StaffRole
from whistle.models import Endorsement, Organisation, Staff
from whistle.services import audit, recipient_log
from whistle.services.context import UseCase
from whistle.services.errors import Forbidden, InvalidInput
from whistle.services.organisations import get_organisation

RECEIVING_ROLES = ("counsellor", "authority")
TRUST_KEY_NAME = "de organisatiesleutel"


@dataclass(frozen=True)
class Endorsed:
    """A member whose chain verifies now: what they may receive and the chain that says so."""
    staff_id: int
    role: str
    office: str
    chain: tuple[crypto.Endorsement, ...]


# --- the trust key ----------------------------------------------------------------------------

def create_trust_key(uc: UseCase, org_slug: str, actor: str) -> bytes:
    """Store a new trust key's public half; returns the secret seed, stored nowhere. Made once:
    a new one would orphan every endorsement. An existing recovery key is endorsed with it."""
    session, today = uc.session, uc.today()
    org = get_organisation(session, org_slug)
    if org.trust_public_key:
        raise InvalidInput(f"organisation {org.slug} has a trust key already "
                           f"(fingerprint {crypto.fingerprint(org.trust_public_key)}); it is made once",
                           field="org")
    verify_key, seed = crypto.new_trust_keypair()
    org.trust_public_key = verify_key
    audit.record(session, chain=org.slug, actor=actor, event="trust_key_created", today=today,
                 fingerprint=crypto.fingerprint(verify_key))
    recipient_log.append(session, org, today, "trust_key_created", actor=actor,
                         fingerprint=crypto.fingerprint(verify_key))
    if org.recovery_public_key:
        endorse_recovery(uc, org, seed, actor)
    session.flush()
    return seed


def trust_seed(org: Organisation, seed: bytes) -> bytes:
    """The offline secret, checked against the organisation's trust key before any use."""
    if not org.trust_public_key:
        raise InvalidInput(f"organisation {org.slug} has no trust key: run `whistle org trust-key {org.slug}`",
                           field="org")
    try:
        matches = crypto.signing_verify_key(seed) == org.trust_public_key
    except crypto.CryptoError:
        matches = False
    if not matches:
        raise InvalidInput(f"secret: this is not the trust key of {org.slug}", field="secret")
    return seed


def trust_json(org: Organisation) -> dict | None:
    if not org.trust_public_key:
        return None
    from whistle.services.input import b64
    return {"public_key": b64(org.trust_public_key), "fingerprint": crypto.fingerprint(org.trust_public_key)}


# --- endorsing --------------------------------------------------------------------------------

def endorse(uc: UseCase, member: Staff, *, actor: str, by=None, seed: bytes | None = None,
            fingerprint: str | None = None, office: str | None = None) -> Endorsement:
    """Vouch for `member`'s key, signed either by an endorsed counsellor (`by`, a StaffPrincipal
    whose key is unlocked) or with the organisation's offline trust secret (`seed`).
    `fingerprint` (what the member read aloud) and `office` (for the bevoegd gezag) must match
    what the account holds when given; the web page always asks for both."""
    session, today = uc.session, uc.today()
    org = member.organisation
    if not org.trust_public_key:
        raise InvalidInput(f"organisation {org.slug} has no trust key yet: run `whistle org trust-key {org.slug}`",
                           field="org")
    if member.role not in RECEIVING_ROLES:
        raise InvalidInput("Alleen een vertrouwenspersoon of een lid van het bevoegd gezag kan ontvanger zijn; "
                           "een beheerder nooit.", field="email")
    if not member.active:
        raise InvalidInput("Dit account is uitgeschakeld.", field="email")
    if member.public_key is None or member.verify_key is None:
        raise InvalidInput("Dit account heeft nog geen sleutel: het lid logt eerst zelf in en kiest een eigen "
                           "wachtwoordzin.", field="email")
    if fingerprint is not None and _plain(fingerprint) != _plain(crypto.fingerprint(member.public_key)):
        raise InvalidInput("De vingerafdruk klopt niet met de sleutel van dit account. Er is niets ondertekend; "
                           "vergelijk hem opnieuw, telefonisch.", field="fingerprint")
    wanted_office = ""
    if member.role == StaffRole.AUTHORITY:
        wanted_office = member.authority_function or ""
        if not wanted_office:
            raise InvalidInput("Dit lid van het bevoegd gezag heeft nog geen functie.", field="office")
        if office is not None and office.strip() != wanted_office:
            raise InvalidInput("De functie die u bevestigt is niet de functie van dit account. "
                               "Er is niets ondertekend.", field="office")
    if by is not None:
        endorser = by.staff
        if endorser.role != StaffRole.COUNSELLOR or endorser.organisation_id != member.organisation_id \
                or endorser.id not in endorsed(session, org) or endorser.id == member.id:
            raise Forbidden("Alleen een andere, zelf erkende vertrouwenspersoon van deze organisatie kan "
                            "een sleutel erkennen.")
        signing = crypto.staff_signing_seed(by.secret_key)
        if crypto.signing_verify_key(signing) != endorser.verify_key:
            raise Forbidden("Uw sleutel hoort niet bij uw account; log opnieuw in.")
        endorser_id, endorser_name = endorser.id, endorser.email
    elif seed is not None:
        signing, endorser_id, endorser_name = trust_seed(org, seed), None, TRUST_KEY_NAME
    else:
        raise InvalidInput("Wie erkent deze sleutel? Een vertrouwenspersoon of de organisatiesleutel.")
    signed = crypto.sign_endorsement(signing, org=org.slug, role=member.role, office=wanted_office,
                                     box_public=member.public_key, verify_key=member.verify_key,
                                     issued=today.isoformat())
    for old in _current_rows(session, org, staff_id=member.id):
        old.withdrawn_on = today  # superseded by this one (a new office, say)
    row = _store(session, org, signed, member.id, endorser_id, today)
    fp = crypto.fingerprint(member.public_key)
    audit.record(session, chain=org.slug, actor=actor, event="staff_endorsed", today=today,
                 staff=member.email, by=endorser_name, fingerprint=fp,
                 **({"office": wanted_office} if wanted_office else {}))
    recipient_log.append(session, org, today, "endorsed", actor=actor, staff=member.email, role=member.role,
                         office=wanted_office, by=endorser_name, fingerprint=fp)
    return row


def endorse_recovery(uc: UseCase, org: Organisation, seed: bytes, actor: str) -> Endorsement:
    """The trust key vouches for the organisation's recovery key (nobody else may)."""
    session, today = uc.session, uc.today()
    if not org.recovery_public_key:
        raise InvalidInput(f"organisation {org.slug} has no recovery key", field="org")
    signed = crypto.sign_endorsement(trust_seed(org, seed), org=org.slug, role="recovery", office="",
                                     box_public=org.recovery_public_key, verify_key=b"", issued=today.isoformat())
    for old in _current_rows(session, org, recovery=True):
        old.withdrawn_on = today
    row = _store(session, org, signed, None, None, today)
    fp = crypto.fingerprint(org.recovery_public_key)
    audit.record(session, chain=org.slug, actor=actor, event="recovery_key_endorsed", today=today, fingerprint=fp)
    recipient_log.append(session, org, today, "endorsed", actor=actor, staff="herstelsleutel", role="recovery",
                         office="", by=TRUST_KEY_NAME, fingerprint=fp)
    return row


def withdraw(uc: UseCase, member: Staff, *, actor: str, by=None, seed: bytes | None = None) -> int:
    """Withdraw `member`'s endorsement: their key (and every key vouched for through it)
    receives nothing new from now on. Refused when no endorsed counsellor would remain."""
    session, today = uc.session, uc.today()
    org = member.organisation
    if by is not None:
        if by.staff.role != StaffRole.COUNSELLOR or by.staff.organisation_id != org.id or by.staff.id not in endorsed(session, org):
            raise Forbidden("Alleen een erkende vertrouwenspersoon van deze organisatie trekt een erkenning in.")
    elif seed is not None:
        trust_seed(org, seed)
    else:
        raise InvalidInput("Wie trekt de erkenning in? Een vertrouwenspersoon of de organisatiesleutel.")
    rows = _current_rows(session, org, staff_id=member.id)
    if not rows:
        raise InvalidInput("Dit account is niet erkend; er is niets in te trekken.", field="email")
    before = endorsed(session, org)
    for row in rows:
        row.withdrawn_on = today
    session.flush()
    after = endorsed(session, org)
    if before and not any(e.role == EndorsedRole.COUNSELLOR for e in after.values()):
        for row in rows:
            row.withdrawn_on = None
        session.flush()
        raise InvalidInput("Dan blijft er geen erkende vertrouwenspersoon over en kan niemand nieuwe meldingen "
                           "lezen. Erken eerst een andere vertrouwenspersoon.", field="email")
    lost = sorted(set(before) - set(after))
    emails = {s.id: s.email for s in session.scalars(select(Staff).where(Staff.id.in_(lost)))} if lost else {}
    audit.record(session, chain=org.slug, actor=actor, event="staff_endorsement_withdrawn", today=today,
                 staff=member.email)
    for staff_id in lost:
        recipient_log.append(session, org, today, "withdrawn", actor=actor, staff=emails[staff_id],
                             role=before[staff_id].role,
                             reason="" if staff_id == member.id else f"erkend via {member.email}")
    return len(lost)


def _plain(fingerprint: str) -> str:
    return "".join(ch for ch in (fingerprint or "").lower() if ch in "0123456789abcdef")


def _store(session: Session, org: Organisation, e: crypto.Endorsement, staff_id: int | None,
           endorser_id: int | None, today: date) -> Endorsement:
    row = Endorsement(organisation_id=org.id, staff_id=staff_id, role=e.role, office=e.office,
                      box_public=e.box_public, verify_key=e.verify_key, endorser_key=e.endorser,
                      endorser_staff_id=endorser_id, issued_on=date.fromisoformat(e.issued),
                      signature=e.signature)
    session.add(row)
    session.flush()
    return row


def _current_rows(session: Session, org: Organisation, *, staff_id: int | None = None,
                  recovery: bool = False) -> list[Endorsement]:
    query = select(Endorsement).where(Endorsement.organisation_id == org.id, Endorsement.withdrawn_on.is_(None))
    if recovery:
        query = query.where(Endorsement.role == "recovery")
    elif staff_id is not None:
        query = query.where(Endorsement.staff_id == staff_id)
    return list(session.scalars(query.order_by(Endorsement.id)))


# --- who receives: chains verified now -----------------------------------------------------------

def _statement(row: Endorsement, org: Organisation) -> crypto.Endorsement:
    return crypto.Endorsement(org.slug, row.role, row.office, row.box_public, row.verify_key,
                              row.endorser_key, row.issued_on.isoformat(), row.signature)


def _chain(row: Endorsement, by_verify_key: dict[bytes, Endorsement], org: Organisation) -> list[crypto.Endorsement]:
    chain = [row]
    while chain[0].endorser_key != org.trust_public_key and len(chain) <= crypto.trust.MAX_CHAIN:
        parent = by_verify_key.get(chain[0].endorser_key)
        if parent is None or parent in chain:
            break  # verify_chain below refuses the broken chain
        chain.insert(0, parent)
    return [_statement(r, org) for r in chain]


def endorsed(session: Session, org: Organisation) -> dict[int, Endorsed]:
    """Every active member whose current endorsement's chain verifies against the trust key
    and still names their key, role and office; keyed by staff id."""
    if not org.trust_public_key:
        return {}
    rows = _current_rows(session, org)
    by_verify_key = {r.verify_key: r for r in rows if r.role == EndorsedRole.COUNSELLOR}
    members = {s.id: s for s in session.scalars(select(Staff).where(
        Staff.organisation_id == org.id, Staff.active.is_(True), Staff.public_key.is_not(None)))}
    out: dict[int, Endorsed] = {}
    for row in rows:
        member = members.get(row.staff_id)
        if member is None:
            continue
        chain = _chain(row, by_verify_key, org)
        try:
            final = crypto.verify_chain(org.trust_public_key, member.public_key, chain, org=org.slug)
        except crypto.CryptoError:
            continue
        office = (member.authority_function or "") if member.role == StaffRole.AUTHORITY else ""
        if final.role == member.role and final.office == office and final.verify_key == member.verify_key:
            out[member.id] = Endorsed(member.id, final.role, final.office, tuple(chain))
    return out


def recovery_chain(session: Session, org: Organisation) -> tuple[crypto.Endorsement, ...] | None:
    """The trust key's endorsement of the recovery key, when it verifies."""
    if not org.trust_public_key or not org.recovery_public_key:
        return None
    for row in reversed(_current_rows(session, org, recovery=True)):
        chain = [_statement(row, org)]
        try:
            if crypto.verify_chain(org.trust_public_key, org.recovery_public_key, chain, org=org.slug).role == "recovery":
                return tuple(chain)
        except crypto.CryptoError:
            continue
    return None


def fingerprint_of(member: Staff) -> str | None:
    return crypto.fingerprint(member.public_key) if member.public_key else None
