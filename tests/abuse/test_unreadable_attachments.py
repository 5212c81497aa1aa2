"""Issue 11: downloading an attachment that does not open (a sealed header that does not
decrypt, a body that does not authenticate, a case key that does not open) is a clear answer,
shown as unreadable like records (protocol E.6), never a server error; the rest of the case
stays readable and downloadable."""
from __future__ import annotations

import os

from sqlalchemy import select

from tests.abuse.junk import b64, junk_record, junk_submission, work_header
from whistle.domain.records import Author
from whistle.models import Attachment, Case

UNREADABLE = "Onleesbaar: deze bijlage kan niet worden geopend"


def _junk_attachment(client, token) -> str:
    r = client.post("/api/v1/reporter/case/attachments", data=os.urandom(4096), headers={
        "Authorization": f"Bearer {token}", "Content-Type": "application/octet-stream",
        "Whistle-Attachment-Record": b64(junk_record())})
    assert r.status_code == 201
    return r.get_json()["id"]


def _case_with_a_real_and_a_junk_attachment(world, reporter_api, client, db):
    world.org("deventer")
    world.staff("deventer", email="vp@deventer.example")
    melder = reporter_api()
    melder.submit({"what": "het echte verhaal"})
    melder.log_in()
    real = melder.upload("bewijs.txt", "text/plain", [b"echt bewijs"], 11)["id"]
    junk = _junk_attachment(client, melder.token)
    with db() as s:
        ref = s.scalar(select(Case.ref))
    return melder, ref, real, junk


def _is_unreadable(r) -> None:
    assert r.status_code == 422, r.status_code
    assert r.headers["Content-Type"].startswith("text/html")
    assert "Content-Disposition" not in r.headers
    assert UNREADABLE in r.get_data(as_text=True)


def test_the_counsellor_downloading_a_junk_attachment_gets_unreadable_and_the_rest_still_opens(
        world, reporter_api, client, browser, db, settings):
    melder, ref, real, junk = _case_with_a_real_and_a_junk_attachment(world, reporter_api, client, db)
    client.delete_cookie("whistle")
    browser.login_counsellor("vp@deventer.example")
    page = client.get(f"/vp/zaak/{ref}")
    assert page.status_code == 200 and "Onleesbare bijlage" in page.get_data(as_text=True)
    _is_unreadable(client.get(f"/vp/zaak/{ref}/bijlage/{junk}"))
    ok = client.get(f"/vp/zaak/{ref}/bijlage/{real}")
    assert ok.status_code == 200 and ok.get_data() == b"echt bewijs"
    # A body damaged on disk: its first chunk does not authenticate, so nothing is sent as the file.
    path = settings.attachments_dir / real
    data = bytearray(path.read_bytes())
    data[-20] ^= 0xFF
    path.write_bytes(bytes(data))
    _is_unreadable(client.get(f"/vp/zaak/{ref}/bijlage/{real}"))
    assert client.get(f"/vp/zaak/{ref}").status_code == 200


def test_the_melder_downloading_a_junk_attachment_on_the_no_js_page_gets_unreadable(
        world, reporter_api, client, browser, db):
    melder, _ref, real, junk = _case_with_a_real_and_a_junk_attachment(world, reporter_api, client, db)
    client.delete_cookie("whistle")
    assert browser.melder_login("deventer", melder.code).status_code in (200, 302)
    page = client.get("/melder/zaak")
    assert page.status_code == 200 and "Onleesbare bijlage" in page.get_data(as_text=True)
    _is_unreadable(client.get(f"/melder/bijlage/{junk}"))
    ok = client.get(f"/melder/bijlage/{real}")
    assert ok.status_code == 200 and ok.get_data() == b"echt bewijs"


def test_an_attachment_of_a_junk_case_whose_key_does_not_open_is_unreadable(world, client, browser, db, settings, clock):
    """Junk sent with random keys: the counsellor's case key does not unwrap."""
    world.org("deventer")
    world.staff("deventer", email="vp@deventer.example")
    intake = client.get("/api/v1/orgs/deventer/intake").get_json()
    assert client.post("/api/v1/orgs/deventer/reports", json=junk_submission(intake),
                       headers=work_header(client)).status_code == 201
    with db() as s:
        case = s.scalar(select(Case))
        ref = case.ref
        s.add(Attachment(id="a" * 32, case_id=case.id, author=Author.MELDER, created_on=clock.today(),
                         size=4096, header=junk_record()))
        s.commit()
    (settings.attachments_dir / ("a" * 32)).write_bytes(os.urandom(4096))
    browser.login_counsellor("vp@deventer.example")
    assert client.get(f"/vp/zaak/{ref}").status_code == 200
    _is_unreadable(client.get(f"/vp/zaak/{ref}/bijlage/{'a' * 32}"))
