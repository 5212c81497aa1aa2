"""The vertrouwenspersoon's inbox at scale (issue 13.1): 100,000 meldingen in one organisation,
all shared with one counsellor. Prints p50 and p95 of the inbox's first page (the service, in
process) with no filter, with the overdue filter, with a reference search, of a page deep in
the list and of the cases nobody took on, beside the bare query that fetches the same first 50
rows in the same order, in the same run.

    python3 bench/inbox.py                  # 100,000 meldingen
    python3 bench/inbox.py --quick          # 2,000 meldingen (smoke test)
    python3 bench/inbox.py --database-url postgresql://...   # an empty database

The cases are metadata rows written in bulk (ciphertext columns hold random bytes), each with
the next_due the application stores (bench.common.with_next_due): the inbox decrypts nothing,
so the content does not matter to it. On PostgreSQL the statistics are brought up to date after
the load (VACUUM ANALYZE, as its autovacuum does after a bulk insert); SQLite has none, as in
Whistle itself (--analyze runs ANALYZE there). Goal (issue 13): p95 under
100 ms."""
from __future__ import annotations

import argparse
import random
import secrets
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import bench_database, case_rows, print_header, with_next_due  # noqa: E402

RUNS = 40


def percentiles(fn) -> tuple[float, float, float]:
    """p50 and p95 of the wall time, and p95 of this process's CPU time (ms). The CPU time
    counts what the service and an embedded database do here, not the wait for a core when
    other work shares the machine (nor a database server's own work)."""
    fn()  # warm
    times, cpu = [], []
    for _ in range(RUNS):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return statistics.median(times), statistics.quantiles(times, n=20)[-1], statistics.quantiles(cpu, n=20)[-1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="2,000 meldingen instead of 100,000")
    parser.add_argument("--database-url", help="an empty database to use instead of the embedded default")
    parser.add_argument("--analyze", action="store_true",
                        help="on SQLite, run ANALYZE after the load (Whistle itself never does)")
    args = parser.parse_args()
    cases = 2_000 if args.quick else 100_000
    print_header(f"inbox: {cases:,} meldingen in one organisation, one counsellor")

    db = bench_database("whistle-bench-inbox-", args.database_url)
    from sqlalchemy import insert, select, text
    from whistle.clock import Clock
    from whistle.infra.db import transaction
    from whistle.models import Case, CaseKey, Staff
    from whistle.services.context import UseCase
    from whistle.services.counsellor import inbox
    from whistle.services.organisations import create_organisation, regeling_of
    from whistle.services.staff.accounts import create_staff

    engine, factory = db.engine, db.factory
    clock = Clock()
    rng = random.Random(13)
    print(f"database: {db.dialect}")
    with transaction(factory) as s:
        uc = UseCase(s, db.settings, clock)
        org = create_organisation(uc, slug="een", name="Eén organisatie", actor="bench")
        vp = create_staff(uc, org_slug="een", role="counsellor", email="vp@een.example",
                          passphrase="bench passphrase long enough", actor="bench")
        org_id, vp_id = org.id, vp.id
    start = time.perf_counter()
    today = date.today()
    states = ("ontvangen", "ontvangst_bevestigd", "in_behandeling", "afgesloten")
    batch = case_rows([org_id], cases, rng, "M", today.year)
    for row in batch:
        row["state"] = rng.choice(states)
        with_next_due(row)
    with transaction(factory) as s:
        for i in range(0, len(batch), 5_000):
            s.execute(insert(Case), batch[i:i + 5_000])
        ids = list(s.scalars(select(Case.id).where(Case.organisation_id == org_id)))
        keys = [{"case_id": i, "staff_id": vp_id, "sealed_key": secrets.token_bytes(80)} for i in ids]
        for i in range(0, len(keys), 5_000):
            s.execute(insert(CaseKey), keys[i:i + 5_000])
        # Every fifth case taken on by the counsellor: the "nobody took it" filter has work to skip.
        s.execute(Case.__table__.update().where(Case.id % 5 == 0).values(lead_staff_id=vp_id))
    if db.dialect == "postgresql" or args.analyze:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE" if db.dialect == "postgresql" else "ANALYZE"))
    print(f"built {cases:,} cases with their keys in {time.perf_counter() - start:.1f} s")

    def bare():
        with engine.connect() as conn:
            return conn.execute(
                select(Case.id, Case.ref, Case.state, Case.received_on, Case.ack_due, Case.feedback_due,
                       Case.category, Case.regeling_category)
                .join(CaseKey, CaseKey.case_id == Case.id)
                .where(CaseKey.staff_id == vp_id, Case.organisation_id == org_id, Case.next_due.is_not(None))
                .order_by(Case.next_due, Case.received_on, Case.id).limit(inbox.PAGE_SIZE)).all()

    def listing(filters):
        def run():
            with transaction(factory) as s:
                staff = s.get(Staff, vp_id)
                return inbox.page(s, staff, regeling_of(staff.organisation), filters, today)
        return run

    b50, b95, bcpu = percentiles(bare)
    print(f"\n{'':44} {'p50 ms':>8} {'p95 ms':>8} {'p95 ratio':>9} {'cpu p95':>8}")
    print(f"{'bare query: the first 50 in order':44} {b50:8.1f} {b95:8.1f} {'':9} {bcpu:8.1f}")
    deep = max(1, cases // inbox.PAGE_SIZE // 2)
    for label, filters in (("inbox, first page", inbox.Filters()),
                           ("inbox, overdue only", inbox.Filters(deadline="verstreken")),
                           ("inbox, due this week", inbox.Filters(deadline="deze_week")),
                           ("inbox, status ontvangen", inbox.Filters(state="ontvangen")),
                           ("inbox, status afgesloten (awaits nothing)", inbox.Filters(state="afgesloten")),
                           ("inbox, kind integriteitsvraag", inbox.Filters(kind="integriteitsvraag")),
                           ("inbox, nobody took it on", inbox.Filters(lead=inbox.LEAD_NOBODY)),
                           ("inbox, reference search", inbox.Filters(ref="M-0004")),
                           (f"inbox, page {deep} (halfway)", inbox.Filters(page=deep))):
        p50, p95, cpu95 = percentiles(listing(filters))
        goal = "" if p95 < 100 else "  (goal: p95 < 100 ms, not met)"
        print(f"{label:44} {p50:8.1f} {p95:8.1f} {p95 / b95:8.1f}x {cpu95:8.1f}{goal}")
    engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
