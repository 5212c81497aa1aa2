"""An oral melding (issue 15, point 1; Wbk art. 18): the vertrouwenspersoon records it on the
page with the minutes and the consent flag, the melder gets a code, reads the minutes on their
case page and sends corrections; the counsellor writes a new version; the melder approves it
(the server path, and the API with a version number). Every step is an audit event; the
minutes are never readable at rest; a stale or approved version is refused and changes nothing."""
import re

import pytest
from sqlalchemy import select

from tests.complaint.conftest import ORG, who
from tests.conftest import CODE_RE
from whistle.models import AuditEvent, Case, CaseMinutes, Record

MINUTES = "Melder belde op 1 maart: de teamleider boekt uren van anderen op eigen naam."
CORRECTION = "Het was op 28 februari, en het gaat om twee teamleiders."
VERSION_2 = "Melder belde op 28 februari: twee teamleiders boeken uren van anderen op eigen naam."


def minutes_row(db):
    with db() as s:
        row = s.scalars(select(CaseMinutes)).one_or_none()
        if row is not None:
            s.expunge(row)
        return row


def test_an_oral_melding_with_minutes_the_melder_corrects_and_approves(bosch, browser, client, db, clock,
                                                                       reporter_api):
    browser.login_counsellor(who("vp"))
    assert 'href="/vp/mondeling"' in client.get("/vp/namens").get_data(as_text=True)
    for bad, says in (({"form": "telefoon", "what": "Uren.", "minutes": ""}, "Schrijf het verslag"),
                      ({"form": "brief", "what": "Uren.", "minutes": MINUTES}, "form"),
                      ({"form": "telefoon", "what": "Uren.", "minutes": MINUTES, "held_on": "2999-01-01"}, "toekomst")):
        refused = browser.submit("/vp/mondeling", bad)
        assert refused.status_code == 400 and says in refused.get_data(as_text=True)
        with db() as s:
            assert s.scalars(select(Case)).all() == []
    done = browser.submit("/vp/mondeling", {"form": "telefoon", "held_on": "2026-03-01", "what": "Urenfraude.",
                                            "minutes": MINUTES, "recording_consent": "ja", "give_code": "ja"})
    assert done.status_code == 200
    code = CODE_RE.search(done.get_data(as_text=True)).group(1)
    with db() as s:
        case = s.scalars(select(Case)).one()
        ref, channel = case.ref, case.channel
        blobs = [r.ciphertext for r in s.scalars(select(Record))]
    assert channel == "mondeling" and not any(b"teamleider" in b for b in blobs)
    row = minutes_row(db)
    assert (row.form, str(row.held_on), row.recording_consent, row.versions, row.approved_version) == (
        "telefoon", "2026-03-01", True, 1, None)

    client.post("/vp/uitloggen")
    browser.melder_login(ORG, code)
    page = client.get("/melder/zaak").get_data(as_text=True)
    assert 'id="minutes-latest"' in page and MINUTES in page and "versie 1" in page
    assert browser.submit("/melder/verslag/correctie", {"version": "1", "text": ""},
                          form_page="/melder/zaak").status_code == 400
    assert browser.submit("/melder/verslag/correctie", {"version": "1", "text": CORRECTION},
                          form_page="/melder/zaak").status_code == 302

    client.post("/melder/uitloggen", data={"csrf_token": browser.csrf("/melder/zaak")})
    browser.login_counsellor(who("vp"))
    page = client.get(f"/vp/zaak/{ref}").get_data(as_text=True)
    assert CORRECTION in page and 'id="minutes-form"' in page
    assert browser.submit(f"/vp/zaak/{ref}/verslag", {"minutes": VERSION_2},
                          form_page=f"/vp/zaak/{ref}").status_code == 302
    assert minutes_row(db).versions == 2

    client.post("/vp/uitloggen")
    browser.melder_login(ORG, code)
    stale = browser.submit("/melder/verslag/akkoord", {"version": "1"}, form_page="/melder/zaak")
    assert stale.status_code == 400 and "nieuwste versie (2)" in stale.get_data(as_text=True)
    assert minutes_row(db).approved_version is None
    page = client.get("/melder/zaak").get_data(as_text=True)
    assert re.search(r'id="minutes-latest">' + re.escape(VERSION_2), page)

    api = reporter_api(ORG)
    api.log_in(code)
    assert api.case()["minutes"]["versions"] == 2
    for bad in ({"action": "stempel", "version": 2}, {"action": "approve", "version": "twee"},
                {"action": "correct", "version": 2}):
        with pytest.raises(Exception) as refused:
            api._json("POST", "/api/v1/reporter/case/minutes", bad)
        assert refused.value.status == 400, bad
    answer = api._json("POST", "/api/v1/reporter/case/minutes", {"action": "approve", "version": 2}, expect=(201,))
    assert answer["minutes"]["approved_version"] == 2 and answer["minutes"]["approved_on"] == "2026-03-02"
    page = client.get("/melder/zaak").get_data(as_text=True)
    assert 'id="minutes-approved"' in page and 'id="minutes-approve"' not in page
    assert browser.submit("/melder/verslag/akkoord", {"version": "2"}, form_page="/melder/zaak").status_code == 400

    client.post("/melder/uitloggen", data={"csrf_token": browser.csrf("/melder/zaak")})
    browser.login_counsellor(who("vp"))
    refused = browser.submit(f"/vp/zaak/{ref}/verslag", {"minutes": "Nog een versie."}, form_page=f"/vp/zaak/{ref}")
    assert refused.status_code == 400 and minutes_row(db).versions == 2
    with db() as s:
        events = [e for e in s.scalars(select(AuditEvent.event).where(AuditEvent.case_ref == ref))]
        details = " ".join(s.scalars(select(AuditEvent.details)))
    for event in ("oral_melding_recorded", "minutes_corrected", "minutes_revised", "minutes_approved"):
        assert event in events, (event, events)
    assert "teamleider" not in details


def _wav(seconds: float = 0.5) -> bytes:
    import io
    import math
    import wave
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(b"".join(int(8000 * math.sin(2 * math.pi * 440 * i / 8000)).to_bytes(2, "little", signed=True)
                               for i in range(int(8000 * seconds))))
    return out.getvalue()


def test_a_recording_with_consent_is_stored_as_an_encrypted_attachment_and_the_consent_logged(
        bosch, browser, client, db, settings):
    """Issue 15, point 1: "A voice recording made with consent is stored as an encrypted
    attachment." Without consent nothing is kept (no case, no file); a file that is not audio is
    refused; with consent the recording is an attachment of the counsellor, ciphertext at rest
    (its name too), that the counsellor downloads as it was; the consent is an audit event."""
    import io
    audio = _wav()
    browser.login_counsellor(who("vp"))
    page = client.get("/vp/mondeling").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page and 'name="recording"' in page
    base = {"form": "voicemail", "held_on": "2026-03-01", "what": "Urenfraude.", "minutes": MINUTES, "give_code": "ja"}

    def post(extra, name="bericht-vp.wav", body=audio):
        return browser.submit("/vp/mondeling", base | extra | {"recording": (io.BytesIO(body), name)},
                              form_page="/vp/mondeling", content_type="multipart/form-data")

    refused = post({})
    assert refused.status_code == 400 and "toestemming" in refused.get_data(as_text=True)
    refused = post({"recording_consent": "ja"}, name="notulen.txt", body=b"geen geluid")
    assert refused.status_code == 400 and "geen geluidsbestand" in refused.get_data(as_text=True)
    with db() as s:
        assert s.scalars(select(Case)).all() == []
    assert [p for p in settings.attachments_dir.rglob("*") if p.is_file()] == []

    done = post({"recording_consent": "ja"})
    assert done.status_code == 200, done.get_data(as_text=True)
    from whistle.models import Attachment
    with db() as s:
        case = s.scalars(select(Case)).one()
        ref = case.ref
        (att,) = s.scalars(select(Attachment)).all()
        att_id, author, header = att.id, att.author, att.header
        events = {e.event: e.details for e in s.scalars(select(AuditEvent).where(AuditEvent.case_ref == ref))}
    assert author == "counsellor" and b"bericht-vp" not in header
    stored = [p.read_bytes() for p in settings.attachments_dir.rglob("*") if p.is_file()]
    assert len(stored) == 1 and b"RIFF" not in stored[0] and b"WAVE" not in stored[0]
    assert "oral_recording_stored" in events and '"recording_consent":true' in events["oral_recording_stored"]
    got = client.get(f"/vp/zaak/{ref}/bijlage/{att_id}")
    assert got.status_code == 200 and got.data == audio
