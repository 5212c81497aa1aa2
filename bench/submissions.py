"""Meldingen per second through the v1 API and through the no-JavaScript form, with p50/p99
latency and the server's peak memory, next to the limits measured in the same run: a bare
Flask app on the same WSGI server (gunicorn, through whistle.web.server.serve), and Argon2id
at the published cost.

    python3 bench/submissions.py              # production Argon2id (INTERACTIVE)
    python3 bench/submissions.py --quick      # a few requests, fastest Argon2id (smoke test)

The API path costs the server no Argon2id (the client derives the keys); the requests are
prepared before the clock starts, and a smaller end-to-end run with the client's own Argon2id
competing for the same cores is reported as well. The form path runs Argon2id on the server
for every melding, so its ceiling is the number of Argon2id a second the machine manages."""
from __future__ import annotations

import argparse
import http.client
import os
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import crypto  # noqa: E402
from bench.common import (  # noqa: E402
    ORG, MemorySampler, WhistleServer, bare_flask_server, mib, percentile, print_header, server_layout,
)
from bench.html_client import RECEIPT_CODE, HtmlClient, multipart_fields  # noqa: E402
from whistle.reporter_client import HttpTransport, ProtocolError, ReporterClient  # noqa: E402

REPORT = {"what": "Benchmark: bij de aanbesteding van het groenonderhoud lijkt een leverancier "
                  "voorkennis te hebben gehad.", "where": "Afdeling inkoop", "category": ""}


class Refused(Exception):
    """A melding the server did not accept: counted and shown, never hidden in the averages."""

    def __init__(self, status: int, body: bytes | str = b"") -> None:
        super().__init__(f"{status}: {body[:200]!r}")
        self.status = status


@dataclass
class Run:
    name: str
    latencies: list[float]  # of the accepted meldingen
    seconds: float
    peak_rss: int | None = None
    server_cpu: float = 0.0  # the server's CPU seconds (all threads) over the whole run
    refused: list[Refused] = field(default_factory=list)

    @property
    def per_second(self) -> float:
        return len(self.latencies) / self.seconds

    @property
    def cpu_ms(self) -> float:
        """Server CPU milliseconds per request."""
        return self.server_cpu * 1000 / (len(self.latencies) + len(self.refused))

    def p(self, q: float) -> float:
        return percentile(self.latencies, q) * 1000


def run_concurrently(n: int, clients: int, one: Callable[[object, int], float],
                     make_state: Callable[[], object]) -> tuple[list[float], list[Refused], float]:
    """Call one(state, i) for i in range(n) from `clients` threads, each with its own state
    (a connection); returns the latencies one() measured, the refusals, and the wall time."""
    local = threading.local()

    def task(i: int) -> float | Refused:
        if not hasattr(local, "state"):
            local.state = make_state()
        try:
            return one(local.state, i)
        except Refused as refused:
            return refused

    start = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        outcomes = list(pool.map(task, range(n)))
    seconds = time.perf_counter() - start
    return ([o for o in outcomes if not isinstance(o, Refused)],
            [o for o in outcomes if isinstance(o, Refused)], seconds)


def post_json(conn: http.client.HTTPConnection, path: str, body: bytes, headers: dict) -> tuple[int, bytes]:
    conn.request("POST", path, body=body, headers=headers)
    response = conn.getresponse()
    return response.status, response.read()


def connection_to(base: str) -> Callable[[], http.client.HTTPConnection]:
    host, port = base.removeprefix("http://").split(":")
    return lambda: http.client.HTTPConnection(host, int(port), timeout=600)


# --- the limits ----------------------------------------------------------------------------------

def argon2id_figures(params: crypto.KdfParams, cores: int) -> tuple[float, float, float]:
    """Seconds for one Argon2id (median of 5, wall and CPU) and how many the machine manages a
    second with one thread per core (libsodium releases the GIL)."""
    one, cpu = [], []
    for _ in range(5):
        start, start_cpu = time.perf_counter(), time.thread_time()
        crypto.derive_reporter_keys(crypto.new_receipt_code(), ORG, params)
        one.append(time.perf_counter() - start)
        cpu.append(time.thread_time() - start_cpu)
    n = cores * 4
    start = time.perf_counter()
    with ThreadPoolExecutor(cores) as pool:
        list(pool.map(lambda _: crypto.derive_reporter_keys(crypto.new_receipt_code(), ORG, params), range(n)))
    return sorted(one)[2], sorted(cpu)[2], n / (time.perf_counter() - start)


def bare_flask_run(n: int, clients: int, body: bytes) -> Run:
    with bare_flask_server() as (base, pid):
        sampler = MemorySampler(pid)

        def one(conn, _i):
            start = time.perf_counter()
            status, _ = post_json(conn, "/submit", body, {"Content-Type": "application/json"})
            if status != 201:
                raise Refused(status)
            return time.perf_counter() - start

        with sampler.phase() as mem:
            latencies, refused, seconds = run_concurrently(n, clients, one, connection_to(base))
        sampler.close()
    return Run("bare Flask + gunicorn (POST)", latencies, seconds, mem.peak, mem.cpu, refused)


# --- the API -------------------------------------------------------------------------------------

class RecordingTransport:
    """Lets ReporterClient do all its client-side work (Argon2id, sealing, wrapping) and keeps
    the request it would send, to be replayed over HTTP once the clock runs."""

    def __init__(self, base: str) -> None:
        self.sent: list[tuple[str, str, bytes, dict]] = []
        self.server = HttpTransport(base)

    def request(self, method, path, *, body=None, headers=None):
        if method == "GET":  # the proof-of-work challenge comes from the server (protocol E.6)
            return self.server.request(method, path, body=body, headers=headers)
        self.sent.append((method, path, body, dict(headers or {})))
        return 201, {}, b'{"case": {}}'


def prepare_api_requests(base: str, n: int, workers: int) -> list[tuple[str, bytes, dict]]:
    intake = ReporterClient(HttpTransport(base), ORG).fetch_intake()

    def prepare(_i):
        recorder = RecordingTransport(base)
        ReporterClient(recorder, ORG, intake=intake).submit(REPORT)
        (_method, path, body, headers), = recorder.sent
        return path, body, headers

    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(prepare, range(n)))


def api_prepared_run(server: WhistleServer, sampler: MemorySampler, requests, clients: int) -> Run:
    def one(conn, i):
        path, body, headers = requests[i]
        start = time.perf_counter()
        status, raw = post_json(conn, path, body, headers)
        seconds = time.perf_counter() - start
        if status != 201:
            raise Refused(status, raw)
        return seconds

    with sampler.phase() as mem:
        latencies, refused, seconds = run_concurrently(len(requests), clients, one, connection_to(server.base))
    return Run("v1 API, keys prepared beforehand", latencies, seconds, mem.peak, mem.cpu, refused)


def api_end_to_end_run(server: WhistleServer, sampler: MemorySampler, n: int, clients: int) -> Run:
    intake = ReporterClient(HttpTransport(server.base), ORG).fetch_intake()

    def one(_state, _i):
        start = time.perf_counter()
        try:
            ReporterClient(HttpTransport(server.base), ORG, intake=intake).submit(REPORT)
        except ProtocolError as exc:
            raise Refused(exc.status, str(exc.body)) from None
        return time.perf_counter() - start

    with sampler.phase() as mem:
        latencies, refused, seconds = run_concurrently(n, clients, one, lambda: None)
    return Run("v1 API end to end (client Argon2id)", latencies, seconds, mem.peak, mem.cpu, refused)


# --- the no-JavaScript form ------------------------------------------------------------------------

def form_run(server: WhistleServer, sampler: MemorySampler, n: int, clients: int) -> tuple[Run, Run]:
    """Each melding: fetch the form (CSRF token and cookie), then post it as a browser does
    (multipart, with an empty file field). Returns the POST alone and the pair."""
    posts: list[float] = []
    lock = threading.Lock()

    def one(client: HtmlClient, i):
        start = time.perf_counter()
        token = client.csrf(f"/o/{ORG}/melden")
        body, content_type = multipart_fields({"csrf_token": token, **REPORT})
        posted = time.perf_counter()
        response = client.request("POST", f"/o/{ORG}/melden", body=body,
                                  headers={"Content-Type": content_type})
        page = response.read().decode()
        end = time.perf_counter()
        if response.status != 200 or not RECEIPT_CODE.search(page):
            raise Refused(response.status, page)
        with lock:
            posts.append(end - posted)
        return end - start

    with sampler.phase() as mem:
        pairs, refused, seconds = run_concurrently(n, clients, one, lambda: HtmlClient(server.base))
    return (Run("no-JS form, POST only", posts, seconds, mem.peak, mem.cpu, refused),
            Run("no-JS form, GET form + POST", pairs, seconds, mem.peak, mem.cpu, refused))


# --- main ----------------------------------------------------------------------------------------

def share(part: float, whole: float, fmt: str = ".2f") -> str:
    """A ratio, or 'n/a' where the divisor rounds to nothing (short --quick runs can measure
    0 ms of CPU at the kernel's 10 ms clock tick)."""
    return format(part / whole, fmt) if whole else "n/a"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--api", type=int, default=200, help="meldingen through the API")
    parser.add_argument("--form", type=int, default=60, help="meldingen through the form")
    parser.add_argument("--bare", type=int, default=2000, help="requests to the bare Flask app")
    parser.add_argument("--clients", type=int, default=4, help="concurrent client threads")
    parser.add_argument("--quick", action="store_true", help="a few requests, fastest Argon2id")
    parser.add_argument("--fast-kdf", action="store_true", help="the fastest Argon2id (not for figures)")
    parser.add_argument("--database-url", help="an EMPTY database for the server (default SQLite)")
    args = parser.parse_args(argv)
    if args.quick:
        args.api, args.form, args.bare, args.clients, args.fast_kdf = 8, 4, 20, 2, True
    cores = os.cpu_count() or 1
    params = crypto.MINIMUM if args.fast_kdf else crypto.INTERACTIVE

    print_header("meldingen per second")
    print(f"Argon2id: {'MINIMUM (fast, not for figures)' if args.fast_kdf else 'INTERACTIVE'} "
          f"(opslimit {params.opslimit}, memlimit {params.memlimit // 1024} KiB); "
          f"{args.clients} client threads; server: gunicorn {server_layout()}; "
          f"database: {args.database_url.split('@')[-1] if args.database_url else 'SQLite'}")
    argon_one, argon_cpu, argon_rate = argon2id_figures(params, cores)
    print(f"one Argon2id: {argon_one * 1000:.0f} ms ({argon_cpu * 1000:.0f} ms CPU); "
          f"with {cores} threads: {argon_rate:.1f} a second", flush=True)

    runs: list[Run] = []
    with WhistleServer(fast_kdf=args.fast_kdf, database_url=args.database_url) as server:
        sampler = MemorySampler(server.pid)
        idle, idle_parts = sampler.rss(), sampler.describe()
        requests = prepare_api_requests(server.base, args.api, cores)
        runs.append(api_prepared_run(server, sampler, requests, args.clients))
        runs.append(api_end_to_end_run(server, sampler, max(2, args.api // 10), args.clients))
        runs.extend(form_run(server, sampler, args.form, args.clients))
        sampler.close()
    bare = bare_flask_run(args.bare, args.clients, requests[0][1])

    print(f"\nserver idle RSS, gunicorn master + workers (peak RSS below: the same sum): {idle_parts}")
    print("per s: accepted meldingen a second (wall clock); CPU ms: the server's CPU per melding (all threads; "
          "other work on\nthe machine barely changes it); the form's CPU covers GET + POST.")
    print(f"{'path':38} {'ok':>5} {'refused':>7} {'per s':>7} {'p50 ms':>7} {'p99 ms':>7} {'CPU ms':>7} {'peak RSS':>10}  ratio")
    for run in runs + [bare]:
        if run is bare:
            ratio = "the ceiling for one request"
        elif run.name.startswith("v1 API"):
            ratio = (f"{share(run.per_second, bare.per_second)} x bare Flask per s, "
                     f"{share(bare.cpu_ms, run.cpu_ms)} by CPU")
        else:
            ratio = (f"{share(run.per_second, argon_rate)} x Argon2id/s, "
                     f"p50 {share(run.p(50) / 1000, argon_one, '.1f')} x one Argon2id, "
                     f"Argon2id {share(argon_cpu * 1000, run.cpu_ms, '.0%')} of the CPU")
        print(f"{run.name:38} {len(run.latencies):5} {len(run.refused):7} {run.per_second:7.1f} {run.p(50):7.1f} {run.p(99):7.1f} "
              f"{run.cpu_ms:7.1f} {mib(run.peak_rss or 0):>10}  {ratio}")
    print(f"\nbody of one API melding: {len(requests[0][1])} bytes of JSON")
    problems = 0
    for run in runs[:-1] + [bare]:  # the form's two rows share their refusals
        if run.refused:
            problems += 1
            statuses = ", ".join(f"{n} x {status}" for status, n in Counter(r.status for r in run.refused).items())
            print(f"PROBLEM: {run.name}: {len(run.refused)} of {len(run.refused) + len(run.latencies)} "
                  f"refused ({statuses}); first: {run.refused[0]}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
