"""libsodium.js is vendored at a pinned version (tools/refresh_libsodium.sh), served from our own
origin with Subresource Integrity, and only the melder's pages may compile WebAssembly."""
import base64
import hashlib
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENDOR = ROOT / "static" / "vendor" / "libsodium"


def manifest() -> dict[str, str]:
    pinned = {}
    for line in (VENDOR / "MANIFEST").read_text().splitlines():
        if line.startswith("sha384-"):
            digest, name = line.split()
            pinned[name] = digest
    return pinned


def sri(data: bytes) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()


def test_vendored_files_are_the_pinned_ones_with_their_licence():
    pinned = manifest()
    assert set(pinned) == {"libsodium-sumo.js", "libsodium-wrappers-sumo.js"}
    for name, digest in pinned.items():
        assert sri((VENDOR / name).read_bytes()) == digest, f"{name} differs from MANIFEST: run tools/refresh_libsodium.sh"
    assert "Permission to use, copy, modify" in (VENDOR / "LICENSE").read_text()
    assert sorted(p.name for p in VENDOR.iterdir()) == ["LICENSE", "MANIFEST", "libsodium-sumo.js",
                                                       "libsodium-wrappers-sumo.js"]
    # The sumo build is the one with crypto_pwhash (Argon2id).
    assert "crypto_pwhash" in (VENDOR / "libsodium-wrappers-sumo.js").read_text()


def test_every_script_on_the_melder_pages_is_ours_and_integrity_checked(world, client):
    world.org("deventer")
    world.staff("deventer")
    for path in ("/o/deventer/", "/o/deventer/melden", "/o/deventer/terug"):
        html = client.get(path).get_data(as_text=True)
        tags = re.findall(r"<script\b[^>]*>", html)
        assert tags, path
        for tag in tags:
            src = re.search(r'\bsrc="([^"]+)"', tag).group(1)
            integrity = re.search(r'\bintegrity="([^"]+)"', tag).group(1)
            assert src.startswith("/static/") and " defer" in tag, tag
            assert integrity == sri(client.get(src).get_data()), src
        # libsodium is loaded by sodium-loader.js after its WebAssembly check, with these hashes.
        for name in ("sodium", "wrappers"):
            m = re.search(rf'data-{name}-src="([^"]+)"\s+data-{name}-integrity="([^"]+)"', html)
            if path.endswith("/o/deventer/"):
                assert m is None  # the start page only reports the protection
                continue
            assert m and m.group(1).startswith("/static/vendor/libsodium/"), path
            assert m.group(2) == sri(client.get(m.group(1)).get_data())
            assert m.group(2) in manifest().values()


def test_only_the_melder_pages_allow_webassembly_and_never_eval(world, client):
    world.org("deventer")
    for path in ("/o/deventer/melden", "/o/deventer/terug"):
        csp = client.get(path).headers["Content-Security-Policy"]
        assert "script-src 'self' 'wasm-unsafe-eval';" in csp
        assert "'unsafe-eval'" not in csp and "unsafe-inline" not in csp
        assert "connect-src 'self'" in csp and "default-src 'none'" in csp
    for path in ("/vp/login", "/api/v1/orgs/deventer/intake", "/static/js/protocol.js"):
        assert "wasm-unsafe-eval" not in client.get(path).headers["Content-Security-Policy"], path


# XML namespace names that static/js/clean.js writes into the metadata it empties (XMP, Office
# core properties): identifiers that are never fetched, not addresses.
XML_NAMESPACES = re.compile(r"http://(ns\.adobe\.com/|www\.w3\.org/(1999/02/22-rdf-syntax-ns#|2001/XMLSchema-instance)|"
                            r"schemas\.openxmlformats\.org/package/2006/metadata/core-properties|"
                            r"purl\.org/dc/(elements/1\.1/|terms/|dcmitype/))")


def test_the_browser_code_loads_nothing_from_elsewhere():
    for path in (ROOT / "static" / "js").glob("*.js"):
        text = path.read_text()
        assert not re.search(r"https?://", XML_NAMESPACES.sub("", text)), path
        assert "innerHTML" not in text and "eval(" not in text and "new Function" not in text, path
        assert "localStorage" not in text and "sessionStorage" not in text and "document.cookie" not in text, path
