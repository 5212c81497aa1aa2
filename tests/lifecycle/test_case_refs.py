"""Case references (issue 17.3): 60 random bits, and a reference already in use is replaced
inside the same transaction, so the melding is stored all the same: whether the collision is
seen before the insert or only by the unique key (another transaction took it meanwhile)."""
import re

from sqlalchemy import func, select

from tests.conftest import code_from_receipt
from whistle.models import AuditEvent, Case
from whistle.services import cases

FORM = {"what": "Het hoofd inkoop gunt opdrachten aan zijn zwager", "where": "Stadhuis",
        "category": "schending_regels_beleid"}


def submit(browser):
    page = browser.submit("/o/deventer/melden", FORM)
    assert page.status_code == 200, page.get_data(as_text=True)
    return code_from_receipt(page.get_data(as_text=True))


def refs(db):
    with db() as s:
        return list(s.scalars(select(Case.ref).order_by(Case.id)))


def test_a_new_reference_has_twelve_symbols_and_old_ones_stay_valid(deventer, browser, db, melding):
    assert re.fullmatch(r"M-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", melding.ref)
    assert len(set(cases.new_ref() for _ in range(10000))) == 10000
    with db() as s:  # a reference of the earlier 8-symbol form is found as before
        s.execute(Case.__table__.update().values(ref="M-ABCD-EFGH"))
    with db() as s:
        assert cases.case_by_ref(s, "M-ABCD-EFGH").ref == "M-ABCD-EFGH"


def test_a_reference_seen_in_use_is_replaced(deventer, browser, db, melding, monkeypatch):
    fresh = "M-AAAA-BBBB-CCCC"
    queue = [melding.ref, melding.ref, fresh]
    monkeypatch.setattr(cases, "new_ref", lambda: queue.pop(0))
    submit(browser)
    assert refs(db) == [melding.ref, fresh] and queue == []


def test_a_reference_taken_meanwhile_is_replaced_under_a_savepoint(deventer, browser, db, melding, monkeypatch):
    fresh = "M-DDDD-EEEE-FFFF"
    queue = [melding.ref, fresh]
    monkeypatch.setattr(cases, "new_ref", lambda: queue.pop(0))
    real, checks = cases.ref_taken, []

    def check(s, ref):  # the first check misses the row, as if another transaction committed it since
        checks.append(ref)
        return False if len(checks) == 1 else real(s, ref)
    monkeypatch.setattr(cases, "ref_taken", check)
    submit(browser)
    assert refs(db) == [melding.ref, fresh] and queue == []
    with db() as s:  # one case_received event each: the retried insert is one melding
        assert s.scalar(select(func.count()).select_from(AuditEvent)
                        .where(AuditEvent.event == "case_received")) == 2


def test_a_refusal_that_is_not_about_the_reference_is_raised(deventer, db, melding, monkeypatch):
    import pytest
    from sqlalchemy.exc import IntegrityError
    with db() as s:
        existing = s.scalars(select(Case).where(Case.ref == melding.ref)).one()
        values = {c.key: getattr(existing, c.key) for c in Case.__mapper__.column_attrs
                  if c.key not in ("id", "ref")}
    with pytest.raises(IntegrityError):
        with db() as s:  # the same locator: the unique key on it refuses, not the reference
            cases.insert_with_new_ref(s, Case(**values))
    assert refs(db) == [melding.ref]


def test_the_new_case_is_part_of_the_callers_transaction(deventer, db, melding):
    """A crash after the case row and before its records must leave nothing: the savepoint
    around the insert does not commit the case on its own (on SQLite it would, were it the
    transaction's first statement)."""
    import pytest
    with db() as s:
        existing = s.scalars(select(Case).where(Case.ref == melding.ref)).one()
        values = {c.key: getattr(existing, c.key) for c in Case.__mapper__.column_attrs
                  if c.key not in ("id", "ref", "locator")}
    with pytest.raises(RuntimeError, match="crash"):
        with db() as s:
            cases.insert_with_new_ref(s, Case(**values, locator=b"\x01" * len(existing.locator)))
            raise RuntimeError("crash before the records")
    assert refs(db) == [melding.ref]
