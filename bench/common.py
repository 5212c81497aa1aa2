"""What every benchmark needs: a real `whistle serve` set up through the CLI in a temporary data
directory, a sampler of the server's resident memory, the machine's description, and a few
statistics. The benchmarks print figures; they assert nothing about speed."""
from __future__ import annotations

import datetime
import os
import platform
import secrets
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ORG = "bench"
COUNSELLOR = "vp@bench.example"
MiB = 1024 * 1024
GiB = 1024 * MiB

# The benchmark's own load is not abuse: lift the intake limits per organisation (60 meldingen
# and 8 GiB an hour by default), or the server would answer 429 after the 60th melding.
BENCH_LIMITS = f"intake_cases_per_hour = 1000000\nintake_bytes_per_hour = {1024 * GiB}\n"
# The weakest Argon2id libsodium accepts: only for --quick runs, never for published figures.
FAST_KDF = "[reporter_kdf]\nopslimit = 1\nmemlimit = 8192\n[staff_kdf]\nopslimit = 1\nmemlimit = 8192\n"


# --- the machine ---------------------------------------------------------------------------------

def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _ram_gib() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / (1024 * 1024)
    except OSError:
        pass
    return 0.0


def machine_lines() -> list[str]:
    import nacl
    import waitress  # noqa: F401 (only its version)
    from importlib.metadata import version
    return [
        f"date:      {datetime.date.today().isoformat()}",
        f"machine:   {_cpu_model()}, {os.cpu_count()} cores, {_ram_gib():.1f} GiB RAM, "
        f"{platform.system()} {platform.release()}",
        f"python:    {platform.python_implementation()} {platform.python_version()}",
        # PyNaCl bundles libsodium and does not expose its version string.
        f"crypto:    PyNaCl {nacl.__version__} (bundled libsodium)",
        f"sqlite:    {sqlite3.sqlite_version}",
        # Other work on the machine skews every figure: say how busy it was.
        f"load:      {' '.join(f'{x:.2f}' for x in os.getloadavg())} (1, 5, 15 min) at the start",
        f"server:    waitress {version('waitress')}, Flask {version('flask')}, "
        f"Werkzeug {version('werkzeug')}",
    ]


def print_header(title: str) -> None:
    print(f"== {title} ==")
    for line in machine_lines():
        print(line)
    print(flush=True)


# --- servers -------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_answering(url: str, proc: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}:\n{log.read_text()}")
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except urllib.error.HTTPError:
            return  # it answered
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"server did not answer within {timeout}s:\n{log.read_text()}")


@dataclass
class WhistleServer:
    """`whistle db upgrade`, `org create`, `user create`, then `whistle serve` on loopback."""
    fast_kdf: bool = False
    max_attachment_bytes: int | None = None
    database_url: str | None = None
    threads: int = 8
    workdir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="whistle-bench-")))
    passphrase: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    proc: subprocess.Popen | None = None

    def __post_init__(self) -> None:
        self.data_dir = self.workdir / "data"
        self.data_dir.mkdir()
        # The server's own temporary files (waitress spools large request bodies) land here,
        # so the benchmark can see them.
        self.tmp_dir = self.workdir / "tmp"
        self.tmp_dir.mkdir()
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = self.workdir / "server.log"
        self.env = {**os.environ, "WHISTLE_DATA_DIR": str(self.data_dir), "PYTHONUNBUFFERED": "1",
                    "TMPDIR": str(self.tmp_dir)}
        self.env.pop("WHISTLE_DATABASE_URL", None)
        self.env.pop("WHISTLE_CONFIG", None)
        if self.database_url:
            self.env["WHISTLE_DATABASE_URL"] = self.database_url
        if self.max_attachment_bytes:
            self.env["WHISTLE_MAX_ATTACHMENT_BYTES"] = str(self.max_attachment_bytes)
        (self.data_dir / "whistle.toml").write_text(BENCH_LIMITS + (FAST_KDF if self.fast_kdf else ""))

    def cli(self, *args: str, stdin: str | None = None) -> str:
        done = subprocess.run([sys.executable, "-m", "whistle.cli", *args], input=stdin, env=self.env,
                              capture_output=True, text=True, timeout=300, cwd=ROOT)
        if done.returncode != 0:
            raise RuntimeError(f"whistle {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
        return done.stdout

    def start(self) -> "WhistleServer":
        self.cli("db", "upgrade")
        self.cli("org", "create", ORG, "--name", "Benchmark BV")
        self.cli("user", "create", "--org", ORG, "--role", "counsellor", "--email", COUNSELLOR,
                 "--password-stdin", stdin=self.passphrase + "\n")
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "whistle.cli", "serve", "--host", "127.0.0.1",
             "--port", str(self.port), "--threads", str(self.threads)],
            env=self.env, stdout=self._log, stderr=subprocess.STDOUT, cwd=ROOT)
        wait_until_answering(self.base + "/", self.proc, self.log_path)
        return self

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc is not None:
            self._log.close()
        # The data directory holds the (encrypted) test files, up to the size of the run.
        shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self) -> "WhistleServer":
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, exc_type, *_exc) -> None:
        if exc_type is not None and self.log_path.exists():
            # The data directory goes with stop(): show what the server said first.
            self._log.flush()
            print("--- server log (tail) ---\n" + self.log_path.read_text()[-4000:], file=sys.stderr)
        self.stop()


@contextmanager
def bare_flask_server(threads: int = 8):
    """The same WSGI server and framework with nothing of ours: the ceiling for a request."""
    port = free_port()
    workdir = Path(tempfile.mkdtemp(prefix="whistle-bench-bare-"))
    log = workdir / "bare.log"
    with open(log, "wb") as fh:
        proc = subprocess.Popen([sys.executable, str(Path(__file__).with_name("bare_flask.py")),
                                 "--port", str(port), "--threads", str(threads)],
                                stdout=fh, stderr=subprocess.STDOUT)
        try:
            wait_until_answering(f"http://127.0.0.1:{port}/", proc, log)
            yield f"http://127.0.0.1:{port}", proc.pid
        finally:
            proc.terminate()
            proc.wait(timeout=15)
            shutil.rmtree(workdir, ignore_errors=True)


# --- memory --------------------------------------------------------------------------------------

def proc_status(pid: int) -> dict[str, int]:
    """VmRSS, VmHWM etc. in bytes."""
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("Vm"):
            key, value = line.split(":", 1)
            parts = value.split()
            out[key] = int(parts[0]) * 1024
    return out


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds a process has used so far (all its threads)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def reset_peak(pid: int) -> bool:
    """Reset the kernel's VmHWM for pid (Linux >= 4.0); False where that is not allowed."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def spooled_files(pid: int, directory: Path) -> set[str]:
    """Files the process holds open in `directory`, including unlinked ones (O_TMPFILE)."""
    found = set()
    fd_dir = Path(f"/proc/{pid}/fd")
    try:
        entries = list(fd_dir.iterdir())
    except OSError:
        return found
    for fd in entries:
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith(str(directory)):
            found.add(target)
    return found


class MemorySampler:
    """Samples a process's VmRSS every `interval` seconds in a thread; `phase()` reports the
    largest sample and the kernel's own peak (VmHWM, reset at the start of the phase), so a
    spike between two samples is not missed. It also notes any temporary file the process
    holds open in `watch_dir`."""

    def __init__(self, pid: int, interval: float = 0.01, watch_dir: Path | None = None) -> None:
        self.pid, self.interval, self.watch_dir = pid, interval, watch_dir
        self._max = 0
        self._spooled: set[str] = set()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                rss = proc_status(self.pid)["VmRSS"]
                files = spooled_files(self.pid, self.watch_dir) if self.watch_dir else set()
            except (OSError, KeyError):
                return
            with self._lock:
                self._max = max(self._max, rss)
                self._spooled |= files
            self._stop.wait(self.interval)

    def rss(self) -> int:
        return proc_status(self.pid)["VmRSS"]

    @contextmanager
    def phase(self):
        result = Phase()
        exact = reset_peak(self.pid)
        with self._lock:
            self._max = self.rss()
            self._spooled = set()
        result.start = self._max
        cpu = cpu_seconds(self.pid)
        try:
            yield result
        finally:
            result.cpu = cpu_seconds(self.pid) - cpu
            with self._lock:
                result.sampled_peak = self._max
                result.spooled = set(self._spooled)
            result.kernel_peak = proc_status(self.pid)["VmHWM"] if exact else None
            result.end = self.rss()

    def close(self) -> None:
        self._stop.set()
        self._thread.join()


@dataclass
class Phase:
    """Memory of one phase, and the CPU the server spent in it (user + system, all threads):
    unlike wall time, CPU seconds hardly change when other work shares the machine."""
    start: int = 0
    cpu: float = 0.0
    end: int = 0
    sampled_peak: int = 0
    kernel_peak: int | None = None
    spooled: set[str] = field(default_factory=set)

    @property
    def peak(self) -> int:
        return max(self.sampled_peak, self.kernel_peak or 0)


# --- statistics and printing ---------------------------------------------------------------------

def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * p // 100))
    return ordered[int(rank) - 1]


def mib(n: float) -> str:
    return f"{n / MiB:.1f} MiB"


def rate(nbytes: int, seconds: float) -> float:
    return nbytes / MiB / seconds if seconds > 0 else float("inf")


def parse_size(text: str) -> int:
    """'1G', '16M', '512K' or a number of bytes."""
    text = text.strip().upper().removesuffix("B").removesuffix("I")
    factor = {"K": 1024, "M": MiB, "G": GiB}.get(text[-1:], 1)
    number = text[:-1] if text[-1:] in "KMG" else text
    return int(float(number) * factor)
