"""Screenshots of the melder's journey at phone width, for docs/melder-journey.md.

Sets up the demo in a fresh data directory, serves it on loopback, and walks the journey a
melder takes in Debian's Chromium (Playwright): the start page, the form, the receipt with the
code, coming back with the code, and the case page. Each step is saved as a PNG under
docs/screenshots/ at 360 px wide (a common cheap phone) with JavaScript on, and the form and
receipt once more without JavaScript.

    python tools/screenshots.py [--out docs/screenshots] [--width 360]

Nothing leaves the machine: the browser talks only to the loopback server it started."""
from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync"]
WHAT = ("Sinds maart worden declaraties voor dienstreizen dubbel uitbetaald aan één afdeling. "
        "Ik heb de overzichten gezien en mijn leidinggevende wil er niets van weten.")
CODE = re.compile(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}")


def free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_demo(data: Path, port: int) -> subprocess.Popen:
    env = {**os.environ, "WHISTLE_DATA_DIR": str(data)}
    env.pop("WHISTLE_DATABASE_URL", None)
    subprocess.run([sys.executable, "-m", "whistle.cli", "demo", "--no-serve"], env=env, check=True,
                   capture_output=True)
    proc = subprocess.Popen([sys.executable, "-m", "whistle.cli", "serve", "--port", str(port)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1)
            return proc
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    raise SystemExit("the demo server did not start")


def shoot(page, out: Path, name: str) -> Path:
    path = out / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    return path


def journey(browser, base: str, out: Path, width: int) -> None:
    # Dutch, as a melder's browser in the Netherlands asks for it (the pages follow Accept-Language).
    context = browser.new_context(locale="nl-NL", viewport={"width": width, "height": 740})
    page = context.new_page()
    page.goto(f"{base}/o/demo/")
    shoot(page, out, "1-start")
    page.goto(f"{base}/o/demo/melden")
    page.wait_for_selector("#melding-form[data-encryption=browser]", state="attached")
    page.fill("#what", WHAT)
    shoot(page, out, "2-melden")
    page.click("#melding-form button[type=submit]")
    page.wait_for_selector("p.code:not(:empty)", timeout=120_000)
    code = CODE.search(page.inner_text("p.code")).group(0)
    shoot(page, out, "3-ontvangstbewijs")
    page.goto(f"{base}/o/demo/terug")
    page.wait_for_selector("#login-form[data-encryption=browser]", state="attached")
    page.fill("#code", code)
    shoot(page, out, "4-terugkomen")
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("text=" + WHAT[:30], timeout=120_000)
    shoot(page, out, "5-melding")
    context.close()

    plain = browser.new_context(java_script_enabled=False, locale="nl-NL", viewport={"width": width, "height": 740})
    page = plain.new_page()
    page.goto(f"{base}/o/demo/melden")
    page.fill("#what", WHAT)
    shoot(page, out, "6-melden-zonder-javascript")
    page.click("form button[type=submit]")
    page.wait_for_selector("p.code", timeout=120_000)
    shoot(page, out, "7-ontvangstbewijs-zonder-javascript")
    plain.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--width", type=int, default=360)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright
    args.out.mkdir(parents=True, exist_ok=True)
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        server = start_demo(Path(tmp) / "data", port)
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
                try:
                    journey(browser, f"http://127.0.0.1:{port}", args.out, args.width)
                finally:
                    browser.close()
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
