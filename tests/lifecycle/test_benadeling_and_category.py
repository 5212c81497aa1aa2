"""Issue 15 point 4 and Senzer's category term, on the pages: the counsellor records the
regeling's category and a risk assessment at triage; a category with its own term gets a
deadline that is shown, reminded and met; the melder reports benadeling at any time and is
asked after closing (3 and 12 months), the counsellor reminded once per moment. Everything
the melder or the counsellor writes about it is sealed."""
from datetime import date

from sqlalchemy import select

from tests.conftest import code_from_receipt
from tests.lifecycle.conftest import audit_events, case_row
from whistle.infra.db import make_session_factory
from whistle.models import Case, CaseBenadeling
from whistle.services.operations import deadlines_watch

VP = "vp@senzer.example"
RISK = {"risk_identity_known": "ja", "risk_traceable": "onbekend", "risk_dependent": "ja", "risk_signals": "nee",
        "risk_level": "hoog", "risk_measures": "Afspraak met HR over werkplekwissel"}
HURT = "Mijn rooster is na de melding ineens gehalveerd"


def step(browser, ref, event, data=None):
    return browser.submit(f"/vp/zaak/{ref}/stap/{event}", data or {}, form_page=f"/vp/zaak/{ref}")


def senzer_melding(world, browser, db):
    world.org("senzer", name="Senzer")
    world.staff(org="senzer", email=VP)
    form = browser.client.get("/o/senzer/melden").get_data(as_text=True)
    assert 'id="category-notes"' in form and "de directie informeren binnen 2 werkdagen" in form
    page = browser.submit("/o/senzer/melden", {"what": "Een collega maakt racistische opmerkingen",
                                              "category": "discriminatie_racisme"})
    assert page.status_code == 200, page.get_data(as_text=True)
    code = code_from_receipt(page.get_data(as_text=True))
    with db() as s:
        ref = s.scalars(select(Case.ref)).one()
    return ref, code


def test_senzer_category_term_and_benadeling_from_triage_to_follow_up(
        world, browser, client, db, clock, engine, mail_settings, smtp):
    inbox, _ = smtp
    factory = make_session_factory(engine)
    ref, code = senzer_melding(world, browser, db)
    browser.login_counsellor(VP)
    assert step(browser, ref, "acknowledge").status_code == 302
    page = client.get(f"/vp/zaak/{ref}").get_data(as_text=True)
    assert 'name="category"' in page and "binnen 2 werkdagen" in page and 'name="risk_level"' in page

    # A category the regeling does not know is refused; nothing changes.
    bad = step(browser, ref, "triage", {"kind": "ongewenst_gedrag", "meldingswaardig": "ja", "category": "nasa"})
    assert bad.status_code == 400 and case_row(db, ref).state == "ontvangst_bevestigd"
    half = step(browser, ref, "triage", {"kind": "ongewenst_gedrag", "meldingswaardig": "ja",
                                         "category": "discriminatie_racisme", "risk_level": "hoog"})
    assert half.status_code == 400 and case_row(db, ref).state == "ontvangst_bevestigd"

    r = step(browser, ref, "triage", {"kind": "ongewenst_gedrag", "meldingswaardig": "ja",
                                      "category": "discriminatie_racisme", **RISK})
    assert r.status_code == 302, r.get_data(as_text=True)
    c = case_row(db, ref)
    # Received Monday 2 March: two working days to inform the directie, from the melding.
    assert (c.regeling_category, c.category_due, c.category_done_on) == ("discriminatie_racisme",
                                                                        date(2026, 3, 4), None)
    with db() as s:
        (risk,) = s.scalars(select(CaseBenadeling)).all()
        assert risk.kind == "risico" and b"werkplekwissel" not in risk.ciphertext and b"hoog" not in risk.ciphertext
    page = client.get(f"/vp/zaak/{ref}").get_data(as_text=True)
    assert "De directie informeren: uiterlijk" in page and "Afspraak met HR over werkplekwissel" in page
    assert 'data-event="fulfil_category"' in page

    # 5 March: the term has passed; the counsellor is reminded once, like the statutory deadlines.
    clock.set(clock.now().replace(day=5))
    report = deadlines_watch.watch(factory, mail_settings, clock)
    assert (ref, "category") in report.followed_up
    assert (ref, "category") not in deadlines_watch.watch(factory, mail_settings, clock).followed_up
    browser.login_counsellor(VP)
    assert "verstreken" in client.get(f"/vp/zaak/{ref}").get_data(as_text=True)
    assert step(browser, ref, "fulfil_category").status_code == 302
    assert case_row(db, ref).category_done_on == date(2026, 3, 5)
    assert 'data-event="fulfil_category"' not in client.get(f"/vp/zaak/{ref}").get_data(as_text=True)
    assert step(browser, ref, "fulfil_category").status_code == 400  # once

    # The melder reports benadeling while the case runs.
    browser.melder_login("senzer", code)
    melder_page = client.get("/melder/zaak").get_data(as_text=True)
    assert 'id="benadeling-form"' in melder_page and 'id="follow-up"' not in melder_page
    assert "werkplekwissel" not in melder_page  # the risk assessment is the counsellor's
    empty = browser.submit("/melder/benadeling", {"text": "  "}, form_page="/melder/zaak")
    assert empty.status_code == 400 and case_row(db, ref).benadeling_on is None
    assert browser.submit("/melder/benadeling", {"text": HURT}, form_page="/melder/zaak").status_code == 302
    assert case_row(db, ref).benadeling_on == date(2026, 3, 5)
    with db() as s:
        rows = s.scalars(select(CaseBenadeling).where(CaseBenadeling.kind == "melding")).all()
        assert len(rows) == 1 and HURT.encode() not in rows[0].ciphertext
    # Nothing of it in the audit trail but that it happened.
    events = audit_events(db, ref)
    assert any(e == "benadeling_reported" for e, _ in events)
    assert not any("rooster" in d or "werkplekwissel" in d for _, d in events)
    browser.login_counsellor(VP)
    assert HURT in client.get(f"/vp/zaak/{ref}").get_data(as_text=True)

    assert step(browser, ref, "give_feedback", {"text": "Wij hebben met de betrokkene gesproken."}).status_code == 302
    assert step(browser, ref, "close").status_code == 302
    assert case_row(db, ref).closed_on == date(2026, 3, 5)

    # Before three months: no question, no reminder; answering is refused.
    clock.set(clock.now().replace(month=6, day=4))
    assert all(k != "benadeling_follow_up" for _, k in deadlines_watch.watch(factory, mail_settings, clock).followed_up)
    browser.melder_login("senzer", code)
    assert 'id="follow-up"' not in client.get("/melder/zaak").get_data(as_text=True)
    early = browser.submit("/melder/nazorg", {"answer": "nee"}, form_page="/melder/zaak")
    assert early.status_code == 400 and case_row(db, ref).follow_ups_answered == 0

    # Three months after closing: asked on the case page, the counsellor reminded once.
    clock.set(clock.now().replace(month=6, day=5))
    sent_before = len(inbox.messages)
    report = deadlines_watch.watch(factory, mail_settings, clock)
    assert (ref, "benadeling_follow_up") in report.followed_up and len(inbox.messages) == sent_before + 1
    assert not deadlines_watch.watch(factory, mail_settings, clock).followed_up
    browser.melder_login("senzer", code)
    assert 'id="follow-up"' in client.get("/melder/zaak").get_data(as_text=True)
    assert browser.submit("/melder/nazorg", {"answer": "misschien"}, form_page="/melder/zaak").status_code == 400
    assert browser.submit("/melder/nazorg", {"answer": "nee"}, form_page="/melder/zaak").status_code == 302
    assert case_row(db, ref).follow_ups_answered == 1
    assert 'id="follow-up"' not in client.get("/melder/zaak").get_data(as_text=True)

    # Twelve months: asked again.
    clock.set(clock.now().replace(year=2027, month=3, day=5))
    assert (ref, "benadeling_follow_up") in deadlines_watch.watch(factory, mail_settings, clock).followed_up
    browser.melder_login("senzer", code)
    assert browser.submit("/melder/nazorg", {"answer": "ja", "text": "Weer gedoe"},
                          form_page="/melder/zaak").status_code == 302
    c = case_row(db, ref)
    assert (c.follow_ups_answered, c.follow_ups_reminded, c.benadeling_on) == (2, 2, date(2026, 3, 5))
    browser.login_counsellor(VP)
    page = client.get(f"/vp/zaak/{ref}").get_data(as_text=True)
    assert "Na 12 maanden" in page and "Weer gedoe" in page


def test_the_browser_path_sends_benadeling_sealed_by_the_client(
        deventer, reporter_api, db, clock, use_case, as_staff, browser, client):
    """The API the browser case view uses (static/js/melder-benadeling.js): the client seals the
    description as a 'benadeling' record; the follow-up answer ja/nee goes beside it."""
    import crypto
    from whistle.reporter_client import ProtocolError as ApiError, b64
    from whistle.services.lifecycle import transition
    api = reporter_api()
    api.submit({"what": "Melding"})
    api.log_in()
    data = api.case()
    assert data["follow_up"] is None and data["benadeling_reported_on"] is None
    seal = lambda body: b64(crypto.seal_record(api.case_key, "benadeling", api.keys.locator_hex, body))  # noqa: E731
    answer = api._json("POST", "/api/v1/reporter/case/benadeling",
                       {"kind": "melding", "ciphertext": seal({"kind": "melding", "text": HURT})})
    assert answer["benadeling_reported_on"] == "2026-03-02"
    for bad in ({"kind": "iets"}, {"kind": "melding", "ciphertext": "niet-base64!"},
                {"kind": "nazorg", "answer": "nee", "ciphertext": seal({"kind": "nazorg"})}):
        try:
            api._json("POST", "/api/v1/reporter/case/benadeling", bad)
        except ApiError as exc:
            assert exc.status == 400
        else:  # pragma: no cover
            raise AssertionError(f"accepted {bad}")
    with db() as s:
        (row,) = s.scalars(select(CaseBenadeling)).all()
        assert row.kind == "melding" and HURT.encode() not in row.ciphertext
        ref = s.scalars(select(Case.ref)).one()
        for event, facts in (("acknowledge", {}), ("triage", {"kind": "vermoeden_misstand", "meldingswaardig": False}),
                             ("give_feedback", {"text": "Uitkomst."}), ("close", {})):
            transition(use_case(s), ref, event, as_staff(s), **facts)
        s.commit()
    clock.set(clock.now().replace(month=6, day=2))
    api.log_in()
    assert api.case()["follow_up"]["open"] and api.case()["follow_up"]["moment_months"] == 3
    api._json("POST", "/api/v1/reporter/case/benadeling", {"kind": "nazorg", "answer": "ja",
                                                    "ciphertext": seal({"kind": "nazorg", "answer": "ja"})})
    c = case_row(db, ref)
    assert (c.follow_ups_answered, c.benadeling_on) == (1, date(2026, 3, 2))
    assert api.case()["follow_up"]["open"] is False
