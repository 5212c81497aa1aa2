"""What the other use cases share about a case: finding it, its deadlines, its case key, its
attachments."""
from __future__ import annotations

import base64
import binascii
import secrets
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Iterator

from sqlalchemy import event, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

import crypto
from whistle.domain.deadlines import Deadlines, Extension, compute_deadlines
from whistle.domain.roles import EndorsedRole, StaffRole
from whistle.domain.states import OverdueDeadline, is_overdue, next_due
from whistle.infra import attachments as attachment_store
from whistle.models import Attachment, Case, CaseKey, Organisation, Staff
from whistle.services.errors import NotFound, UnreadableRecord
from whistle.services.organisations import regeling_of

REF_ALPHABET = crypto.CODE_ALPHABET


REF_SYMBOLS = 12  # 60 bits; references made before with 8 symbols stay valid (docs/operations.md)
REF_ATTEMPTS = 5


def new_ref() -> str:
    """A case reference for staff: random, so it says nothing about order or count.
    `M-XXXX-XXXX-XXXX`: 12 symbols of a 32-symbol alphabet, 2^60 references."""
    symbols = "".join(secrets.choice(REF_ALPHABET) for _ in range(REF_SYMBOLS))
    return "M-" + "-".join(symbols[i:i + 4] for i in range(0, REF_SYMBOLS, 4))


def ref_taken(session: Session, ref: str) -> bool:
    return session.scalar(select(Case.id).where(Case.ref == ref)) is not None


def insert_with_new_ref(session: Session, case: Case) -> None:
    """Give `case` a fresh reference and insert it, inside the caller's transaction. A
    reference already in use, seen before the insert or by the unique key during it (another
    transaction took it meanwhile), is replaced by a new one under a savepoint, so the melding
    is stored all the same; any other refusal is raised as it came.

    On SQLite the write lock is taken first: pysqlite opens its transaction only at a write,
    so a SAVEPOINT before any write would open one of SQLite's own, and releasing it would
    commit the case on its own, without the records that belong to it."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("UPDATE cases SET ref = ref WHERE 0 = 1"))
    for _ in range(REF_ATTEMPTS):
        case.ref = new_ref()
        if ref_taken(session, case.ref):
            continue
        try:
            with session.begin_nested():
                session.add(case)
                session.flush()
            return
        except IntegrityError:
            if not ref_taken(session, case.ref):
                raise
    raise RuntimeError(f"no free case reference in {REF_ATTEMPTS} attempts")


def open_or_none(case_key: bytes, kind: str, locator_hex: str, blob: bytes) -> dict | None:
    """A record's body, or None when it does not open (protocol 6.4): the page shows it as
    unreadable in place and the rest of the case stays readable."""
    try:
        return crypto.open_record(case_key, kind, locator_hex, blob)
    except crypto.CryptoError:
        return None


def deadlines_of(case: Case, org: Organisation | None = None) -> Deadlines:
    regeling = regeling_of(org or case.organisation)
    extension = (Extension(until=case.feedback_extended_to, reason="(recorded)")
                 if case.feedback_extended_to else None)
    return compute_deadlines(regeling.feedback_term, case.received_on, case.acknowledged_on, extension,
                             runs_from=regeling.feedback_runs_from)


def store_deadlines(case: Case, org: Organisation | None = None) -> Deadlines:
    """Recompute and store the deadline columns the inbox and the scheduler scan."""
    d = deadlines_of(case, org)
    case.ack_due, case.feedback_due, case.feedback_maximum = d.acknowledgement, d.feedback, d.feedback_maximum
    return d


def keep_next_due(case: Case) -> None:
    """Store the next day the case awaits (whistle.domain.states.next_due) from its state and
    stored deadlines. The one writer of cases.next_due: every flush calls it for each new or
    changed case (below), so a transition, an extension or an acknowledgement cannot leave it
    stale. Bulk UPDATEs that change a case's state or deadlines must call it too (none do)."""
    state = getattr(case.state, "value", case.state)
    due = next_due(state, case.ack_due, case.feedback_due) if state else None
    if case.next_due != due:
        case.next_due = due


@event.listens_for(Session, "before_flush")
def _next_due_on_flush(session: Session, _context, _instances) -> None:
    for obj in (*session.new, *session.dirty):
        if isinstance(obj, Case):
            keep_next_due(obj)


def due_of(case: Case, deadline: OverdueDeadline | str) -> date:
    """The stored day `deadline` falls due."""
    ack = OverdueDeadline(getattr(deadline, "value", deadline)) is OverdueDeadline.ACKNOWLEDGEMENT
    return case.ack_due if ack else case.feedback_due


def overdue(case: Case, deadline: OverdueDeadline | str, today: date) -> bool:
    """`deadline` is still awaited in the case's state and its day has passed."""
    return is_overdue(case.state, deadline, due_of(case, deadline), today)


def deadlines_json(case: Case) -> dict[str, str]:
    return {"acknowledgement": case.ack_due.isoformat(), "feedback": case.feedback_due.isoformat()}


@dataclass(frozen=True)
class Recipient:
    key_id: str
    public_key: bytes
    role: str            # "counsellor" or "recovery"
    label: str
    staff_id: int | None
    chain: tuple[crypto.Endorsement, ...] = ()   # from the trust key to this key (protocol E.5)

    @property
    def fingerprint(self) -> str:
        return crypto.fingerprint(self.public_key)


def key_id_for(public_key: bytes) -> str:
    return crypto.fingerprint(public_key).replace(" ", "")[:16]


def current_recipients(session: Session, org: Organisation) -> list[Recipient]:
    """Every key a new case key must be wrapped to: each active counsellor whose endorsement
    chain verifies against the organisation's trust key now, and the recovery key when the
    trust key endorsed it. An account nobody holding a key vouched for receives nothing."""
    from whistle.services import trust
    endorsed = trust.endorsed(session, org)
    counsellors = session.scalars(
        select(Staff).where(Staff.organisation_id == org.id, Staff.role == StaffRole.COUNSELLOR,
                            Staff.active.is_(True), Staff.id.in_(list(endorsed) or [-1])).order_by(Staff.id))
    recipients = [Recipient(key_id_for(s.public_key), s.public_key, "counsellor",
                            s.display_name or "Vertrouwenspersoon", s.id, endorsed[s.id].chain)
                  for s in counsellors if endorsed[s.id].role == EndorsedRole.COUNSELLOR]
    recovery_chain = trust.recovery_chain(session, org)
    if recovery_chain:
        recipients.append(Recipient(key_id_for(org.recovery_public_key), org.recovery_public_key,
                                    "recovery", "Herstelsleutel van de organisatie", None, recovery_chain))
    return recipients


def verify_recipients(org: Organisation, recipients: list[Recipient]) -> None:
    """What a client does before sealing (protocol E.5), for the server's own path without
    JavaScript: every chain checked against the trust key; InvalidInput (Dutch) otherwise."""
    from whistle.services.errors import InvalidInput
    try:
        if not org.trust_public_key:
            raise crypto.CryptoError("no trust key")
        for r in recipients:
            final = crypto.verify_chain(org.trust_public_key, r.public_key, list(r.chain), org=org.slug)
            if final.role != r.role or final.role not in ("counsellor", "recovery"):
                raise crypto.CryptoError("not endorsed to receive meldingen")
    except crypto.CryptoError:
        raise InvalidInput(UNTRUSTED) from None


UNTRUSTED = ("De sleutels van de ontvangers zijn niet ondertekend door de organisatie. Uw melding is niet "
             "verstuurd en nergens opgeslagen. Meld dit aan de organisatie, of meld extern.")


def case_by_ref(session: Session, ref: str) -> Case:
    case = session.scalar(select(Case).where(Case.ref == ref.strip().upper()))
    if case is None:
        raise NotFound("Deze zaak bestaat niet of u heeft er geen toegang toe.")
    return case


def staff_case_key(session: Session, case: Case, staff: Staff, secret_key: bytes) -> bytes:
    """The case key as this member can unwrap it; NotFound when none is wrapped to them, so
    a case one may not read looks the same as one that does not exist."""
    sealed = session.scalar(select(CaseKey.sealed_key).where(
        CaseKey.case_id == case.id, CaseKey.staff_id == staff.id))
    if sealed is None or case.organisation_id != staff.organisation_id:
        raise NotFound("Deze zaak bestaat niet of u heeft er geen toegang toe.")
    return crypto.unwrap_case_key(sealed, staff.public_key, secret_key, case.key_commitment)


def staff_case_key_or_none(session: Session, case: Case, staff: Staff, secret_key: bytes) -> bytes | None:
    """As staff_case_key, but None when a key is wrapped to the member and does not open
    (junk sent with random keys): the case is theirs to see and close, its content unreadable."""
    try:
        return staff_case_key(session, case, staff, secret_key)
    except crypto.CryptoError:
        return None



def attachment_of(session: Session, case: Case, attachment_id: str) -> Attachment:
    """An attachment of this case; NotFound for one of another case, as for one that does not exist."""
    att = session.get(Attachment, attachment_id)
    if att is None or att.case_id != case.id:
        raise NotFound("Deze bijlage bestaat niet.")
    return att


def open_attachment(case_key: bytes, case: Case, att: Attachment,
                    attachments_dir: Path) -> tuple[dict, Iterator[bytes]]:
    """The attachment decrypted as a stream, with its header (name, type, size). The header
    must carry a valid file key, and the body's first chunk must open, before anything is
    answered: an attachment that does not open raises UnreadableRecord (shown as unreadable,
    protocol E.6). Damage further into the body can only end the stream early; the reader
    never treats a download that ended with an error as the file."""
    try:
        header = crypto.open_record(case_key, "attachment", case.binding_hex, att.header)
        file_key = _file_key(header)
        size = int(header.get("size", 0))
        plaintext = crypto.decrypt_stream(file_key, attachment_store.open_body(attachments_dir, att.id))
        first = next(plaintext, None)
    except (crypto.CryptoError, OSError, TypeError, ValueError):
        raise UnreadableRecord(UNREADABLE_ATTACHMENT) from None
    header = {**header, "size": size}
    return header, _chain_first(first, plaintext)


UNREADABLE_ATTACHMENT = ("Onleesbaar: deze bijlage kan niet worden geopend (beschadigd of niet met de "
                         "sleutel van deze zaak versleuteld). De rest van de zaak is wel leesbaar.")


def _chain_first(first: bytes | None, rest: Iterator[bytes]) -> Iterator[bytes]:
    if first is not None:
        yield first
    yield from rest


def _file_key(header: dict) -> bytes:
    try:
        return base64.b64decode(header.get("key") or "", validate=True)
    except (binascii.Error, ValueError):
        raise crypto.CryptoError("attachment record carries no valid key") from None
