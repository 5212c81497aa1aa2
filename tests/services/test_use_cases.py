"""The main use cases through the context the services take, without a page or a request:
a melding sealed by a client and one made on the server path, the counsellor who opens it
and replies, the melder who reads the reply, lifecycle steps, and the hand-over to the bevoegd
gezag and its decision. One `with db()` block is one unit of work, as one request would be.
Real database, real crypto."""
from __future__ import annotations

import base64

import pytest
from sqlalchemy import select

import crypto
from tests.conftest import PASSPHRASE
from whistle.models import AuditEvent, Case
from whistle.services import lifecycle
from whistle.services.authority import decisions
from whistle.services.counsellor import case as counsellor
from whistle.services.counsellor import escalation
from whistle.services.errors import InvalidInput
from whistle.services.melder import case as melder_case
from whistle.services.melder import intake
from whistle.services.staff import accounts
from whistle.services.staff.accounts import StaffPrincipal

REPORT = {"what": "De projectleider declareert uren die niemand heeft gewerkt.", "where": "Afdeling wegen"}
IDENTITY = {"name": "Sam Melder", "contact": "sam@example.org"}
VP = "vp@deventer.example"


@pytest.fixture
def deventer(world):
    world.org("deventer")
    world.staff(email=VP)
    return world


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def principal(session, email: str) -> StaffPrincipal:
    member, secret = accounts.check_passphrase(session, email, PASSPHRASE)
    return StaffPrincipal(member, secret, b"")


def audit_count(session) -> int:
    return len(session.scalars(select(AuditEvent.id)).all())


def submit_sealed(uc, report: dict, identity: dict | None = None):
    """What a client does with the intake answer (protocol v1): seal everything itself."""
    info = intake.intake_info(uc, "deventer")
    code = crypto.new_receipt_code()
    recipients = [crypto.Recipient(r["key_id"], base64.b64decode(r["public_key"])) for r in info["recipients"]]
    kdf = crypto.KdfParams(info["kdf"]["opslimit"], info["kdf"]["memlimit"])
    prepared = crypto.prepare_case(code, "deventer", kdf, recipients, report, identity)
    payload = {
        "version": 1, "locator": prepared.keys.locator_hex,
        "reporter_box_public_key": b64(prepared.keys.box_public),
        "reporter_sign_public_key": b64(prepared.keys.sign_public),
        "report": b64(prepared.report), "key_commitment": b64(prepared.commitment),
        "keys": [{"recipient": k, "sealed_key": b64(v)} for k, v in prepared.sealed_keys.items()],
        "reporter_sealed_key": b64(prepared.reporter_sealed_key),
    } | ({"identity": b64(prepared.identity)} if identity else {})
    return intake.submit_sealed(uc, "deventer", payload), prepared.keys


def log_in_with_signature(uc, keys: crypto.ReporterKeys) -> bytes:
    challenge = melder_case.issue_challenge(uc, keys.locator_hex)
    token, _expires_in = melder_case.open_api_session(uc, {
        "locator": keys.locator_hex, "challenge": b64(challenge),
        "signature": b64(crypto.sign_login(keys.sign_secret, challenge))})
    return token


def read_as_client(uc, keys: crypto.ReporterKeys, token: bytes) -> list[tuple[str, dict]]:
    """The melder's case as the API hands it out, opened with the melder's own key."""
    case = melder_case.case_json(uc, melder_case.resume(uc, token))
    case_key = crypto.reporter_case_key(keys, base64.b64decode(case["reporter_sealed_key"]),
                                        base64.b64decode(case["key_commitment"]))
    return [(r["author"], crypto.open_record(case_key, r["kind"], keys.locator_hex,
                                              base64.b64decode(r["ciphertext"])))
            for r in case["records"]]


def test_a_sealed_melding_is_read_and_answered_and_the_melder_reads_the_answer(deventer, db, use_case):
    with db() as s:
        case, keys = submit_sealed(use_case(s), REPORT, IDENTITY)
        ref = case.ref
    with db() as s:
        opened = counsellor.open_case(use_case(s), principal(s, VP), ref)
        assert opened.report == REPORT and opened.identity == IDENTITY
        counsellor.reply(use_case(s), principal(s, VP), ref, "Dank u. Wie weet hier nog meer van?")
    with db() as s:
        token = log_in_with_signature(use_case(s), keys)
    with db() as s:
        records = read_as_client(use_case(s), keys, token)
    assert records[-1] == ("counsellor", {"text": "Dank u. Wie weet hier nog meer van?"})
    with db() as s:
        events = list(s.scalars(select(AuditEvent.event).where(AuditEvent.case_ref == ref)))
    assert events == ["case_received", "case_opened", "message_to_melder"]


def test_a_plain_melding_on_the_server_path_is_read_back_the_same_way(deventer, db, use_case):
    with db() as s:
        case, code = intake.submit_plain(use_case(s), "deventer", REPORT, IDENTITY, [])
        ref = case.ref
    with db() as s:
        assert counsellor.open_case(use_case(s), principal(s, VP), ref).report == REPORT
        counsellor.reply(use_case(s), principal(s, VP), ref, "Wij nemen uw melding in behandeling.")
    with db() as s:
        ctx = melder_case.open_code_session(use_case(s), "deventer", code)
        token = ctx.token
    with db() as s:
        ctx = melder_case.resume(use_case(s), token)
        shown = [(r.kind, r.author, r.body) for r in melder_case.open_records(s, ctx)]
        melder_case.add_plain_message(use_case(s), ctx, "Mijn collega van planning weet het ook.")
    assert shown[0] == ("report", "reporter", REPORT)
    assert shown[-1] == ("message", "counsellor", {"text": "Wij nemen uw melding in behandeling."})
    with db() as s:
        messages = counsellor.open_case(use_case(s), principal(s, VP), ref).messages
    assert [m.body["text"] for m in messages][-1] == "Mijn collega van planning weet het ook."


def test_lifecycle_steps_move_the_case_and_a_refused_step_changes_nothing(deventer, db, use_case):
    with db() as s:
        ref = intake.submit_plain(use_case(s), "deventer", REPORT, None, [])[0].ref
    with db() as s:
        outcome = lifecycle.transition(use_case(s), ref, "acknowledge", principal(s, VP))
        assert (outcome.from_state.value, outcome.to_state.value) == ("ontvangen", "ontvangst_bevestigd")
    with db() as s:
        before = (s.scalar(select(Case.state).where(Case.ref == ref)), audit_count(s))
    with pytest.raises(InvalidInput) as refused:
        with db() as s:
            lifecycle.transition(use_case(s), ref, "close", principal(s, VP))
    assert refused.value.field == "event"
    with db() as s:
        assert (s.scalar(select(Case.state).where(Case.ref == ref)), audit_count(s)) == before
    with db() as s:
        lifecycle.transition(use_case(s), ref, "triage", principal(s, VP), kind="vermoeden_misstand",
                             meldingswaardig="ja")
    with db() as s:
        case = s.scalar(select(Case).where(Case.ref == ref))
        assert (case.state, case.category, case.meldingswaardig) == ("in_behandeling", "vermoeden_misstand", True)
        assert case.acknowledged_on == use_case(s).today()


def test_the_dossier_reaches_the_bevoegd_gezag_and_its_decision_comes_back(deventer, db, use_case):
    # Members of the bevoegd gezag as after their first login, endorsed for their office (issue 10).
    for name in ("burgemeester", "wethouder"):
        deventer.staff(role="authority", email=f"{name}@deventer.example", function=name)
    with db() as s:
        ref = intake.submit_plain(use_case(s), "deventer", REPORT, IDENTITY, [])[0].ref
    with db() as s:
        lifecycle.transition(use_case(s), ref, "acknowledge", principal(s, VP))
        lifecycle.transition(use_case(s), ref, "triage", principal(s, VP), kind="vermoeden_misstand",
                             meldingswaardig=True)
    with db() as s:
        composed = escalation.compose(use_case(s), principal(s, VP), ref)
        assert composed.identity_allowed is False  # the melder gave no consent
        dossier, recipients = escalation.escalate(use_case(s), principal(s, VP), ref, {
            "include_report": "ja", "report_what": "De [weggelakt] declareert uren die niemand werkte."})
        sent = dossier.locator.hex()
    assert sorted(m.email for m in recipients) == ["burgemeester@deventer.example", "wethouder@deventer.example"]
    with db() as s:
        burgemeester = principal(s, "burgemeester@deventer.example")
        [line] = decisions.inbox(s, burgemeester)
        opened = decisions.read(use_case(s), burgemeester, sent)
        assert [e["fields"] for e in opened.entries if e["type"] == "report"] == [
            {"what": "De [weggelakt] declareert uren die niemand werkte."}]
        outcome = decisions.decide(use_case(s), burgemeester, sent,
                                   {"decision": "onderzoek", "motivation": "Genoeg aanwijzingen."})
    assert (outcome.from_state.value, outcome.to_state.value) == ("doorgezet", "besluit_genomen")
    with db() as s:
        case = s.scalar(select(Case).where(Case.ref == ref))
        handover = escalation.handover_view(s, principal(s, VP), case)
        assert handover.dossiers[-1].decision["decision"] == "onderzoek"
        assert "Genoeg aanwijzingen." in handover.feedback_suggestion()
