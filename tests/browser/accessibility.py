"""axe-core in real Chromium, on pages as a browser with and without JavaScript shows them.

axe-core is vendored for the tests only (tests/vendor/axe-core, refreshed by its script); it is
put into the page by the test driver, never served by the application. Without JavaScript the
page's own scripts are refused at the network, so axe sees exactly what a browser with
JavaScript off renders; axe itself then runs in the test driver's context."""
from __future__ import annotations

from pathlib import Path

AXE = Path(__file__).resolve().parents[1] / "vendor" / "axe-core" / "axe.min.js"
# WCAG 2.0, 2.1 and 2.2, levels A and AA: every rule axe tags with one of these.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
WIDTHS = (320, 390)


def new_context(chromium, *, javascript: bool, width: int = 1280, cookies=()):
    """A fresh profile. bypass_csp lets the driver add axe; the pages' own CSP is tested
    elsewhere (tests/security). Without JavaScript every script request is refused."""
    # A Dutch browser (Accept-Language nl): the pages come in the reader's language (issue 16.1).
    context = chromium.new_context(bypass_csp=True, viewport={"width": width, "height": 800}, locale="nl-NL")
    context.set_default_timeout(20000)
    if not javascript:
        context.route("**/*.js", lambda route: route.abort())
        context.route("**/*.mjs", lambda route: route.abort())
    if cookies:
        context.add_cookies(list(cookies))
    return context


def violations(page) -> list[str]:
    """Every WCAG A/AA violation axe finds on the page as it stands, one line each."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        """tags => axe.run(document, {runOnly: {type: 'tag', values: tags},
                                       resultTypes: ['violations']})
             .then(r => r.violations.map(v => v.id + ' (' + v.impact + '): ' +
                   v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')))""",
        WCAG_TAGS)
    return [f"{page.url}: {line}" for line in found]


# The elements that reach past the screen's right edge while none of their children does: where
# the overflow comes from, named as tag.class, so a failure says what to fix.
WIDEST = """width => {
  const name = e => e.tagName.toLowerCase() + (e.className && typeof e.className === 'string'
      ? '.' + e.className.trim().split(/\\s+/).join('.') : '');
  const past = e => e.getBoundingClientRect().right > width + 1 ||
      (e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX === 'visible'
       && e.getBoundingClientRect().left + e.scrollWidth > width + 1);
  const out = [];
  for (const e of document.body.querySelectorAll('*')) {
    if (past(e) && ![...e.children].some(past)) out.push(name(e) + ' ' + Math.round(e.getBoundingClientRect().right));
  }
  return out.slice(0, 4).join(', ');
}"""


def overflow(page) -> list[str]:
    """The page is wider than the screen (horizontal scrolling), at each phone width."""
    found = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        scroll = page.evaluate("document.documentElement.scrollWidth")
        if scroll > width:
            culprits = page.evaluate(WIDEST, width)
            found.append(f"{page.url}: {scroll} px wide at {width} px ({culprits})")
    page.set_viewport_size({"width": 1280, "height": 800})
    return found


def check(page, url: str | None = None) -> list[str]:
    """axe on the page (opened at `url` first when given), then reflow at 320 and 390 px."""
    if url is not None:
        page.goto(url)
    page.wait_for_load_state("networkidle")
    return violations(page) + overflow(page)


def session_cookie(client, base: str) -> list[dict]:
    """The session the Flask test client logged in, for the browser at the live server (one
    app, one process: the staff member's unlocked key is there)."""
    name = client.application.config["SESSION_COOKIE_NAME"]
    cookie = client.get_cookie(name)
    assert cookie is not None, "the test client holds no session"
    return [{"name": name, "value": cookie.value, "url": base}]
