"""Browser encryption, measured in headless Chromium: Argon2id key derivation at the published
parameters, and a large attachment (default 200 MiB) encrypted in the browser and uploaded.

    python3 bench/browser_crypto.py              # INTERACTIVE Argon2id, 200 MiB (docs figures)
    python3 bench/browser_crypto.py --quick      # fastest Argon2id, 16 MiB (smoke test)
    python3 bench/browser_crypto.py --size 1G

A real `whistle serve` (bench/common.py) on loopback; Chromium from /usr/bin/chromium driven by
Playwright. Prints figures and asserts nothing about speed; it checks that the uploaded file
decrypts (in Python, with the melder's keys) to exactly what was chosen. Record the figures in
docs/browser-encryption.md.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import crypto  # noqa: E402
from bench.common import ORG, MemorySampler, MiB, WhistleServer, mib, parse_size, print_header, rate  # noqa: E402
from whistle.reporter_client import HttpTransport, ReporterClient  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync"]

DERIVE = """async (runs) => {
  const sodium = await WhistleBoot.sodium();
  const P = WhistleProtocol.create(sodium);
  const intake = await (await fetch('/api/v1/orgs/%s/intake')).json();
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    P.deriveKeys(P.newReceiptCode(), intake.org, intake.kdf);
    times.push(performance.now() - t0);
  }
  return { kdf: intake.kdf, times: times, userAgent: navigator.userAgent };
}""" % ORG

ENCRYPT_ONLY = """async () => {
  const P = WhistleProtocol.create(await WhistleBoot.sodium());
  const file = document.getElementById('attachments').files[0];
  const t0 = performance.now();
  const out = await P.encryptFile(file);
  const ms = performance.now() - t0;
  // Chromium only: the JavaScript heap, which the Blob folding keeps small (Blob data is not in it).
  const heap = performance.memory ? performance.memory.usedJSHeapSize : 0;
  return { ms: ms, bytes: out.body.size, heap: heap };
}"""


class ChromiumMemory:
    """Peak resident memory of all Chromium processes together, sampled in a thread."""

    def __init__(self, interval: float = 0.05) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(interval,), daemon=True)
        self._thread.start()

    @staticmethod
    def total() -> int:
        total = 0
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                if b"chromium" not in Path(f"/proc/{pid}/cmdline").read_bytes():
                    continue
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
            except OSError:
                continue
        return total

    def _run(self, interval: float) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.total())
            self._stop.wait(interval)

    def close(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


def write_file(path: Path, size: int) -> str:
    digest = hashlib.sha256()
    with open(path, "wb") as fh:
        left = size
        while left:
            block = os.urandom(min(left, 4 * MiB))
            digest.update(block)
            fh.write(block)
            left -= len(block)
    return digest.hexdigest()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=parse_size, default=None, help="attachment size (default 200M)")
    parser.add_argument("--quick", action="store_true", help="16 MiB and the fastest Argon2id")
    parser.add_argument("--runs", type=int, default=5, help="key derivations to time")
    args = parser.parse_args()
    size = args.size or (16 * MiB if args.quick else 200 * MiB)

    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("playwright is not installed (pip install playwright)")
        return 2
    if not Path(CHROMIUM).exists():
        print(f"{CHROMIUM} is missing (apt-get install chromium)")
        return 2

    print_header("encryption in the melder's browser")
    problems = []
    with WhistleServer(fast_kdf=args.quick, max_attachment_bytes=max(2 * size, 64 * MiB)) as server, \
            sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        print(f"browser:   Chromium {browser.version} (headless), libsodium.js "
              f"{(ROOT / 'static/vendor/libsodium/MANIFEST').read_text().split('version ')[-1].strip()}")
        page = browser.new_page()
        page.set_default_timeout(30 * 60 * 1000)
        page.goto(f"{server.base}/o/{ORG}/melden")
        page.wait_for_selector("#melding-form[data-encryption=browser]", state="attached")

        # --- Argon2id ---------------------------------------------------------------------
        derived = page.evaluate(DERIVE, args.runs)
        kdf = derived["kdf"]
        ms = derived["times"]
        params = crypto.KdfParams(kdf["opslimit"], kdf["memlimit"])
        py = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            crypto.derive_reporter_keys(crypto.new_receipt_code(), ORG, params)
            py.append((time.perf_counter() - t0) * 1000)
        print(f"\nArgon2id13 at the published parameters: opslimit {kdf['opslimit']}, "
              f"memlimit {kdf['memlimit'] // 1024} KiB{' (MINIMUM: --quick, not a figure)' if args.quick else ''}")
        print(f"  browser (libsodium.js, WebAssembly): median {statistics.median(ms):.0f} ms, "
              f"min {min(ms):.0f}, max {max(ms):.0f} ({args.runs} runs; the first includes warm-up)")
        print(f"  Python (PyNaCl, native) for comparison: median {statistics.median(py):.0f} ms")

        # --- a large attachment -----------------------------------------------------------
        path = server.workdir / "groot.bin"
        expected = write_file(path, size)
        page.set_input_files("#attachments", str(path))
        # Random bytes are no kind the browser can clean of metadata: send it as it is
        # (static/js/melder-clean.js asks before the form may go).
        page.wait_for_selector("#clean-report[data-state=done]", state="attached")
        for radio in page.query_selector_all("#clean-list input[type=radio][value=send]"):
            radio.check()
        enc = page.evaluate(ENCRYPT_ONLY)
        print(f"\nattachment: {mib(size)}")
        print(f"  encrypt only, in the browser (File -> secretstream -> Blob): {enc['ms'] / 1000:.1f} s, "
              f"{rate(size, enc['ms'] / 1000):.0f} MiB/s; ciphertext {mib(enc['bytes'])}; "
              f"JavaScript heap after: {mib(enc['heap'])}")

        page.fill("#what", "Benchmark: een grote bijlage, versleuteld in de browser.")
        server_memory = MemorySampler(server.pid)
        chromium_memory = ChromiumMemory()
        with server_memory.phase() as up:
            t0 = time.perf_counter()
            page.click("#melding-form button[type=submit]")
            page.wait_for_selector("[data-slot=uploads][data-state=done], li.upload[data-state=failed]",
                                   state="attached")
            total = time.perf_counter() - t0
        chromium_peak = chromium_memory.close()
        server_memory.close()
        if page.locator("li.upload[data-state=failed]").count():
            problems.append("the upload failed: " + page.inner_text("li.upload"))
        print(f"  whole journey (derive, encrypt, send the melding, log in, upload): {total:.1f} s, "
              f"{rate(size, total):.0f} MiB/s end to end")
        print(f"  server RSS during the upload (gunicorn master + workers): peak {mib(up.peak)} (from {mib(up.start)})")
        print(f"  Chromium RSS, all its processes summed (shared pages counted twice): peak {mib(chromium_peak)}")

        # --- it arrived intact ------------------------------------------------------------
        code = page.inner_text("p.code").strip()
        browser.close()
        melder = ReporterClient(HttpTransport(server.base), ORG)
        melder.log_in(code)
        attachments = melder.case()["attachments"]
        if len(attachments) != 1:
            problems.append(f"expected one attachment, found {len(attachments)}")
        else:
            header, plain = melder.download(attachments[0]["id"])
            if hashlib.sha256(plain).hexdigest() != expected or header["size"] != size:
                problems.append("the decrypted attachment differs from the file that was chosen")
            else:
                print("  checked: the stored attachment decrypts in Python to exactly the chosen file")
    for problem in problems:
        print("PROBLEM:", problem)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
