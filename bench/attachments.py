"""Attachments through the no-JavaScript path: upload one large file as a melder (the server
encrypts it while it streams in), download it as the melder and as the vertrouwenspersoon, and
print the server's resident memory (idle, peak per phase, difference; goal < 64 MiB above
idle) and the throughput next to raw secretstream and the disk measured in the same run.

    python3 bench/attachments.py              # 1 GiB, production Argon2id
    python3 bench/attachments.py --size 4G
    python3 bench/attachments.py --quick      # 16 MiB, fastest Argon2id (smoke test)
"""
from __future__ import annotations

import argparse
import hashlib
import io
import os
import re
import resource
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Iterator

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import crypto  # noqa: E402
from bench.common import (  # noqa: E402
    COUNSELLOR, GiB, MiB, ORG, MemorySampler, WhistleServer, mib, parse_size, print_header, rate,
    tree_cpu_seconds,
)
from bench.html_client import RECEIPT_CODE, HtmlClient  # noqa: E402
from whistle.infra.metadata_sandbox import DECODE_OVERHEAD  # noqa: E402

MEMORY_GOAL = 64 * MiB
BLOCK = MiB
MELDER_LINK = re.compile(r'href="(/melder/bijlage/[0-9a-f]+)"')
CASE_LINK = re.compile(r'href="(/vp/zaak/[^"/]+)"')


def content(size: int, seed: bytes) -> Iterator[bytes]:
    """Deterministic, incompressible blocks, each stamped with its number so a reordered or
    repeated block changes the hash."""
    base = hashlib.shake_256(seed).digest(BLOCK)
    sent, n = 0, 0
    while sent < size:
        block = (n.to_bytes(8, "big") + base[8:])[: size - sent]
        yield block
        sent += len(block)
        n += 1


def raw_secretstream(size: int, seed: bytes) -> tuple[float, float]:
    """CPU seconds to encrypt `size` bytes in-process (the same bytes as the upload), and to
    decrypt as many (on a ciphertext of at most 64 MiB in memory, repeated, so no disk is
    involved). CPU rather than wall time: other work on the machine barely changes it."""
    key = crypto.new_file_key()
    start = time.process_time()
    for _ in crypto.encrypt_stream(key, content(size, seed)):
        pass
    encrypt = time.process_time() - start
    sample = min(size, 64 * MiB)
    blob = b"".join(crypto.encrypt_stream(key, content(sample, seed)))
    rounds = max(1, size // sample)
    start = time.process_time()
    for _ in range(rounds):
        for _ in crypto.decrypt_stream(key, (blob[i:i + BLOCK] for i in range(0, len(blob), BLOCK))):
            pass
    decrypt = (time.process_time() - start) * size / (sample * rounds)
    return encrypt, decrypt


def raw_disk(directory: Path, size: int) -> float:
    """Seconds to write and fsync `size` bytes where the server keeps its attachments."""
    path = directory / "disk-probe"
    block = os.urandom(BLOCK)
    start = time.perf_counter()
    with open(path, "wb") as fh:
        for _ in range(-(-size // BLOCK)):
            fh.write(block)
        fh.flush()
        os.fsync(fh.fileno())
    seconds = time.perf_counter() - start
    path.unlink()
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=parse_size, default=None, help="attachment size (default 1G)")
    parser.add_argument("--quick", action="store_true", help="16 MiB and the fastest Argon2id")
    parser.add_argument("--fast-kdf", action="store_true", help="the fastest Argon2id (not for figures)")
    parser.add_argument("--parallel", type=int, default=4, help="simultaneous downloads at the end")
    parser.add_argument("--photo", default=None, metavar="WxH",
                        help="also upload a JPEG photo of WxH pixels (default 4000x3000, a 12 MP phone "
                             "photo; 'none' to skip): images are held whole to remove their metadata")
    parser.add_argument("--database-url", help="an EMPTY database for the server (default SQLite)")
    args = parser.parse_args(argv)
    size = args.size or (16 * MiB if args.quick else GiB)
    if args.photo is None:
        args.photo = "400x300" if args.quick else "4000x3000"
    args.photo = None if args.photo == "none" else tuple(int(x) for x in args.photo.lower().split("x"))
    fast_kdf = args.fast_kdf or args.quick
    seed = os.urandom(16)

    print_header("attachments through the no-JavaScript path")
    print(f"attachment: {mib(size)}; Argon2id: {'MINIMUM (fast)' if fast_kdf else 'INTERACTIVE'}; "
          f"database: {args.database_url.split('@')[-1] if args.database_url else 'SQLite'}")
    expected = hashlib.blake2b()
    for block in content(size, seed):
        expected.update(block)
    expected = expected.hexdigest()

    enc_s, dec_s = raw_secretstream(size, seed)
    server = WhistleServer(fast_kdf=fast_kdf, database_url=args.database_url,
                           max_attachment_bytes=max(2 * GiB, size + MiB))
    disk_s = raw_disk(server.data_dir, size)
    print(f"raw secretstream in-process: encrypt {rate(size, enc_s):.0f} MiB per CPU-second, "
          f"decrypt {rate(size, dec_s):.0f} MiB per CPU-second")
    print(f"raw disk (write + fsync in the data dir): {rate(size, disk_s):.0f} MiB/s", flush=True)

    failures = []
    with server:
        sampler = MemorySampler(server.pid, watch_dir=server.tmp_dir)
        melder = HtmlClient(server.base)
        status, _h, page = melder.post_form(f"/o/{ORG}/melden", {"what": "Benchmark: een grote bijlage."},
                                            multipart=True)
        code = RECEIPT_CODE.search(page).group(1)
        status, headers, _ = melder.post_form(f"/o/{ORG}/terug", {"code": code})
        assert status == 302, f"melder login: {status}"
        time.sleep(0.5)
        idle = sampler.rss()
        print(f"\nserver idle RSS (after one melding and a melder login), gunicorn master + workers: "
              f"{sampler.describe()}")

        sent_at = []
        with sampler.phase() as up:
            start, start_cpu = time.perf_counter(), tree_cpu_seconds(server.pid)
            status, _h, body = melder.post_file(
                "/melder/bijlage", "/melder/zaak", "attachments", "groot.bin", content(size, seed), size,
                on_sent=lambda: sent_at.append((time.perf_counter(), tree_cpu_seconds(server.pid))))
            upload_s = time.perf_counter() - start
        if status not in (200, 302, 303):  # the case page, or a redirect to it
            failures.append(f"upload answered {status}: {body[:300]}")
        _, page = melder.get("/melder/zaak")
        link = MELDER_LINK.search(page)
        stored = sum(p.stat().st_size for p in (server.data_dir / "attachments").iterdir() if p.is_file())

        results = [("upload (melder, no-JS form)", size, upload_s, up)]
        if link:
            results.append(download(sampler, melder, link.group(1), "download (melder)", size, expected, failures))
            staff = counsellor_login(server)
            _, inbox = staff.get("/vp/")
            _, case_page = staff.get(CASE_LINK.search(inbox).group(1))
            staff_link = re.search(r'href="(/vp/zaak/[^"]+/bijlage/[0-9a-f]+)"', case_page).group(1)
            results.append(download(sampler, staff, staff_link, "download (vertrouwenspersoon)", size,
                                    expected, failures))
            results.append(parallel_downloads(sampler, server.base, melder.cookies, link.group(1),
                                              args.parallel, size, expected, failures))
        else:
            failures.append("no attachment link on the melder's case page")
        if args.photo:
            results.append(photo_upload(sampler, melder, args.photo, failures))
        sampler.close()

    print(f"stored on disk: {stored} bytes ciphertext for {size} bytes plaintext "
          f"(overhead {stored - size} bytes)")
    if sent_at:
        (sent, sent_cpu), = sent_at
        # gunicorn hands the body to the app as it arrives: receiving, parsing, encrypting and
        # writing overlap, so what is left after the last byte is finishing and committing.
        print(f"upload: the client sent the last byte after {sent - start:.1f} s, while the server "
              f"received, parsed, encrypted and wrote ({(sent_cpu - start_cpu) * GiB / size:.2f} "
              f"server CPU s/GiB); it answered {upload_s - (sent - start):.2f} s later "
              f"({up.cpu - (sent_cpu - start_cpu):.2f} CPU s: the last chunk, fsync, commit)")
    print()
    child_base = bare_cleaning_child()
    photo_pixels = args.photo[0] * args.photo[1] if args.photo else 0
    photo_goal = child_base + int(DECODE_OVERHEAD * photo_pixels * 3)
    print("MiB/s: wall clock, as the user sees it. CPU s/GiB: the server's CPU (all threads) per GiB "
          "moved;\nraw/CPU: raw secretstream's CPU per GiB over the server's (1.00 = nothing but the "
          "cipher).")
    print(f"RSS: gunicorn master + {results[0][3].processes - 1} worker(s), summed.")
    print(f"{'phase':32} {'MiB/s':>6} {'CPU s/GiB':>9} {'raw/CPU':>7} {'start RSS':>10} {'peak RSS':>10} "
          f"{'above idle':>10}  temp files")
    for name, nbytes, seconds, mem in results:
        raw_per_gib = (enc_s if name.startswith("upload") else dec_s) * GiB / size
        cpu_per_gib = mem.cpu * GiB / nbytes
        # A --quick run can measure 0 s of server CPU (the kernel counts in 10 ms ticks).
        vs_raw = "-" if "photo" in name or not cpu_per_gib else f"{raw_per_gib / cpu_per_gib:.2f}"
        above = mem.peak - idle
        spooled = f"{len(mem.spooled)} in TMPDIR" if mem.spooled else "none"
        print(f"{name:32} {rate(nbytes, seconds):6.0f} {cpu_per_gib:9.2f} {vs_raw:>7} {mib(mem.start):>10} "
              f"{mib(mem.peak):>10} {mib(above):>10}  {spooled}")
        goal = MEMORY_GOAL + photo_goal if "photo" in name else MEMORY_GOAL
        if above >= goal:
            failures.append(f"{name}: {mib(above)} above idle (goal < {mib(goal)})")
    if args.photo:
        # An image is cleaned in a child process of its own (whistle.infra.metadata_sandbox):
        # the photo row also holds that child, a fresh interpreter with Pillow, measured bare
        # in this run, plus what decoding the pixels takes.
        print(f"photo row goal: {mib(MEMORY_GOAL)} + the cleaning child: {mib(child_base)} bare "
              f"interpreter with Pillow (measured now) + {DECODE_OVERHEAD} x {mib(photo_pixels * 3)} "
              f"decoded pixels = {mib(MEMORY_GOAL + photo_goal)}")
    if any(mem.spooled for *_x, mem in results):
        # whistle serve ran waitress before, which did exactly this with every body over 512 KiB.
        failures.append("the server held a temporary file open in TMPDIR: a spooled request body, "
                        "which on the no-JS path is the melder's plaintext (docs/performance.md)")
    client_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(f"\nbenchmark client peak RSS: {mib(client_peak)}")
    print(f"memory goal (< {mib(MEMORY_GOAL)} above idle): "
          f"{'met' if not any('above idle' in f for f in failures) else 'NOT met'}")
    for failure in failures:
        print(f"PROBLEM: {failure}")
    return 1 if any("above idle" not in f for f in failures) else 0


def bare_cleaning_child() -> int:
    """Peak resident memory of an interpreter that imports what the cleaning child imports, and
    does nothing else: the floor of the child's cost."""
    import subprocess
    code = ("import resource; from PIL import Image; from whistle.infra import metadata; "
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    return int(done.stdout.strip()) * 1024


def photo_upload(sampler, melder, dimensions, failures):
    """A camera JPEG with EXIF (a GPS position) through the same form. Not streamed where the
    server removes metadata: the whole image is decoded in memory, so this is the row to watch."""
    from PIL import Image
    width, height = dimensions
    img = Image.frombytes("RGB", (width, height), os.urandom(width * height * 3))
    exif = Image.Exif()
    exif[0x010F] = "Benchmark camera"  # Make
    exif[0x8825] = {1: "N", 2: (52.0, 15.0, 0.0), 3: "E", 4: (6.0, 9.0, 0.0)}  # GPS position
    out = io.BytesIO()
    img.save(out, "JPEG", quality=85, exif=exif)
    data = out.getvalue()
    del img, out
    with sampler.phase() as mem:
        start = time.perf_counter()
        status, _h, body = melder.post_file("/melder/bijlage", "/melder/zaak", "attachments", "foto.jpg",
                                            [data], len(data))
        seconds = time.perf_counter() - start
    if status not in (200, 302, 303):
        failures.append(f"photo upload answered {status}: {body[:300]}")
    return (f"upload {width * height / 1e6:.1f} MP photo ({mib(len(data))})", len(data), seconds, mem)


def counsellor_login(server: WhistleServer) -> HtmlClient:
    """Passphrase, then the second factor where the server asks for one (enrolling the bench's
    fresh account with an authenticator code computed from the secret the page shows)."""
    staff = HtmlClient(server.base)
    status, headers, _ = staff.post_form("/vp/login", {"email": COUNSELLOR, "passphrase": server.passphrase})
    assert status == 302, f"counsellor login: {status}"
    if headers.get("Location", "").endswith("/vp/login/inrichten"):
        import pyotp
        _, page = staff.get("/vp/login/inrichten")
        secret = re.search(r'class="totp-secret">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
        status, _h, _ = staff.post_form("/vp/login/inrichten", {"code": pyotp.TOTP(secret).now()}, page=page)
        assert status == 200, f"second factor enrolment: {status}"
    return staff


def parallel_downloads(sampler, base, cookies, path, n, size, expected, failures):
    """n melder downloads at once, each on its own connection (and so its own server thread)."""
    def one(_i):
        client = HtmlClient(base)
        client.cookies = dict(cookies)
        h = hashlib.blake2b()
        status, received = client.download(path, h.update)
        client.close()
        return status, received, h.hexdigest()

    with sampler.phase() as mem:
        start = time.perf_counter()
        with ThreadPoolExecutor(n) as pool:
            outcomes = list(pool.map(one, range(n)))
        seconds = time.perf_counter() - start
    for status, received, digest in outcomes:
        if status != 200 or received != size or digest != expected:
            failures.append(f"parallel download: status {status}, {received} of {size} bytes, "
                            f"hash {'ok' if digest == expected else 'WRONG'}")
    return (f"{n} downloads at once (melder)", size * n, seconds, mem)


def download(sampler, client, path, name, size, expected, failures):
    h = hashlib.blake2b()
    with sampler.phase() as mem:
        start = time.perf_counter()
        status, received = client.download(path, h.update)
        seconds = time.perf_counter() - start
    if status != 200 or received != size:
        failures.append(f"{name}: status {status}, {received} of {size} bytes")
    elif h.hexdigest() != expected:
        failures.append(f"{name}: BLAKE2b of the plaintext does not match")
    return (name, received, seconds, mem)


if __name__ == "__main__":
    sys.exit(main())
