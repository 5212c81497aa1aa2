"""The annual report at scale: 100,000 meldingen in one organisation, and 100,000 spread over
1,500 organisations (each organisation's report in turn, and one overview across all of them
as a shared service would ask), each beside the bare aggregate query over the same rows in the
same run, so the figures show what the report adds to the database's own GROUP BY.

    python3 bench/register.py                 # 100,000 meldingen, 1,500 organisations
    python3 bench/register.py --quick         # 2,000 meldingen, 15 organisations (smoke test)
    python3 bench/register.py --database-url postgresql://...   # an empty database

The cases are metadata rows written in bulk (ciphertext columns hold random bytes): the report
reads metadata only, so the content does not matter to it."""
from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import bench_database, case_rows, print_header  # noqa: E402

YEAR = 2025
def _timed(fn):
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--database-url")
    args = parser.parse_args()
    cases, orgs = (2_000, 15) if args.quick else (100_000, 1_500)
    print_header(f"annual report: {cases:,} meldingen in 1 organisation and over {orgs:,} organisations")

    db = bench_database("whistle-bench-register-", args.database_url)
    from sqlalchemy import func, insert, select
    from whistle.clock import Clock
    from whistle.infra.db import transaction
    from whistle.models import Case
    from whistle.services.context import UseCase
    from whistle.services.organisations import create_organisation
    from whistle.services.register.annual import annual_report, shared_overview
    settings, engine, factory = db.settings, db.engine, db.factory
    clock = Clock()
    rng = random.Random(14)
    print(f"database: {engine.dialect.name}")

    def uc(s):
        return UseCase(s, settings, clock)

    with transaction(factory) as s:
        single = create_organisation(uc(s), slug="een", name="Eén organisatie", actor="bench").id
        many = [create_organisation(uc(s), slug=f"org-{i:04d}", name=f"Organisatie {i}", actor="bench").id
                for i in range(orgs)]
    for prefix, ids in (("E", [single]), ("V", many)):
        batch = case_rows(ids, cases, rng, prefix, YEAR)
        with transaction(factory) as s:
            for i in range(0, len(batch), 5_000):
                s.execute(insert(Case), batch[i:i + 5_000])

    def bare(ids: list[int]):
        with transaction(factory) as s:
            return s.execute(select(Case.organisation_id, Case.category, Case.channel, Case.named, func.count())
                             .where(Case.organisation_id.in_(ids), Case.received_on >= date(YEAR - 1, 1, 1),
                                    Case.received_on <= date(YEAR, 12, 31))
                             .group_by(Case.organisation_id, Case.category, Case.channel, Case.named)).all()

    def report(slug: str):
        with transaction(factory) as s:
            return annual_report(uc(s), "cli", slug, YEAR)

    print()
    print(f"{'':48} {'seconds':>9}")
    _, t = _timed(lambda: bare([single]))
    print(f"{'bare aggregate query, 1 organisation':48} {t:9.3f}")
    rep, t = _timed(lambda: report("een"))
    print(f"{'annual report, 1 organisation':48} {t:9.3f}   ({rep.figures.total} meldingen in {YEAR})")
    _, t = _timed(lambda: bare(many))
    print(f"{f'bare aggregate query, {orgs:,} organisations':48} {t:9.3f}")
    slugs = [f"org-{i:04d}" for i in range(orgs)]
    reports, t = _timed(lambda: [report(s) for s in slugs])
    print(f"{f'annual report of each of {orgs:,} organisations':48} {t:9.3f}   ({t / orgs * 1000:.1f} ms each)")
    small = sum(1 for r in reports if r.figures.total.hidden)
    print(f"{'':48} {'':9}   ({small} of {orgs} totals suppressed as < 5)")

    def overview():
        with transaction(factory) as s:
            return shared_overview(uc(s), "cli", slugs, YEAR)
    over, t = _timed(overview)
    print(f"{f'one overview across {orgs:,} organisations':48} {t:9.3f}   ({over.figures.total} meldingen)")
    if str(rep.figures.total) in ("0", "< 5") or str(over.figures.total) in ("0", "< 5"):
        print("PROBLEM: the reports counted nothing")
        return 1
    engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
