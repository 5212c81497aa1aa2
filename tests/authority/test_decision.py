"""The decision of the bevoegd gezag goes back into the dossier; the counsellor turns it into
the terugkoppeling, which moves the case on and stops the feedback deadline; a melder who
disagrees sees the external routes first."""
import pytest
from sqlalchemy import select

from tests.authority.conftest import escalate, in_behandeling, melder
from whistle.domain.routes import WHY_DISAGREES
from whistle.models import AuditEvent, Case, Dossier
from whistle.services import dossiers
from whistle.services.authority import decisions as authority
from whistle.services.counsellor import case as counsellor
from whistle.services.melder import case as reporter
from whistle.services.cases import staff_case_key
from whistle.services.operations.deadlines_watch import AWAITING_FEEDBACK
from whistle.services.errors import InvalidInput, NotFound
from whistle.services.lifecycle import transition

MOTIVATION = "Onvoldoende aanwijzingen; de aanbesteding liep volgens de regels."


@pytest.fixture
def sent(melding, db, use_case, as_staff):
    in_behandeling(db, use_case, as_staff, melding.ref)
    ref, _ = escalate(db, use_case, as_staff, melding.ref)
    return ref


def case(db, ref) -> Case:
    with db() as s:
        c = s.scalar(select(Case).where(Case.ref == ref))
        s.expunge(c)
        return c


def test_the_decision_reaches_the_counsellor_and_becomes_the_terugkoppeling(melding, sent, db, use_case, clock, as_staff, settings):
    with db() as s:
        outcome = authority.decide(use_case(s), as_staff(s, "burgemeester"), sent,
                                   {"decision": "geen_onderzoek", "motivation": MOTIVATION})
    assert outcome.to_state.value == "besluit_genomen"
    with db() as s:
        # The counsellor reads the decision through the dossier key kept under the case key.
        vp = as_staff(s)
        c = s.scalar(select(Case).where(Case.ref == melding.ref))
        d = s.scalar(select(Dossier))
        opened = dossiers.open_dossier(s, d, dossiers.key_from_copy(c, staff_case_key(s, c, vp.staff, vp.secret_key), d))
        assert opened.decision["decision"] == "geen_onderzoek" and opened.decision["motivation"] == MOTIVATION
        assert opened.decision_label == "Geen onderzoek" and d.decided_on == clock.today()
        audited = s.scalar(select(AuditEvent.details).where(AuditEvent.event == "case_decide"))
    assert "geen_onderzoek" in audited and MOTIVATION not in audited
    clock.advance(days=3)
    with db() as s:
        transition(use_case(s), melding.ref, "give_feedback", as_staff(s), text=f"Besluit: geen onderzoek. {MOTIVATION}")
    c = case(db, melding.ref)
    assert c.state == "terugkoppeling_gegeven" and c.feedback_given_on == clock.today()
    assert c.state not in AWAITING_FEEDBACK  # the deadline watch no longer looks at it
    with db() as s:
        ctx = melder(use_case(s), melding.code)
        texts = [r.body.get("text") for r in reporter.open_records(s, ctx) if r.kind == "message"]
        assert any(MOTIVATION in t for t in texts)
        transition(use_case(s), ctx.case, "disagree", ctx)
        routes = reporter.escalation_routes(ctx.case, clock.today())
    assert routes[0].id in ("huis_voor_klokkenluiders", "vng_commissie") and routes[0].why == WHY_DISAGREES
    assert case(db, melding.ref).melder_disagrees_on == clock.today()


@pytest.mark.parametrize("who", ["wethouder2", "secretaris", "directeur@samenwerking.example"])
def test_a_decision_on_a_dossier_one_may_not_see_is_not_found(melding, db, use_case, as_staff, who):
    from tests.authority.conftest import staff_id
    from whistle.services.counsellor import betrokkenen as concerned
    in_behandeling(db, use_case, as_staff, melding.ref)
    with db() as s:
        concerned.mark(use_case(s), as_staff(s), melding.ref, [staff_id(db, "wethouder2")])
    ref, _ = escalate(db, use_case, as_staff, melding.ref)
    with db() as s:
        with pytest.raises(NotFound):
            authority.decide(use_case(s), as_staff(s, who), ref, {"decision": "onderzoek", "motivation": "x"})
        with pytest.raises(NotFound):  # also through the lifecycle's own entry point
            transition(use_case(s), melding.ref, "decide", as_staff(s, who), decision="onderzoek", motivation="x")
    assert case(db, melding.ref).state == "doorgezet"


def test_a_decision_needs_a_choice_and_a_motivation_and_is_taken_once(sent, melding, db, use_case, as_staff):
    with db() as s:
        with pytest.raises(InvalidInput) as exc:
            authority.decide(use_case(s), as_staff(s, "loco"), sent, {"decision": "onderzoek", "motivation": " "})
        assert exc.value.field == "motivation"
        with pytest.raises(InvalidInput) as exc:
            authority.decide(use_case(s), as_staff(s, "loco"), sent, {"decision": "misschien", "motivation": "x"})
        assert exc.value.field == "decision"
    with db() as s:
        authority.decide(use_case(s), as_staff(s, "loco"), sent, {"decision": "onderzoek", "motivation": "Ernstig."})
    with db() as s:
        with pytest.raises(InvalidInput) as exc:
            authority.decide(use_case(s), as_staff(s, "wethouder"), sent, {"decision": "doorverwijzen", "motivation": "y"})
        assert exc.value.field == "event"


def test_a_made_up_dossier_reference_is_not_found(town, db, use_case, as_staff):
    with db() as s:
        for ref in ("0" * 32, "nonsense", ""):
            with pytest.raises(NotFound):
                authority.read(use_case(s), as_staff(s, "burgemeester"), ref)


def test_the_inbox_lists_only_the_members_own_dossiers_with_their_state(sent, melding, db, clock, as_staff):
    with db() as s:
        lines = authority.inbox(s, as_staff(s, "wethouder"))
        assert [(l.ref, l.case_ref, l.state) for l in lines] == [(sent, melding.ref, "doorgezet")]
        assert authority.inbox(s, as_staff(s, "secretaris")) == []
        assert authority.inbox(s, as_staff(s, "directeur@samenwerking.example")) == []
        with pytest.raises(Exception):
            counsellor.inbox(s, as_staff(s, "wethouder"))
