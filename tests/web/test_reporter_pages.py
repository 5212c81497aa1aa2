"""The melder's pages without JavaScript: a melding with attachments, the code shown once,
coming back with the code, messages both ways, attachments both ways."""
import io

from sqlalchemy import func, select

from whistle.models import Attachment, Case, Record
from tests.conftest import code_from_receipt


def setup_deventer(world):
    world.org("deventer")
    return world.staff("deventer", email="vp@deventer.example")


def submit(browser, data=None, files=None):
    form = {"what": "De teamleider boekt privé-uren op een project.", "when": "sinds maart",
            "where": "Stadskantoor", "who": "teamleider X", "how_known": "ik zag de urenstaat"}
    form.update(data or {})
    for name, content in (files or []):
        form.setdefault("attachments", []).append((io.BytesIO(content), name))
    return browser.submit("/o/deventer/melden", form, form_page="/o/deventer/melden",
                          content_type="multipart/form-data")


def test_form_submission_shows_the_code_once_with_advice(world, browser, client, db):
    setup_deventer(world)
    page = submit(browser)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    code = code_from_receipt(html)
    assert "maar één keer" in html and "Bewaar deze code goed" in html
    # The code is nowhere else: not in a cookie, not on a later page.
    assert code not in (page.headers.get("Set-Cookie") or "")
    assert code not in client.get("/o/deventer/").get_data(as_text=True)
    with db() as s:
        assert s.scalar(select(func.count()).select_from(Case)) == 1


def test_melder_returns_with_a_sloppily_typed_code_and_reads_state_and_deadlines(world, browser, client, db):
    setup_deventer(world)
    code = code_from_receipt(submit(browser).get_data(as_text=True))
    sloppy = code.lower().replace("-", " ").replace("0", "o").replace("1", "l")
    assert browser.melder_login("deventer", sloppy).status_code == 302
    html = client.get("/melder/zaak").get_data(as_text=True)
    with db() as s:
        case = s.scalar(select(Case))
    assert "privé-uren" in html
    assert "Ontvangen" in html
    assert case.ack_due.strftime("%d-%m-%Y") in html and case.feedback_due.strftime("%d-%m-%Y") in html
    assert "Huis voor Klokkenluiders" in html


def test_wrong_and_unknown_codes_get_the_same_answer(world, browser, client):
    setup_deventer(world)
    code = code_from_receipt(submit(browser).get_data(as_text=True))
    wrong = ("1" if code[0] != "1" else "2") + code[1:]
    other_org = browser.submit("/o/deventer/terug", {"code": "ZZZZ-ZZZZ-ZZZZ-ZZZZ"})
    wrong_code = browser.submit("/o/deventer/terug", {"code": wrong})
    garbage = browser.submit("/o/deventer/terug", {"code": "hallo"})
    bodies = {r.status_code for r in (other_org, wrong_code, garbage)}
    assert bodies == {401}
    strip = lambda r: r.get_data(as_text=True).split('name="csrf_token"')[0]
    assert strip(other_org) == strip(wrong_code) == strip(garbage)
    assert client.get("/melder/zaak").status_code == 401


def test_messages_and_attachments_both_ways(world, browser, client, db, settings):
    vp = setup_deventer(world)
    payload = b"geheime bijlage " * 5000  # not a real PDF: a fake one would be refused as damaged
    page = submit(browser, files=[("urenstaat.pdf", payload)])
    code = code_from_receipt(page.get_data(as_text=True))
    browser.melder_login("deventer", code)
    r = browser.submit("/melder/bericht", {"text": "Ik heb ook foto's."}, form_page="/melder/zaak")
    assert r.status_code == 302
    r = browser.submit("/melder/bijlage", {"attachments": [(io.BytesIO(b"foto-inhoud"), "foto.jpg")]},
                       form_page="/melder/zaak", content_type="multipart/form-data")
    assert r.status_code == 200 and 'id="metadata-notice"' in r.get_data(as_text=True)
    html = client.get("/melder/zaak").get_data(as_text=True)
    assert "Ik heb ook foto&#39;s." in html and "urenstaat.pdf" in html and "foto.jpg" in html
    with db() as s:
        atts = {a.id: a for a in s.scalars(select(Attachment))}
    downloads = {}
    for att_id in atts:
        d = client.get(f"/melder/bijlage/{att_id}")
        assert d.status_code == 200 and "attachment;" in d.headers["Content-Disposition"]
        downloads[d.headers["Content-Disposition"]] = d.get_data()
    assert payload in downloads.values() and b"foto-inhoud" in downloads.values()

    # The counsellor sees the same and answers.
    client.post("/melder/uitloggen", data={"csrf_token": browser.csrf("/melder/zaak")})
    browser.login_counsellor("vp@deventer.example")
    ref = next(iter(atts.values())).case_id
    with db() as s:
        ref = s.scalar(select(Case.ref))
    html = client.get(f"/vp/zaak/{ref}").get_data(as_text=True)
    assert "privé-uren" in html and "Ik heb ook foto" in html and "urenstaat.pdf" in html
    r = browser.submit(f"/vp/zaak/{ref}/bericht", {"text": "Kunt u de datum noemen?"}, form_page=f"/vp/zaak/{ref}")
    assert r.status_code == 302
    for att_id, att in atts.items():
        d = client.get(f"/vp/zaak/{ref}/bijlage/{att_id}")
        assert d.status_code == 200 and d.get_data() in (payload, b"foto-inhoud")
    browser.submit("/vp/logout", {}, form_page="/vp/")
    browser.melder_login("deventer", code)
    assert "Kunt u de datum noemen?" in client.get("/melder/zaak").get_data(as_text=True)


def test_a_form_without_csrf_token_or_without_text_stores_nothing(world, browser, client, db, settings):
    setup_deventer(world)
    r = client.post("/o/deventer/melden", data={"what": "zonder token"})
    assert r.status_code == 400
    r = browser.submit("/o/deventer/melden", {"what": "  ", "attachments": [(io.BytesIO(b"data"), "a.txt")]},
                       content_type="multipart/form-data")
    assert r.status_code == 400 and "Beschrijf wat er is gebeurd" in r.get_data(as_text=True)
    with db() as s:
        assert s.scalar(select(func.count()).select_from(Case)) == 0
        assert s.scalar(select(func.count()).select_from(Record)) == 0
    assert [p for p in settings.attachments_dir.rglob("*") if p.is_file()] == []


def test_an_oversize_attachment_is_413_and_leaves_nothing(world, browser, client, db, settings):
    setup_deventer(world)
    too_big = b"x" * (settings.max_attachment_bytes + 1)
    r = submit(browser, files=[("groot.bin", too_big)])
    assert r.status_code == 413
    with db() as s:
        assert s.scalar(select(func.count()).select_from(Case)) == 0
    assert [p for p in settings.attachments_dir.rglob("*") if p.is_file()] == []


def test_unknown_organisation_is_404(world, client):
    assert client.get("/o/nergens/melden").status_code == 404
    assert client.get("/o/nergens/terug").status_code == 404


def test_melder_pages_need_a_session(world, client):
    assert client.get("/melder/zaak").status_code == 401
    assert client.get("/melder/bijlage/abc").status_code == 401


def test_an_organisation_without_counsellor_refuses_clearly_and_stores_nothing(world, browser, db):
    world.org("deventer")
    r = browser.submit("/o/deventer/melden", {"what": "iets"})
    assert r.status_code == 400 and "nog geen vertrouwenspersoon" in r.get_data(as_text=True)
    with db() as s:
        assert s.scalar(select(func.count()).select_from(Case)) == 0


def test_an_unknown_category_or_an_endless_field_is_refused(world, browser, db):
    setup_deventer(world)
    r = browser.submit("/o/deventer/melden", {"what": "iets", "category": "verzonnen"})
    assert r.status_code == 400 and "onderwerp" in r.get_data(as_text=True)
    r = browser.submit("/o/deventer/melden", {"what": "x" * 50_001})
    assert r.status_code == 400 and "te lang" in r.get_data(as_text=True)
    with db() as s:
        assert s.scalar(select(func.count()).select_from(Case)) == 0


def test_the_start_page_advises_on_device_network_and_revealing_details(world, client):
    world.org("deventer")
    html = client.get("/o/deventer/").get_data(as_text=True)
    assert "eigen apparaat" in html and "privévenster" in html and "details in uw melding" in html
