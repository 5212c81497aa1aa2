"""What a hostile or broken client may send: valid-looking values next to garbage, huge and
unicode strings, wrong JSON types, base64 edge cases, odd path parameters and file parts."""
from __future__ import annotations

import base64
import json
import urllib.parse

from hypothesis import strategies as st

from tests.metadata import samples

# Text a form can carry: anything but lone surrogates, which no browser can encode.
UNICODE = st.characters(blacklist_categories=("Cs",))
NASTY = [
    "", " ", "\x00", "\t\r\n", "'", '"', "' OR '1'='1' --", "1; DROP TABLE cases; --", "%00", "%s%n%x",
    "<script>alert(1)</script>", "{{7*7}}", "${jndi:ldap://x}", "../../../etc/passwd", "..\\..\\win.ini",
    "\u202eexe.pdf", "ﷺ" * 50, "😀" * 200, "null", "true", "[]", "{}", "-1", "0", "1e309", "NaN",
    "ja", "nee", "JA ", "A" * 5000, "é" * 20000, "\n" * 3000,
]
short_text = st.one_of(st.text(UNICODE, max_size=80), st.sampled_from(NASTY))
any_text = st.one_of(short_text, st.text(UNICODE, min_size=1000, max_size=60_000),
                     st.builds(lambda s, n: s * n, st.sampled_from(["x", "é", "😀", "\x00"]),
                               st.integers(10_000, 300_000)))

# Path parameters: quoted so they reach the router, whatever they hold.
path_param = st.one_of(
    st.sampled_from(["deventer", "DEVENTER", "senzer", "", ".", "..", "%2e%2e", "a" * 300, "0", "-1",
                     "M-0000-0000", "null", "deventer%00", "%ff%fe"]),
    st.text(UNICODE, min_size=1, max_size=40).map(lambda s: urllib.parse.quote(s, safe="")),
)

# base64: right and wrong sizes, wrong alphabets, padding, whitespace, non-ASCII.
def b64_of(n: int) -> st.SearchStrategy[str]:
    return st.binary(min_size=n, max_size=n).map(lambda b: base64.b64encode(b).decode())


b64_edge = st.one_of(
    st.binary(max_size=200).map(lambda b: base64.b64encode(b).decode()),
    st.binary(max_size=200).map(lambda b: base64.urlsafe_b64encode(b).decode().rstrip("=")),
    st.binary(min_size=1, max_size=100).map(lambda b: " " + base64.b64encode(b).decode() + "\n"),
    st.sampled_from(["", "=", "==", "A", "AA=", "AAA", "====", "A===", "@@@@", "Zm9v\x00", "Zm9v\u00e9",
                     "Zm9v" * 100_000]),
    st.text(UNICODE, max_size=60),
)

def header_safe(value: str) -> str:
    """A header value a client can send at all: no line breaks (HTTP itself forbids them)."""
    return value.replace("\r", "").replace("\n", "")


json_scalar = st.one_of(st.none(), st.booleans(), st.integers(), st.integers(min_value=2**63),
                        st.floats(allow_nan=False, allow_infinity=False), short_text)
json_any = st.recursive(json_scalar, lambda inner: st.one_of(
    st.lists(inner, max_size=5), st.dictionaries(short_text, inner, max_size=5)), max_leaves=20)


def field(valid: st.SearchStrategy) -> st.SearchStrategy:
    """Mostly valid-looking, often garbage: deep enough to pass the first checks."""
    return st.one_of(valid, valid, b64_edge, json_any)


def maybe_missing(d: dict) -> st.SearchStrategy[dict]:
    """A dict strategy where any key may be left out and extra keys may appear."""
    keys = list(d)
    return st.tuples(st.fixed_dictionaries(d), st.sets(st.sampled_from(keys)) if keys else st.just(set()),
                     st.dictionaries(short_text, json_any, max_size=3)).map(
        lambda t: {**{k: v for k, v in t[0].items() if k not in t[1]}, **t[2]})


# Sealed records as a client makes them: nonce(24) + 1024*k + tag(16).
record_b64 = st.integers(1, 3).flatmap(lambda k: b64_of(24 + 1024 * k + 16))


def report_body(recipients: list[str]) -> st.SearchStrategy[dict]:
    keys_valid = st.just([{"recipient": r, "sealed_key": None} for r in recipients]).flatmap(
        lambda items: st.tuples(*[b64_of(80) for _ in items]).map(
            lambda sealed: [{"recipient": i["recipient"], "sealed_key": s} for i, s in zip(items, sealed)]))
    return maybe_missing({
        "version": field(st.just(1)),
        "locator": field(st.binary(min_size=16, max_size=16).map(bytes.hex)),
        "reporter_box_public_key": field(b64_of(32)),
        "reporter_sign_public_key": field(b64_of(32)),
        "report": field(record_b64),
        "identity": st.one_of(st.none(), field(record_b64)),
        "key_commitment": field(b64_of(32)),
        "keys": st.one_of(keys_valid, keys_valid, st.lists(st.fixed_dictionaries(
            {"recipient": field(st.sampled_from(recipients or ["x"])), "sealed_key": field(b64_of(80))}),
            max_size=4), json_any),
        "reporter_sealed_key": field(b64_of(80)),
    })


def raw_body(obj) -> bytes:
    return json.dumps(obj, ensure_ascii=False, allow_nan=False).encode("utf-8", "surrogatepass")


garbage_bytes = st.one_of(
    st.binary(max_size=3000),
    st.sampled_from([b"", b"{", b"[1,2", b"\xff\xfe{}", b'{"a":' * 5000, b"[" * 100_000, b"null", b"1" * 400_000,
                     b'{"version": NaN, "locator": Infinity}', b'{"event": -Infinity}', b'{"a": 1e999}',
                     b'{"locator": "' + b"a" * 2_000_000 + b'"}']),
)

content_types = st.sampled_from([
    "application/json", "application/json; charset=utf-8", "text/plain", "application/x-www-form-urlencoded",
    "multipart/form-data", "multipart/form-data; boundary=", "application/octet-stream", "",
    "application/json; charset=latin-1", "*/*",
])

bearer = st.one_of(st.just(None), st.sampled_from(["Bearer", "Bearer ", "Bearer ====", "Basic abc", "bearer x",
                                                   "Bearer " + "A" * 10_000]),
                   b64_edge.map(lambda s: "Bearer " + header_safe(s)))

# File parts: real images and PDFs (cleaned on the way in), damaged ones, office files, noise.
file_content = st.one_of(
    st.sampled_from([samples.jpeg_with_gps(), samples.png_with_metadata(), samples.pdf_with_author(),
                     samples.animated_gif_with_comment(), samples.docx_like(), b""]),
    st.binary(max_size=5000),
    st.tuples(st.sampled_from([b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF89a", b"%PDF-1.7\n", b"II*\x00",
                               b"MM\x00*", b"RIFF\x00\x00\x00\x00WEBPVP8 "]),
              st.binary(max_size=3000)).map(lambda t: t[0] + t[1]),
    st.tuples(st.sampled_from([samples.jpeg_with_gps(), samples.pdf_with_author(), samples.png_with_metadata()]),
              st.integers(10, 600)).map(lambda t: t[0][:t[1]]),
)
file_name = st.one_of(st.sampled_from(["foto.jpg", "brief.pdf", "", "../../etc/passwd", "C:\\x\\y.doc",
                                       "a" * 400 + ".pdf", "verslag.docx", "\u202egpj.exe"]),
                      st.text(UNICODE.filter(lambda c: c not in '"\r\n\x00'), max_size=60))
file_part = st.tuples(file_content, file_name, st.sampled_from(
    ["application/octet-stream", "image/jpeg", "application/pdf", "text/plain", "", "x/y; a=b"]))
