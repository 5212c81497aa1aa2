"""The channel under abuse (issue 11), each figure beside the same figure with no attack:

- meldingen per second a real client (the reference client, paying its proof of work) achieves
  while junk floods the intake from many threads;
- p99 latency of a page while 200 connections trickle their headers (one line a second),
  straight to `whistle serve` and through the arrangement we ship (nginx in front,
  deploy/nginx/whistle.conf; skipped where nginx is not installed) with 200 more trickling
  bodies, and how long a melding through the API and through the no-JS form takes then;
- the server's peak memory while ten oversized bodies arrive at once;
- the server's peak memory (its decoding children included) while eight image bombs (small
  PNGs of many megapixels) arrive at once through the form, which cleans image metadata, and
  the slowest answer of another page meanwhile.

    python3 bench/abuse.py              # full sizes
    python3 bench/abuse.py --quick      # small sizes, fastest Argon2id (smoke test)

It prints figures and asserts nothing about them; a step that fails prints PROBLEM."""
from __future__ import annotations

import argparse
import io
import json
import sys
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.attacks import MiB, SlowClients, junk_submission, oversized_flood  # noqa: E402
from bench.common import ORG, MemorySampler, WhistleServer, mib, percentile, print_header  # noqa: E402
from bench.html_client import HtmlClient  # noqa: E402
from bench.proxy import NginxProxy  # noqa: E402
from whistle.reporter_client import HttpTransport, ReporterClient  # noqa: E402

PROBLEMS: list[str] = []


def problem(text: str) -> None:
    PROBLEMS.append(text)
    print(f"PROBLEM: {text}", flush=True)


def real_melder_rate(base: str, n: int) -> float:
    start = time.monotonic()
    for i in range(n):
        try:
            ReporterClient(HttpTransport(base), ORG).submit({"what": f"echte melding {i}"})
        except Exception as exc:  # noqa: BLE001 - a bench reports, it does not stop
            problem(f"a real melding failed: {exc}")
    return n / (time.monotonic() - start)


def junk_flood(base: str, stop: threading.Event, counts: dict) -> None:
    intake = ReporterClient(HttpTransport(base), ORG).fetch_intake()
    transport = HttpTransport(base)
    while not stop.is_set():
        status, _h, _b = transport.request("POST", f"/api/v1/orgs/{ORG}/reports",
                                           body=json.dumps(junk_submission(intake)).encode(),
                                           headers={"Content-Type": "application/json"})
        counts[status] = counts.get(status, 0) + 1


def latencies(base: str, n: int, timeout: float) -> list[float]:
    out = []

    def one(_):
        t = time.monotonic()
        try:
            urllib.request.urlopen(base + f"/o/{ORG}/melden", timeout=timeout).read()
        except OSError:
            return timeout  # counted as the whole timeout
        return time.monotonic() - t

    with ThreadPoolExecutor(4) as pool:
        out = list(pool.map(one, range(n)))
    return out


def bomb_png(megapixels: int) -> bytes:
    from PIL import Image
    side = int((megapixels * 1_000_000) ** 0.5)
    buf = io.BytesIO()
    Image.new("L", (side, side)).save(buf, "PNG", optimize=True)
    return buf.getvalue()


def uploads_at_once(base: str, files: list[bytes]) -> tuple[list[int], list[float]]:
    """Upload the files at once through the form; meanwhile another client loads the form page
    again and again. The answers, and how long each page took."""
    done = threading.Event()
    pages: list[float] = []

    def one(data):
        client = HtmlClient(base, timeout=120)
        status, _h, _page = client.post_file(f"/o/{ORG}/melden", f"/o/{ORG}/melden", "attachments",
                                             "foto.png", [data], len(data), fields={"what": "Een foto."})
        client.close()
        return status

    def other_pages():
        while not done.is_set():
            pages.extend(latencies(base, 4, 10.0))

    watcher = threading.Thread(target=other_pages)
    watcher.start()
    try:
        with ThreadPoolExecutor(len(files)) as pool:
            return list(pool.map(one, files)), pages
    finally:
        done.set()
        watcher.join()


def melding_times(base: str) -> tuple[float, float]:
    """Seconds for one melding through the API (paying its work) and one through the form."""
    start = time.monotonic()
    try:
        ReporterClient(HttpTransport(base), ORG).submit({"what": "een echte melding"})
    except Exception as exc:  # noqa: BLE001
        problem(f"a melding through the API failed under slow clients: {exc}")
    api = time.monotonic() - start
    start = time.monotonic()
    client = HtmlClient(base, timeout=60)
    status, _h, _p = client.post_form(f"/o/{ORG}/melden", {"what": "een echte melding"}, multipart=True)
    client.close()
    if status != 200:
        problem(f"a melding through the form answered {status} under slow clients")
    return api, time.monotonic() - start


def slow_clients(server: WhistleServer, m: int, conns: int, timeout: float) -> None:
    calm = latencies(server.base, m, timeout)
    with SlowClients(server.port, ORG, headers=conns, bodies=0):
        time.sleep(2)
        straight = latencies(server.base, m, timeout)
    print(f"p99 latency of the form page, straight to whistle serve: {percentile(calm, 99) * 1000:.0f} ms "
          f"calm, {percentile(straight, 99) * 1000:.0f} ms with {conns} connections trickling headers "
          f"(a timeout counts as {timeout:.0f} s)")
    if not NginxProxy.available():
        print("through nginx: skipped (nginx is not installed)")
        return
    with NginxProxy([f"127.0.0.1:{server.port}"]) as proxy:
        calm = latencies(proxy.base, m, timeout)
        calm_api, calm_form = melding_times(proxy.base)
        with SlowClients(proxy.port, ORG, headers=conns, bodies=conns) as slow:
            time.sleep(3)
            attacked = latencies(proxy.base, m, timeout)
            api, form = melding_times(proxy.base)
            reopened = slow.reopened
        spooled = proxy.body_temp_files()
    print(f"p99 latency of the form page, through nginx: {percentile(calm, 99) * 1000:.0f} ms calm, "
          f"{percentile(attacked, 99) * 1000:.0f} ms with {conns} connections trickling headers and "
          f"{conns} trickling bodies ({reopened} dropped and reopened)")
    print(f"a melding through nginx: API {calm_api:.2f} s calm, {api:.2f} s attacked; "
          f"form {calm_form:.2f} s calm, {form:.2f} s attacked; request bodies spooled by nginx: {len(spooled)}")
    if spooled:
        problem(f"nginx spooled request bodies: {spooled}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, fastest Argon2id")
    parser.add_argument("--database-url", help="an EMPTY database for the server (default SQLite)")
    args = parser.parse_args(argv)
    quick = args.quick
    print_header("abuse: the channel under attack, beside the same figure without")
    # As we recommend it: 256 threads, behind one proxy (docs/operations.md). Straight requests
    # carry no X-Forwarded-For, so they are counted by their own address as before.
    with WhistleServer(fast_kdf=quick, database_url=args.database_url, threads=256,
                       extra_settings="trusted_proxy_hops = 1\n") as server:
        sampler = MemorySampler(server.pid)
        try:
            n = 3 if quick else 20
            calm = real_melder_rate(server.base, n)
            stop, counts = threading.Event(), {}
            flooders = [threading.Thread(target=junk_flood, args=(server.base, stop, counts)) for _ in range(4)]
            for t in flooders:
                t.start()
            time.sleep(0.5)
            flooded = real_melder_rate(server.base, n)
            stop.set()
            for t in flooders:
                t.join()
            print(f"meldingen/s, real client (API, paying its work): {calm:.2f} calm, {flooded:.2f} "
                  f"during a flood of {sum(counts.values())} junk submissions (answers {counts})")
            if any(status < 400 for status in counts):
                problem("junk was accepted")

            m, conns, timeout = (10, 20, 5.0) if quick else (20, 200, 10.0)
            slow_clients(server, m, conns, timeout)

            size = 32 * MiB if quick else 1024 * MiB
            with sampler.phase() as idle:
                time.sleep(0.5)
            with sampler.phase() as big:
                results = oversized_flood(server.port, ORG, total=size)
            if any(status != 413 for _p, _c, status, _s in results):
                problem(f"an oversized body was not refused with 413: {results}")
            print(f"peak memory above idle: {mib(idle.peak - idle.start)} idle, "
                  f"{mib(big.peak - big.start)} with 10 oversized bodies of {mib(size)} at once")

            small, bombs = bomb_png(1), bomb_png(8 if quick else 80)
            with sampler.phase() as normal:
                statuses, calm_pages = uploads_at_once(server.base, [small] * 8)
            with sampler.phase() as bombed:
                bomb_statuses, bombed_pages = uploads_at_once(server.base, [bombs] * 8)
            if any(s != 200 for s in statuses):
                problem(f"a normal photo upload failed: {statuses}")
            print(f"peak memory above start: {mib(normal.peak - normal.start)} for 8 photos of 1 MP, "
                  f"{mib(bombed.peak - bombed.start)} for 8 image bombs of {len(bombs) // 1024} KiB "
                  f"({8 if quick else 80} MP each; answers {bomb_statuses})")
            print(f"slowest form page meanwhile: {max(calm_pages) * 1000:.0f} ms beside the 8 photos, "
                  f"{max(bombed_pages) * 1000:.0f} ms beside the 8 bombs")
        finally:
            sampler.close()
    return 1 if PROBLEMS else 0


if __name__ == "__main__":
    raise SystemExit(main())
