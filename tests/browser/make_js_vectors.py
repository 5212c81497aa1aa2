"""Write tests/vectors/libsodium-js-v1.json ONCE, from libsodium.js running in Chromium.

CI then checks PyNaCl against these bytes without Node or a browser
(tests/browser/test_js_vectors_in_python.py). Several values contain randomness (sealed boxes,
attachment keys, receipt codes): regenerating changes them, which is fine only for a new
protocol version or a new libsodium.js. Run from the repository root:
    python3 tests/browser/make_js_vectors.py
"""
import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.browser.conftest import CHROMIUM, LAUNCH_ARGS, open_protocol_page  # noqa: E402

OUT = ROOT / "tests" / "vectors" / "libsodium-js-v1.json"


def fixed(label: str, size: int = 32) -> str:
    return hashlib.blake2b(label.encode(), digest_size=size).hexdigest()


def vendored_version() -> str:
    for line in (ROOT / "static/vendor/libsodium/MANIFEST").read_text().splitlines():
        if line.startswith("version "):
            return line.split()[1]
    raise SystemExit("static/vendor/libsodium/MANIFEST has no version line")


INPUTS = {
    "version": vendored_version(),
    "opslimit": 1,
    "memlimit": 8192,
    "reporters": [
        {"code": "HW8V-DP4M-2ZX9-Q3K7", "org_slug": "deventer"},
        {"code": "q3k7 hw8v oil0 2zx9", "org_slug": "s-hertogenbosch"},
    ],
    "challenge_hex": fixed("js challenge"),
    "case_key_hex": fixed("js case key"),
    "recipient_secret_hex": fixed("js recipient secret"),
    "records": [
        {"kind": "report", "nonce_hex": fixed("js report nonce", 24),
         "record": {"what": "Offertes worden ‘bijgesteld’ na opening — zie inkoop.", "category": "fraude",
                    "when": "maart", "où": "Hôtel de Ville 🏛"}},
        {"kind": "message", "nonce_hex": fixed("js message nonce", 24),
         "record": {"text": "Regel één\nRegel twee\t\"geciteerd\" \\ \u0001", "n": 7, "nested": {"b": [1, 2], "a": None}}},
        {"kind": "identity", "nonce_hex": fixed("js identity nonce", 24),
         "record": {"name": "A. de Vries", "contact": "06-12345678"}},
    ],
    "attachment_lengths": [0, 100, 65536, 65536 + 100],
}


def main() -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        context, page = open_protocol_page(browser)
        vectors = page.evaluate("inputs => WhistleVectors.make(inputs)", INPUTS)
        context.close()
        browser.close()
    OUT.write_text(json.dumps(vectors, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
