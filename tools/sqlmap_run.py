"""sqlmap against a live local `whistle serve`, over every form and every v1 API parameter
(issue 6.9). Run through tools/sqlmap_run.sh; the result goes in docs/security-testing.md.

Sets up a throw-away data directory through the CLI (db upgrade, org create, user create),
starts the server on 127.0.0.1 with a free port, makes a melding with an attachment, logs in a
melder (pages and API) and a counsellor (passphrase and second factor), then runs sqlmap in
batch mode once per endpoint with the cookies, CSRF token source and bearer token that endpoint
needs. Only 127.0.0.1 is ever a target; every sqlmap run is bounded in time."""
from __future__ import annotations

import argparse
import base64
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pyotp  # noqa: E402

from tests.live_server import FAST_KDF, HtmlSession, LiveServer  # noqa: E402
from tests.metadata import samples  # noqa: E402
from whistle.reporter_client import HttpTransport, ReporterClient  # noqa: E402

PASSPHRASE = "een lange genoeg wachtzin voor sqlmap"
FIRST_PASSPHRASE = "de eenmalige eerste wachtzin voor sqlmap"
VP = "vp@deventer.example"
# The abuse limits would answer 429 after a few attempts and hide the code behind them.
NO_LIMITS = """
melder_failures_per_client = 1000000000
melder_failures_global = 1000000000
challenges_per_client = 1000000000
staff_failures_per_account = 1000000000
intake_cases_per_hour = 1000000000
intake_bytes_per_hour = 1000000000000
"""
CODE_RE = re.compile(r'class="code"[^>]*>([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})<')


def b64(n: int, fill: bytes = b"a") -> str:
    return base64.b64encode(fill * n).decode()


def run_cli(server: LiveServer, args, stdin) -> str:
    r = server.cli(*args, stdin=stdin)
    if r.returncode:
        raise SystemExit(f"whistle {' '.join(args)} failed: {r.stderr}")
    return r.stdout


def arrange(server: LiveServer) -> dict:
    for args, stdin in ((("db", "upgrade"), None),
                        (("org", "create", "deventer", "--name", "Gemeente Deventer"), None),
                        (("user", "create", "--org", "deventer", "--role", "counsellor", "--email", VP,
                          "--password-stdin"), FIRST_PASSPHRASE + "\n")):
        run_cli(server, args, stdin)
    server.start()
    # The counsellor's first login: second factor, then their own passphrase (their key pair is
    # made then); the organisation key endorses them, so the melding below has a reader.
    staff = HtmlSession(server.base)
    _, page = staff.post_form("/vp/login", {"email": VP, "passphrase": FIRST_PASSPHRASE})
    secret = re.search(r'class="totp-secret">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
    staff.post_form("/vp/login/inrichten", {"code": pyotp.TOTP(secret).now()}, form_page="/vp/login/inrichten")
    staff.post_form("/vp/wachtwoordzin", {"old": FIRST_PASSPHRASE, "new": PASSPHRASE, "repeat": PASSPHRASE})
    words = re.search(r"^    ((?:[0-9A-Z]{5} ){11}[0-9A-Z]{5})$",
                      run_cli(server, ("org", "trust-key", "deventer"), None), re.M).group(1)
    run_cli(server, ("user", "endorse", VP, "--trust-key-stdin"), words + "\n")
    anon = HtmlSession(server.base)
    _, page = anon.post_form("/o/deventer/melden", {"what": "sqlmap-melding"},
                             files=[("attachments", "foto.jpg", samples.jpeg_with_gps())])
    code = CODE_RE.search(page).group(1)

    melder = HtmlSession(server.base)
    melder.post_form("/o/deventer/terug", {"code": code})
    _, case_page = melder.get("/melder/zaak")
    attachment_id = re.search(r"/melder/bijlage/([0-9a-f]{32})", case_page).group(1)

    _, inbox = staff.get("/vp/")
    # A second staff session stopped after the passphrase, for the second-factor form.
    pending = HtmlSession(server.base)
    pending.post_form("/vp/login", {"email": VP, "passphrase": PASSPHRASE})
    ref = re.search(r"/vp/zaak/(M-[0-9A-Z-]+)", inbox).group(1)

    api = ReporterClient(HttpTransport(server.base), "deventer")
    api.log_in(code)
    intake = api.fetch_intake()
    return {"melder_cookie": cookie(melder), "staff_cookie": cookie(staff), "pending_cookie": cookie(pending),
            "token": api.token,
            "attachment_id": attachment_id, "ref": ref, "recipient": intake["recipients"][0]["key_id"]}


def cookie(session: HtmlSession) -> str:
    return "; ".join(f"{c.name}={c.value}" for c in session.jar)


def targets(base: str, a: dict) -> list[tuple[str, list[str]]]:
    """(name, sqlmap arguments) for every form and every API parameter."""
    # sqlmap fills in a fresh token for the csrf_token field it finds in --data (see with_csrf).
    form = ["--csrf-token=csrf_token"]
    melder = ["--cookie", a["melder_cookie"], "--csrf-url", f"{base}/melder/zaak"]
    staff = ["--cookie", a["staff_cookie"], "--csrf-url", f"{base}/vp/zaak/{a['ref']}"]
    bearer = f"Authorization: Bearer {a['token']}"
    json_h = "Content-Type: application/json"
    report = ('{"version": 1, "locator": "%s", "reporter_box_public_key": "%s", "reporter_sign_public_key": "%s", '
              '"report": "%s", "identity": "%s", "key_commitment": "%s", '
              '"keys": [{"recipient": "%s", "sealed_key": "%s"}], "reporter_sealed_key": "%s"}') % (
        "ab" * 16, b64(32), b64(32), b64(24 + 1024 + 16), b64(24 + 1024 + 16), b64(32), a["recipient"], b64(80),
        b64(80))
    return [(name, with_csrf(args)) for name, args in [
        ("form: melding (all fields)", ["-u", f"{base}/o/deventer/melden", "--data",
            "what=x&when=y&where=z&who=w&how_known=h&category=&share_identity=ja&name=n&contact=c"
            "&consent_note=k&keep_metadata=ja", *form, "--csrf-url", f"{base}/o/deventer/melden"]),
        ("form: melding (organisation in the path)", ["-u", f"{base}/o/deventer*/melden", "--data", "what=x",
            *form, "--csrf-url", f"{base}/o/deventer/melden"]),
        ("form: code login", ["-u", f"{base}/o/deventer/terug", "--data", "code=ABCD-EFGH-JKLM-NPQR", *form,
            "--csrf-url", f"{base}/o/deventer/terug", "--ignore-code=401"]),
        ("form: melder message", ["-u", f"{base}/melder/bericht", "--data", "text=hallo", *form, *melder]),
        ("form: melder step (event in the path, confirm, route)", ["-u", f"{base}/melder/stap/withdraw*",
            "--data", "confirm=nee&route=x", *form, *melder]),
        ("page: melder attachment download (id in the path)", ["-u",
            f"{base}/melder/bijlage/{a['attachment_id']}*", "--cookie", a["melder_cookie"]]),
        ("form: staff login", ["-u", f"{base}/vp/login", "--data", f"email={VP}&passphrase=x", *form,
            "--csrf-url", f"{base}/vp/login", "--ignore-code=401"]),
        ("form: staff second factor", ["-u", f"{base}/vp/login/tweede-stap", "--data", "code=123456", *form,
            "--cookie", a["pending_cookie"], "--csrf-url", f"{base}/vp/login/tweede-stap", "--ignore-code=401"]),
        ("form: counsellor reply (case ref in the path)", ["-u", f"{base}/vp/zaak/{a['ref']}*/bericht",
            "--data", "text=hallo", *form, *staff]),
        ("form: counsellor step (all step fields)", ["-u", f"{base}/vp/zaak/{a['ref']}/stap/triage*", "--data",
            "kind=integriteitsvraag&meldingswaardig=ja&until=2030-01-01&reason=r&decision=d&motivation=m"
            "&text=t&route=r&deadline=d", *form, *staff]),
        ("page: counsellor case and attachment (ids in the path)", ["-u",
            f"{base}/vp/zaak/{a['ref']}*/bijlage/{a['attachment_id']}*", "--cookie", a["staff_cookie"]]),
        ("api: intake (organisation in the path)", ["-u", f"{base}/api/v1/orgs/deventer*/intake"]),
        ("api: new report (every JSON field)", ["-u", f"{base}/api/v1/orgs/deventer/reports", "--data", report,
            "-H", json_h]),
        ("api: challenge", ["-u", f"{base}/api/v1/reporter/challenge", "--data", '{"locator": "%s"}' % ("ab" * 16),
            "-H", json_h]),
        ("api: session", ["-u", f"{base}/api/v1/reporter/session", "--data",
            '{"locator": "%s", "challenge": "%s", "signature": "%s"}' % ("ab" * 16, b64(32), b64(64)),
            "-H", json_h, "--ignore-code=401"]),
        ("api: case (bearer token)", ["-u", f"{base}/api/v1/reporter/case", "-H", bearer + "*",
            "--ignore-code=401"]),
        ("api: message", ["-u", f"{base}/api/v1/reporter/case/messages", "--data",
            '{"ciphertext": "%s"}' % b64(24 + 1024 + 16), "-H", json_h, "-H", bearer]),
        ("api: lifecycle event", ["-u", f"{base}/api/v1/reporter/case/events", "--data",
            '{"event": "disagree", "route": "x", "ciphertext": "%s"}' % b64(24 + 1024 + 16), "-H", json_h,
            "-H", bearer]),
        ("api: attachment upload (record header)", ["-u", f"{base}/api/v1/reporter/case/attachments",
            "--data", "x" * 64, "-H", "Content-Type: application/octet-stream", "-H", bearer,
            "-H", "Whistle-Attachment-Record: %s*" % b64(24 + 1024 + 16)]),
        ("api: attachment download (id in the path)", ["-u",
            f"{base}/api/v1/reporter/case/attachments/{a['attachment_id']}*", "-H", bearer]),
    ]]


def with_csrf(args: list[str]) -> list[str]:
    """Forms: the token field must be in --data for sqlmap to refresh it before each request."""
    if "--csrf-token=csrf_token" in args:
        i = args.index("--data") + 1
        args = [*args[:i], args[i] + "&csrf_token=x", *args[i + 1:]]
    return args


def verdict(output: str, returncode: int | None) -> str:
    if re.search(r"is vulnerable|identified the following injection point", output):
        return "INJECTABLE"
    if returncode is None:
        return "stopped at the time limit (no injection found until then)"
    if "do not appear to be injectable" in output or "does not seem to be injectable" in output:
        return "not injectable"
    critical = [line.split("] ", 2)[-1] for line in output.splitlines() if "[CRITICAL]" in line or "[ERROR]" in line]
    return "incomplete: " + (critical[-1].strip() if critical else f"exit {returncode}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--per-target-seconds", type=int, default=300)
    parser.add_argument("--level", type=int, default=2)
    parser.add_argument("--risk", type=int, default=1)
    parser.add_argument("--only", help="run only targets whose name contains this")
    parser.add_argument("--keep", action="store_true", help="keep the data directory and sqlmap logs")
    args = parser.parse_args()
    sqlmap = shutil.which("sqlmap")
    if not sqlmap:
        print("sqlmap is not installed: apt-get install sqlmap (or pip install sqlmap)", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="whistle-sqlmap-"))
    server = LiveServer(work / "data")
    # Top-level keys must come before the KDF tables in TOML.
    (server.data_dir / "whistle.toml").write_text(NO_LIMITS + FAST_KDF)
    results: list[tuple[str, str, float, str]] = []
    started = time.time()
    try:
        arranged = arrange(server)
        assert server.base.startswith("http://127.0.0.1:")  # loopback only, always
        for name, extra in targets(server.base, arranged):
            if args.only and args.only not in name:
                continue
            out_dir = work / "sqlmap" / re.sub(r"[^a-z0-9]+", "-", name.lower())
            cmd = [sqlmap, "--batch", "--disable-coloring", "--flush-session", f"--output-dir={out_dir}",
                   f"--level={args.level}", f"--risk={args.risk}", "--time-sec=2", "--timeout=20", "--retries=1",
                   "--dbms=SQLite",  # the live server's database: payloads for it, in bounded time
                   "--skip-waf", "--answers=follow=N,process=Y,use those=Y,merge=Y", *extra]
            t0 = time.time()
            try:
                run = subprocess.run(cmd, capture_output=True, text=True, timeout=args.per_target_seconds)
                output, code = run.stdout + run.stderr, run.returncode
            except subprocess.TimeoutExpired as exc:
                output = (exc.stdout or b"").decode() if isinstance(exc.stdout, bytes) else (exc.stdout or "")
                code = None
            (work / "sqlmap").mkdir(parents=True, exist_ok=True)
            (work / "sqlmap" / (out_dir.name + ".log")).write_text(output)
            answers = re.findall(r"(\d{3}) \([^)]*\) - (\d+) times", output)
            seen = ", ".join(f"{n}× {status}" for status, n in answers) or "only 2xx/3xx"
            results.append((name, verdict(output, code), time.time() - t0, seen))
            print(f"{name}: {results[-1][1]} ({results[-1][2]:.0f} s)", flush=True)
    finally:
        server.stop()
        log = server.log_path.read_text(errors="replace") if server.log_path.exists() else ""
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"kept: {work}")
    errors = [line for line in log.splitlines() if "Traceback" in line or "unhandled" in line]
    print(f"\n== sqlmap {subprocess.run([sqlmap, '--version'], capture_output=True, text=True).stdout.split()[0]}"
          f" against whistle serve on 127.0.0.1, {time.strftime('%Y-%m-%d')}, {time.time() - started:.0f} s, "
          f"level {args.level}, risk {args.risk}, DBMS SQLite")
    print("| target | result | error answers seen |\n| --- | --- | --- |")
    for name, result, seconds, seen in results:
        print(f"| {name} | {result} ({seconds:.0f} s) | {seen} |")
    print(f"server errors logged during the run: {len(errors)}")
    bad = [r for r in results if r[1] == "INJECTABLE"]
    return 1 if bad or errors else 0


if __name__ == "__main__":
    sys.exit(main())
