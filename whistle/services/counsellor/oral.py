"""An oral melding (whistle.domain.oral): the vertrouwenspersoon records a melding made by
phone, a voice message or in a meeting as a case, as with a melding namens (the melder gets a
code to follow it), and writes the minutes. Each version of the minutes is a `message` record
sealed under the case key (purpose 'minutes', with its version); the melder reads it on their
case page and approves it or sends corrections; a correction asks for a new version. The
case_minutes row keeps the form, the day, the consent to a recording and the versions."""
from __future__ import annotations

from typing import Any, Mapping, Sequence

from sqlalchemy import select

import crypto
from whistle.domain.oral import OralForm, may_revise
from whistle.domain.records import Author, RecordKind
from whistle.domain.register import Channel
from whistle.domain.report import MAX_MESSAGE_CHARS
from whistle.infra.attachment_intake import PlainAttachment
from whistle.models import Attachment, Case, CaseMinutes, Record
from whistle.services import audit
from whistle.services.cases import case_by_ref, staff_case_key
from whistle.services.context import UseCase
from whistle.services.counsellor.betrokkenen import require_counsellor
from whistle.services.errors import InvalidInput
from whistle.services.input import bounded_text, checked, iso_date, member
from whistle.services.melder import intake
from whistle.services.staff.accounts import StaffPrincipal

MINUTES = "minutes"          # a version of the minutes, by the counsellor
CORRECTION = "minutes_correction"  # the melder's corrections to a version


def _minutes_text(raw: Any) -> str:
    return bounded_text(raw, "minutes", limit=MAX_MESSAGE_CHARS, what="Het verslag",
                        missing="Schrijf het verslag van het gesprek of bericht: wat de melder vertelde.")


AUDIO_EXTENSIONS = (".mp3", ".m4a", ".wav", ".ogg", ".oga", ".opus", ".webm", ".aac", ".amr", ".3gp", ".flac")


def _is_audio(a: PlainAttachment) -> bool:
    return a.media_type.lower().startswith("audio/") or a.name.lower().endswith(AUDIO_EXTENSIONS)


def record(uc: UseCase, principal: StaffPrincipal, form: Mapping[str, Any], *, give_code: bool,
           recordings: Sequence[PlainAttachment] = ()) -> tuple[Case, str | None]:
    """Store the oral melding as a case with its first minutes; returns the case and, when
    asked for, the melder's code (shown once). A recording (the server path encrypted it on
    arrival) is kept only with the melder's consent, as an encrypted attachment of the case."""
    session, today = uc.session, uc.today()
    require_counsellor(principal)
    oral_form = member(form.get("form"), "form", OralForm, "hoe de melding werd gedaan")
    held_on = iso_date(form.get("held_on") or today.isoformat(), "held_on", "Datum: geef een datum als JJJJ-MM-DD.")
    if held_on > today:
        raise InvalidInput("Datum: het gesprek of bericht kan niet in de toekomst liggen.", field="held_on")
    text = _minutes_text(form.get("minutes"))
    consent = checked(form.get("recording_consent"))
    if recordings and not consent:
        raise InvalidInput("Opname: een opname wordt alleen bewaard als de melder daarvoor toestemming gaf. Vink de "
                           "toestemming aan, of laat de opname weg. Er is niets opgeslagen.", field="recording")
    for a in recordings:
        if not _is_audio(a):
            raise InvalidInput(f"Opname: ‘{a.name}’ is geen geluidsbestand (zoals mp3, m4a, wav of ogg). "
                               "Er is niets opgeslagen.", field="recording")
    report = {k: form.get(k, "") for k in intake.REPORT_FIELDS}
    case, code = intake.submit_plain(uc, principal.staff.organisation.slug, report, None, list(recordings),
                                     channel=Channel.ORAL)
    key = staff_case_key(session, case, principal.staff, principal.secret_key)
    session.add(CaseMinutes(case_id=case.id, form=oral_form, held_on=held_on, recording_consent=consent, versions=1))
    _seal(session, case, key, today, {"text": text, "purpose": MINUTES, "version": 1})
    audit.record(session, chain=case.organisation.slug, actor=principal.staff.email, event="oral_melding_recorded",
                 today=today, case_ref=case.ref, form=oral_form, recording_consent=consent, code_handed_over=give_code)
    if recordings:
        # The counsellor made the recording: it is theirs, of the melder's words, kept by consent.
        for row in session.scalars(select(Attachment).where(Attachment.case_id == case.id)):
            row.author = Author.COUNSELLOR
        audit.record(session, chain=case.organisation.slug, actor=principal.staff.email, event="oral_recording_stored",
                     today=today, case_ref=case.ref, recording_consent=True, recordings=len(recordings))
    session.flush()
    return case, (code if give_code else None)


def revise(uc: UseCase, principal: StaffPrincipal, ref: str, form: Mapping[str, Any]) -> int:
    """A new version of the minutes (after the melder's corrections); returns its number."""
    session, today = uc.session, uc.today()
    require_counsellor(principal)
    case = case_by_ref(session, ref)
    key = staff_case_key(session, case, principal.staff, principal.secret_key)
    row = session.get(CaseMinutes, case.id)
    if row is None:
        raise InvalidInput("minutes: deze zaak is geen mondelinge melding.", field="minutes")
    why = may_revise(row.approved_version)
    if why:
        raise InvalidInput("minutes: %(why)s. Er is niets gewijzigd.", field="minutes", params={"why": why})
    text = _minutes_text(form.get("minutes"))
    row.versions += 1
    _seal(session, case, key, today, {"text": text, "purpose": MINUTES, "version": row.versions})
    audit.record(session, chain=case.organisation.slug, actor=principal.staff.email, event="minutes_revised",
                 today=today, case_ref=case.ref, version=row.versions)
    session.flush()
    return row.versions


def _seal(session, case: Case, key: bytes, today, body: dict) -> None:
    session.add(Record(case_id=case.id, kind=RecordKind.MESSAGE, author=Author.COUNSELLOR, created_on=today,
                       ciphertext=crypto.seal_record(key, "message", case.binding_hex, body)))
