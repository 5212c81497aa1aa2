"""Issue 13: the beheerder's accounts table stays inside its card on a phone (320 px) and on a
laptop (1366 px); the office field shows only while 'bevoegd gezag' is the chosen role."""
from __future__ import annotations

import pytest

from tests.authority.conftest import email, make_staff
from tests.browser.accessibility import new_context, session_cookie
from tests.conftest import Browser

pytestmark = [pytest.mark.browser]

INSIDE = """() => {
  const card = document.querySelector('#accounts').getBoundingClientRect();
  const table = document.querySelector('#accounts table');
  return {card: Math.round(card.right), table: Math.round(table.getBoundingClientRect().right),
          scroll: document.documentElement.scrollWidth};
}"""


def test_the_accounts_table_fits_its_card_and_the_office_field_follows_the_role(chromium, live_server, app, world):
    world.org("deventer")
    make_staff(world, "deventer", "beheer", "admin", None)
    for n in range(3):
        world.staff("deventer", role="authority", function="wethouder", name="Wethouder met een lange naam",
                    email=f"wethouder.met.een.heel.lang.adres.nummer{n}@gemeente-deventer.example")
    browser = Browser(app.test_client())
    assert browser.login_counsellor(email("beheer")).status_code == 302
    context = new_context(chromium, javascript=False, cookies=session_cookie(browser.client, live_server.base))
    page = context.new_page()
    for width in (320, 390, 1366):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(f"{live_server.base}/beheer/")
        got = page.evaluate(INSIDE)
        assert got["table"] <= got["card"] and got["scroll"] <= width, (width, got)
    page.set_viewport_size({"width": 1366, "height": 800})
    page.goto(f"{live_server.base}/beheer/accounts/nieuw")
    assert page.locator("#name").evaluate("e => getComputedStyle(e).width") == \
        page.locator("#email").evaluate("e => getComputedStyle(e).width")
    page.select_option("#role", "counsellor")
    assert not page.locator("#function").is_visible()
    page.select_option("#role", "authority")
    assert page.locator("#function").is_visible()
    page.select_option("#role", "admin")
    assert not page.locator("#function").is_visible()
    context.close()


def test_the_inbox_and_the_lead_section_fit_a_phone_without_javascript(chromium, live_server, app, world, tmp_path):
    """Issue 13.1/13.4: the inbox (with its lead column, 'Nieuw' marker and lead filter) and the
    case page's 'Eerste vertrouwenspersoon' section stay within 320 px, without JavaScript."""
    from tests.authority.conftest import send_melding
    world.org("deventer")
    for name in ("vp", "vp2"):
        make_staff(world, "deventer", name, "counsellor", None)
    send_melding(Browser(app.test_client()))
    browser = Browser(app.test_client())
    assert browser.login_counsellor(email("vp")).status_code == 302
    ref = next(iter(__import__("re").findall(r">(M-[0-9A-Z-]+)</a>", browser.client.get("/vp/").get_data(as_text=True))))
    case_page = f"/vp/zaak/{ref}"
    assert browser.submit(f"{case_page}/oppakken", {}, form_page=case_page).status_code == 302
    context = new_context(chromium, javascript=False, cookies=session_cookie(browser.client, live_server.base))
    page = context.new_page()
    for width in (320, 1366):
        page.set_viewport_size({"width": width, "height": 800})
        for path, name in (("/vp/", "inbox"), (case_page, "case")):
            page.goto(f"{live_server.base}{path}")
            scroll = page.evaluate("() => document.documentElement.scrollWidth")
            assert scroll <= width, (path, width, scroll)
            page.screenshot(path=str(tmp_path / f"{name}-{width}.png"), full_page=True)
        assert page.locator("#lead-to option").count() == 2  # "Kies…" and vp2, who holds the key
    context.close()
    print(f"screenshots in {tmp_path}")
