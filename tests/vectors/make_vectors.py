"""Generate tests/vectors/crypto-v1.json ONCE; the tests only read the JSON.

Written independently of the crypto package, straight from the protocol text
(hashlib for BLAKE2b, nacl.bindings for the rest), so the vectors check the
package against the protocol rather than against itself. Several vectors
contain randomness (sealed box, session blob, staff key, secretstream
header): regenerating changes them, which is fine only for a new protocol
version. Run from the repository root: python3 tests/vectors/make_vectors.py
"""

import base64
import hashlib
import json
import struct
from pathlib import Path

import nacl.bindings as s

OUT = Path(__file__).with_name("crypto-v1.json")
CODE = "7K3Q-9XZ2-M4PD-V8HW"
ORG = "deventer"
PARAMS = {
    "MINIMUM": (s.crypto_pwhash_argon2id_OPSLIMIT_MIN, s.crypto_pwhash_argon2id_MEMLIMIT_MIN),
    "INTERACTIVE": (
        s.crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE,
        s.crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE,
    ),
}


def fixed(label: str, size: int = 32) -> bytes:
    """Deterministic test bytes, so reviewers can recompute them."""
    return hashlib.blake2b(label.encode(), digest_size=size).digest()


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def reporter(params_name: str) -> dict:
    ops, mem = PARAMS[params_name]
    normalised = CODE.replace("-", "").encode()
    salt = hashlib.blake2b(b"whistle/v1/reporter/" + ORG.encode(), digest_size=16).digest()
    master = s.crypto_pwhash_alg(32, normalised, salt, ops, mem, s.crypto_pwhash_ALG_ARGON2ID13)
    sub = lambda label, n: hashlib.blake2b(label, digest_size=n, key=master).digest()  # noqa: E731
    box_pk, _ = s.crypto_box_seed_keypair(sub(b"box", 32))
    sign_pk, sign_sk = s.crypto_sign_seed_keypair(sub(b"sign", 32))
    return {
        "params": params_name, "opslimit": ops, "memlimit": mem,
        "code": CODE, "org_slug": ORG, "normalised": normalised.decode(),
        "salt_hex": salt.hex(), "master_hex": master.hex(),
        "locator_hex": sub(b"locator", 16).hex(),
        "box_public_hex": box_pk.hex(), "sign_public_hex": sign_pk.hex(),
    }, sign_sk


NEW_CODE = "R3PA-CED0-C0DE-2026"


def replace_code(sign_sk: bytes, challenge: bytes) -> dict:
    """Extensions E.10: both signatures over 'whistle/v1/replace-code:' || challenge || the new
    locator, box and sign public keys; the new keys are NEW_CODE's with MINIMUM parameters.
    Deterministic, so it was added to the published file without regenerating the rest."""
    ops, mem = PARAMS["MINIMUM"]
    salt = hashlib.blake2b(b"whistle/v1/reporter/" + ORG.encode(), digest_size=16).digest()
    master = s.crypto_pwhash_alg(32, NEW_CODE.replace("-", "").encode(), salt, ops, mem, s.crypto_pwhash_ALG_ARGON2ID13)
    sub = lambda label, n: hashlib.blake2b(label, digest_size=n, key=master).digest()  # noqa: E731
    locator = sub(b"locator", 16)
    box_pk, _ = s.crypto_box_seed_keypair(sub(b"box", 32))
    sign_pk, new_sign_sk = s.crypto_sign_seed_keypair(sub(b"sign", 32))
    message = b"whistle/v1/replace-code:" + challenge + locator + box_pk + sign_pk
    return {
        "description": "E.10: Ed25519 signatures of 'whistle/v1/replace-code:' || challenge || new locator || new box_pk "
                       "|| new sign_pk, with the MINIMUM reporter's sign key and with the new code's",
        "challenge_hex": challenge.hex(), "new_code": NEW_CODE,
        "new_locator_hex": locator.hex(), "new_box_public_hex": box_pk.hex(), "new_sign_public_hex": sign_pk.hex(),
        "message_hex": message.hex(),
        "signature_hex": s.crypto_sign(message, sign_sk)[:64].hex(),
        "new_signature_hex": s.crypto_sign(message, new_sign_sk)[:64].hex(),
    }


def add_replace_code() -> None:
    """Add only the deterministic `replace_code` vector to the published file."""
    vectors = json.loads(OUT.read_text(encoding="utf-8"))
    _, sign_sk = reporter("MINIMUM")
    vectors["replace_code"] = replace_code(sign_sk, fixed("replace challenge"))
    OUT.write_text(json.dumps(vectors, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def main() -> None:
    rep_min, sign_sk = reporter("MINIMUM")
    rep_int, _ = reporter("INTERACTIVE")

    challenge = fixed("challenge")
    signature = s.crypto_sign(b"whistle/v1/login:" + challenge, sign_sk)[:64]

    case_key = fixed("case key")
    commitment = hashlib.blake2b(b"whistle/v1/commit", digest_size=32, key=case_key).digest()

    nonce = fixed("record nonce", 24)
    record = {"category": "fraude", "text": "Facturen worden dubbel betaald — zie afdeling inkoop.", "n": 3}
    locator = rep_min["locator_hex"]
    plain = json.dumps(record, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()
    ad = f"whistle/v1/report/{locator}".encode()
    blob = nonce + s.crypto_aead_xchacha20poly1305_ietf_encrypt(s.sodium_pad(plain, 1024), ad, nonce, case_key)

    recipient_sk = fixed("recipient secret")
    recipient_pk = s.crypto_scalarmult_base(recipient_sk)
    sealed = s.crypto_box_seal(case_key, recipient_pk)
    fp = hashlib.blake2b(b"whistle/v1/fingerprint" + recipient_pk, digest_size=20).hexdigest()

    token = fixed("session token")
    session_secret = fixed("session secret")
    session_key = hashlib.blake2b(token, digest_size=32, key=b"whistle/v1/session-key").digest()
    session_nonce = fixed("session nonce", 24)
    session_blob = session_nonce + s.crypto_secretbox(session_secret, session_nonce, session_key)

    staff_secret = fixed("staff secret")
    passphrase = "Paard-Batterij-Niet-Raden-ë"
    ops, mem = PARAMS["MINIMUM"]
    staff_salt, staff_nonce = fixed("staff salt", 16), fixed("staff nonce", 24)
    staff_key = s.crypto_pwhash_alg(32, passphrase.encode(), staff_salt, ops, mem, s.crypto_pwhash_ALG_ARGON2ID13)
    locked = (
        b"WSK1" + struct.pack(">IQ", ops, mem) + staff_salt + staff_nonce
        + s.crypto_secretbox(staff_secret, staff_nonce, staff_key)
    )

    file_key = fixed("file key")
    file_len = 65536 + 100  # two chunks: one full MESSAGE, one short FINAL
    file_plain = bytes(i % 251 for i in range(file_len))
    st = s.crypto_secretstream_xchacha20poly1305_state()
    body = s.crypto_secretstream_xchacha20poly1305_init_push(st, file_key)
    body += s.crypto_secretstream_xchacha20poly1305_push(st, file_plain[:65536], None, s.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE)
    body += s.crypto_secretstream_xchacha20poly1305_push(st, file_plain[65536:], None, s.crypto_secretstream_xchacha20poly1305_TAG_FINAL)

    vectors = {
        "about": (
            "Known-answer vectors for Whistle protocol v1 (docs: protocol 'Keys derived from the code', "
            "'Case key and records'). *_hex = lowercase hex, *_b64 = standard base64 with padding. "
            "Fixed inputs are BLAKE2b(label) so they can be recomputed. Generated once by make_vectors.py."
        ),
        "reporter": {
            "description": "code + org_slug + Argon2id limits -> salt, master, locator and public keys",
            "cases": [rep_min, rep_int],
        },
        "normalise": {
            "description": "input -> normalised 16 ASCII symbols; 'invalid' inputs must raise CryptoError",
            "valid": [
                ["7K3Q-9XZ2-M4PD-V8HW", "7K3Q9XZ2M4PDV8HW"],
                ["7k3q 9xz2 m4pd v8hw", "7K3Q9XZ2M4PDV8HW"],
                [" 7k3q-9xz2\tm4pd-v8hw\n", "7K3Q9XZ2M4PDV8HW"],
                ["OIL0-oil1-AAAA-BBBB", "01100111AAAABBBB"],
            ],
            "invalid": ["", "7K3Q-9XZ2-M4PD-V8H", "7K3Q-9XZ2-M4PD-V8HWX", "7K3Q-9XZ2-M4PD-V8HU", "7K3Q_9XZ2_M4PD_V8HW", "7K3Q-9XZ2-M4PD-V8H\u00e9"],
        },
        "login": {
            "description": "Ed25519 detached signature of 'whistle/v1/login:' || challenge with the MINIMUM reporter's sign key",
            "sign_public_hex": rep_min["sign_public_hex"], "challenge_hex": challenge.hex(),
            "signature_hex": signature.hex(),
        },
        "replace_code": replace_code(sign_sk, fixed("replace challenge")),
        "commitment": {
            "description": "keyed BLAKE2b-256 of 'whistle/v1/commit' with key = case key",
            "case_key_hex": case_key.hex(), "commitment_hex": commitment.hex(),
        },
        "record": {
            "description": "seal_record(case_key, kind, locator, record, nonce) -> blob (nonce || ciphertext)",
            "case_key_hex": case_key.hex(), "kind": "report", "locator_hex": locator,
            "nonce_hex": nonce.hex(), "record": record, "blob_b64": b64(blob),
        },
        "sealed_key": {
            "description": "crypto_box_seal of case_key to recipient (random ephemeral key, so only opening is checkable)",
            "recipient_secret_hex": recipient_sk.hex(), "recipient_public_hex": recipient_pk.hex(),
            "case_key_hex": case_key.hex(), "commitment_hex": commitment.hex(), "sealed_b64": b64(sealed),
        },
        "fingerprint": {
            "description": "BLAKE2b-160 of 'whistle/v1/fingerprint' || public key, hex in groups of 4",
            "public_key_hex": recipient_pk.hex(),
            "fingerprint": " ".join(fp[i:i + 4] for i in range(0, 40, 4)),
        },
        "session": {
            "description": "token_digest(token); open_for_session(token, blob) == secret",
            "token_hex": token.hex(),
            "token_digest_hex": hashlib.blake2b(b"whistle/v1/token-id" + token, digest_size=32).hexdigest(),
            "blob_b64": b64(session_blob), "secret_hex": session_secret.hex(),
        },
        "staff": {
            "description": "unlock_staff_secret(locked, passphrase) == secret; public = scalarmult_base(secret)",
            "passphrase": passphrase, "locked_b64": b64(locked), "secret_hex": staff_secret.hex(),
            "public_hex": s.crypto_scalarmult_base(staff_secret).hex(),
        },
        "attachment": {
            "description": "decrypt body_b64 with file_key; plaintext is bytes(i % 251 for i in range(length))",
            "file_key_hex": file_key.hex(), "length": file_len,
            "plaintext_sha256": hashlib.sha256(file_plain).hexdigest(), "body_b64": b64(body),
        },
    }
    OUT.write_text(json.dumps(vectors, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    import sys
    add_replace_code() if sys.argv[1:] == ["--add-replace-code"] else main()
