"""What docs/protocol.md tells authors of other clients, checked: the known-answer vectors
follow from the document's formulas, the portability notes of section 2 hold (Argon2id
parameters, seed key pairs, sealed boxes), the padding and size formulas are exact, every
vector member is described, and the Extensions heading closes the document."""
import hashlib
import json
import re
from pathlib import Path

import nacl.bindings as na
from argon2.low_level import Type, hash_secret_raw

from tests.docs import doc_client as dc

ROOT = Path(__file__).resolve().parents[2]
PROTOCOL = (ROOT / "docs" / "protocol.md").read_text(encoding="utf-8")
VECTORS = json.loads((ROOT / "tests" / "vectors" / "crypto-v1.json").read_text(encoding="utf-8"))


def test_the_documents_formulas_reproduce_the_known_answer_vectors():
    for case in VECTORS["reporter"]["cases"]:
        kdf = {"algorithm": "argon2id13", "opslimit": case["opslimit"], "memlimit": case["memlimit"]}
        keys = dc.derive(case["code"], case["org_slug"], kdf)
        assert dc.normalise(case["code"]).decode() == case["normalised"]
        assert dc.salt_for(case["org_slug"]).hex() == case["salt_hex"]
        assert keys.master.hex() == case["master_hex"]
        assert keys.locator_hex == case["locator_hex"]
        assert (keys.box_pk.hex(), keys.sign_pk.hex()) == (case["box_public_hex"], case["sign_public_hex"])
    for typed, normalised in VECTORS["normalise"]["valid"]:
        assert dc.normalise(typed).decode() == normalised
    for typed in VECTORS["normalise"]["invalid"]:
        try:
            dc.normalise(typed)
        except ValueError:
            continue
        raise AssertionError(f"{typed!r} should be refused")

    minimum = VECTORS["reporter"]["cases"][0]
    login = VECTORS["login"]
    keys = dc.derive(minimum["code"], minimum["org_slug"],
                     {"algorithm": "argon2id13", "opslimit": minimum["opslimit"], "memlimit": minimum["memlimit"]})
    assert dc.login_signature(keys.sign_sk, bytes.fromhex(login["challenge_hex"])).hex() == login["signature_hex"]

    c = VECTORS["commitment"]
    assert dc.commitment(bytes.fromhex(c["case_key_hex"])).hex() == c["commitment_hex"]

    r = VECTORS["record"]
    blob = dc.seal_record(bytes.fromhex(r["case_key_hex"]), r["kind"], r["locator_hex"], r["record"],
                          nonce=bytes.fromhex(r["nonce_hex"]))
    assert dc.b64(blob) == r["blob_b64"], "canonical JSON + padding + AD as section 6 describes"
    assert dc.open_record(bytes.fromhex(r["case_key_hex"]), r["kind"], r["locator_hex"], blob) == r["record"]

    f = VECTORS["fingerprint"]
    assert dc.fingerprint(bytes.fromhex(f["public_key_hex"])) == f["fingerprint"]

    a = VECTORS["attachment"]
    plain = dc.decrypt_file(bytes.fromhex(a["file_key_hex"]), dc.unb64(a["body_b64"]))
    assert len(plain) == a["length"] and hashlib.sha256(plain).hexdigest() == a["plaintext_sha256"]
    assert plain == bytes(i % 251 for i in range(a["length"]))


def test_section_2_portability_notes_hold():
    # Argon2id: t = opslimit, m = memlimit / 1024 KiB, parallelism 1, version 1.3.
    for case in VECTORS["reporter"]["cases"]:
        raw = hash_secret_raw(case["normalised"].encode(), bytes.fromhex(case["salt_hex"]),
                              time_cost=case["opslimit"], memory_cost=case["memlimit"] // 1024,
                              parallelism=1, hash_len=32, type=Type.ID, version=19)
        assert raw.hex() == case["master_hex"]
    # crypto_box_seed_keypair: secret = SHA-512(seed)[:32], public = X25519(secret, base).
    seed = hashlib.blake2b(b"seed", digest_size=32).digest()
    pk, sk = na.crypto_box_seed_keypair(seed)
    assert sk == hashlib.sha512(seed).digest()[:32] and pk == na.crypto_scalarmult_base(sk)
    # crypto_sign_seed_keypair: the 64-byte secret key is seed || public key.
    spk, ssk = na.crypto_sign_seed_keypair(seed)
    assert ssk == seed + spk
    # Sealed box: ephemeral pk || crypto_box(m, BLAKE2b-192(epk || pk), pk, esk); 48 bytes extra.
    s = VECTORS["sealed_key"]
    sealed, rpk, rsk = dc.unb64(s["sealed_b64"]), bytes.fromhex(s["recipient_public_hex"]), bytes.fromhex(s["recipient_secret_hex"])
    assert len(sealed) == 32 + 48
    epk = sealed[:32]
    nonce = hashlib.blake2b(epk + rpk, digest_size=24).digest()
    case_key = na.crypto_box_open(sealed[32:], nonce, epk, rsk)
    assert case_key.hex() == s["case_key_hex"]
    assert dc.commitment(case_key).hex() == s["commitment_hex"]


def test_padding_and_size_formulas_are_exact():
    for n in (0, 1, 1022, 1023, 1024, 1025, 4000):
        assert dc.pad(bytes(n)) == na.sodium_pad(bytes(n), 1024)
        assert len(dc.pad(bytes(n))) == (n // 1024 + 1) * 1024
    for n in (0, 1, 65535, 65536, 65537, 2 * 65536, 2 * 65536 + 3):
        assert len(b"".join(dc.encrypt_file(bytes(32), bytes(n)))) == dc.encrypted_size(n)
    assert dc.FULL_CHUNK == 65536 + na.crypto_secretstream_xchacha20poly1305_ABYTES


def test_every_vector_member_is_described_and_extensions_close_the_document():
    described = set(re.findall(r"^\| `(\w+)` \|", PROTOCOL.split("## 17. Known-answer vectors")[1], re.M))
    assert set(VECTORS) <= described, f"undescribed vector members: {set(VECTORS) - described}"
    headings = re.findall(r"^## (.+)$", PROTOCOL, re.M)
    assert "Extensions" in headings
    later = headings[headings.index("Extensions") + 1:]
    assert all(h.startswith("Extension") or not re.match(r"\d+\.", h) for h in later), \
        "numbered sections belong before the Extensions heading"
