"""What every benchmark needs: a real `whistle serve` set up through the CLI in a temporary data
directory, a sampler of the server's resident memory and CPU, the machine's description, and a
few statistics. The benchmarks print figures; they assert nothing about speed.

`whistle serve` is gunicorn: a master process (the arbiter, which only watches) and worker
processes forked from it, which serve the requests. Memory and CPU are therefore measured over
the server's whole process tree: RSS of the master + the workers (pages they still share after
the fork are counted once per process), CPU of all of them."""
from __future__ import annotations

import datetime
import os
import platform
import secrets
import shutil
import signal
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
FIRST_PASSPHRASE = "eenmalige eerste wachtwoordzin van de bench"
MiB = 1024 * 1024
GiB = 1024 * MiB

# The benchmark's own load is not abuse: lift the intake limits per organisation (60 meldingen
# and 8 GiB an hour by default), or the server would answer 429 after the 60th melding.
# The proof of work stays at its base difficulty (work_max_bits = work_bits): requests prepared
# before the clock starts would otherwise be refused as too easy once the rate has risen.
BENCH_LIMITS = (f"intake_cases_per_hour = 1000000\nintake_bytes_per_hour = {1024 * GiB}\n"
                "work_bits = 16\nwork_max_bits = 16\n")
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


def server_layout() -> str:
    """How `whistle serve` runs, read from whistle.web.server.serve's own defaults (the bench
    passes --threads only, with the same default)."""
    import inspect
    from whistle.web.server import serve
    defaults = {name: p.default for name, p in inspect.signature(serve).parameters.items()}
    return f"gthread, {defaults['workers']} worker(s) x {defaults['threads']} threads"


def machine_lines() -> list[str]:
    import nacl
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
        f"server:    gunicorn {version('gunicorn')} ({server_layout()}), Flask {version('flask')}, "
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
    extra_settings: str = ""  # more whistle.toml lines (e.g. trusted_proxy_hops = 1 behind a proxy)
    workdir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="whistle-bench-")))
    passphrase: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    proc: subprocess.Popen | None = None

    def __post_init__(self) -> None:
        self.data_dir = self.workdir / "data"
        self.data_dir.mkdir()
        # The server's own temporary files would land here, so the benchmark can see any
        # (a server that spools request bodies writes the no-JS path's plaintext to them).
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
        (self.data_dir / "whistle.toml").write_text(BENCH_LIMITS + self.extra_settings
                                                 + (FAST_KDF if self.fast_kdf else ""))

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
                 "--password-stdin", stdin=FIRST_PASSPHRASE + "\n")
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "whistle.cli", "serve", "--host", "127.0.0.1",
             "--port", str(self.port), "--threads", str(self.threads)],
            env=self.env, stdout=self._log, stderr=subprocess.STDOUT, cwd=ROOT,
            start_new_session=True)  # its own process group: master and workers end together
        wait_until_answering(self.base + "/", self.proc, self.log_path)
        self._first_login_and_endorse()
        return self

    def _first_login_and_endorse(self) -> None:
        """The counsellor's first login (second factor, then their own passphrase, which makes
        their key pair), the organisation key, and its endorsement of the counsellor; then the
        second factor is cleared again, so the benchmarks' own login enrols as before."""
        import re

        import pyotp

        from bench.html_client import HtmlClient
        staff = HtmlClient(self.base)
        status, headers, _ = staff.post_form("/vp/login", {"email": COUNSELLOR, "passphrase": FIRST_PASSPHRASE},
                                             form_page="/vp/login")
        assert status == 302 and headers.get("Location", "").endswith("/vp/login/inrichten"), status
        _, page = staff.get("/vp/login/inrichten")
        secret = re.search(r'class="totp-secret">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
        status, _h, _ = staff.post_form("/vp/login/inrichten", {"code": pyotp.TOTP(secret).now()}, page=page)
        assert status == 200, f"second factor enrolment: {status}"
        status, _h, _ = staff.post_form("/vp/wachtwoordzin", {"old": FIRST_PASSPHRASE, "new": self.passphrase,
                                                              "repeat": self.passphrase}, form_page="/vp/wachtwoordzin")
        assert status == 200, f"first passphrase change: {status}"
        staff.close()
        words = re.search(r"^    ((?:[0-9A-Z]{5} ){11}[0-9A-Z]{5})$", self.cli("org", "trust-key", ORG), re.M).group(1)
        self.cli("user", "endorse", COUNSELLOR, "--trust-key-stdin", stdin=words + "\n")
        self.cli("user", "reset-2fa", "--email", COUNSELLOR)

    @property
    def pid(self) -> int:
        """The gunicorn master's; MemorySampler and tree_cpu_seconds include its workers."""
        assert self.proc is not None
        return self.proc.pid

    def stop(self) -> None:
        if self.proc is not None:
            stop_process_group(self.proc)
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
                                stdout=fh, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            wait_until_answering(f"http://127.0.0.1:{port}/", proc, log)
            yield f"http://127.0.0.1:{port}", proc.pid
        finally:
            stop_process_group(proc)
            shutil.rmtree(workdir, ignore_errors=True)


def stop_process_group(proc: subprocess.Popen) -> None:
    """SIGTERM to the gunicorn master (it stops its workers); if it has not ended in 15 s,
    SIGKILL to the process group the bench started it in, so no worker outlives the run."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=15)
            return
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()


# --- memory and CPU of the server's processes ----------------------------------------------------

def _children_from_proc(pid: int) -> list[int]:
    """Direct children of pid by scanning /proc (where /proc/<pid>/task/*/children is missing)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            if ppid == pid:
                found.append(int(entry.name))
    return found


def children(pid: int) -> list[int]:
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:
        return []
    found: list[int] = []
    for task in tasks:
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except FileNotFoundError:
            return _children_from_proc(pid)  # kernel without CONFIG_PROC_CHILDREN
        except OSError:
            continue
    return found


def process_tree(pid: int) -> list[int]:
    """pid and all its descendants: the gunicorn master first, then its workers."""
    tree, todo = [], [pid]
    while todo:
        current = todo.pop(0)
        tree.append(current)
        todo += children(current)
    return tree


def tree_cpu_seconds(pid: int) -> float:
    """CPU seconds of pid and its live descendants (a worker that exits takes its share along:
    gunicorn does not restart workers during a bench unless one crashed)."""
    total = 0.0
    for p in process_tree(pid):
        try:
            total += cpu_seconds(p)
        except OSError:
            pass  # ended between the listing and the read
    return total


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
    """Files with data in them that the process holds open in `directory`, including unlinked
    ones (O_TMPFILE). Empty files are left out: every gunicorn worker keeps an unlinked, empty
    heartbeat file (wgunicorn-*) open in TMPDIR, whose timestamp it touches and which it
    never writes to."""
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
            try:
                size = os.stat(fd).st_size  # follows the link: works for unlinked files too
            except OSError:
                continue
            if size:
                found.add(target)
    return found


class MemorySampler:
    """Samples the server's RSS every `interval` seconds in a thread: the sum of VmRSS over the
    process and its descendants (gunicorn's master and its workers; the tree is listed again at
    every sample, so a restarted worker is found). `phase()` reports the largest sample and the
    kernel's own peaks (VmHWM of each process, reset at the start of the phase, summed: an
    upper bound of their combined peak), so a spike between two samples is not missed. It
    also notes any temporary file any of them holds open in `watch_dir`, and the CPU they
    spent."""

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
            if not Path(f"/proc/{self.pid}").exists():
                return
            tree = process_tree(self.pid)
            rss = self._sum(tree, "VmRSS")
            files = set()
            if self.watch_dir:
                for p in tree:
                    files |= spooled_files(p, self.watch_dir)
            with self._lock:
                self._max = max(self._max, rss)
                self._spooled |= files
            self._stop.wait(self.interval)

    @staticmethod
    def _sum(pids: list[int], key: str) -> int:
        total = 0
        for p in pids:
            try:
                total += proc_status(p)[key]
            except (OSError, KeyError):
                pass  # ended between the listing and the read
        return total

    def rss(self) -> int:
        """RSS of the master + workers, now."""
        return self._sum(process_tree(self.pid), "VmRSS")

    def describe(self) -> str:
        """Which processes are measured, with the RSS of each."""
        master, *workers = process_tree(self.pid)
        parts = [f"master {mib(self._sum([master], 'VmRSS'))}"]
        parts += [f"worker {mib(self._sum([w], 'VmRSS'))}" for w in workers]
        return f"{mib(self.rss())} = " + " + ".join(parts)

    @contextmanager
    def phase(self):
        result = Phase()
        tree = process_tree(self.pid)
        exact = all(reset_peak(p) for p in tree)
        with self._lock:
            self._max = self.rss()
            self._spooled = set()
        result.start = self._max
        result.processes = len(tree)
        cpu = tree_cpu_seconds(self.pid)
        try:
            yield result
        finally:
            result.cpu = tree_cpu_seconds(self.pid) - cpu
            with self._lock:
                result.sampled_peak = self._max
                result.spooled = set(self._spooled)
            after = process_tree(self.pid)
            # A worker that appeared during the phase has no reset peak: then only the samples.
            result.kernel_peak = self._sum(after, "VmHWM") if exact and after == tree else None
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
    processes: int = 1  # master + workers measured

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


# --- a database of metadata rows, in process (bench/inbox.py, register.py, scale.py) -----------

@dataclass
class BenchDatabase:
    data: Path
    settings: object
    engine: object
    factory: object

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name


def bench_database(prefix: str, database_url: str | None = None) -> BenchDatabase:
    """A temporary data directory with the fast KDF, the database at `database_url` (an empty
    one; the embedded default when None) migrated to the head, and a session factory over it.
    Sets WHISTLE_DATA_DIR (and WHISTLE_DATABASE_URL) for this process, as the CLI would read them."""
    data = Path(tempfile.mkdtemp(prefix=prefix))
    (data / "whistle.toml").write_text(FAST_KDF)
    os.environ["WHISTLE_DATA_DIR"] = str(data)
    if database_url:
        os.environ["WHISTLE_DATABASE_URL"] = database_url
    from whistle.infra import migrate
    from whistle.infra.db import make_engine, make_session_factory
    from whistle.settings import settings_from_env
    settings = settings_from_env()
    engine = make_engine(settings.database_url)
    migrate.upgrade(engine)
    return BenchDatabase(data, settings, engine, make_session_factory(engine))


def with_next_due(row: dict) -> dict:
    """A case row written in bulk (past the ORM's flush hook) gets the next_due the application
    would store: whistle.domain.states.next_due over its state and deadlines."""
    from whistle.domain.states import next_due
    row["next_due"] = next_due(row["state"], row.get("ack_due"), row.get("feedback_due"))
    return row


CASE_KINDS = ("integriteitsvraag", "ongewenst_gedrag", "vermoeden_misstand", "integriteitsschending", None)
CHANNELS = ("web_js", "web_zonder_js", "namens")


def case_rows(org_ids: list[int], n: int, rng, prefix: str, year: int, state: str = "in_behandeling") -> list[dict]:
    """`n` case rows of metadata over `org_ids` in turn, received in `year` or the year before;
    the key and ciphertext columns hold random bytes (nothing here is decrypted)."""
    rows = []
    for i in range(n):
        received = datetime.date(year - rng.randint(0, 1), 1, 1) + datetime.timedelta(days=rng.randint(0, 364))
        ack = received + datetime.timedelta(days=rng.randint(1, 10)) if rng.random() < 0.95 else None
        fb = received + datetime.timedelta(days=rng.randint(20, 100)) if rng.random() < 0.7 else None
        k = secrets.token_bytes(32)
        rows.append(with_next_due({
            "organisation_id": org_ids[i % len(org_ids)], "ref": f"{prefix}-{i:08d}",
            "locator": secrets.token_bytes(16), "state": state, "received_on": received,
            "acknowledged_on": ack, "ack_due": received + datetime.timedelta(days=7),
            "feedback_due": received + datetime.timedelta(days=49),
            "feedback_maximum": received + datetime.timedelta(98),
            "feedback_given_on": fb, "category": rng.choice(CASE_KINDS), "channel": rng.choice(CHANNELS),
            "named": rng.random() < 0.4, "route": "intern", "outcome": None,
            "reporter_box_public": k, "reporter_sign_public": k, "key_commitment": k,
            "reporter_sealed_key": secrets.token_bytes(80)}))
    return rows
