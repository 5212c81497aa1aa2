"""Issue 11 point 3: no request body is read past its limit. Chunked or not, JSON or multipart,
the server stops reading at the limit and answers 413; a real `whistle serve` stays within 64
MiB above idle while ten oversized bodies arrive at once."""
from __future__ import annotations

import time

import pytest

from bench.attacks import MiB, oversized_flood, send_oversized
from bench.common import MemorySampler, WhistleServer

pytestmark = [pytest.mark.no_postgres, pytest.mark.slow]


def test_a_chunked_json_body_is_cut_off_at_its_limit_in_the_app(client, world):
    world.org("deventer")
    # The test client's input is unterminated: a chunked body behaves as a long stream.
    big = b'{"locator": "' + b"a" * (4 * MiB) + b'"}'
    r = client.post("/api/v1/reporter/challenge", data=big, content_type="application/json")
    assert r.status_code == 413


def test_ten_oversized_bodies_at_once_stay_within_64_mib():
    with WhistleServer(fast_kdf=True) as server:
        sampler = MemorySampler(server.pid)
        try:
            time.sleep(0.5)
            with sampler.phase() as phase:
                results = oversized_flood(server.port, "bench", total=256 * MiB)
            for path, chunked, status, sent in results:
                assert status == 413, (path, chunked, status)
                # The answer came long before the body ended: nobody read it to the end.
                assert sent < 32 * MiB, (path, chunked, sent)
            assert phase.peak - phase.start < 64 * MiB, (phase.start, phase.peak)
            # And the server still answers.
            status, _ = send_oversized(server.port, "/api/v1/reporter/challenge", "application/json", True, 8 * MiB)
            assert status == 413
        finally:
            sampler.close()
