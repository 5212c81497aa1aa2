"""Issue 16.3: a keyboard-only journey for the melder (with and without JavaScript) and for the
vertrouwenspersoon: every action is reached with Tab and taken with Enter or Space, and the
element that has the focus always shows it."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.authority.conftest import email, make_staff
from tests.browser.accessibility import new_context
from tests.conftest import PASSPHRASE, Browser
from whistle.models import Case

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# What the focused element looks like: an outline or a ring the eye can find.
FOCUS = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const s = getComputedStyle(e);
  const ring = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none';
  return {tag: e.tagName.toLowerCase(), id: e.id, name: e.getAttribute('name'), type: e.type || '',
          text: (e.innerText || e.value || '').trim().slice(0, 40), visible: ring};
}"""


class Keyboard:
    """Tab to an element the way a keyboard user does, checking each stop's focus ring."""

    def __init__(self, page) -> None:
        self.page, self.unseen = page, []

    def tab_to(self, selector: str, limit: int = 60) -> None:
        for _ in range(limit):
            self.page.keyboard.press("Tab")
            stop = self.page.evaluate(FOCUS)
            if stop and not stop["visible"]:
                self.unseen.append(f"{self.page.url}: {stop}")
            if self.page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
                return
        raise AssertionError(f"{selector} is not reached with Tab on {self.page.url}")

    def type_into(self, selector: str, text: str) -> None:
        self.tab_to(selector)
        self.page.keyboard.type(text)

    def activate(self, selector: str, *, navigates: bool = True) -> None:
        """Enter on the element; a link or a form without JavaScript loads the next page."""
        self.tab_to(selector)
        if navigates:
            with self.page.expect_navigation():
                self.page.keyboard.press("Enter")
        else:
            self.page.keyboard.press("Enter")
        self.page.wait_for_load_state("networkidle")


@pytest.mark.parametrize("javascript", [True, False], ids=["met-js", "zonder-js"])
def test_a_melder_reports_and_returns_with_the_keyboard_alone(chromium, live_server, world, javascript):
    world.org("deventer")
    make_staff(world, "deventer", "vp", "counsellor", None)
    context = new_context(chromium, javascript=javascript)
    page = context.new_page()
    keys = Keyboard(page)
    page.goto(f"{live_server.base}/o/deventer/")
    keys.activate("a[href$='/o/deventer/melden']")
    if javascript:
        page.wait_for_selector("#melding-form[data-encryption=browser]", state="attached")
    keys.type_into("#what", "Facturen worden dubbel betaald aan hetzelfde bedrijf.")
    keys.activate("#melding-form button[type=submit]", navigates=not javascript)
    page.wait_for_selector("p.code:not(:empty)")
    code = page.inner_text("p.code").strip()

    page.goto(f"{live_server.base}/o/deventer/terug")
    if javascript:
        page.wait_for_selector("#login-form[data-encryption=browser]", state="attached")
    keys.type_into("#code", code)
    keys.activate("#login-form button[type=submit]", navigates=not javascript)
    page.wait_for_selector("#js-case" if javascript else "main dl.facts")
    keys.type_into("#js-text" if javascript else "#text", "Ik heb de facturen bewaard.")
    keys.activate("form:has(#js-text) button[type=submit]" if javascript else "form:has(#text) button[type=submit]",
                  navigates=not javascript)
    page.wait_for_selector("text=Ik heb de facturen bewaard.")
    context.close()
    assert keys.unseen == [], "\n".join(keys.unseen)


def test_a_vertrouwenspersoon_acknowledges_with_the_keyboard_alone(chromium, live_server, world, app, db):
    world.org("deventer")
    make_staff(world, "deventer", "vp", "counsellor", None)
    Browser(app.test_client()).submit("/o/deventer/melden", {"what": "Er verdwijnt materiaal uit het magazijn."})
    with db() as s:
        ref = s.scalar(select(Case.ref))
    context = new_context(chromium, javascript=True)
    page = context.new_page()
    keys = Keyboard(page)
    page.goto(f"{live_server.base}/")
    keys.activate("a[href$='/vp/login']")
    keys.type_into("#email", email("vp"))
    keys.type_into("#passphrase", PASSPHRASE)
    keys.activate("main form button[type=submit]")
    keys.type_into("#code", Browser(app.test_client()).totp_code(email("vp")))
    keys.activate("main form button[type=submit]")
    page.goto(f"{live_server.base}/vp/")
    keys.activate(f"a[href$='/vp/zaak/{ref}']")
    keys.activate("#event-acknowledge button[type=submit]")
    with db() as s:
        assert s.scalar(select(Case.acknowledged_on).where(Case.ref == ref)) is not None
    context.close()
    assert keys.unseen == [], "\n".join(keys.unseen)


def test_a_focus_without_a_ring_is_reported(chromium):
    """The check itself: a stylesheet that hides the focus is caught."""
    context = new_context(chromium, javascript=True)
    page = context.new_page()
    page.set_content('<!doctype html><html lang="nl"><title>t</title><style>a:focus{outline:none}</style>'
                     '<main><a href="#x" id="x">verder</a></main></html>')
    keys = Keyboard(page)
    keys.tab_to("#x")
    context.close()
    assert len(keys.unseen) == 1 and "'id': 'x'" in keys.unseen[0]
