"""What the fuzzing found, pinned down as plain tests so it stays fixed."""
from __future__ import annotations

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
