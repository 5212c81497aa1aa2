"""Encrypted backups: a round trip gives back every case, readable by the same counsellors and
the same melders; the file alone reveals nothing; an altered file, a wrong passphrase and a
non-empty target are refused with a clear message and change nothing. Runs on PostgreSQL
too (the target is then a fresh schema)."""
from __future__ import annotations

import base64
import json
import os
import secrets
import sys
import threading
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import MetaData, func, inspect, select

import crypto
from whistle.infra.background_writer import BackgroundWriter
from tests.conftest import PASSPHRASE
from whistle.infra import migrate
from whistle.clock import Clock
from whistle.infra.db import make_engine, make_session_factory, transaction
from whistle.models import AuditEvent, Case, Record
from whistle.reporter_client import FlaskTransport, ReporterClient
from whistle.services import audit
from whistle.services.context import UseCase
from whistle.services.operations import backup
from whistle.services.counsellor import case as counsellor
from whistle.services.staff import accounts as staff
from whistle.services.staff.accounts import StaffPrincipal
from whistle.settings import Settings
from whistle.web.app import create_app

BACKUP_PASS = "vier woorden die niemand raadt"
FILE_CONTENT = b"%PDF-1.4 bewijsstuk " + secrets.token_bytes(200_000)  # spans several chunks


@dataclass
class Arranged:
    counsellors: list[str]
    melders: list[ReporterClient]
    refs: list[str]


@pytest.fixture
def arranged(world, reporter_api, db) -> Arranged:
    world.org("deventer")
    emails = [world.staff("deventer", "counsellor", email=f"vp{i}@deventer.example").email for i in (1, 2)]
    first = reporter_api()
    first.submit({"what": "Fraude bij de inkoop", "who": "Afdeling X"}, identity={"name": "Anna"})
    first.log_in()
    first.send_message("Nog een detail over de inkoop")
    first.upload("bewijs.pdf", "application/pdf", [FILE_CONTENT], len(FILE_CONTENT))
    second = reporter_api()
    second.submit({"what": "Intimidatie op de werkvloer"})
    with db() as s:
        refs = list(s.scalars(select(Case.ref).order_by(Case.id)))
        member, secret = staff.check_passphrase(s, emails[0], PASSPHRASE)
        counsellor.reply(world.use_case(s), StaffPrincipal(member, secret, b""), refs[0], "Dank, wij kijken ernaar")
    return Arranged(emails, [first, second], refs)


def make_backup(settings, tmp_path, name="whistle.backup", portable=False) -> Path:
    path = tmp_path / name
    backup.create(settings, path, BACKUP_PASS, crypto.MINIMUM, date(2025, 3, 1), portable=portable)
    return path


# On SQLite a backup is the database file's image unless asked to be portable (a logical dump);
# on PostgreSQL it is always the logical dump. Both forms must round-trip and refuse damage.
FORMS = pytest.mark.parametrize("portable", [False, True], ids=["image", "portable"])


def tree(settings: Settings) -> dict[str, bytes]:
    """Every file under the data dir with its content, and the target database's tables."""
    out = {}
    if settings.data_dir.exists():
        for p in sorted(settings.data_dir.rglob("*")):
            out[str(p.relative_to(settings.data_dir))] = p.read_bytes() if p.is_file() else b"<dir>"
    if not settings.database_url.startswith("sqlite"):
        engine = make_engine(settings.database_url)
        with engine.connect() as conn:
            out["<tables>"] = repr(sorted(inspect(conn).get_table_names())).encode()
        engine.dispose()
    return out


def all_rows(settings: Settings) -> dict[str, list[tuple]]:
    engine = make_engine(settings.database_url)
    meta = MetaData()
    with engine.connect() as conn:
        meta.reflect(bind=conn)
        rows = {t.name: sorted((tuple(r) for r in conn.execute(select(t))), key=repr)
                for t in meta.sorted_tables}
    engine.dispose()
    return rows


def open_all(target: Settings, email: str) -> dict[str, counsellor.OpenedCase]:
    engine = make_engine(target.database_url)
    factory = make_session_factory(engine)
    opened = {}
    with transaction(factory) as s:
        member, secret = staff.check_passphrase(s, email, PASSPHRASE)
        principal = StaffPrincipal(member, secret, b"")
        uc = UseCase(s, target, Clock())
        for case in counsellor.inbox(s, principal):
            oc = counsellor.open_case(uc, principal, case.ref)
            oc.bodies = {}
            for a in oc.attachments:
                _h, body = counsellor.download(uc, principal, case.ref, a.id)
                oc.bodies[a.name] = b"".join(body)
            opened[case.ref] = oc
        assert audit.verify(s) == []
    engine.dispose()
    return opened


@FORMS
def test_round_trip_gives_back_every_case_readable_by_the_same_counsellors_and_melders(
        arranged, settings, target, tmp_path, portable):
    path = make_backup(settings, tmp_path, portable=portable)
    summary = backup.restore(target, path, BACKUP_PASS)
    assert summary.files == 1 and summary.tables["cases"] == 2 and summary.created_on == "2025-03-01"
    # Row for row, every table but the sessions is what it was (on either database).
    source, restored = all_rows(settings), all_rows(target)
    assert set(source) == set(restored) and source["cases"] and source["audit_events"]
    for table in source:
        expected = [] if table in backup.SKIPPED_TABLES - {"alembic_version"} else source[table]
        assert restored[table] == expected, table

    for email in arranged.counsellors:
        opened = open_all(target, email)
        assert sorted(opened) == sorted(arranged.refs)
        first = opened[arranged.refs[0]]
        assert first.report == {"what": "Fraude bij de inkoop", "who": "Afdeling X"}
        assert first.identity == {"name": "Anna"}
        assert [m.body["text"] for m in first.messages] == ["Nog een detail over de inkoop",
                                                            "Dank, wij kijken ernaar"]
        assert first.bodies == {"bewijs.pdf": FILE_CONTENT}
        assert opened[arranged.refs[1]].report == {"what": "Intimidatie op de werkvloer"}

    # The melders come back with nothing but their codes, and the restored installation takes
    # new work (on PostgreSQL this needs the id sequences moved past the restored rows).
    app = create_app(target)
    try:
        client = app.test_client()
        melder = ReporterClient(FlaskTransport(client), "deventer")
        melder.log_in(arranged.melders[0].code)
        texts = [r["body"].get("text") for r in melder.read_records() if r["kind"] == "message"]
        assert texts == ["Nog een detail over de inkoop", "Dank, wij kijken ernaar"]
        header, content = melder.download(melder.case()["attachments"][0]["id"])
        assert (header["name"], header["size"], content) == ("bewijs.pdf", len(FILE_CONTENT), FILE_CONTENT)
        melder.send_message("Na het herstel")
        ReporterClient(FlaskTransport(client), "deventer").submit({"what": "Een nieuwe melding"})
    finally:
        app.extensions["whistle_engine"].dispose()
    assert (target.attachments_dir / ".incoming").is_dir()
    assert not [p for p in target.data_dir.iterdir() if p.name.startswith(".restore")]


def test_the_backup_file_alone_reveals_nothing(arranged, settings, tmp_path, db):
    path = make_backup(settings, tmp_path)
    data = path.read_bytes()
    assert os.stat(path).st_mode & 0o077 == 0
    with db() as s:
        blobs = [r.ciphertext[:48] for r in s.scalars(select(Record))]
        chain = [e.hash for e in s.scalars(select(AuditEvent))]
    body = next(settings.attachments_dir.glob("[0-9a-f]*")).read_bytes()
    needles = [*(r.encode() for r in arranged.refs), *(e.encode() for e in arranged.counsellors),
               b"Gemeente Deventer", b"deventer", b"counsellor", b"cases", b"audit_events",
               *(h.encode() for h in chain[:3]), *blobs, body[:48], body[-48:]]
    for needle in needles:
        assert needle not in data and base64.b64encode(needle) not in data, needle[:20]


DAMAGES = ["magic", "kdf_limits", "salt", "first_frame", "middle", "last_byte", "truncated",
           "appended", "frame_dropped", "frames_swapped"]


def damaged(data: bytes, damage: str) -> bytes:
    data = bytearray(data)
    frames = frame_offsets(bytes(data))
    mid = len(frames) // 2
    if damage == "magic":
        data[0] ^= 1
    elif damage == "kdf_limits":
        data[4:8] = (2**31).to_bytes(4, "big")
    elif damage == "salt":
        data[20] ^= 1
    elif damage == "first_frame":
        data[frames[0] + 10] ^= 1
    elif damage == "middle":
        data[frames[mid] + 10] ^= 0x80
    elif damage == "last_byte":
        data[-1] ^= 1
    elif damage == "truncated":
        del data[frames[-1]:]
    elif damage == "appended":
        data += b"\0"
    elif damage == "frame_dropped":
        del data[frames[mid]:frames[mid + 1]]
    elif damage == "frames_swapped":
        a, b, c = frames[mid], frames[mid + 1], frames[mid + 2]
        data[a:c] = data[b:c] + data[a:b]
    return bytes(data)


def frame_offsets(data: bytes) -> list[int]:
    offsets, at = [], crypto.backup.HEADER_SIZE
    while at < len(data):
        offsets.append(at)
        at += 4 + int.from_bytes(data[at:at + 4], "big")
    return offsets


@FORMS
def test_an_altered_backup_or_a_wrong_passphrase_is_refused_and_changes_nothing(
        arranged, settings, target, tmp_path, portable):
    path = make_backup(settings, tmp_path, portable=portable)
    good = path.read_bytes()
    assert len(frame_offsets(good)) >= 6
    before = tree(target)
    for damage in DAMAGES:
        path.write_bytes(damaged(good, damage))
        with pytest.raises(backup.BackupError) as exc:
            backup.restore(target, path, BACKUP_PASS)
        message = str(exc.value)
        assert any(w in message for w in ("altered", "truncated", "not a Whistle backup",
                                          "after the end")), (damage, message)
        assert tree(target) == before, damage
    path.write_bytes(good)
    with pytest.raises(backup.BackupError, match="wrong backup passphrase"):
        backup.restore(target, path, BACKUP_PASS + "!")
    assert tree(target) == before
    # The intact file still restores: the refusals above were about the damage alone.
    backup.restore(target, path, BACKUP_PASS)
    assert tree(target) != before


def test_restore_refuses_a_target_that_is_not_empty(arranged, settings, target, tmp_path):
    path = make_backup(settings, tmp_path)
    # A database already there (even an empty, migrated one) is refused ...
    engine = make_engine(target.database_url)
    target.data_dir.mkdir(parents=True, exist_ok=True)
    migrate.upgrade(engine)
    engine.dispose()
    before = tree(target)
    with pytest.raises(backup.BackupError, match="not empty"):
        backup.restore(target, path, BACKUP_PASS)
    assert tree(target) == before
    # ... and so is the live installation itself.
    before = tree(settings)
    with pytest.raises(backup.BackupError, match="not empty"):
        backup.restore(settings, path, BACKUP_PASS)
    assert tree(settings) == before


def test_restore_refuses_attachment_bodies_in_the_target(arranged, settings, target, tmp_path):
    path = make_backup(settings, tmp_path)
    target.attachments_dir.mkdir(parents=True)
    (target.attachments_dir / ("a" * 32)).write_bytes(b"x")
    before = tree(target)
    with pytest.raises(backup.BackupError, match="not empty"):
        backup.restore(target, path, BACKUP_PASS)
    assert tree(target) == before


def test_create_refuses_a_short_passphrase_and_an_existing_file(arranged, settings, tmp_path):
    with pytest.raises(backup.BackupError, match="at least 16"):
        backup.create(settings, tmp_path / "b", "kort", crypto.MINIMUM, date.today())
    assert not (tmp_path / "b").exists()
    existing = tmp_path / "exists"
    existing.write_bytes(b"keep me")
    with pytest.raises(backup.BackupError, match="exists already"):
        backup.create(settings, existing, BACKUP_PASS, crypto.MINIMUM, date.today())
    assert existing.read_bytes() == b"keep me"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_a_backup_taken_during_writes_is_one_consistent_snapshot(arranged, settings, target, tmp_path, world, db):
    """Messages keep arriving while the backup runs; the restored copy holds each message
    together with its audit event (same transaction), and every chain verifies."""
    stop = threading.Event()
    melder = arranged.melders[0]
    sent = []

    def keep_writing():
        while not stop.is_set() and len(sent) < 400:
            melder.send_message(f"bericht {len(sent)}")
            sent.append(1)

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        while len(sent) < 5:
            stop.wait(0.01)
        during = len(sent)
        path = make_backup(settings, tmp_path)
        during = len(sent) - during
    finally:
        stop.set()
        writer.join()
    print("messages written while the backup ran:", during)
    backup.restore(target, path, BACKUP_PASS)
    engine = make_engine(target.database_url)
    with engine.connect() as conn:
        messages = conn.scalar(select(func.count()).select_from(Record).where(
            Record.kind == "message", Record.author == "reporter"))
        events = conn.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.event == "message_from_melder"))
    with transaction(make_session_factory(engine)) as s:
        assert audit.verify(s) == []
    engine.dispose()
    assert messages == events >= 1 + 5
    if target.database_url.startswith("sqlite"):
        assert integrity(target) == ["ok"]


def test_the_snapshot_does_not_see_writes_committed_after_it_began(arranged, settings, db):
    """What makes the backup consistent: every table is read inside one snapshot."""
    with backup.snapshot(settings.database_url) as conn:
        before = conn.scalar(select(func.count()).select_from(Record))
        arranged.melders[0].send_message("geschreven tijdens de backup")
        assert conn.scalar(select(func.count()).select_from(Record)) == before
    with db() as s:
        assert s.scalar(select(func.count()).select_from(Record)) == before + 1


def test_a_sqlite_backup_is_the_database_image_and_leaves_no_copy_behind(arranged, settings, tmp_path):
    if not settings.database_url.startswith("sqlite"):
        pytest.skip("the image form is SQLite's")
    image, portable = make_backup(settings, tmp_path, "image.backup"), make_backup(settings, tmp_path, "rows.backup",
                                                                                    portable=True)
    kinds = {name: [m[:1] for m in crypto.read_backup(open(p, "rb"), BACKUP_PASS)]
             for name, p in (("image", image), ("portable", portable))}
    assert kinds["image"][:3] == [b"M", b"I", b"D"] and b"T" not in kinds["image"]
    assert b"T" in kinds["portable"] and b"I" not in kinds["portable"]
    # The image was made beside the database and is gone again.
    assert not [p for p in settings.data_dir.iterdir() if ".backup-" in p.name]


def test_an_image_restores_into_sqlite_only(settings, target, tmp_path):
    """A SQLite source's backup (its image) goes back into SQLite; a PostgreSQL target (the
    PostgreSQL run of the suite) refuses it with the way to a portable one, and is left empty."""
    source = settings.with_(data_dir=tmp_path / "sqlite-source",
                            database_url=f"sqlite:///{tmp_path / 'sqlite-source' / 'whistle.sqlite3'}")
    source.data_dir.mkdir()
    engine = make_engine(source.database_url)
    migrate.upgrade(engine)
    engine.dispose()
    path = make_backup(source, tmp_path)
    if target.database_url.startswith("sqlite"):
        assert backup.restore(target, path, BACKUP_PASS).tables["cases"] == 0
        return
    before = tree(target)
    with pytest.raises(backup.BackupError, match="restores into SQLite only.*--portable"):
        backup.restore(target, path, BACKUP_PASS)
    assert tree(target) == before


def image_bytes(path: Path) -> bytes:
    """The database image a SQLite backup carries: its D messages up to the first body."""
    out, inside = bytearray(), False
    for m in crypto.read_backup(open(path, "rb"), BACKUP_PASS):
        if m[:1] == b"I":
            inside = True
        elif m[:1] == b"D" and inside:
            out += m[1:]
        elif inside:
            break
    return bytes(out)


def integrity(settings: Settings) -> list[str]:
    import sqlite3
    conn = sqlite3.connect(settings.database_url.split("///", 1)[1])
    try:
        return [r[0] for r in conn.execute("PRAGMA integrity_check")]
    finally:
        conn.close()


def test_a_sqlite_image_leaves_out_the_sessions_page_by_page(arranged, settings, target, tmp_path, db,
                                                            monkeypatch):
    """The image is streamed from the database file; the pages of the sessions and login
    challenges (their sealed keys) are replaced as they stream, and the restored file is a
    sound database in which those tables are empty and take new rows."""
    if not settings.database_url.startswith("sqlite"):
        pytest.skip("the image form is SQLite's")
    from sqlalchemy import insert
    from whistle.models import ReporterChallenge, ReporterSession, Staff, StaffSession
    create_module = sys.modules["whistle.services.operations.backup.create"]
    marker = b"SEALED-SESSION-KEY"
    with db() as s:
        staff_id = s.scalars(select(Staff.id)).first()
        case_id = s.scalars(select(Case.id)).first()
        expires = Clock().now()
        # Enough rows, and secrets long enough, for interior and overflow pages.
        staff_rows = [{"digest": secrets.token_bytes(32), "staff_id": staff_id, "expires_at": expires,
                       "sealed_secret": marker + secrets.token_bytes(6000), "second_factor_done": True}
                      for _ in range(150)]
        s.execute(insert(StaffSession), staff_rows)
        s.execute(insert(ReporterSession), [{"digest": secrets.token_bytes(32), "case_id": case_id,
                                             "expires_at": expires, "sealed_secret": marker + secrets.token_bytes(300)}
                                            for _ in range(300)])
        s.execute(insert(ReporterChallenge), [{"digest": secrets.token_bytes(32), "expires_at": expires}
                                              for _ in range(300)])

    def no_fallback(*_args):
        raise AssertionError("the image was copied, not streamed from the file")
    monkeypatch.setattr(create_module, "_write_copied_image", no_fallback)
    path = make_backup(settings, tmp_path)
    image = image_bytes(path)
    assert image[:16] == b"SQLite format 3\0"
    assert marker not in image
    for row in staff_rows[::10]:
        assert row["digest"] not in image and row["sealed_secret"][-64:] not in image

    backup.restore(target, path, BACKUP_PASS)
    assert integrity(target) == ["ok"]
    restored = all_rows(target)
    assert restored["staff_sessions"] == restored["reporter_sessions"] == restored["reporter_challenges"] == []
    assert restored["cases"] == all_rows(settings)["cases"]
    engine = make_engine(target.database_url)
    with transaction(make_session_factory(engine)) as s:
        s.execute(insert(StaffSession), [dict(r, digest=secrets.token_bytes(32)) for r in staff_rows[:50]])
        assert audit.verify(s) == []
    engine.dispose()
    assert integrity(target) == ["ok"]


def test_writes_and_checkpoints_after_the_snapshot_began_do_not_reach_the_image(
        arranged, settings, target, tmp_path, db, monkeypatch):
    """The snapshot is pinned: a message written once the read transaction is open, and a
    checkpoint asked for meanwhile, change nothing in the file being streamed."""
    if not settings.database_url.startswith("sqlite"):
        pytest.skip("the image form is SQLite's")
    import sqlite3
    create_module = sys.modules["whistle.services.operations.backup.create"]
    with db() as s:
        before = s.scalar(select(func.count()).select_from(Record))
    stream = create_module._stream_image
    seen = {}

    def during(*args):
        arranged.melders[0].send_message("geschreven tijdens de backup")
        other = sqlite3.connect(settings.database_url.split("///", 1)[1], timeout=0.2)
        try:
            for mode in ("PASSIVE", "FULL", "RESTART", "TRUNCATE"):
                try:
                    seen[mode] = other.execute(f"PRAGMA wal_checkpoint({mode})").fetchone()
                except sqlite3.OperationalError as exc:  # busy: the reader holds it off
                    seen[mode] = str(exc)
        finally:
            other.close()
        return stream(*args)

    monkeypatch.setattr(create_module, "_stream_image", during)
    path = make_backup(settings, tmp_path)
    assert seen  # the snapshot path ran
    with db() as s:
        assert s.scalar(select(func.count()).select_from(Record)) == before + 1
    backup.restore(target, path, BACKUP_PASS)
    assert integrity(target) == ["ok"]
    engine = make_engine(target.database_url)
    with transaction(make_session_factory(engine)) as s:
        assert s.scalar(select(func.count()).select_from(Record)) == before
        assert audit.verify(s) == []
    engine.dispose()


def test_when_the_wal_is_never_found_empty_the_image_is_a_private_copy(arranged, settings, target, tmp_path,
                                                                        monkeypatch):
    """The fallback (a server that never lets the WAL empty): SQLite's backup API into a
    private copy, the left-out tables emptied there; it restores the same way."""
    if not settings.database_url.startswith("sqlite"):
        pytest.skip("the image form is SQLite's")
    create_module = sys.modules["whistle.services.operations.backup.create"]
    tries = []
    monkeypatch.setattr(create_module, "_plan_image", lambda *args: tries.append(1))
    arranged.melders[0].log_in()  # a melder session, which must not travel
    path = make_backup(settings, tmp_path)
    assert len(tries) == create_module.SNAPSHOT_ATTEMPTS
    assert not [p for p in settings.data_dir.iterdir() if ".backup-" in p.name]
    backup.restore(target, path, BACKUP_PASS)
    assert integrity(target) == ["ok"]
    source, restored = all_rows(settings), all_rows(target)
    assert source["reporter_sessions"] and restored["reporter_sessions"] == []
    assert restored["cases"] == source["cases"] and restored["audit_events"] == source["audit_events"]


def rewritten(path: Path, new: Path, change) -> Path:
    """The backup at `path` written again under the same passphrase, each message passed
    through `change` (which returns the new message): a file as another writer made it."""
    with open(path, "rb") as source, open(new, "wb") as sink:
        with crypto.BackupWriter(sink, BACKUP_PASS, crypto.MINIMUM) as writer:
            messages = [bytes(m) for m in crypto.read_backup(source, BACKUP_PASS)]
            for m in messages[:-1]:
                writer.write(change(m))
            writer.finish(change(messages[-1]))
    return new


def with_format(number: int):
    def change(m: bytes) -> bytes:
        if m[:1] != b"M":
            return m
        manifest = json.loads(m[1:])
        assert manifest["format"] == backup.FORMAT == 2
        return b"M" + json.dumps(dict(manifest, format=number)).encode()
    return change


@FORMS
def test_a_backup_of_the_older_format_still_restores(arranged, settings, target, tmp_path, portable):
    """Format 1 (before PostgreSQL's COPY stream) wrote the SQLite image and the portable rows
    exactly as now but for the number in the manifest: such a file restores; an unknown format
    is refused and changes nothing."""
    if not portable and not settings.database_url.startswith("sqlite"):
        pytest.skip("format 1 had no COPY stream: a PostgreSQL backup of format 1 is the portable one")
    path = make_backup(settings, tmp_path, portable=portable)
    newer = rewritten(path, tmp_path / "format3.backup", with_format(3))
    before = tree(target)
    with pytest.raises(backup.BackupError, match="unknown backup format 3"):
        backup.restore(target, newer, BACKUP_PASS)
    assert tree(target) == before
    older = rewritten(path, tmp_path / "format1.backup", with_format(1))
    summary = backup.restore(target, older, BACKUP_PASS)
    assert summary.files == 1 and summary.tables["cases"] == 2
    source, restored = all_rows(settings), all_rows(target)
    assert restored["cases"] == source["cases"] and restored["records"] == source["records"]
    assert restored["audit_events"] == source["audit_events"]


def test_a_postgresql_backup_is_its_copy_stream_and_restores_into_postgresql_only(
        arranged, settings, target, tmp_path):
    """On PostgreSQL a backup holds each table's COPY stream (C, then D messages) unless it is
    made portable; it refuses a SQLite target with the way to a portable one, and leaves it empty."""
    if settings.database_url.startswith("sqlite"):
        pytest.skip("the COPY stream is PostgreSQL's")
    path = make_backup(settings, tmp_path)
    kinds = [m[:1] for m in crypto.read_backup(open(path, "rb"), BACKUP_PASS)]
    assert b"C" in kinds and b"T" not in kinds and b"R" not in kinds
    assert kinds[kinds.index(b"C") + 1] == b"D"
    sqlite_target = target.with_(data_dir=tmp_path / "sqlite-target",
                                 database_url=f"sqlite:///{tmp_path / 'sqlite-target' / 'whistle.sqlite3'}")
    with pytest.raises(backup.BackupError, match="restores into PostgreSQL only.*--portable"):
        backup.restore(sqlite_target, path, BACKUP_PASS)
    assert tree(sqlite_target) in ({}, {"attachments": b"<dir>"})
    assert not (tmp_path / "sqlite-target" / "whistle.sqlite3").exists()
    # The portable one of the same database goes into SQLite.
    portable = make_backup(settings, tmp_path, "rows.backup", portable=True)
    assert backup.restore(sqlite_target, portable, BACKUP_PASS).tables["cases"] == 2


def test_a_malformed_copy_stream_is_refused_and_changes_nothing(arranged, settings, target, tmp_path):
    """A COPY stream that PostgreSQL rejects (only a file made with the passphrase can hold it) is
    a clear refusal, and the target stays empty."""
    if settings.database_url.startswith("sqlite"):
        pytest.skip("the COPY stream is PostgreSQL's")
    path = make_backup(settings, tmp_path)
    state = {"table": None}

    def change(m: bytes) -> bytes:
        if m[:1] == b"C":
            state["table"] = json.loads(m[1:])["table"]
        elif m[:1] == b"D" and state["table"] == "cases":
            state["table"] = None
            return m + b"not\ta\trow\n"
        return m
    broken = rewritten(path, tmp_path / "broken.backup", change)
    before = tree(target)
    with pytest.raises(backup.BackupError, match="malformed rows of table cases"):
        backup.restore(target, broken, BACKUP_PASS)
    assert tree(target) == before


def test_a_write_that_fails_in_the_writer_thread_reaches_the_caller(tmp_path):
    """The frames are written by a thread of their own: a disk that fills up midway still stops
    the backup with that error (not a hang, not a file that looks whole), and an error of the
    caller's own is not hidden by the writer's."""
    import errno
    import io

    class FillsUp(io.BytesIO):
        def __init__(self, room: int):
            super().__init__()
            self.room = room

        def write(self, data):
            if self.tell() + len(data) > self.room:
                raise OSError(errno.ENOSPC, "No space left on device")
            return super().write(data)

    with pytest.raises(OSError, match="No space left"):
        full = FillsUp(3 * 1024 * 1024)
        with crypto.BackupWriter(full, BACKUP_PASS, crypto.MINIMUM, out=BackgroundWriter(full)) as writer:
            for _ in range(20):
                writer.write(b"D" + secrets.token_bytes(1024 * 1024))
            writer.finish(b"E{}")
    with pytest.raises(backup.BackupError, match="the caller's"):
        full = FillsUp(1024)
        with crypto.BackupWriter(full, BACKUP_PASS, crypto.MINIMUM, out=BackgroundWriter(full)) as writer:
            writer.write(b"D" + secrets.token_bytes(1024 * 1024))  # fails in the thread
            raise backup.BackupError("the caller's own error")
    # Written whole, the same messages come back.
    sink = io.BytesIO()
    sent = [b"M{}", b"D" + secrets.token_bytes(3 * 1024 * 1024 + 5), bytearray(b"D" * 10), b"E{}"]
    with crypto.BackupWriter(sink, BACKUP_PASS, crypto.MINIMUM, out=BackgroundWriter(sink)) as writer:
        for m in sent[:-1]:
            writer.write(m)
        writer.finish(sent[-1])
    sink.seek(0)
    assert [bytes(m) for m in crypto.read_backup(sink, BACKUP_PASS)] == [bytes(m) for m in sent]
