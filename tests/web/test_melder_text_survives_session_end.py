"""Issue 12 point 3, without JavaScript: a melder whose session ended while they typed loses
nothing. The page comes back with their text in the form (from their own request, stored
nowhere), asks for the code on the same page and sends in one step. A wrong code gets the one
answer for every failed login, and the text is still there."""
from sqlalchemy import func, select

from whistle.models import Record, ReporterSession
from whistle.services.errors import Unauthorized
from tests.conftest import code_from_receipt

LONG = "Gisteren zei de teamleider dat ik 'beter kon opletten'.\nDaarna werd mijn rooster veranderd. " * 20


def messages(db) -> int:
    with db() as s:
        return s.scalar(select(func.count()).select_from(Record).where(Record.kind == "message"))


def arrange(world, browser, client, clock, settings):
    world.org("deventer")
    world.staff("deventer")
    receipt = browser.submit("/o/deventer/melden", {"what": "Er verdwijnt materiaal uit het magazijn."})
    code = code_from_receipt(receipt.get_data(as_text=True))
    assert browser.melder_login("deventer", code).status_code == 302
    csrf = browser.csrf("/melder/zaak")
    clock.advance(minutes=settings.reporter_session_minutes + 1)  # the melder typed a long time
    return code, csrf


def test_a_message_typed_after_the_session_ended_is_kept_and_sent_with_the_code(
        world, browser, client, db, clock, settings):
    code, csrf = arrange(world, browser, client, clock, settings)
    r = client.post("/melder/bericht", data={"csrf_token": csrf, "org": "deventer", "text": LONG})
    html = r.get_data(as_text=True)
    assert r.status_code == 401
    assert "Uw sessie is verlopen" in html and 'name="code"' in html
    assert "mijn rooster veranderd" in html and html.count("beter kon opletten") == 20  # all of it, escaped
    assert messages(db) == 0

    wrong = ("1" if code[0] != "1" else "2") + code[1:]
    r = client.post("/melder/bericht", data={"csrf_token": csrf, "org": "deventer", "text": LONG, "code": wrong})
    html = r.get_data(as_text=True)
    assert r.status_code == 401
    assert Unauthorized().message in html and "mijn rooster veranderd" in html
    assert messages(db) == 0
    # Another organisation's slug (or a made-up one) gets exactly the same answer.
    other = client.post("/melder/bericht", data={"csrf_token": csrf, "org": "nergens", "text": LONG, "code": code})
    assert other.status_code == 401 and Unauthorized().message in other.get_data(as_text=True)

    r = client.post("/melder/bericht", data={"csrf_token": csrf, "org": "deventer", "text": LONG, "code": code})
    assert r.status_code == 302 and r.headers["Location"].endswith("/melder/zaak")
    assert messages(db) == 1
    page = client.get("/melder/zaak").get_data(as_text=True)
    assert "mijn rooster veranderd" in page
    with db() as s:  # only the new session; the ended one is gone
        assert s.scalar(select(func.count()).select_from(ReporterSession)) == 1


def test_benadeling_typed_after_the_session_ended_is_kept_too(world, browser, client, db, clock, settings):
    code, csrf = arrange(world, browser, client, clock, settings)
    r = client.post("/melder/benadeling", data={"csrf_token": csrf, "org": "deventer", "text": "Overgeplaatst."})
    assert r.status_code == 401 and "Overgeplaatst." in r.get_data(as_text=True)
    assert 'action="/melder/benadeling"' in r.get_data(as_text=True)
    r = client.post("/melder/benadeling",
                    data={"csrf_token": csrf, "org": "deventer", "text": "Overgeplaatst.", "code": code})
    assert r.status_code == 302


def test_a_refused_text_after_a_new_code_keeps_the_new_session(world, browser, client, db, clock, settings):
    code, csrf = arrange(world, browser, client, clock, settings)
    r = client.post("/melder/bericht", data={"csrf_token": csrf, "org": "deventer", "text": "   ", "code": code})
    assert r.status_code == 400  # the empty message is refused on the case page, the melder is in
    assert client.get("/melder/zaak").status_code == 200
    assert messages(db) == 0


def test_the_case_page_forms_name_the_organisation(world, browser, client, clock, settings):
    world.org("deventer")
    world.staff("deventer")
    receipt = browser.submit("/o/deventer/melden", {"what": "Er verdwijnt materiaal uit het magazijn."})
    browser.melder_login("deventer", code_from_receipt(receipt.get_data(as_text=True)))
    page = client.get("/melder/zaak").get_data(as_text=True)
    assert page.count('name="org" value="deventer"') >= 2  # the message and benadeling forms


def test_an_attachment_sent_after_the_session_ended_is_asked_for_again_with_the_code(
        world, browser, client, db, clock, settings):
    import io
    from whistle.models import Attachment
    code, csrf = arrange(world, browser, client, clock, settings)
    r = client.post("/melder/bijlage", data={"csrf_token": csrf, "org": "deventer", "keep_metadata": "ja",
                                             "attachments": [(io.BytesIO(b"notities\n"), "notities.txt")]},
                    content_type="multipart/form-data")
    html = r.get_data(as_text=True)
    assert r.status_code == 401
    assert 'enctype="multipart/form-data"' in html and 'type="file"' in html and "opnieuw" in html
    assert 'name="keep_metadata" value="ja"' in html
    r = client.post("/melder/bijlage", data={"csrf_token": csrf, "org": "deventer", "keep_metadata": "ja", "code": code,
                                             "attachments": [(io.BytesIO(b"notities\n"), "notities.txt")]},
                    content_type="multipart/form-data")
    assert r.status_code == 200 and "notities.txt" in r.get_data(as_text=True)
    with db() as s:
        assert s.scalar(select(func.count()).select_from(Attachment)) == 1
