"""The melder's side after intake: logging in (with a signed challenge through the API, or with
the typed code on the server path), reading the case, writing messages, adding attachments.

Every failure to log in raises the same Unauthorized, whether the case exists or not."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, BinaryIO, Iterator

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, object_session

import crypto
from whistle.clock import Clock
from whistle.domain.lifecycle import Actor, Event, OverdueDeadline
from whistle.domain.records import Author, RecordKind
from whistle.domain.routes import routes_for
from whistle.models import Attachment, Case, Record, ReporterChallenge, ReporterSession
from whistle.infra.work_slots import cpu_slot
from whistle.services import audit
from whistle.infra import attachments as attachment_store
from whistle.infra.attachment_intake import PlainAttachment
from whistle.services.cases import (UNREADABLE_ATTACHMENT, attachment_of, deadlines_json, open_attachment,
                                    open_or_none, overdue)
from whistle.services.errors import InvalidInput, NotFound, Unauthorized, UnreadableRecord
from whistle.services.input import b64, case_locator, message_text, sealed_record, unb64
from whistle.services.melder.intake import attachment_header
from whistle.services.context import UseCase
from whistle.services.organisations import get_organisation, regeling_of


@dataclass
class ReporterContext:
    """The melder's case in this request; case_key only on the server path."""
    case: Case
    token: bytes
    case_key: bytes | None = None

    @property
    def binding_hex(self) -> str:
        """What the case's records are bound to (protocol 6.3; the locator unless the code was replaced)."""
        return self.case.binding_hex


def _now(clock: Clock):
    return clock.now().replace(tzinfo=None)


# --- logging in --------------------------------------------------------------------------

def issue_challenge(uc: UseCase, locator: Any) -> bytes:
    """A single-use challenge. The locator is checked for form only and never looked up, so
    the answer is the same for every locator."""
    session, settings, clock = uc.session, uc.settings, uc.clock
    case_locator(locator)
    now = _now(clock)
    session.execute(delete(ReporterChallenge).where(ReporterChallenge.expires_at <= now))
    challenge = crypto.new_session_token()
    session.add(ReporterChallenge(digest=crypto.token_digest(challenge),
                                  expires_at=now + timedelta(seconds=settings.challenge_seconds)))
    return challenge


def open_api_session(uc: UseCase, payload: Any) -> tuple[bytes, int]:
    session, settings, clock = uc.session, uc.settings, uc.clock
    if not isinstance(payload, dict):
        raise Unauthorized()
    try:
        locator = bytes.fromhex(payload.get("locator") or "")
        challenge = unb64(payload.get("challenge"), "challenge", size=32)
        signature = unb64(payload.get("signature"), "signature", size=64)
    except (ValueError, TypeError, InvalidInput):
        raise Unauthorized() from None
    now = _now(clock)
    row = session.get(ReporterChallenge, crypto.token_digest(challenge))
    if row is None or row.expires_at <= now:
        raise Unauthorized()
    # Single use: consumed whatever happens next. This delete commits even when the login
    # fails (the caller commits before answering 401), so a challenge cannot be replayed.
    session.delete(row)
    session.flush()
    case = session.scalar(select(Case).where(Case.locator == locator))
    try:
        crypto.verify_login(case.reporter_sign_public if case else bytes(32), challenge, signature)
    except crypto.CryptoError:
        raise Unauthorized() from None
    if case is None:
        raise Unauthorized()
    token = _new_session(uc, case, None)
    return token, settings.reporter_session_minutes * 60


def open_code_session(uc: UseCase, org_slug: str, code: str) -> ReporterContext:
    """The server path: derive the keys from the typed code in memory, find the case, unwrap
    the case key, and keep it only sealed under a token that lives in the melder's cookie."""
    session, settings = uc.session, uc.settings
    try:
        org = get_organisation(session, org_slug)
        with cpu_slot():
            keys = crypto.derive_reporter_keys(code, org.slug, settings.reporter_kdf)
    except (crypto.CryptoError, NotFound):
        raise Unauthorized() from None
    case = session.scalar(select(Case).where(Case.locator == keys.locator,
                                             Case.organisation_id == org.id))
    if case is None:
        raise Unauthorized()
    try:
        case_key = crypto.unwrap_case_key(case.reporter_sealed_key, keys.box_public,
                                          keys.box_secret, case.key_commitment)
    except crypto.CryptoError:
        raise Unauthorized() from None
    token = _new_session(uc, case, case_key)
    return ReporterContext(case, token, case_key)


def _new_session(uc: UseCase, case: Case, case_key: bytes | None) -> bytes:
    session, settings, now = uc.session, uc.settings, _now(uc.clock)
    session.execute(delete(ReporterSession).where(ReporterSession.expires_at <= now))
    token = crypto.new_session_token()
    session.add(ReporterSession(
        digest=crypto.token_digest(token), case_id=case.id,
        expires_at=now + timedelta(minutes=settings.reporter_session_minutes),
        sealed_secret=crypto.seal_for_session(token, case_key) if case_key else None))
    return token


def resume(uc: UseCase, token: bytes | None) -> ReporterContext:
    """The melder behind a token, with the idle timeout moved on; Unauthorized otherwise."""
    session, settings, clock = uc.session, uc.settings, uc.clock
    if not token or len(token) != crypto.TOKEN_SIZE:
        raise Unauthorized()
    row = session.get(ReporterSession, crypto.token_digest(token))
    now = _now(clock)
    if row is None or row.expires_at <= now:
        raise Unauthorized()
    case_key = None
    if row.sealed_secret is not None:
        try:
            case_key = crypto.open_for_session(token, row.sealed_secret)
        except crypto.CryptoError:
            raise Unauthorized() from None
    row.expires_at = now + timedelta(minutes=settings.reporter_session_minutes)
    return ReporterContext(session.get(Case, row.case_id), token, case_key)


def log_out(session: Session, token: bytes) -> None:
    """End this session (both paths): its row goes, and with it the server path's sealed case key."""
    session.execute(delete(ReporterSession).where(ReporterSession.digest == crypto.token_digest(token)))


# --- the case as the melder sees it --------------------------------------------------------

def case_json(uc: UseCase, ctx: ReporterContext) -> dict[str, Any]:
    session, case = uc.session, ctx.case
    return case_state_json(case, uc.today()) | {
        "reporter_sealed_key": b64(case.reporter_sealed_key),
        "key_commitment": b64(case.key_commitment),
        # What records are bound to (protocol E.10): the locator until the code is replaced.
        "record_binding": case.binding_hex,
        "records": [{"id": r.id, "kind": r.kind, "author": r.author,
                     "created_on": r.created_on.isoformat(), "ciphertext": b64(r.ciphertext)}
                    for r in records_of(session, case)],
        "attachments": [{"id": a.id, "created_on": a.created_on.isoformat(), "size": a.size,
                         "author": a.author, "header": b64(a.header)}
                        for a in attachments_of(session, case)],
    }


def case_state_json(case: Case, today) -> dict[str, Any]:
    """The case's metadata as the melder sees it: state, dates (no times), deadlines, the
    steps they may take, and the external routes in the order that fits the case now."""
    return {
        "state": case.state,
        "received_on": case.received_on.isoformat(),
        "deadlines": deadlines_json(case) | {
            "feedback_maximum": case.feedback_maximum.isoformat(),
            "feedback_extended_to": _iso(case.feedback_extended_to)},
        "acknowledged_on": _iso(case.acknowledged_on),
        "feedback_given_on": _iso(case.feedback_given_on),
        "melder_disagrees_on": _iso(case.melder_disagrees_on),
        "identity_consent_on": _iso(case.identity_consent_on),
        "events": melder_events(case),
        "escalation_routes": [asdict(route) for route in escalation_routes(case, today)],
        "benadeling_reported_on": _iso(case.benadeling_on),
        "follow_up": _follow_up_json(case, today),
        "complaint": _complaint_json(case, today),
        "minutes": _minutes_json(case),
        "meeting": _meeting_json(case),
    }


def _meeting_json(case: Case) -> dict[str, Any]:
    """A meeting on request (protocol E.11): whether the melder may ask, and the newest request."""
    from whistle.services.melder.meeting import meeting_json
    return meeting_json(object_session(case), case)


def _minutes_json(case: Case) -> dict[str, Any] | None:
    """An oral melding's minutes: versions and approval (protocol E.9), or None."""
    from whistle.services.melder.minutes import minutes_json
    return minutes_json(object_session(case), case)


def _complaint_json(case: Case, today) -> dict[str, Any] | None:
    """The complaint after the terugkoppeling ('s-Hertogenbosch; protocol E.6), or None."""
    from whistle.services.melder.complaint import complaint_json  # builds on lifecycle, like melder_events
    return complaint_json(object_session(case), case, today)


def _follow_up_json(case: Case, today) -> dict[str, Any] | None:
    """The benadeling follow-up after closing: whether a moment is open now (issue 15)."""
    from whistle.services.benadeling import follow_up_view  # builds on services.cases, like this module
    view = follow_up_view(case, today)
    if view is None:
        return None
    months = regeling_of(case.organisation).follow_up_months
    return {"open": view.open_index is not None, "answered": view.answered,
            "moments": [d.isoformat() for d in view.moments],
            "moment_months": months[view.open_index] if view.open_index is not None else None}


def escalation_routes(case: Case, today, *, disagrees: bool | None = None):
    """The regeling's external routes; put first when the feedback is overdue (still awaited
    in the case's state, and its day has passed) or the melder disagrees with the outcome (as
    recorded on the case unless `disagrees` is given)."""
    if disagrees is None:
        disagrees = case.melder_disagrees_on is not None
    return routes_for(regeling_of(case.organisation),
                      feedback_overdue=overdue(case, OverdueDeadline.FEEDBACK, today), disagrees=disagrees)


def melder_events(case: Case) -> list[dict[str, str]]:
    """The lifecycle events the melder may fire now, straight from the transition table."""
    from whistle.services.lifecycle import events_for  # lifecycle builds on this module
    # A complaint has its own endpoint and form (it carries what the melder writes): not a button.
    return [{"event": t.event.value, "label": t.label} for t in events_for(case, Actor.MELDER)
            if t.event is not Event.COMPLAIN]


def _iso(day) -> str | None:
    return day.isoformat() if day else None


def records_of(session: Session, case: Case) -> list[Record]:
    return list(session.scalars(select(Record).where(Record.case_id == case.id).order_by(Record.id)))


def attachments_of(session: Session, case: Case) -> list[Attachment]:
    return list(session.scalars(select(Attachment).where(Attachment.case_id == case.id)
                                .order_by(Attachment.created_on, Attachment.id)))


@dataclass
class ShownRecord:
    kind: str
    author: str
    created_on: Any
    body: dict
    unreadable: bool = False


def open_records(session: Session, ctx: ReporterContext) -> list[ShownRecord]:
    """Server path: decrypt the melder's own case for display; a record that does not open
    is shown as unreadable in place (protocol 6.4)."""
    assert ctx.case_key is not None
    shown = []
    for r in records_of(session, ctx.case):
        body = open_or_none(ctx.case_key, r.kind, ctx.binding_hex, r.ciphertext)
        shown.append(ShownRecord(r.kind, r.author, r.created_on, body or {}, body is None))
    return shown


def open_attachment_headers(session: Session, ctx: ReporterContext) -> list[tuple[Attachment, dict | None]]:
    """Each attachment with its opened header, or None for a header that does not open."""
    assert ctx.case_key is not None
    return [(a, open_or_none(ctx.case_key, "attachment", ctx.binding_hex, a.header))
            for a in attachments_of(session, ctx.case)]


# --- writing ------------------------------------------------------------------------------

def add_sealed_message(uc: UseCase, ctx: ReporterContext, payload: Any) -> Record:
    if not isinstance(payload, dict):
        raise InvalidInput("body: expected a JSON object")
    blob = sealed_record(payload.get("ciphertext"), "ciphertext")
    return _store_message(uc, ctx, blob)


def add_plain_message(uc: UseCase, ctx: ReporterContext, text: str) -> Record:
    text = message_text(text)
    assert ctx.case_key is not None
    blob = crypto.seal_record(ctx.case_key, "message", ctx.binding_hex, {"text": text})
    return _store_message(uc, ctx, blob)


def _store_message(uc: UseCase, ctx: ReporterContext, blob: bytes) -> Record:
    session, today = uc.session, uc.today()
    rec = Record(case_id=ctx.case.id, kind=RecordKind.MESSAGE, author=Author.MELDER, created_on=today,
                 ciphertext=blob)
    session.add(rec)
    session.flush()
    audit.record(session, chain=ctx.case.organisation.slug, actor="melder",
                 event="message_from_melder", today=today, case_ref=ctx.case.ref)
    return rec


def add_sealed_attachment(uc: UseCase, ctx: ReporterContext, header_b64: str | None,
                          body: BinaryIO) -> Attachment:
    """The API: a client-encrypted body, streamed to disk in bounded memory."""
    header = sealed_record(header_b64, "Whistle-Attachment-Record")
    upload = attachment_store.receive_encrypted(uc.attachments_dir, body,
                                                crypto.encrypted_size(uc.settings.max_attachment_bytes))
    return _store_attachment(uc, ctx, header, upload)


def add_plain_attachment(uc: UseCase, ctx: ReporterContext, plain: PlainAttachment) -> Attachment:
    assert ctx.case_key is not None
    header = attachment_header(ctx.case_key, ctx.binding_hex, plain)
    return _store_attachment(uc, ctx, header, plain.upload)


def _store_attachment(uc: UseCase, ctx: ReporterContext, header: bytes,
                      upload: attachment_store.EncryptedUpload) -> Attachment:
    session, today = uc.session, uc.today()
    attachment_id = upload.path.stem
    try:
        att = Attachment(id=attachment_id, case_id=ctx.case.id, author=Author.MELDER,
                         created_on=today, size=upload.size, header=header)
        session.add(att)
        session.flush()
        upload.commit_to(attachment_id)
    except BaseException:
        upload.discard()
        raise
    audit.record(session, chain=ctx.case.organisation.slug, actor="melder",
                 event="attachment_from_melder", today=today, case_ref=ctx.case.ref)
    return att


def attachment_body(uc: UseCase, ctx: ReporterContext,
                    attachment_id: str) -> tuple[Attachment, Iterator[bytes]]:
    """The API: the body as stored (ciphertext); the melder's browser decrypts it."""
    att = attachment_of(uc.session, ctx.case, attachment_id)
    return att, attachment_store.open_body(uc.attachments_dir, att.id)


def download(uc: UseCase, ctx: ReporterContext, attachment_id: str) -> tuple[dict, Iterator[bytes]]:
    """The server path: the melder's own attachment decrypted as a stream, with its header
    (name, type, size). As the counsellor's download: only an attachment of this case, and
    the case key checked against the case's commitment before anything is decrypted."""
    if ctx.case_key is None:
        raise Unauthorized()  # a browser-path session: the server holds no key for it
    try:
        crypto.check_commitment(ctx.case_key, ctx.case.key_commitment)
    except crypto.CryptoError:
        raise UnreadableRecord(UNREADABLE_ATTACHMENT) from None
    return open_attachment(ctx.case_key, ctx.case, attachment_of(uc.session, ctx.case, attachment_id),
                           uc.attachments_dir)
