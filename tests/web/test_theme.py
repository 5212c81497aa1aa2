"""An organisation's look on its pages: its tokens as a same-origin stylesheet linked from its
melder pages and from its staff's pages, its logo in the header; the neutral look elsewhere;
nothing inline, nothing from another origin."""
import re

import pytest


@pytest.fixture
def orgs(world):
    world.org("deventer")  # a theme without a logo
    world.org("senzer", name="Senzer")  # a theme with a logo
    world.org("demo", name="Gemeente Demodorp")
    world.staff("senzer", email="vp@senzer.example")
    return world


def test_an_organisations_pages_take_its_tokens(orgs, client):
    css = client.get("/o/deventer/thema.css")
    assert css.status_code == 200 and css.mimetype == "text/css"
    assert ".whistle-theme {" in css.get_data(as_text=True)
    assert "--whistle-color-accent: #9c1a1f;" in css.get_data(as_text=True)
    for path in ("/o/deventer/", "/o/deventer/melden", "/o/deventer/terug"):
        html = client.get(path).get_data(as_text=True)
        assert '<link rel="stylesheet" href="/o/deventer/thema.css">' in html, path
        assert "style=" not in html and "<style" not in html
    start = client.get("/").get_data(as_text=True)
    assert "thema.css" not in start  # the neutral start page of the installation


def test_the_logo_is_served_harmless_and_shown_with_the_name(orgs, client):
    html = client.get("/o/senzer/").get_data(as_text=True)
    assert re.search(r'<img class="logo" src="/o/senzer/logo" alt="Senzer">', html)
    logo = client.get("/o/senzer/logo")
    assert logo.status_code == 200 and logo.mimetype == "image/svg+xml"
    assert "sandbox" in logo.headers["Content-Security-Policy"]
    assert client.get("/o/deventer/logo").status_code == 404
    assert client.get("/o/nergens/thema.css").status_code == 404


def test_staff_pages_take_their_organisations_look(orgs, browser, client):
    browser.login_counsellor("vp@senzer.example")
    html = client.get("/vp/").get_data(as_text=True)
    assert "/o/senzer/thema.css" in html and "/o/senzer/logo" in html


def test_the_demo_shows_two_organisations_in_their_own_colours(settings, db, clock):
    from whistle import demo
    from whistle.services.context import UseCase
    from whistle.services.organisations import get_organisation, regeling_of
    with db() as s:
        lines = demo.set_up(UseCase(s, settings, clock))
        s.commit()
    assert any("Senzer" in line for line in lines)
    with db() as s:
        looks = {regeling_of(get_organisation(s, slug)).theme.accent for slug in ("demo", "senzer")}
    assert len(looks) == 2
