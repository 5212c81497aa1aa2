"""What a crash leaves in the attachment folder (half uploads, bodies whose row never
committed) is removed once old enough, and never a body a row points to or a file a running
worker may still be about to commit."""
import os
import time

import pytest

from whistle.infra.attachments import ORPHAN_GRACE_SECONDS, sweep_stale
from tests.live_server import LiveServer

HOUR = 3600


def plant(path, age_seconds: float = 0) -> None:
    path.write_bytes(b"\x00" * 100)
    if age_seconds:
        then = time.time() - age_seconds
        os.utime(path, (then, then))


def test_sweep_takes_only_old_leftovers(world, reporter_api, settings, db):
    world.org("deventer")
    world.staff("deventer", "counsellor")
    melder = reporter_api()
    melder.submit({"what": "Melding"})
    melder.log_in()
    kept = melder.upload("a.txt", "text/plain", [b"inhoud"], 6)["id"]
    incoming = settings.attachments_dir / ".incoming"
    plant(incoming / "half.part")
    plant(settings.attachments_dir / ("b" * 32))
    with db() as s:
        # Everything is fresh: a running worker may still commit it.
        assert sweep_stale(s, settings.attachments_dir) == 0
    with db() as s:
        # Later, past the grace time: the leftovers go, the committed body stays.
        assert sweep_stale(s, settings.attachments_dir, now=time.time() + ORPHAN_GRACE_SECONDS + 1) == 2
    assert [p.name for p in settings.attachments_dir.iterdir() if p.is_file()] == [kept]
    assert list(incoming.iterdir()) == []
    assert melder.download(kept)[1] == b"inhoud"


@pytest.mark.no_postgres
def test_whistle_serve_sweeps_at_start(tmp_path):
    server = LiveServer(tmp_path / "data")
    assert server.cli("db", "upgrade").returncode == 0
    attachments = server.data_dir / "attachments"
    (attachments / ".incoming").mkdir(parents=True)
    plant(attachments / ".incoming" / "old.part", age_seconds=HOUR)
    plant(attachments / ".incoming" / "new.part")
    # Its mtime says old, but the rename that put it here was just now (ctime): a worker
    # may be committing its row this moment, so it stays.
    plant(attachments / ("c" * 32), age_seconds=HOUR)
    server.start()
    server.stop()
    assert sorted(p.name for p in (attachments / ".incoming").iterdir()) == ["new.part"]
    assert (attachments / ("c" * 32)).exists()
    assert "removed 1 attachment file(s) left behind" in server.log_path.read_text()


def test_the_scheduler_sweeps_old_leftovers_every_hour(engine, settings, clock):
    from whistle import jobs
    scheduler = jobs.blocking(engine, settings, clock)
    job = scheduler.get_job("attachment_sweep")
    assert job is not None and job.trigger.interval.total_seconds() == jobs.ATTACHMENT_SWEEP_MINUTES * 60
    incoming = settings.attachments_dir / ".incoming"
    incoming.mkdir(parents=True, exist_ok=True)
    plant(incoming / "old.part", age_seconds=ORPHAN_GRACE_SECONDS + HOUR)
    plant(incoming / "fresh.part")
    jobs.attachment_sweep_job(engine, settings)
    assert sorted(p.name for p in incoming.iterdir()) == ["fresh.part"]
