"""The benchmark scripts run end to end in --quick mode (small sizes, fastest Argon2id), so
they cannot rot. Nothing here is timed: the figures they print are not checked, only that
every step worked (right status codes, the downloaded plaintext hashes to what was sent)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_bench(script: str, database_url: str) -> str:
    args = [sys.executable, str(ROOT / "bench" / script), "--quick"]
    if database_url.startswith("postgresql"):
        args += ["--database-url", database_url]  # else the bench server keeps its own SQLite
    done = subprocess.run(args, capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "PROBLEM" not in done.stdout, done.stdout
    return done.stdout


@pytest.mark.slow  # the HTTP and crypto path, the same on both databases: run once
def test_submissions_bench_submits_through_api_and_form(database_url):
    out = run_bench("submissions.py", database_url)
    for row in ("v1 API, keys prepared beforehand", "v1 API end to end", "no-JS form, POST only",
                "bare Flask + gunicorn", "one Argon2id:", "machine:"):
        assert row in out, out


@pytest.mark.slow  # the HTTP and crypto path, the same on both databases: run once
def test_attachments_bench_round_trips_a_file_with_its_hash(database_url):
    out = run_bench("attachments.py", database_url)
    for row in ("upload (melder, no-JS form)", "download (melder)", "download (vertrouwenspersoon)",
                "downloads at once", "raw secretstream in-process", "memory goal", "machine:"):
        assert row in out, out


def test_register_bench_prints_the_report_beside_the_bare_query(database_url):
    out = run_bench("register.py", database_url)
    for row in ("bare aggregate query, 1 organisation", "annual report, 1 organisation",
                "annual report of each of 15 organisations", "one overview across 15 organisations",
                "machine:"):
        assert row in out, out


@pytest.mark.slow
def test_abuse_bench_prints_each_figure_beside_its_calm_one(database_url):
    out = run_bench("abuse.py", database_url)
    for row in ("meldingen/s, real client", "during a flood of", "p99 latency of the form page, straight",
                "through nginx", "with 10 oversized bodies", "image bombs", "slowest form page meanwhile",
                "machine:"):
        assert row in out, out


def test_inbox_bench_prints_each_listing_beside_the_bare_query(database_url):
    out = run_bench("inbox.py", database_url)
    for row in ("bare query: the first 50 in order", "inbox, first page", "inbox, overdue only",
                "inbox, status afgesloten", "inbox, nobody took it on", "inbox, reference search", "machine:"):
        assert row in out, out
