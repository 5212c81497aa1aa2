"""Issue 12, item 6: the melder's key derivation runs in a Web Worker (static/js/kdf-worker.js,
started by static/js/kdf.js). In headless Chromium against the live server: the page's own
timers keep running while Argon2id works (and do not when the worker is switched off, so the
measurement can fail), the live region says what is happening, the worker's keys are the keys
Python derives, and parameters outside the protocol's bounds are refused by the page and by
the worker itself."""
from __future__ import annotations

import json

import pytest

import crypto
from tests.browser.journey import UNAUTHORIZED, log_in_with_code

pytestmark = pytest.mark.browser

CODE = "7K3M-9QXT-2VHB-8RNW"
# Heavy enough that blocking would show (hundreds of ms even on a fast machine), light enough
# for a shared test machine.
HEAVY = {"algorithm": "argon2id13", "opslimit": 3, "memlimit": 128 * 1024 * 1024}

MEASURE = """async ([code, kdf, noWorker]) => {
  window.WhistleKdfNoWorker = noWorker;
  const P = WhistleProtocol.create(await WhistleBoot.sodium());
  const box = document.getElementById("js-progress");
  const progress = WhistleProgress.attach(box);
  const said = new Set();
  let ticks = 0, last = performance.now(), maxGap = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    maxGap = Math.max(maxGap, now - last);
    last = now;
    ticks++;
    if (!box.hidden) said.add(box.getAttribute("role") + ":" + box.textContent.trim());
  }, 10);
  const started = performance.now();
  const keys = await WhistleKdf.deriveKeys(P, code, "deventer", kdf, progress);
  const elapsed = performance.now() - started;
  clearInterval(timer);
  return { ticks, maxGap, elapsed, said: Array.from(said), locator: keys.locator,
           boxPublic: P.hex(keys.boxPublic) };
}"""


@pytest.fixture
def login_page(world, live_server, page):
    world.org("deventer")
    page.goto(f"{live_server.base}/o/deventer/terug")
    page.wait_for_selector("#login-form[data-encryption=browser]", state="attached")
    return page


def python_keys(kdf):
    return crypto.derive_reporter_keys(CODE, "deventer", crypto.KdfParams(kdf["opslimit"], kdf["memlimit"]))


def test_the_page_stays_responsive_while_the_worker_derives_the_keys_python_derives(login_page):
    got = login_page.evaluate(MEASURE, [CODE, HEAVY, False])
    expected = python_keys(HEAVY)
    assert got["locator"] == expected.locator_hex
    assert bytes.fromhex(got["boxPublic"]) == bytes(expected.box_public)
    # The page's 10 ms timer kept running throughout: no gap near the derivation's length.
    assert got["elapsed"] > 150, got
    assert got["maxGap"] < max(100, got["elapsed"] / 3), got
    assert got["ticks"] >= got["elapsed"] / 50, got
    # The live region (role=status) said what is happening while it happened.
    assert any(s.startswith("status:Uw sleutel wordt gemaakt uit uw code") and "halve minuut" in s
               for s in got["said"]), got["said"]


def test_without_a_worker_the_same_keys_come_from_the_page_which_then_is_blocked(login_page):
    """The fallback, and proof that the responsiveness measurement above can fail."""
    got = login_page.evaluate(MEASURE, [CODE, HEAVY, True])
    assert got["locator"] == python_keys(HEAVY).locator_hex
    # The 10 ms timer hardly ran: the page was blocked for the derivation's length.
    assert got["elapsed"] > 150 and got["ticks"] < got["elapsed"] / 100, got


@pytest.mark.parametrize("kdf", [
    {"algorithm": "argon2id13", "opslimit": 5, "memlimit": 8192},
    {"algorithm": "argon2id13", "opslimit": 1, "memlimit": 1073741824 + 1024},
    {"algorithm": "argon2id13", "opslimit": 0, "memlimit": 8192},
    {"algorithm": "argon2id13", "opslimit": 1, "memlimit": 4096},
    {"algorithm": "argon2i13", "opslimit": 1, "memlimit": 8192},
    {"algorithm": "argon2id13", "opslimit": 1.5, "memlimit": 8192},
])
def test_parameters_outside_the_protocols_bounds_are_refused_by_the_page_and_by_the_worker(login_page, kdf):
    refused = login_page.evaluate("""async ([code, kdf]) => {
      const P = WhistleProtocol.create(await WhistleBoot.sodium());
      const progress = WhistleProgress.attach(document.getElementById("js-progress"));
      let page;
      try { await WhistleKdf.deriveKeys(P, code, "deventer", kdf, progress); page = "derived"; }
      catch (e) { page = e.reason; }
      // The worker on its own, asked directly: it checks the bounds too.
      const worker = new Worker(WhistleKdf.workerUrl);
      const answer = await new Promise(resolve => {
        worker.onmessage = e => resolve(e.data);
        worker.postMessage({ code, org: "deventer", kdf });
      });
      worker.terminate();
      return { page, worker: answer.master ? "derived" : answer.reason,
               progressShown: !document.getElementById("js-progress").hidden };
    }""", [CODE, kdf])
    assert refused == {"page": "kdf", "worker": "format", "progressShown": False}


def test_a_server_asking_for_unbounded_parameters_gets_a_clear_answer_and_nothing_is_sent(
        world, live_server, page):
    world.org("deventer")

    def hostile_intake(route):
        response = route.fetch()
        body = response.json()
        body["kdf"]["opslimit"] = 1000
        route.fulfill(response=response, body=json.dumps(body))

    page.route("**/api/v1/orgs/deventer/intake", hostile_intake)
    log_in_with_code(page, live_server.base, CODE)
    page.wait_for_selector("#login-error:not([hidden])")
    error = page.inner_text("#login-error")
    assert "buiten de grenzen van het protocol" in error and error != UNAUTHORIZED
    assert not live_server.log.to("/api/v1/reporter/"), "a login was attempted"
    assert page.is_enabled("#login-form button[type=submit]")


def test_the_worker_is_served_with_a_csp_that_allows_only_our_scripts_and_webassembly(client):
    answer = client.get("/static/js/kdf-worker.js")
    assert answer.status_code == 200
    csp = answer.headers["Content-Security-Policy"]
    assert "script-src 'self' 'wasm-unsafe-eval'" in csp and "default-src 'none'" in csp
    assert "connect-src" not in csp and "unsafe-inline" not in csp
    # Every other static file keeps the resource CSP.
    assert "script-src" not in client.get("/static/js/kdf.js").headers["Content-Security-Policy"]
