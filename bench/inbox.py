"""The vertrouwenspersoon's inbox at scale (issue 13.1): 100,000 meldingen in one organisation,
all shared with one counsellor. Prints p50 and p95 of the inbox's first page (the service, in
process) with no filter, with the overdue filter and with a reference search, beside the bare
query that fetches the same 50 rows in the same order, in the same run.

    python3 bench/inbox.py                  # 100,000 meldingen
    python3 bench/inbox.py --quick          # 2,000 meldingen (smoke test)
    python3 bench/inbox.py --database-url postgresql://...   # an empty database

The cases are metadata rows written in bulk (ciphertext columns hold random bytes): the inbox
decrypts nothing, so the content does not matter to it. Goal (issue 13): p95 under 100 ms."""
from __future__ import annotations

import argparse
import os
import random
import secrets
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import FAST_KDF, print_header  # noqa: E402
from bench.register import _rows  # noqa: E402

RUNS = 40


def percentiles(fn) -> tuple[float, float]:
    fn()  # warm
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), statistics.quantiles(times, n=20)[-1]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--database-url")
    args = parser.parse_args()
    cases = 2_000 if args.quick else 100_000
    print_header(f"inbox: {cases:,} meldingen in one organisation, one counsellor")

    data = Path(tempfile.mkdtemp(prefix="whistle-bench-inbox-"))
    (data / "whistle.toml").write_text(FAST_KDF)
    os.environ["WHISTLE_DATA_DIR"] = str(data)
    if args.database_url:
        os.environ["WHISTLE_DATABASE_URL"] = args.database_url
    from sqlalchemy import insert, select
    from whistle.clock import Clock
    from whistle.infra import migrate
    from whistle.infra.db import make_engine, make_session_factory, transaction
    from whistle.models import Case, CaseKey, Staff
    from whistle.services.context import UseCase
    from whistle.services.counsellor import inbox
    from whistle.services.organisations import create_organisation, regeling_of
    from whistle.services.staff.accounts import create_staff
    from whistle.settings import settings_from_env

    settings = settings_from_env()
    engine = make_engine(settings.database_url)
    migrate.upgrade(engine)
    factory = make_session_factory(engine)
    clock = Clock()
    rng = random.Random(13)
    print(f"database: {engine.dialect.name}")
    with transaction(factory) as s:
        uc = UseCase(s, settings, clock)
        org = create_organisation(uc, slug="een", name="Eén organisatie", actor="bench")
        vp = create_staff(uc, org_slug="een", role="counsellor", email="vp@een.example",
                          passphrase="bench passphrase long enough", actor="bench")
        org_id, vp_id = org.id, vp.id
    start = time.perf_counter()
    batch = _rows([org_id], cases, rng, "M")
    states = ("ontvangen", "ontvangst_bevestigd", "in_behandeling", "afgesloten")
    for row in batch:
        row["state"] = rng.choice(states)
    with transaction(factory) as s:
        for i in range(0, len(batch), 5_000):
            s.execute(insert(Case), batch[i:i + 5_000])
        ids = list(s.scalars(select(Case.id).where(Case.organisation_id == org_id)))
        keys = [{"case_id": i, "staff_id": vp_id, "sealed_key": secrets.token_bytes(80)} for i in ids]
        for i in range(0, len(keys), 5_000):
            s.execute(insert(CaseKey), keys[i:i + 5_000])
    print(f"built {cases:,} cases with their keys in {time.perf_counter() - start:.1f} s")
    today = date.today()

    def bare():
        with engine.connect() as conn:
            return conn.execute(
                select(Case.id, Case.ref, Case.state, Case.received_on, Case.ack_due, Case.feedback_due,
                       Case.category, Case.regeling_category)
                .join(CaseKey, CaseKey.case_id == Case.id)
                .where(CaseKey.staff_id == vp_id, Case.organisation_id == org_id)
                .order_by(inbox.NEXT_DEADLINE.is_(None), inbox.NEXT_DEADLINE, Case.received_on.desc(),
                          Case.id.desc()).limit(inbox.PAGE_SIZE)).all()

    def listing(filters):
        def run():
            with transaction(factory) as s:
                staff = s.get(Staff, vp_id)
                return inbox.page(s, staff, regeling_of(staff.organisation), filters, today)
        return run

    b50, b95 = percentiles(bare)
    print(f"\n{'':44} {'p50 ms':>8} {'p95 ms':>8} {'p95 ratio':>9}")
    print(f"{'bare query: the first 50 in order':44} {b50:8.1f} {b95:8.1f}")
    for label, filters in (("inbox, first page", inbox.Filters()),
                           ("inbox, overdue only", inbox.Filters(deadline="verstreken")),
                           ("inbox, reference search", inbox.Filters(ref="M-0004"))):
        p50, p95 = percentiles(listing(filters))
        goal = "" if p95 < 100 else "  (goal: p95 < 100 ms, not met)"
        print(f"{label:44} {p50:8.1f} {p95:8.1f} {p95 / b95:8.1f}x{goal}")
    engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
