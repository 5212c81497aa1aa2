"""Operator jobs cost what their work costs (issue 17.1): retention finds what is due over all
organisations in one query reading each regeling's term; audit verify streams one ordered pass
and still finds the first break of each chain; an up-to-date upgrade does nothing; the JSON of
`case list` is written row by row exactly as before."""
import json
from datetime import date, timedelta

from sqlalchemy import event, select, update

from whistle.domain.retention import deletion_date
from whistle.infra import migrate
from whistle.models import AuditEvent, Case, Organisation
from whistle.services import audit
from whistle.services.operations.retention import _term, expired

TODAY = date(2026, 6, 1)


def _case(org_id: int, n: int, closed_on: date | None, retain_until: date | None = None) -> Case:
    return Case(organisation_id=org_id, ref=f"S-{n:06d}", locator=n.to_bytes(16, "big"), state="afgesloten",
                received_on=date(2023, 1, 1), ack_due=date(2023, 1, 8), feedback_due=date(2023, 4, 1),
                feedback_maximum=date(2023, 7, 1), closed_on=closed_on, retain_until=retain_until,
                reporter_box_public=bytes(32), reporter_sign_public=bytes(32), key_commitment=bytes(32),
                reporter_sealed_key=bytes(80))


def test_expired_reads_each_organisations_term_in_one_query(world, db, engine):
    world.org("deventer", "Gemeente Deventer")
    world.org("zwolle", "Gemeente Zwolle")
    world.org("kampen", "Gemeente Kampen")
    with db() as s:
        orgs = {o.slug: o for o in s.scalars(select(Organisation))}
        short = json.loads(orgs["zwolle"].regeling_json)
        short["retention"]["closed_case_days"] = 30
        short["benadeling"]["follow_up_months"] = []  # a follow-up must fall before retention
        orgs["zwolle"].regeling_json = json.dumps(short)
        legacy = json.loads(orgs["kampen"].regeling_json)
        del legacy["retention"]  # stored before the key existed: the default term
        orgs["kampen"].regeling_json = json.dumps(legacy)
    n = 0
    with db() as s:
        for org in s.scalars(select(Organisation)):
            for back in (None, 10, 29, 30, 31, 729, 730, 731, 2000):
                for retain in (None, TODAY, TODAY + timedelta(days=1)):
                    n += 1
                    s.add(_case(org.id, n, None if back is None else TODAY - timedelta(days=back), retain))
    statements = []
    listen = lambda *a: statements.append(a[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listen)
    try:
        with db() as s:
            found = expired(s, TODAY)
    finally:
        event.remove(engine, "before_cursor_execute", listen)
    assert len(statements) == 2  # the shortest term, then the cases
    with db() as s:
        expected = sorted(c.id for c in s.scalars(select(Case)) if c.closed_on is not None
                          and deletion_date(c.closed_on, _term(c.organisation), c.retain_until) <= TODAY)
    assert found == expected
    by_org = {}
    with db() as s:
        for c in s.scalars(select(Case).where(Case.id.in_(found))):
            by_org.setdefault(c.organisation.slug, set()).add((TODAY - c.closed_on).days)
    assert by_org == {"zwolle": {30, 31, 729, 730, 731, 2000}, "deventer": {730, 731, 2000},
                      "kampen": {730, 731, 2000}}


def test_verify_streams_and_finds_the_first_break_of_each_chain(world, db):
    world.org("deventer", "Gemeente Deventer")
    world.org("zwolle", "Gemeente Zwolle")
    with db() as s:
        for chain in ("deventer", "zwolle", "kampen"):
            for i in range(30):
                audit.record(s, chain=chain, actor="test", event="probe", today=TODAY, n=i)
    with db() as s:
        assert audit.verify(s) == []
        s.execute(update(AuditEvent).where(AuditEvent.chain == "deventer", AuditEvent.seq == 7)
                  .values(details='{"n":99}'))
        s.execute(update(AuditEvent).where(AuditEvent.chain == "deventer", AuditEvent.seq == 20)
                  .values(details='{"n":98}'))
        s.execute(AuditEvent.__table__.delete().where(AuditEvent.chain == "kampen", AuditEvent.seq == 12))
    with db() as s:
        problems = audit.verify(s)
        assert [(p.chain, p.seq) for p in problems] == [("deventer", 7), ("kampen", 13)]
        assert "edited" in problems[0].reason and "sequence gap" in problems[1].reason
        assert audit.verify(s, "zwolle") == []
        assert [(p.chain, p.seq) for p in audit.verify(s, "kampen")] == [("kampen", 13)]


def test_an_up_to_date_upgrade_runs_nothing(engine):
    assert migrate.is_current(engine)
    statements = []
    listen = lambda *a: statements.append(a[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listen)
    try:
        migrate.upgrade(engine)
    finally:
        event.remove(engine, "before_cursor_execute", listen)
    assert not any("foreign_key_check" in q or "advisory" in q for q in statements)
    assert all(q.lstrip().upper().startswith("SELECT") or "TABLE_INFO" in q.upper() for q in statements), statements


def test_the_streamed_json_array_holds_the_rows_one_to_a_line(capsys):
    from whistle.cli.case import _echo_json_array
    rows = [{"ref": "M-1", "deadlines": {"a": "2026-01-01"}, "category": None},
            {"ref": "M-2", "deadlines": {"a": "2026-01-02"}, "category": "fraude é"}]
    for n in (0, 1, 2):
        _echo_json_array(iter(rows[:n]))
        out = capsys.readouterr().out
        assert json.loads(out) == rows[:n] and len(out.splitlines()) == (n + 2 if n else 1)
