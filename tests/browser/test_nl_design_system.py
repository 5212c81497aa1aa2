"""Issue 16.2: the pages use the NL Design System's published CSS (vendored, pinned, EUPL-1.2,
nothing from another origin), in Whistle's own design tokens, and each organisation's tokens
(/o/<org>/thema.css) reach the components: its melder and staff pages look like itself."""
from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

import pytest

from tests.browser.accessibility import new_context, session_cookie
from tests.conftest import Browser

ROOT = Path(__file__).resolve().parents[2]
VENDOR = ROOT / "static" / "vendor" / "nl-design-system"
FILES = {"html.css", "index.css"}


def sri(data: bytes) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()


def manifest() -> tuple[dict[str, str], str]:
    pinned, version = {}, ""
    for line in (VENDOR / "MANIFEST").read_text().splitlines():
        if line.startswith("sha384-"):
            digest, name = line.split()
            pinned[name] = digest
        elif line.startswith("version "):
            version = line.split()[1]
    return pinned, version


def test_the_vendored_css_is_the_pinned_release_with_its_licence():
    pinned, version = manifest()
    assert set(pinned) == FILES and re.fullmatch(r"\d+\.\d+\.\d+", version)
    for name, digest in pinned.items():
        assert sri((VENDOR / name).read_bytes()) == digest, f"{name} differs from MANIFEST: run tools/refresh_nl_design_system.sh"
    assert "EUROPEAN UNION PUBLIC LICENCE v. 1.2" in (VENDOR / "LICENSE.md").read_text()
    assert sorted(p.name for p in VENDOR.iterdir()) == ["LICENSE.md", "MANIFEST", "html.css", "index.css"]
    assert "@license EUPL-1.2" in (VENDOR / "html.css").read_text()


# The only addresses in the vendored CSS: the SVG namespace inside data: images (an identifier,
# never fetched), for checkbox styles we do not use.
SVG_NAMESPACE = "http://www.w3.org/2000/svg"


@pytest.mark.parametrize("path", sorted([VENDOR / f for f in FILES] + list((ROOT / "static").glob("*.css"))),
                         ids=lambda p: p.name)
def test_no_stylesheet_loads_anything_from_elsewhere(path):
    text = path.read_text()
    assert "@import" not in text, path
    for target in re.findall(r"url\(\s*['\"]?([^'\")]*)", text):
        assert target.startswith("data:image/svg+xml,"), f"{path.name}: url({target[:60]})"
    assert not re.search(r"https?://", text.replace(SVG_NAMESPACE, "")), path
    assert "expression(" not in text and "javascript:" not in text, path


def test_every_page_links_the_components_and_our_tokens_in_order(world, client):
    world.org("deventer")
    html = client.get("/o/deventer/").get_data(as_text=True)
    assert re.search(r'<html [^>]*class="utrecht-html whistle-theme"', html)
    sheets = re.findall(r'<link rel="stylesheet" href="([^"]+)">', html)
    assert sheets == ["/static/vendor/nl-design-system/index.css", "/static/vendor/nl-design-system/html.css",
                      "/static/whistle-tokens.css", "/static/whistle.css", "/o/deventer/thema.css"]
    # Every basis token an organisation sets is one that our tokens file defines and uses.
    tokens = (ROOT / "static" / "whistle-tokens.css").read_text()
    theme = client.get("/o/deventer/thema.css").get_data(as_text=True)
    for name in re.findall(r"(--whistle-[a-z-]+):", theme):
        assert f"{name}:" in tokens and f"var({name})" in tokens, name


LOOK = """() => {
  const css = (selector, prop) => getComputedStyle(document.querySelector(selector)).getPropertyValue(prop).trim();
  return {
    background: css("body", "background-color"),
    ink: css("h1", "color"),
    button: css("main a.utrecht-button-link--primary-action, main button:not(.secondary, .link)", "background-color"),
    buttonText: css("main a.utrecht-button-link--primary-action, main button:not(.secondary, .link)", "color"),
    font: css("body", "font-family"),
  };
}"""


def rgb(colour: str) -> str:
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgb({r}, {g}, {b})"


@pytest.fixture
def three_looks(world):
    world.org("deventer")  # #9c1a1f
    world.org("senzer", name="Senzer")  # #00655a, with a logo
    world.staff("senzer", email="vp@senzer.example")
    return world


def test_each_organisations_pages_take_its_tokens(chromium, live_server, three_looks, app):
    from whistle.domain.regeling import load_regeling
    from whistle.domain.theme import DEFAULTS
    base = live_server.base
    context = new_context(chromium, javascript=False)
    page = context.new_page()
    looks = {}
    for slug in ("deventer", "senzer"):
        page.goto(f"{base}/o/{slug}/")
        looks[slug] = page.evaluate(LOOK)
        theme = load_regeling(ROOT / "config" / "organisations" / f"{slug}.toml").theme
        assert looks[slug]["button"] == rgb(theme.accent), slug
        assert looks[slug]["ink"] == rgb(theme.ink), slug
        assert looks[slug]["background"] == rgb(theme.background), slug
        assert looks[slug]["buttonText"] == "rgb(255, 255, 255)"
        assert "system-ui" in looks[slug]["font"]
    assert looks["deventer"]["button"] != looks["senzer"]["button"]
    # The installation's own start page has no organisation: the default tokens.
    page.goto(f"{base}/vp/login")
    neutral = page.evaluate(LOOK)
    assert neutral["button"] == rgb(DEFAULTS["accent"]) and neutral["background"] == rgb(DEFAULTS["background"])
    context.close()
    # A member of staff sees their organisation's look on the staff pages too.
    staff = Browser(app.test_client())
    assert staff.login_counsellor("vp@senzer.example").status_code == 302
    context = new_context(chromium, javascript=False, cookies=session_cookie(staff.client, base))
    page = context.new_page()
    page.goto(f"{base}/vp/")
    assert page.evaluate(LOOK)["button"] == looks["senzer"]["button"]
    context.close()


def test_alerts_and_errors_are_nl_design_system_alerts(chromium, live_server, three_looks):
    context = new_context(chromium, javascript=False)
    page = context.new_page()
    page.goto(f"{live_server.base}/vp/login")
    page.fill("#email", "vp@senzer.example")
    page.fill("#passphrase", "niet de goede wachtwoordzin")
    page.click("main form button[type=submit]")
    page.wait_for_load_state("networkidle")
    alert = page.locator("p.utrecht-alert--error[role=alert]")
    assert alert.is_visible()
    style = alert.evaluate("e => { const s = getComputedStyle(e); return [s.color, s.backgroundColor, s.borderInlineStartWidth] }")
    assert style == ["rgb(164, 38, 44)", "rgb(253, 240, 240)", "4px"]
    context.close()
