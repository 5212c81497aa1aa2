"""One installation for every Dutch public body (issue 17): 1,500 organisations and 100k / 1M
cases, and what each background or operator job costs beside its bare limit, measured in the
same run on the same machine.

    python3 bench/scale.py                           # 100,000 cases, SQLite
    python3 bench/scale.py --cases 1000000           # a million
    python3 bench/scale.py --database-url postgresql://postgres@127.0.0.1:5432/whistle_bench
    python3 bench/scale.py --quick                   # 2,000 cases, 15 organisations (smoke test)

How the data is made: `whistle demo` (the real code) makes an organisation with its staff and
one melding through the real intake: the case row, its sealed report record, its case keys,
its audit events. Those rows are then copied, with a new reference, locator and dates, over
the 1,500 organisations (made by the real create_organisation) in bulk inserts; each copy gets
its `case_received` event in its organisation's audit chain, hashed by the audit module's own
digest, so `audit verify` checks a real chain. Of the cases 40 % are open and past their
deadlines with the overdue and reminded flags set (the backlog a real deadline pass leaves),
60 % closed within the retention term; a tenth belong to the demo organisation, whose list
`case list --json` prints.

Every figure is printed beside its bare limit: the same rows fetched by the bare query (or the
file copied by cp / pg_dump), so the ratio shows what Whistle adds."""
from __future__ import annotations

import argparse
import hashlib
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import FAST_KDF, bench_database, print_header, with_next_due  # noqa: E402

CHUNK = 10_000
NEW_MOMENTS = 500
PASSPHRASE = "bench backup passphrase, long enough"


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


# Runs the command and reports the peak resident memory of its own program: VmHWM after exec
# (the rusage of a child also counts the parent's pages it was forked with).
_WRAPPER = ("import atexit, os, runpy, sys\n"
            "def _peak():\n"
            "    for l in open('/proc/self/status'):\n"
            "        if l.startswith('VmHWM:'):\n"
            "            os.write(2, ('PEAK_KB ' + l.split()[1] + '\\n').encode())\n"
            "atexit.register(_peak)\n"
            "sys.argv = ['whistle'] + sys.argv[1:]\n"
            "runpy.run_module('whistle.cli', run_name='__main__')\n")


LAST_CPU = [0.0]  # CPU seconds (user + system) of the last run_cli command


def run_cli(env: dict, *args: str, stdin: str | None = None) -> tuple[float, float]:
    """Seconds and peak resident MiB of one `whistle` command in its own process (its CPU
    seconds in LAST_CPU: on a loaded machine the wall time is mostly waiting for a core)."""
    with tempfile.TemporaryFile() as err, tempfile.TemporaryFile() as given:
        given.write((stdin or "").encode())
        given.seek(0)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        # Run from this checkout: `python -c` puts the working directory first on the path.
        proc = subprocess.run([sys.executable, "-c", _WRAPPER, *args], env=env, stdin=given,
                              stdout=subprocess.DEVNULL, stderr=err, cwd=Path(__file__).resolve().parents[1])
        seconds = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        LAST_CPU[0] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        err.seek(0)
        text = err.read().decode()
    if proc.returncode:
        raise SystemExit(f"whistle {' '.join(args)} failed: {text}")
    peak = [int(line.split()[1]) for line in text.splitlines() if line.startswith("PEAK_KB ")]
    return seconds, (peak[-1] / 1024 if peak else float("nan"))


def sealed_copy(source: Path, target: Path, params) -> float:
    """The physical limit of an encrypted backup of `source`: one Argon2id at the backup's cost,
    then raw secretstream over the file in 1 MiB frames, written and synced; and of its restore:
    the same Argon2id, pulling every frame and writing the plain file back. Seconds of both."""
    from nacl import bindings as ss
    from crypto.kdf import argon2id
    start = time.perf_counter()
    key = argon2id(PASSPHRASE.encode(), b"\0" * 16, params)
    state = ss.crypto_secretstream_xchacha20poly1305_state()
    header = ss.crypto_secretstream_xchacha20poly1305_init_push(state, key)
    sealed = target.with_suffix(".sealed")
    with open(source, "rb") as src, open(sealed, "wb") as out:
        out.write(header)
        while chunk := src.read(1 << 20):
            out.write(ss.crypto_secretstream_xchacha20poly1305_push(state, chunk, None, 0))
        out.flush()
        os.fsync(out.fileno())
    key = argon2id(PASSPHRASE.encode(), b"\0" * 16, params)
    state = ss.crypto_secretstream_xchacha20poly1305_state()
    frame = (1 << 20) + ss.crypto_secretstream_xchacha20poly1305_ABYTES
    with open(sealed, "rb") as src, open(target, "wb") as out:
        ss.crypto_secretstream_xchacha20poly1305_init_pull(state, src.read(24), key)
        while chunk := src.read(frame):
            out.write(ss.crypto_secretstream_xchacha20poly1305_pull(state, chunk, None)[0])
        out.flush()
        os.fsync(out.fileno())
    sealed.unlink()
    return time.perf_counter() - start


def cli_env(data: Path) -> dict:
    """The commands' environment: this checkout first on the path."""
    return dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1]))


def reuse_database(data: Path, database_url: str | None):
    """The data directory (and database) a run with --keep left."""
    from bench.common import BenchDatabase
    os.environ["WHISTLE_DATA_DIR"] = str(data)
    if database_url:
        os.environ["WHISTLE_DATABASE_URL"] = database_url
    from whistle.infra.db import make_engine, make_session_factory
    from whistle.settings import settings_from_env
    settings = settings_from_env()
    engine = make_engine(settings.database_url)
    return BenchDatabase(data, settings, engine, make_session_factory(engine))


def durable_copy(source: Path, target: Path) -> None:
    target.unlink(missing_ok=True)
    shutil.copyfile(source, target)
    fd = os.open(target, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def line(label: str, seconds: float, bare: float | None = None, extra: str = "") -> None:
    ratio = f"{seconds / bare:7.1f}x" if bare else "        "
    bare_text = f"{bare:9.3f}" if bare is not None else " " * 9
    print(f"{label:52} {seconds:9.3f} {bare_text} {ratio}  {extra}", flush=True)


def measure_backup(args, db, env: dict, t_help: float) -> None:
    """`whistle backup create` and `restore` as commands, each beside its bare copy."""
    data, settings, engine, dialect = db.data, db.settings, db.engine, db.dialect
    backup_file = data.parent / f"{data.name}.backup"
    copy_target = data.parent / f"{data.name}.copy"
    if dialect == "sqlite":
        source = Path(settings.database_url.split("///", 1)[1])
        _, bare = timed(lambda: shutil.copyfile(source, copy_target))
        bare_label = "cp"
    else:
        _, bare = timed(lambda: subprocess.run(["pg_dump", "-Fc", "-Z0", "-f", str(copy_target),
                                                 args.database_url.split("?")[0]], check=True))
        bare_label = "pg_dump -Fc -Z0"
    engine.dispose()
    t, peak = run_cli(env, "backup", "create", str(backup_file), "--password-stdin", stdin=PASSPHRASE)
    t_create = t
    line("backup create", t, bare, f"(peak {peak:.0f} MiB, CPU {LAST_CPU[0]:.2f} s; bare: {bare_label}, "
                                   f"{backup_file.stat().st_size / 2**20:.0f} MiB)")
    if dialect == "sqlite":
        # The backup's file is on disk when the command returns (fsync); cp leaves it in
        # the page cache. The same copy made durable is the other limit.
        _, durable = timed(lambda: durable_copy(source, copy_target))
        line("backup create, beside a durable copy", t, durable, "(bare: cp + fsync)")
    target = data.parent / f"{data.name}-restored"
    target.mkdir()
    (target / "whistle.toml").write_text(FAST_KDF)
    renv = dict(env, WHISTLE_DATA_DIR=str(target))
    if dialect == "postgresql":
        restore_db = "whistle_bench_restore"
        subprocess.run(["psql", args.database_url.split("?")[0], "-qc",
                        f"DROP DATABASE IF EXISTS {restore_db}"], check=True, capture_output=True)
        subprocess.run(["psql", args.database_url.split("?")[0], "-qc", f"CREATE DATABASE {restore_db}"],
                       check=True, capture_output=True)
        restore_url = args.database_url.rsplit("/", 1)[0] + "/" + restore_db
        renv["WHISTLE_DATABASE_URL"] = restore_url
        _, bare = timed(lambda: subprocess.run(["pg_restore", "-d", restore_url, str(copy_target)],
                                               check=True, capture_output=True))
        subprocess.run(["psql", args.database_url.split("?")[0], "-qc", f"DROP DATABASE {restore_db}"],
                       check=True, capture_output=True)
        subprocess.run(["psql", args.database_url.split("?")[0], "-qc", f"CREATE DATABASE {restore_db}"],
                       check=True, capture_output=True)
        bare_label = "pg_restore"
    else:
        renv.pop("WHISTLE_DATABASE_URL", None)
        _, bare = timed(lambda: shutil.copyfile(copy_target, target / "copy.sqlite3"))
        bare_label = "cp"
    t, peak = run_cli(renv, "backup", "restore", str(backup_file), "--password-stdin", stdin=PASSPHRASE)
    line("backup restore", t, bare, f"(peak {peak:.0f} MiB, CPU {LAST_CPU[0]:.2f} s; bare: {bare_label})")
    if dialect == "sqlite":
        line("backup restore, beside a durable copy", t, durable, "(bare: cp + fsync)")
    if dialect == "sqlite":
        # What no encrypted backup command can beat: its start-up, one Argon2id each way,
        # and raw secretstream over the same file (create and restore together).
        limit = t_help * 2 + sealed_copy(source, copy_target, settings.staff_kdf)
        line("backup create + restore", t_create + t, limit,
             "(bare: 2x start-up + Argon2id + raw secretstream both ways over the file)")
    shutil.rmtree(target, ignore_errors=True)
    backup_file.unlink(missing_ok=True)
    copy_target.unlink(missing_ok=True)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--orgs", type=int, default=1_500)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--database-url")
    parser.add_argument("--skip-backup", action="store_true")
    parser.add_argument("--keep", action="store_true",
                        help="leave the built data directory (and database) in place and print where")
    parser.add_argument("--reuse", type=Path, metavar="DATA_DIR",
                        help="a data directory left by --keep (with the same --database-url): skip the "
                             "build and every figure but the backup's")
    parser.add_argument("--repeat", type=int, default=1, help="measure the backup and restore this many times")
    args = parser.parse_args()
    if args.quick:
        args.cases, args.orgs = 2_000, 15
    print_header(f"scale: {args.cases:,} cases over {args.orgs:,} organisations")

    if args.reuse:
        db = reuse_database(args.reuse, args.database_url)
    else:
        db = bench_database("whistle-bench-scale-", args.database_url)
    from sqlalchemy import func, insert, select, text, update
    from whistle import demo
    from whistle.clock import Clock
    from whistle.infra import migrate
    from whistle.infra.db import transaction
    from whistle.models import AuditEvent, Case, CaseKey, Organisation, Record
    from whistle.services import audit
    from whistle.services.context import UseCase
    from whistle.services.operations import deadlines_watch, retention
    from whistle.services.organisations import create_organisation
    from whistle.settings import MailSettings

    data, settings, engine, factory = db.data, db.settings, db.engine, db.factory
    dialect = db.dialect
    clock = Clock()
    today = clock.today()
    rng = random.Random(17)
    print(f"database: {dialect}; data in {data}\n")
    env = cli_env(data)
    run_cli(env, "--help")  # a first start-up, so the measured ones find the files in the page cache
    if args.reuse:
        print(f"{'':52} {'seconds':>9} {'bare':>9} {'ratio':>8}")
        t_help, _ = run_cli(env, "--help")
        line("start-up (`whistle --help`)", t_help, extra=f"(CPU {LAST_CPU[0]:.2f} s)")
        for _ in range(args.repeat):
            measure_backup(args, db, env, t_help)
        return 0

    # --- build ---------------------------------------------------------------------------
    start = time.perf_counter()
    with transaction(factory) as s:
        demo.set_up(UseCase(s, settings, clock))
    with transaction(factory) as s:
        for i in range(args.orgs):
            create_organisation(UseCase(s, settings, clock), slug=f"org-{i:04d}", name=f"Organisatie {i:04d}",
                                actor="bench")
    with transaction(factory) as s:
        real = s.scalars(select(Case)).one()
        case_cols = {c.key: getattr(real, c.key) for c in Case.__mapper__.column_attrs if c.key != "id"}
        record_cols = [{c.key: getattr(r, c.key) for c in Record.__mapper__.column_attrs if c.key != "id"}
                       for r in s.scalars(select(Record).where(Record.case_id == real.id))]
        # The counsellor's sealed case key, copied without the staff member: no reminder mail.
        first_key = s.scalars(select(CaseKey).where(CaseKey.case_id == real.id)).first()
        key_cols = {c.key: getattr(first_key, c.key) for c in CaseKey.__mapper__.column_attrs if c.key != "id"}
        key_cols["staff_id"] = None
        org_ids = {o.id: o.slug for o in s.scalars(select(Organisation))}
        demo_id = real.organisation_id
        heads = {}
        for chain, seq in s.execute(select(AuditEvent.chain, func.max(AuditEvent.seq)).group_by(AuditEvent.chain)):
            heads[chain] = (seq, s.scalar(select(AuditEvent.hash).where(AuditEvent.chain == chain,
                                                                          AuditEvent.seq == seq)))
    others = [i for i in org_ids if i != demo_id]
    next_id = 1_000_000
    backlog_open = 0
    for first in range(0, args.cases, CHUNK):
        cases, records, keys, events = [], [], [], []
        for n in range(first, min(first + CHUNK, args.cases)):
            case_id = next_id + n
            org_id = demo_id if n % 10 == 0 else others[n % len(others)]
            received = today - timedelta(days=rng.randint(60, 700))
            row = dict(case_cols, id=case_id, organisation_id=org_id, ref=f"B-{n:09d}",
                       locator=n.to_bytes(16, "big"), received_on=received,
                       ack_due=received + timedelta(days=7), feedback_due=received + timedelta(days=91),
                       feedback_maximum=received + timedelta(days=182), acknowledged_on=None,
                       ack_reminded_on=None, feedback_reminded_on=None, ack_overdue_on=None,
                       feedback_overdue_on=None)
            if n % 5 < 2:   # open and overdue, handled by earlier passes: the backlog
                backlog_open += 1
                row.update(state="ontvangen", ack_reminded_on=received + timedelta(days=8),
                           ack_overdue_on=received + timedelta(days=8),
                           feedback_reminded_on=received + timedelta(days=92),
                           feedback_overdue_on=received + timedelta(days=92))
            else:           # closed within the retention term
                row.update(state="afgesloten", acknowledged_on=received + timedelta(days=2),
                           feedback_given_on=received + timedelta(days=40),
                           closed_on=min(today - timedelta(days=1), received + timedelta(days=50)))
            cases.append(with_next_due(row))
            records += [dict(r, case_id=case_id) for r in record_cols]
            keys.append(dict(key_cols, case_id=case_id))
            chain = org_ids[org_id]
            seq, prev = heads.get(chain, (0, audit.GENESIS))
            details = '{"attachments":0}'
            digest = audit._digest(prev, chain, seq + 1, received, "melder", "case_received", row["ref"], details)
            events.append({"chain": chain, "seq": seq + 1, "occurred_on": received, "actor": "melder",
                           "event": "case_received", "case_ref": row["ref"], "details": details,
                           "prev_hash": prev, "hash": digest})
            heads[chain] = (seq + 1, digest)
        with transaction(factory) as s:
            s.execute(insert(Case), cases)
            s.execute(insert(Record), records)
            s.execute(insert(CaseKey), keys)
            s.execute(insert(AuditEvent), events)
    if dialect == "postgresql":
        with engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
    else:
        with engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    with transaction(factory) as s:
        events_total = s.scalar(select(func.count(AuditEvent.id)))
    print(f"built {args.cases:,} cases ({backlog_open:,} open overdue backlog), {events_total:,} audit events, "
          f"{args.orgs + 1:,} organisations in {time.perf_counter() - start:.1f} s\n")
    print(f"{'':52} {'seconds':>9} {'bare':>9} {'ratio':>8}")

    # --- the deadline pass ---------------------------------------------------------------
    window = deadlines_watch.DEFAULT_DUE_SOON_DAYS
    horizon = today + timedelta(days=window)
    nowhere = settings.with_(mail=MailSettings(host="127.0.0.1", port=9))  # no mail is due

    def bare_deadlines():
        with transaction(factory) as s:
            return sum(s.scalar(select(func.count()).select_from(Case).where(Case.state.in_(d.awaiting), due <= horizon))
                       for d, due in ((deadlines_watch._DEADLINES[0], Case.ack_due),
                                      (deadlines_watch._DEADLINES[1], Case.feedback_due)))
    bare_deadlines()
    in_range, bare = timed(bare_deadlines)
    deadlines_watch.watch(factory, nowhere, clock)  # warm: the statements compiled once
    report, t = timed(lambda: deadlines_watch.watch(factory, nowhere, clock))
    assert report.ok and not report.overdue, report
    line("deadline pass, nothing new", t, bare, f"({in_range:,} cases in the index range)")
    with transaction(factory) as s:
        picked = list(s.scalars(select(Case.id).where(Case.state == "ontvangen", Case.ref.like("B-%"))
                              .limit(NEW_MOMENTS)))
        s.execute(update(Case).where(Case.id.in_(picked)).values(ack_overdue_on=None, ack_reminded_on=None))
    report, t = timed(lambda: deadlines_watch.watch(factory, nowhere, clock))
    assert report.ok and len(report.overdue) == len(picked), (len(report.overdue), report.failures[:3])
    line(f"deadline pass, {len(picked):,} new due moments", t, bare,
         f"({t / len(picked) * 1000:.2f} ms per due moment)")

    # --- retention -------------------------------------------------------------------------
    def bare_retention():
        with transaction(factory) as s:
            return list(s.scalars(select(Case.id).where(Case.closed_on <= today - timedelta(days=730))))
    bare_retention()
    _, bare = timed(bare_retention)
    with transaction(factory) as s:
        retention.expired(s, today)
    def expired():
        with transaction(factory) as s:
            return retention.expired(s, today)
    due, t = timed(expired)
    line("retention: what is due, all organisations", t, bare, f"({len(due)} due)")

    # --- audit verify ----------------------------------------------------------------------
    def bare_verify():
        h = 0
        with engine.connect() as conn:
            rows = conn.execution_options(stream_results=True, yield_per=2000).execute(
                select(AuditEvent.id, AuditEvent.chain, AuditEvent.seq, AuditEvent.occurred_on, AuditEvent.actor,
                       AuditEvent.event, AuditEvent.case_ref, AuditEvent.details, AuditEvent.prev_hash,
                       AuditEvent.hash).order_by(AuditEvent.chain, AuditEvent.seq))
            for row in rows:
                h += len(hashlib.blake2b(repr(row[1:8]).encode(), digest_size=32).hexdigest())
        return h
    _, bare = timed(bare_verify)

    def verify():
        with transaction(factory) as s:
            return audit.verify(s)
    problems, t = timed(verify)
    assert problems == [], problems[:3]
    line(f"audit verify in process ({events_total:,} events)", t, bare, "(bare: the same fetch and hash)")
    t, peak = run_cli(env, "audit", "verify")
    line("audit verify, the command", t, bare, f"(peak {peak:.0f} MiB, with the start-up)")

    # --- case list --json -----------------------------------------------------------------
    def bare_list():
        with engine.connect() as conn:
            return sum(1 for _ in conn.execution_options(stream_results=True, yield_per=1000).execute(
                select(Case.ref, Case.state, Case.received_on, Case.acknowledged_on, Case.feedback_given_on,
                       Case.ack_due, Case.feedback_due, Case.feedback_maximum, Case.category)
                .where(Case.organisation_id == demo_id).order_by(Case.received_on, Case.id)))
    listed, bare = timed(bare_list)
    t, peak = run_cli(env, "case", "list", "--org", "demo", "--json")
    line(f"case list --json ({listed:,} cases)", t, bare, f"(peak {peak:.0f} MiB; bare in-process)")

    # --- upgrade when up to date ---------------------------------------------------------
    t_help, peak_help = run_cli(env, "--help")
    t, _ = run_cli(env, "db", "upgrade")
    line("db upgrade, up to date (process)", t, t_help,
         f"(bare: `whistle --help`, the start-up; its peak {peak_help:.0f} MiB, CPU {LAST_CPU[0]:.2f} s)")
    _, t = timed(lambda: migrate.upgrade(engine))
    line("db upgrade, up to date (in process)", t)

    if not args.skip_backup:
        for _ in range(args.repeat):
            measure_backup(args, db, env, t_help)
    if args.keep:
        print(f"\nkept: --reuse {data}" + (f" --database-url {args.database_url}" if args.database_url else ""))
        return 0
    shutil.rmtree(data, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
