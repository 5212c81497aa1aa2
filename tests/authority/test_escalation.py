"""Escalation: the dossier holds what the counsellor chose and typed (redactions included),
is sealed under a fresh key wrapped only to the entitled members of the bevoegd gezag, and
leaves the case itself readable by counsellors only. Betrokkenen are never given a key."""
import pytest
from sqlalchemy import func, select

from tests.authority.conftest import (
    MELDER_NAME, REPORT_TEXT, email, escalate, in_behandeling, melder, staff_id,
)
from whistle.models import AuditEvent, Case, CaseKey, Dossier, DossierKey, DossierRecord
from whistle.services.authority import decisions as authority
from whistle.services.counsellor import betrokkenen as concerned
from whistle.services.melder import consent
from whistle.services.counsellor import case as counsellor
from whistle.services.counsellor import escalation
from whistle.services.errors import Forbidden, InvalidInput, NotFound
from whistle.services.lifecycle import transition

COLLEGE = sorted(email(n) for n in ("burgemeester", "loco", "wethouder", "wethouder2"))


def state(db, ref):
    with db() as s:
        return s.scalar(select(Case.state).where(Case.ref == ref))


def counts(db):
    with db() as s:
        return tuple(s.scalar(select(func.count()).select_from(t)) for t in
                     (Dossier, DossierKey, DossierRecord, AuditEvent)) + (s.scalar(select(Case.state)),)


def mark(db, use_case, as_staff, ref, *names, who="vp"):
    with db() as s:
        return concerned.mark(use_case(s), as_staff(s, who), ref, [staff_id(db, n) for n in names])


def test_the_dossier_holds_what_the_counsellor_typed_and_reaches_the_college_only(melding, db, use_case, as_staff):
    in_behandeling(db, use_case, as_staff, melding.ref)
    ref, recipients = escalate(db, use_case, as_staff, melding.ref)
    assert recipients == COLLEGE
    assert state(db, melding.ref) == "doorgezet"
    with db() as s:
        opened = authority.read(use_case(s), as_staff(s, "burgemeester"), ref)
    kinds = [e["type"] for e in opened.entries]
    assert kinds == ["report", "note"]
    assert opened.entries[0]["fields"] == {"what": "De [weggelakt] gunt opdrachten aan een bekende."}
    assert "wethouder van financiën" not in repr(opened.entries)
    assert MELDER_NAME not in repr(opened.entries)  # no consent, no identity
    # The dossier is ciphertext only, and its key exists for the college alone.
    with db() as s:
        blobs = list(s.scalars(select(DossierRecord.ciphertext)))
        holders = set(s.scalars(select(DossierKey.staff_id)))
    assert blobs and not any(b"weggelakt" in b for b in blobs)
    assert holders == {staff_id(db, n) for n in ("burgemeester", "loco", "wethouder", "wethouder2")}
    # The original case stays with the counsellors: no case key for any authority member.
    with db() as s:
        assert counsellor.open_case(use_case(s), as_staff(s), melding.ref).report["what"] == REPORT_TEXT
        case_holders = set(s.scalars(select(CaseKey.staff_id).where(CaseKey.staff_id.is_not(None))))
        assert case_holders == {staff_id(db, "vp"), staff_id(db, "vp2")}
        with pytest.raises(Forbidden):
            counsellor.open_case(use_case(s), as_staff(s, "burgemeester"), melding.ref)


def test_chosen_messages_are_sent_as_edited_and_others_stay_behind(melding, db, use_case, as_staff):
    with db() as s:
        counsellor.reply(use_case(s), as_staff(s), melding.ref, "Wie was er nog meer bij?")
        counsellor.reply(use_case(s), as_staff(s), melding.ref, "Bedankt, dit blijft intern.")
    in_behandeling(db, use_case, as_staff, melding.ref)
    with db() as s:
        first = counsellor.open_case(use_case(s), as_staff(s), melding.ref).messages[0]
    ref, _ = escalate(db, use_case, as_staff, melding.ref, include_report="nee", note="",
                      include_message=[str(first.id)], **{f"message_{first.id}": "Wie was er [...] bij?"})
    with db() as s:
        opened = authority.read(use_case(s), as_staff(s, "wethouder"), ref)
    assert [(e["type"], e.get("text")) for e in opened.entries] == [("message", "Wie was er [...] bij?")]
    assert opened.entries[0]["author"] == "counsellor"


@pytest.mark.parametrize("form, field", [
    ({"include_report": "nee", "note": ""}, "include_report"),
    ({"report_what": " "}, "report_what"),
    ({"include_message": ["999999"]}, "include_message"),
    ({"include_identity": "ja"}, "include_identity"),  # the melder did not consent
])
def test_bad_compositions_are_refused_and_send_nothing(melding, db, use_case, as_staff, form, field):
    in_behandeling(db, use_case, as_staff, melding.ref)
    before = counts(db)
    with pytest.raises(InvalidInput) as exc:
        escalate(db, use_case, as_staff, melding.ref, **form)
    assert exc.value.field == field
    assert counts(db) == before


def test_a_bare_escalate_step_without_a_dossier_is_refused(melding, db, use_case, as_staff):
    in_behandeling(db, use_case, as_staff, melding.ref)
    with pytest.raises(InvalidInput) as exc:
        with db() as s:
            transition(use_case(s), melding.ref, "escalate", as_staff(s))
    assert exc.value.field == "dossier" and state(db, melding.ref) == "in_behandeling"


def test_a_melding_about_a_wethouder_goes_to_the_college_without_them(melding, db, use_case, as_staff):
    in_behandeling(db, use_case, as_staff, melding.ref)
    mark(db, use_case, as_staff, melding.ref, "wethouder")
    ref, recipients = escalate(db, use_case, as_staff, melding.ref)
    assert recipients == sorted(email(n) for n in ("burgemeester", "loco", "wethouder2"))
    with db() as s:
        w = as_staff(s, "wethouder")
        assert authority.inbox(s, w) == []
        with pytest.raises(NotFound):
            authority.read(use_case(s), w, ref)


def test_a_melding_about_the_burgemeester_goes_to_the_locoburgemeester(melding, db, use_case, as_staff):
    in_behandeling(db, use_case, as_staff, melding.ref)
    mark(db, use_case, as_staff, melding.ref, "burgemeester")
    _ref, recipients = escalate(db, use_case, as_staff, melding.ref)
    assert recipients == [email("loco")]


def test_with_nobody_entitled_left_nothing_is_sent(melding, db, use_case, as_staff):
    in_behandeling(db, use_case, as_staff, melding.ref)
    mark(db, use_case, as_staff, melding.ref, "burgemeester", "loco")
    before = counts(db)
    with pytest.raises(InvalidInput) as exc:
        escalate(db, use_case, as_staff, melding.ref)
    assert exc.value.field == "recipients" and "niets verstuurd" in exc.value.message
    assert counts(db) == before and state(db, melding.ref) == "in_behandeling"


def test_marking_a_member_after_sending_takes_their_dossier_key(melding, db, use_case, as_staff):
    in_behandeling(db, use_case, as_staff, melding.ref)
    ref, _ = escalate(db, use_case, as_staff, melding.ref)
    marked = mark(db, use_case, as_staff, melding.ref, "wethouder2")
    assert marked.lost_dossier_key == [staff_id(db, "wethouder2")]
    with db() as s:
        assert authority.inbox(s, as_staff(s, "wethouder2")) == []
        assert len(authority.inbox(s, as_staff(s, "wethouder"))) == 1


def test_a_counsellor_marked_as_betrokkene_loses_the_case(melding, db, use_case, as_staff):
    marked = mark(db, use_case, as_staff, melding.ref, "vp2")
    assert marked.lost_case_key == [staff_id(db, "vp2")]
    with db() as s:
        assert counsellor.inbox(s, as_staff(s, "vp2")) == []
        with pytest.raises(NotFound):
            counsellor.open_case(use_case(s), as_staff(s, "vp2"), melding.ref)
        events = list(s.scalars(select(AuditEvent.event).where(AuditEvent.case_ref == melding.ref)))
    assert "case_access_withdrawn" in events and "betrokkenen_updated" in events


def test_betrokkenen_are_sealed_and_a_counsellor_cannot_mark_themselves(melding, db, use_case, as_staff):
    mark(db, use_case, as_staff, melding.ref, "wethouder")
    with db() as s:
        from whistle.models import CaseConcerned
        blob = s.scalar(select(CaseConcerned.ciphertext))
        assert b"staff" not in blob and len(blob) == 24 + 1024 + 16  # sealed and padded
        with pytest.raises(InvalidInput) as exc:
            concerned.mark(use_case(s), as_staff(s), melding.ref, [staff_id(db, "vp")])
        assert exc.value.field == "concerned"
        with pytest.raises(InvalidInput):  # an account of another organisation
            concerned.mark(use_case(s), as_staff(s), melding.ref, [staff_id(db, "directeur@samenwerking.example")])


def test_the_identity_goes_along_only_with_the_melders_consent(melding, db, use_case, as_staff, settings):
    in_behandeling(db, use_case, as_staff, melding.ref)
    with db() as s:
        consent.set_identity_consent(use_case(s), melder(use_case(s), melding.code), True)
    ref, _ = escalate(db, use_case, as_staff, melding.ref, include_identity="ja")
    with db() as s:
        opened = authority.read(use_case(s), as_staff(s, "loco"), ref)
    identity = next(e for e in opened.entries if e["type"] == "identity")
    assert identity["name"] == MELDER_NAME


def test_consent_is_recorded_and_revocable_until_the_dossier_is_sent(melding, db, use_case, as_staff, settings):
    with db() as s:
        ctx = melder(use_case(s), melding.code)
        consent.set_identity_consent(use_case(s), ctx, True)
        consent.set_identity_consent(use_case(s), ctx, False)
    in_behandeling(db, use_case, as_staff, melding.ref)
    with pytest.raises(InvalidInput):  # revoked: the identity may not go
        escalate(db, use_case, as_staff, melding.ref, include_identity="ja")
    escalate(db, use_case, as_staff, melding.ref)
    with db() as s:
        with pytest.raises(InvalidInput) as exc:
            consent.set_identity_consent(use_case(s), melder(use_case(s), melding.code), True)
        assert "al verstuurd" in exc.value.message
        events = list(s.scalars(select(AuditEvent.event).where(AuditEvent.event.like("identity_consent%"))))
    assert events == ["identity_consent_given", "identity_consent_revoked"]


def test_consent_from_a_session_that_is_not_the_melders_is_refused(melding, db, use_case, as_staff, settings, browser):
    from tests.authority.conftest import send_melding
    other_code = send_melding(browser, what="Een andere melding over iets anders.")
    with db() as s:
        with pytest.raises(Forbidden):
            consent.set_identity_consent(use_case(s), as_staff(s), True)
        # Another melder's session gives consent for their own case only.
        consent.set_identity_consent(use_case(s), melder(use_case(s), other_code), True)
    with db() as s:
        this = s.scalar(select(Case).where(Case.ref == melding.ref))
        assert this.identity_consent_on is None


def test_the_compose_view_names_the_recipients_before_sending(melding, db, use_case, as_staff):
    in_behandeling(db, use_case, as_staff, melding.ref)
    mark(db, use_case, as_staff, melding.ref, "burgemeester")
    with db() as s:
        view = escalation.compose(use_case(s), as_staff(s), melding.ref)
        assert [m.email for m in view.recipients.recipients] == [email("loco")]
        assert view.recipients.role_labels == ["Locoburgemeester"]
        assert not view.identity_allowed


def test_samenwerking_about_the_directeur_bestuurder_goes_to_the_raad_van_commissarissen(
        town, world, browser, db, use_case, as_staff):
    from tests.authority.conftest import make_staff, send_melding
    send_melding(browser, org="samenwerking", identity=False, what="Over de directeur-bestuurder.")
    vp, directeur = "vp@samenwerking.example", "directeur@samenwerking.example"
    with db() as s:
        ref = s.scalar(select(Case.ref))
    in_behandeling(db, use_case, as_staff, ref, who=vp)
    mark(db, use_case, as_staff, ref, directeur, who=vp)
    with pytest.raises(InvalidInput) as exc:  # no account for the raad van commissarissen yet
        escalate(db, use_case, as_staff, ref, who=vp)
    assert exc.value.field == "recipients"
    make_staff(world, "samenwerking", "commissaris", "authority", "raad_van_commissarissen")
    _ref, recipients = escalate(db, use_case, as_staff, ref, who=vp)
    assert recipients == ["commissaris@samenwerking.example"]
    with db() as s:
        assert authority.inbox(s, as_staff(s, directeur)) == []
