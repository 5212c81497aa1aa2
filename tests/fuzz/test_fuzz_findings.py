"""What the fuzzing found, pinned down as plain tests so it stays fixed."""
from __future__ import annotations

from tests.conftest import Browser

NESTED = b'{"a":' * 5000 + b"1" + b"}" * 5000


def test_json_nested_thousands_deep_is_a_clear_400_not_a_500(arena):
    for path in ("/api/v1/orgs/deventer/reports", "/api/v1/reporter/challenge",
                 "/api/v1/reporter/case/messages", "/api/v1/reporter/case/events"):
        r = arena.anon.post(path, data=NESTED, headers={"Content-Type": "application/json",
                                                        "Authorization": f"Bearer {arena.token}"})
        assert r.status_code == 400 and r.get_json()["error"] == "body: not valid JSON", path
    # The login answers its one 401, as for every other bad body.
    assert arena.anon.post("/api/v1/reporter/session", data=b"[" * 100_000,
                           headers={"Content-Type": "application/json"}).status_code == 401
    arena.check()


def test_a_form_part_without_a_readable_name_is_ignored_not_a_500(arena):
    """The shrunk example: a field named "\\r" makes the multipart parser return a part named
    None, on which Flask-WTF's token lookup used to fail."""
    token = arena.csrf["melder"]
    r = arena.melder.post("/melder/bericht", data={"\r": "", "csrf_token": token, "text": "hallo"},
                          content_type="multipart/form-data")
    assert r.status_code == 302  # the message itself went through
    r = arena.melder.post("/melder/bijlage", data={"\r": "", "csrf_token": token},
                          content_type="multipart/form-data")
    assert r.status_code == 400 and "Kies eerst een bestand" in r.get_data(as_text=True)
    r = arena.melder.post("/melder/bijlage", data={"\r": ""}, content_type="multipart/form-data")
    assert r.status_code == 400  # no token: the CSRF answer, not a 500
    arena.check()


def test_a_nul_byte_in_a_path_or_a_looked_up_value_is_not_a_500(arena):
    """Found on PostgreSQL, which refuses NUL in any text comparison: the organisation, case,
    attachment and event in a path, and the e-mail address at the staff login."""
    arena.staff_login()
    assert arena.anon.post("/o/deventer%00/melden", data={"csrf_token": arena.csrf["anon"]}).status_code == 404
    assert arena.anon.get("/api/v1/orgs/deventer%00/intake").status_code == 404
    assert arena.anon.post("/api/v1/orgs/deventer%00/reports", json={}).status_code == 404
    assert arena.melder.get("/melder/bijlage/%00").status_code == 404
    assert arena.melder.get("/melder/stap/withdraw%00").status_code == 404
    assert arena.staff.get(f"/vp/zaak/{arena.ref}%00").status_code == 404
    assert arena.anon.get(f"/api/v1/reporter/case/attachments/{arena.attachment_id}%00",
                          headers={"Authorization": f"Bearer {arena.token}"}).status_code == 404
    token = Browser.CSRF.search(arena.anon.get("/vp/login").get_data(as_text=True)).group(1)
    r = arena.anon.post("/vp/login", data={"csrf_token": token, "email": "vp@deventer.example\x00",
                                           "passphrase": "x"})
    assert r.status_code in (400, 401)
    arena.check()
