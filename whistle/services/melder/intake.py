"""Intake of a new melding: what a client needs to know (protocol v1 `intake`), storing a case
that a client sealed (the JSON API), and the server path that performs the client's steps for
a browser without JavaScript. Both paths end in `_store_case`, so the stored result is the
same whichever way a melding came in."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

import crypto
from whistle.domain import report as report_fields
from whistle.domain.lifecycle import State
from whistle.domain.records import Author, RecordKind
from whistle.domain.register import Channel
from whistle.models import Attachment, Case, CaseKey, Organisation, Record
from whistle.infra.work_slots import cpu_slot
from whistle.services import audit, trust
from whistle.infra.attachment_intake import PlainAttachment
from whistle.infra.attachments import EncryptedUpload
from whistle.services.cases import (
    Recipient, current_recipients, deadlines_json, insert_with_new_ref, store_deadlines, verify_recipients,
)
from whistle.services.context import UseCase
from whistle.services.errors import Conflict, InvalidInput
from whistle.services.input import b64, case_locator, sealed_record, unb64
from whistle.infra.metadata import Outcome
from whistle.services.organisations import get_organisation, regeling_of
from whistle.settings import Settings

PROTOCOL_VERSION = 1
NO_COUNSELLOR = "Deze organisatie heeft nog geen vertrouwenspersoon ingesteld; melden is nog niet mogelijk."
SEALED_KEY_BYTES = 48 + 32  # crypto_box_SEALBYTES (ephemeral public key 32 + tag 16) + the case key


def intake_info(uc: UseCase, org_slug: str) -> dict[str, Any]:
    org = get_organisation(uc.session, org_slug)
    return _intake(uc.session, uc.settings, org)


def _intake(session: Session, settings: Settings, org: Organisation) -> dict[str, Any]:
    regeling = regeling_of(org)
    return {
        "version": PROTOCOL_VERSION,
        "org": org.slug,
        "name": org.name,
        "kdf": {
            "algorithm": "argon2id13",
            "opslimit": settings.reporter_kdf.opslimit,
            "memlimit": settings.reporter_kdf.memlimit,
            "salt": b64(crypto.reporter_salt(org.slug)),
        },
        "trust": trust.trust_json(org),
        "recipients": [
            {"key_id": r.key_id, "public_key": b64(r.public_key), "fingerprint": r.fingerprint,
             "role": r.role, "label": r.label,
             "endorsement_chain": [crypto.endorsement_json(e) for e in r.chain]}
            for r in current_recipients(session, org)
        ],
        "record_padding": crypto.PADDING_BLOCK,
        "max_attachment_bytes": settings.max_attachment_bytes,
        "categories": [{"id": c.id, "label": c.label} for c in regeling.categories],
        # The municipalities or departments a shared-service regeling serves (empty for most).
        "units": [{"id": u.id, "label": u.label} for u in regeling.units],
        "report_fields": report_fields.published(report_fields.REPORT_FIELDS),
        "identity_fields": report_fields.published(report_fields.IDENTITY_FIELDS),
        "max_message_chars": report_fields.MAX_MESSAGE_CHARS,
    }


@dataclass
class SealedSubmission:
    locator: bytes
    box_public: bytes
    sign_public: bytes
    report: bytes
    identity: bytes | None
    commitment: bytes
    sealed_keys: dict[str, bytes]
    reporter_sealed_key: bytes
    attachments: list[tuple[bytes, EncryptedUpload]] = field(default_factory=list)


def parse_submission(payload: Any) -> SealedSubmission:
    """Validate a protocol v1 report body; InvalidInput names the first bad field."""
    if not isinstance(payload, dict):
        raise InvalidInput("body: expected a JSON object")
    version = payload.get("version")
    if type(version) is not int or version != PROTOCOL_VERSION:
        raise InvalidInput("version: must be 1", field="version")
    locator = case_locator(payload.get("locator"))
    keys = payload.get("keys")
    if not isinstance(keys, list) or not keys:
        raise InvalidInput("keys: expected a non-empty list", field="keys")
    sealed: dict[str, bytes] = {}
    for i, item in enumerate(keys):
        if not isinstance(item, dict) or not isinstance(item.get("recipient"), str):
            raise InvalidInput(f"keys[{i}]: expected {{recipient, sealed_key}}", field="keys")
        if item["recipient"] in sealed:
            raise InvalidInput(f"keys[{i}]: recipient listed twice", field="keys")
        sealed[item["recipient"]] = unb64(item.get("sealed_key"), f"keys[{i}].sealed_key",
                                          size=SEALED_KEY_BYTES)
    identity = payload.get("identity")
    return SealedSubmission(
        locator=locator,
        box_public=unb64(payload.get("reporter_box_public_key"), "reporter_box_public_key", size=32),
        sign_public=unb64(payload.get("reporter_sign_public_key"), "reporter_sign_public_key", size=32),
        report=sealed_record(payload.get("report"), "report"),
        identity=None if identity is None else sealed_record(identity, "identity"),
        commitment=unb64(payload.get("key_commitment"), "key_commitment", size=32),
        sealed_keys=sealed,
        reporter_sealed_key=unb64(payload.get("reporter_sealed_key"), "reporter_sealed_key",
                                  size=SEALED_KEY_BYTES),
    )


def submit_sealed(uc: UseCase, org_slug: str, payload: Any, paid: Callable[[], None] | None = None) -> Case:
    """The JSON API: store a case a client sealed. Nothing is stored unless all is valid;
    `paid` (the proof of work, checked at the edge) is asked last, so a client learns what is
    wrong with its submission before it spends its work."""
    org = get_organisation(uc.session, org_slug)
    submission = parse_submission(payload)
    return _store_case(uc, org, submission, paid=paid)


def _store_case(uc: UseCase, org: Organisation, sub: SealedSubmission, channel: Channel = Channel.WEB_JS,
                paid: Callable[[], None] | None = None) -> Case:
    session, settings, clock = uc.session, uc.settings, uc.clock
    recipients = current_recipients(session, org)
    if not recipients:
        raise InvalidInput(NO_COUNSELLOR)
    if set(sub.sealed_keys) != {r.key_id for r in recipients}:
        raise Conflict("keys: the recipients changed; fetch the intake again and re-wrap the key",
                       payload={"intake": _intake(session, settings, org)})
    if session.scalar(select(Case.id).where(Case.locator == sub.locator)):
        raise InvalidInput("locator: already in use; make a new code", field="locator")
    if paid is not None:
        paid()
    today = clock.today()
    case = Case(organisation_id=org.id, locator=sub.locator, state=State.ONTVANGEN,
                received_on=today, reporter_box_public=sub.box_public,
                reporter_sign_public=sub.sign_public, key_commitment=sub.commitment,
                reporter_sealed_key=sub.reporter_sealed_key,
                channel=channel.value, named=sub.identity is not None)
    case.organisation = org
    store_deadlines(case, org)
    insert_with_new_ref(session, case)
    for r in recipients:
        session.add(CaseKey(case_id=case.id, staff_id=r.staff_id, sealed_key=sub.sealed_keys[r.key_id]))
    session.add(Record(case_id=case.id, kind=RecordKind.REPORT, author=Author.MELDER, created_on=today,
                       ciphertext=sub.report))
    if sub.identity is not None:
        session.add(Record(case_id=case.id, kind=RecordKind.IDENTITY, author=Author.MELDER, created_on=today,
                           ciphertext=sub.identity))
    for header, upload in sub.attachments:
        attachment_id = upload.path.stem
        session.add(Attachment(id=attachment_id, case_id=case.id, author=Author.MELDER,
                               created_on=today, size=upload.size, header=header))
    session.flush()
    # Bodies move into place only after every row was accepted; a failure before commit
    # leaves at most an orphan file that no row points to.
    for _header, upload in sub.attachments:
        upload.commit_to(upload.path.stem)
    audit.record(session, chain=org.slug, actor="melder", event="case_received", today=today,
                 case_ref=case.ref, attachments=len(sub.attachments))
    return case


def received_json(case: Case) -> dict[str, Any]:
    return {"case": {"state": case.state, "received_on": case.received_on.isoformat(),
                     "deadlines": deadlines_json(case)}}


# --- the no-JavaScript path ---------------------------------------------------------------

# The field names the server path takes from a form (whistle.domain.report).
REPORT_FIELDS = report_fields.REPORT_FIELD_NAMES
IDENTITY_FIELDS = report_fields.IDENTITY_FIELD_NAMES


def submit_plain(uc: UseCase, org_slug: str, report: dict[str, str], identity: dict[str, str] | None,
                 attachments: list[PlainAttachment], *,
                 channel: Channel = Channel.WEB_NO_JS) -> tuple[Case, str]:
    """Do in memory exactly what a JavaScript client does, and store only what it would send.
    Returns the case and the receipt code, which is shown once and kept nowhere."""
    session, settings = uc.session, uc.settings
    org = get_organisation(session, org_slug)
    report = {k: v.strip() for k, v in report.items() if k in REPORT_FIELDS and v and v.strip()}
    for f in report_fields.REPORT_FIELDS:
        if f.required and not report.get(f.name):
            raise InvalidInput(f.missing, field=f.name)
    for f in report_fields.REPORT_FIELDS:
        if len(report.get(f.name, "")) > f.max_chars:
            raise InvalidInput(f.too_long, field=f.name)
    regeling = regeling_of(org)
    for f in report_fields.REPORT_FIELDS:  # a choice (category, unit) only from the regeling's list
        if f.choices and f.name in report and report[f.name] not in {c.id for c in getattr(regeling, f.choices)}:
            raise InvalidInput(f.unknown, field=f.name)
    identity = {f.name: identity[f.name].strip()[:f.max_chars] for f in report_fields.IDENTITY_FIELDS
                if (identity or {}).get(f.name) and identity[f.name].strip()} or None
    recipients = current_recipients(session, org)
    if not recipients:
        raise InvalidInput(NO_COUNSELLOR)
    verify_recipients(org, recipients)  # as a client would, before anything is sealed
    code = crypto.new_receipt_code()
    with cpu_slot():
        keys = crypto.derive_reporter_keys(code, org.slug, settings.reporter_kdf)
    prepared = crypto.prepare_case_with_keys(
        keys, [crypto.Recipient(r.key_id, r.public_key) for r in recipients], report, identity)
    sub = SealedSubmission(
        locator=keys.locator, box_public=keys.box_public, sign_public=keys.sign_public,
        report=prepared.report, identity=prepared.identity, commitment=prepared.commitment,
        sealed_keys=prepared.sealed_keys, reporter_sealed_key=prepared.reporter_sealed_key,
        attachments=[(attachment_header(prepared.case_key, keys.locator_hex, a), a.upload)
                     for a in attachments])
    return _store_case(uc, org, sub, channel), code


def attachment_header(case_key: bytes, locator_hex: str, a: PlainAttachment) -> bytes:
    return crypto.seal_record(case_key, "attachment", locator_hex, {
        "name": a.name, "type": a.media_type, "size": a.plain_size, "key": b64(a.file_key)})

