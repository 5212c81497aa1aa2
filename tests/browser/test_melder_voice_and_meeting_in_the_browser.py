"""A voice message and a meeting on request with JavaScript on (issue 15, points 1 and 2).

Voice: Chromium records from its fake microphone (--use-fake-device-for-media-stream), the page
turns the recording into a 16 kHz WAV, lowers its pitch when the melder keeps the disguise on,
encrypts it and sends it as an attachment: on the wire only ciphertext, in the database an
attachment that decrypts to audio, and the disguised recording's pitch is measurably lower than
the undisguised one's. The page says plainly what the disguise does not hide.

Meeting: the browser asks for a conversation (the kind in the clear, the note sealed), reads the
counsellor's proposal and confirms it. axe-core and the 320 px reflow check on the view."""
from __future__ import annotations

import io
import json
import wave

import pytest
from sqlalchemy import select

from tests.authority.conftest import as_staff, cheaper_login_hash  # noqa: F401 - fixtures
from tests.browser.accessibility import check, new_context
from tests.browser.conftest import CHROMIUM, LAUNCH_ARGS, sync_playwright
from tests.browser.journey import log_in_with_code
from tests.complaint.conftest import ORG, bosch, who  # noqa: F401 - fixture
from whistle.models import Case, CaseMeeting
from whistle.reporter_client import HttpTransport, ReporterClient
from whistle.services.counsellor import meeting as counsellor_meeting

pytestmark = pytest.mark.browser

NOTE = "NOTITIE liefst na vijf uur"
PROPOSAL = "Woensdag 11 maart, 17.30 uur, in het wijkcentrum."


@pytest.fixture(scope="module")
def chromium_with_microphone():
    if sync_playwright is None or not CHROMIUM.exists():
        pytest.skip("playwright or /usr/bin/chromium is missing")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS + [
            "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"])
        yield browser
        browser.close()


def wait_for(page, condition, tries=200):
    for _ in range(tries):  # the page's CSP forbids wait_for_function's eval: poll
        if condition():
            return
        page.wait_for_timeout(100)
    raise AssertionError("waited in vain")


def pitch(wav_bytes: bytes) -> float:
    """Zero crossings per second over the loud samples: a plain measure of the tone's pitch."""
    with wave.open(io.BytesIO(wav_bytes)) as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 2, 16000)
        frames = w.readframes(w.getnframes())
    samples = [int.from_bytes(frames[i:i + 2], "little", signed=True) for i in range(0, len(frames), 2)]
    loud = [i for i in range(1, len(samples)) if abs(samples[i]) > 2000 or abs(samples[i - 1]) > 2000]
    assert len(loud) > 1600, "the fake microphone's beeps are in the recording"
    crossings = sum(1 for i in loud if (samples[i - 1] < 0) != (samples[i] < 0))
    return crossings / (len(loud) / 16000)


def record(page, how: str, seconds: float = 2.5):
    page.check(f"input[name=js-voice-disguise][value={how}]")
    page.click("[data-slot=voice-start]")
    page.wait_for_timeout(int(seconds * 1000))
    page.click("[data-slot=voice-stop]")
    page.wait_for_selector("[data-slot=voice-send]:not([hidden])")
    page.click("[data-slot=voice-send]")


def test_a_voice_message_is_recorded_disguised_encrypted_and_stored_as_audio(
        bosch, live_server, chromium_with_microphone, db):
    melder = ReporterClient(HttpTransport(live_server.base), ORG)
    melder.submit({"what": "Er wordt gefraudeerd met de subsidies."})
    context = chromium_with_microphone.new_context(viewport={"width": 320, "height": 800}, locale="nl-NL")  # the Dutch pages (issue 16.1)
    context.set_default_timeout(30000)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    log_in_with_code(page, live_server.base, melder.code, org=ORG)
    page.wait_for_selector("#js-voice:not([hidden])")
    explains = page.inner_text("#js-voice-explains")
    for words in ("toonhoogte", "woordkeus", "accent", "tempo", "achtergrond"):
        assert words in explains, words
    live_server.log.clear()
    record(page, "none")
    wait_for(page, lambda: page.is_visible("text=Het ingesproken bericht is versleuteld en verstuurd."))
    record(page, "lower")
    wait_for(page, lambda: len(live_server.log.to("/api/v1/reporter/case/attachments", "POST")) == 2
             and page.is_visible("text=Het ingesproken bericht is versleuteld en verstuurd."))
    assert errors == []
    for sent in live_server.log.to("/api/v1/reporter/case/attachments", "POST"):
        assert b"RIFF" not in sent.body and b"WAVE" not in sent.body  # ciphertext only
        assert b"ingesproken" not in sent.headers.get("Whistle-Attachment-Record", "").encode()
    context.close()

    melder.log_in()
    data = melder.case()
    opened = [melder.download(a["id"]) for a in data["attachments"]]
    by_name = {header["name"]: body for header, body in opened}
    assert set(by_name) == {"ingesproken-bericht.wav", "ingesproken-bericht-vervormd.wav"}
    assert all(h["type"] == "audio/wav" for h, _b in opened)
    plain, disguised = by_name["ingesproken-bericht.wav"], by_name["ingesproken-bericht-vervormd.wav"]
    assert plain[:4] == disguised[:4] == b"RIFF" and plain[8:12] == b"WAVE"
    assert plain != disguised
    ratio = pitch(disguised) / pitch(plain)
    assert 0.55 < ratio < 0.9, ratio  # lowered (by 0.8; the grains blur the measure a little)
    assert abs(len(disguised) - len(plain)) < 0.3 * len(plain)  # the length kept, roughly: no slow motion


def test_the_browser_asks_for_a_meeting_and_confirms_the_proposal(bosch, live_server, chromium_with_microphone, db,
                                                                 use_case, as_staff):
    context = new_context(chromium_with_microphone, javascript=True)  # lets the driver add axe
    page = context.new_page()
    melder = ReporterClient(HttpTransport(live_server.base), ORG)
    melder.submit({"what": "Mijn collega wordt bedreigd door een klant."})
    with db() as s:
        ref = s.scalar(select(Case.ref))
    log_in_with_code(page, live_server.base, melder.code, org=ORG)
    page.wait_for_selector("#js-meeting-request:not([hidden])")
    page.click("#js-meeting-request button[type=submit]")  # no kind chosen: refused in the page
    assert page.is_visible("[data-slot=meeting-error]")
    page.check("#js-meeting-request input[value=telefoon]")
    page.fill("#js-meeting-text", NOTE)
    live_server.log.clear()
    page.click("#js-meeting-request button[type=submit]")
    page.wait_for_selector("#js-meeting-requested:not([hidden])")
    (sent,) = [json.loads(r.body) for r in live_server.log.to("/api/v1/reporter/case/meeting", "POST")]
    assert set(sent) == {"action", "kind", "ciphertext"} and sent["kind"] == "telefoon"
    assert "NOTITIE" not in json.dumps(sent)
    assert "09-03-2026" in page.inner_text("#js-meeting-requested")

    with db() as s:
        counsellor_meeting.propose(use_case(s), as_staff(s, who("vp")), ref, {"proposal": PROPOSAL})
        s.commit()
    page.reload()
    log_in_with_code(page, live_server.base, melder.code, org=ORG)
    page.wait_for_selector("#js-meeting-confirm")
    assert page.inner_text("#js-meeting-proposal") == PROPOSAL
    found = check(page)  # axe, and the reflow at 320 and 390 px, with the proposal and the voice recorder
    page.click("#js-meeting-confirm button")
    page.wait_for_selector("#js-meeting-confirmed")
    with db() as s:
        assert s.scalars(select(CaseMeeting.confirmed_on)).one() is not None
    context.close()
    assert found == []
