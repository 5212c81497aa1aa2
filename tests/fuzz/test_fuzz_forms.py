"""Every server-rendered form, with hostile fields, files and path parameters: never a 5xx,
never a half-stored case (checked after every example, see conftest.assert_consistent)."""
from __future__ import annotations

import io

from hypothesis import given, strategies as st

from whistle.domain.lifecycle import Event
from tests.fuzz.profiles import fuzz, scaled
from tests.fuzz.strategies import (
    any_text, file_part, path_param, short_text, UNICODE,
)

REPORT_FIELDS = ["what", "when", "where", "who", "how_known", "category", "share_identity", "name",
                 "contact", "consent_note", "keep_metadata"]
events = st.one_of(st.sampled_from([e.value for e in Event]), path_param)


def form_fields(names: list[str]) -> st.SearchStrategy[dict]:
    values = st.one_of(short_text, short_text, any_text, st.sampled_from(["ja", "nee", "on", "1"]))
    return st.dictionaries(st.one_of(st.sampled_from(names), st.text(UNICODE, max_size=20)), values, max_size=len(names) + 2)


def with_csrf(fields: dict, token: str, mode: str) -> dict:
    """Mostly the right token, sometimes none or a wrong one: the CSRF check is input too."""
    fields = dict(fields)
    if mode == "right":
        fields["csrf_token"] = token
    elif mode == "wrong":
        fields["csrf_token"] = token[::-1]
    return fields


csrf_mode = st.sampled_from(["right", "right", "right", "right", "missing", "wrong"])


def multipart(fields: dict, files: list) -> dict:
    data = dict(fields)
    if files:
        data["attachments"] = [(io.BytesIO(content), name, ctype) for content, name, ctype in files]
    return data


@fuzz
@given(fields=form_fields(REPORT_FIELDS), files=st.lists(file_part, max_size=3), mode=csrf_mode,
       org=st.one_of(st.just("deventer"), st.just("deventer"), path_param),
       multipart_body=st.booleans())
def test_melding_form(arena, fields, files, mode, org, multipart_body):
    data = with_csrf(fields, arena.csrf["anon"], mode)
    if multipart_body or files:
        arena.anon.post(f"/o/{org}/melden", data=multipart(data, files), content_type="multipart/form-data")
    else:
        arena.anon.post(f"/o/{org}/melden", data=data)
    arena.check()


@fuzz
@given(body=st.binary(max_size=5000), ctype=st.sampled_from([
    "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "multipart/form-data",
    "text/plain", "application/json"]), path=st.sampled_from(["/o/deventer/melden", "/o/deventer/terug",
                                                              "/melder/bericht", "/melder/bijlage", "/vp/login"]))
def test_raw_bodies_on_every_form(arena, body, ctype, path):
    arena.anon.post(path, data=body, content_type=ctype)
    arena.melder.post(path, data=body, content_type=ctype)
    arena.check()


@fuzz
@given(code=st.one_of(short_text, st.from_regex(r"[0-9A-Za-z]{4}-?[0-9A-Za-z]{4}-?[0-9A-Za-z]{4}-?[0-9A-Za-z]{4}",
                                                   fullmatch=True)),
       mode=csrf_mode, org=st.one_of(st.just("deventer"), path_param))
def test_code_login_form(arena, code, mode, org):
    r = arena.anon.post(f"/o/{org}/terug", data=with_csrf({"code": code}, arena.csrf["anon"], mode))
    assert r.status_code in (302, 400, 401, 404, 413), r.status_code
    if r.status_code == 302:  # a code that happened to be right: the session changed, fetch a token again
        arena.csrf["anon"] = arena.anon.get("/o/deventer/melden").get_data(as_text=True).split(
            'name="csrf_token" value="')[1].split('"')[0]
    arena.check()


@fuzz
@given(text=st.one_of(short_text, any_text), mode=csrf_mode)
def test_melder_message_form(arena, text, mode):
    arena.melder.post("/melder/bericht", data=with_csrf({"text": text}, arena.csrf["melder"], mode))
    arena.check()


@fuzz
@given(files=st.lists(file_part, max_size=3), fields=form_fields(["keep_metadata"]), mode=csrf_mode)
def test_melder_attachment_form(arena, files, fields, mode):
    arena.melder.post("/melder/bijlage", data=multipart(with_csrf(fields, arena.csrf["melder"], mode), files),
                      content_type="multipart/form-data")
    arena.check()


@fuzz
@given(event=events, fields=form_fields(["confirm", "route"]), mode=csrf_mode, post=st.booleans(),
       attachment=st.one_of(st.none(), path_param))
def test_melder_step_pages_and_downloads(arena, event, fields, mode, post, attachment):
    if post:
        arena.melder.post(f"/melder/stap/{event}", data=with_csrf(fields, arena.csrf["melder"], mode))
    else:
        arena.melder.get(f"/melder/stap/{event}", query_string=fields)
    arena.melder.get(f"/melder/bijlage/{attachment or arena.attachment_id}")
    arena.anon.get(f"/melder/bijlage/{attachment or arena.attachment_id}")
    arena.check()


@scaled(0.3)
@given(fields=form_fields(["email", "passphrase", "code"]), mode=csrf_mode,
       path=st.sampled_from(["/vp/login", "/vp/login/tweede-stap", "/vp/login/inrichten",
                             "/vp/beheer/tweede-factor"]))
def test_staff_login_forms(arena, fields, mode, path):
    token = arena.anon.get("/vp/login").get_data(as_text=True)
    token = token.split('name="csrf_token" value="')[1].split('"')[0] if 'name="csrf_token"' in token else ""
    arena.anon.post(path, data=with_csrf(fields, token, mode))
    arena.check()


COUNSELLOR_FIELDS = ["text", "kind", "meldingswaardig", "until", "reason", "decision", "motivation", "route",
                     "deadline", "ciphertext", "confirm"]


@fuzz
@given(event=events, fields=form_fields(COUNSELLOR_FIELDS), mode=csrf_mode,
       ref=st.one_of(st.none(), path_param), attachment=st.one_of(st.none(), path_param))
def test_counsellor_forms(arena, event, fields, mode, ref, attachment):
    arena.staff_login()
    ref = ref or arena.ref
    data = with_csrf(fields, arena.csrf["staff"], mode)
    arena.staff.post(f"/vp/zaak/{ref}/stap/{event}", data=data)
    arena.staff.post(f"/vp/zaak/{ref}/bericht", data=data)
    arena.staff.get(f"/vp/zaak/{ref}")
    arena.staff.get(f"/vp/zaak/{ref}/bijlage/{attachment or arena.attachment_id}")
    arena.check()


@fuzz
@given(path=st.one_of(path_param, st.sampled_from(["/", "/o/deventer/", "/vp/", "/vp/start", "/melder/zaak",
                                                   "/static/whistle.css", "/static/../secret_key"])),
       method=st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"]),
       who=st.sampled_from(["anon", "melder", "staff"]))
def test_any_path_any_method(arena, path, method, who):
    client = getattr(arena, who)
    client.open(path if path.startswith("/") else f"/o/{path}/", method=method)
    arena.check()
