"""A melding made by the vertrouwenspersoon for a melder who came in person: the same client
steps as the form, no identity stored, and a code to follow it only when asked for."""
import pytest
from sqlalchemy import select

from whistle.models import AuditEvent, Record
from whistle.services.counsellor import case as counsellor
from whistle.services.counsellor import on_behalf
from whistle.services.melder import case as reporter
from whistle.services.errors import Forbidden, InvalidInput, Unauthorized


def test_on_behalf_with_a_code_the_melder_can_follow(town, db, use_case, as_staff, settings):
    with db() as s:
        case, code = on_behalf.report_on_behalf(use_case(s), as_staff(s), {
            "what": "Mondeling gemeld: facturen worden dubbel betaald."}, give_code=True)
        ref = case.ref
    assert code
    with db() as s:
        # Every counsellor reads it; nobody can tell who the melder is: no identity is stored.
        assert counsellor.open_case(use_case(s), as_staff(s, "vp2"), ref).identity is None
        assert s.scalar(select(Record.id).where(Record.kind == "identity")) is None
        ctx = reporter.open_code_session(use_case(s), "deventer", code)
        assert ctx.case.ref == ref
        details = s.scalar(select(AuditEvent.details).where(AuditEvent.event == "case_reported_on_behalf"))
    assert code not in details and "true" in details


def test_on_behalf_without_a_code(town, db, use_case, as_staff, settings):
    with db() as s:
        case, code = on_behalf.report_on_behalf(use_case(s), as_staff(s), {"what": "Iets."}, give_code=False)
    assert code is None
    with db() as s:
        assert len(counsellor.inbox(s, as_staff(s))) == 1
        with pytest.raises(Unauthorized):
            reporter.open_code_session(use_case(s), "deventer", "0000-0000-0000-0000")


def test_on_behalf_refuses_empty_reports_other_roles_and_regelingen_without_it(town, db, use_case, as_staff, settings):
    with db() as s:
        with pytest.raises(InvalidInput):
            on_behalf.report_on_behalf(use_case(s), as_staff(s), {"what": " "}, give_code=True)
        with pytest.raises(Forbidden):
            on_behalf.report_on_behalf(use_case(s), as_staff(s, "burgemeester"), {"what": "x"}, give_code=True)
        # Samenwerking's regeling does not provide for it.
        with pytest.raises(Forbidden):
            on_behalf.report_on_behalf(use_case(s), as_staff(s, "vp@samenwerking.example"),
                                       {"what": "x"}, give_code=True)
