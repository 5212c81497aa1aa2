"""A melder's client written from docs/protocol.md alone, with raw libsodium primitives
(nacl.bindings) and hashlib: no import from crypto/ or whistle/. If the document leaves out or
misstates a step, these functions stop agreeing with the server, the counsellor or the
known-answer vectors, and the tests in this folder fail."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from dataclasses import dataclass

import nacl.bindings as na

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CHUNK = 65536
FULL_CHUNK = CHUNK + 17


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    return base64.b64decode(text, validate=True)


def blake2b(n: int, message: bytes, key: bytes = b"") -> bytes:
    return hashlib.blake2b(message, digest_size=n, key=key).digest()


# --- section 3: the receipt code ----------------------------------------------------------

def new_code() -> str:
    number = int.from_bytes(os.urandom(10), "big")
    symbols = ""
    for _ in range(16):
        symbols = ALPHABET[number % 32] + symbols
        number //= 32
    return "-".join(symbols[i:i + 4] for i in range(0, 16, 4))


def normalise(typed: str) -> bytes:
    text = "".join(ch for ch in typed.upper() if not ch.isspace() and ch != "-")
    text = text.replace("O", "0").replace("I", "1").replace("L", "1")
    if len(text) != 16 or any(ch not in ALPHABET for ch in text):
        raise ValueError("invalid code")
    return text.encode("ascii")


# --- section 4: keys derived from the code ------------------------------------------------

@dataclass
class Keys:
    locator: bytes
    box_pk: bytes
    box_sk: bytes
    sign_pk: bytes
    sign_sk: bytes
    master: bytes

    @property
    def locator_hex(self) -> str:
        return self.locator.hex()


def salt_for(org: str) -> bytes:
    return blake2b(16, b"whistle/v1/reporter/" + org.encode("utf-8"))


def derive(code: str, org: str, kdf: dict) -> Keys:
    assert kdf["algorithm"] == "argon2id13"
    assert 1 <= kdf["opslimit"] <= 4 and 8192 <= kdf["memlimit"] <= 1073741824
    salt = salt_for(org)
    if "salt" in kdf:
        assert unb64(kdf["salt"]) == salt, "intake salt does not match"
    master = na.crypto_pwhash_alg(32, normalise(code), salt, kdf["opslimit"], kdf["memlimit"],
                                  na.crypto_pwhash_ALG_ARGON2ID13)
    box_pk, box_sk = na.crypto_box_seed_keypair(blake2b(32, b"box", master))
    sign_pk, sign_sk = na.crypto_sign_seed_keypair(blake2b(32, b"sign", master))
    return Keys(blake2b(16, b"locator", master), box_pk, box_sk, sign_pk, sign_sk, master)


# --- sections 5 and 6: case key, commitment, records ---------------------------------------

def commitment(case_key: bytes) -> bytes:
    return blake2b(32, b"whistle/v1/commit", case_key)


def check_commitment(case_key: bytes, stored: bytes) -> None:
    if not hmac.compare_digest(commitment(case_key), stored):
        raise ValueError("case key does not match its commitment")


def canonical_json(record: dict) -> bytes:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")


def pad(data: bytes, block: int = 1024) -> bytes:
    """ISO/IEC 7816-4 as section 6.2 words it: 0x80, then zeros to the next multiple."""
    padded = data + b"\x80"
    return padded + b"\x00" * (-len(padded) % block)


def ad(kind: str, locator_hex: str) -> bytes:
    return f"whistle/v1/{kind}/{locator_hex}".encode("ascii")


def seal_record(case_key: bytes, kind: str, locator_hex: str, record: dict, nonce: bytes | None = None) -> bytes:
    nonce = nonce or os.urandom(24)
    return nonce + na.crypto_aead_xchacha20poly1305_ietf_encrypt(
        pad(canonical_json(record)), ad(kind, locator_hex), nonce, case_key)


def open_record(case_key: bytes, kind: str, locator_hex: str, blob: bytes) -> dict:
    padded = na.crypto_aead_xchacha20poly1305_ietf_decrypt(blob[24:], ad(kind, locator_hex), blob[:24], case_key)
    record = json.loads(na.sodium_unpad(padded, 1024).decode("utf-8"))
    assert isinstance(record, dict)
    return record


# --- section 9: fingerprints --------------------------------------------------------------

def fingerprint(public_key: bytes) -> str:
    digest = blake2b(20, b"whistle/v1/fingerprint" + public_key).hex()
    return " ".join(digest[i:i + 4] for i in range(0, 40, 4))


def key_id(public_key: bytes) -> str:
    return fingerprint(public_key).replace(" ", "")[:16]


# --- section 11.4: the login signature ----------------------------------------------------

def login_signature(sign_sk: bytes, challenge: bytes) -> bytes:
    return na.crypto_sign(b"whistle/v1/login:" + challenge, sign_sk)[:64]


# --- section 8: attachments ---------------------------------------------------------------

def encrypted_size(n: int) -> int:
    return 24 + n + 17 * max(1, -(-n // CHUNK))


def encrypt_file(file_key: bytes, data: bytes):
    """Yields the body piece by piece, as a streaming client would send it."""
    state = na.crypto_secretstream_xchacha20poly1305_state()
    yield na.crypto_secretstream_xchacha20poly1305_init_push(state, file_key)
    pieces = [data[i:i + CHUNK] for i in range(0, len(data), CHUNK)] or [b""]
    for i, piece in enumerate(pieces):
        tag = (na.crypto_secretstream_xchacha20poly1305_TAG_FINAL if i == len(pieces) - 1
               else na.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE)
        yield na.crypto_secretstream_xchacha20poly1305_push(state, piece, None, tag)


def decrypt_file(file_key: bytes, body: bytes) -> bytes:
    state = na.crypto_secretstream_xchacha20poly1305_state()
    na.crypto_secretstream_xchacha20poly1305_init_pull(state, body[:24], file_key)
    rest, out, final = body[24:], bytearray(), False
    while rest:
        if final:
            raise ValueError("data after the FINAL chunk")
        chunk, rest = rest[:FULL_CHUNK], rest[FULL_CHUNK:]
        plain, tag = na.crypto_secretstream_xchacha20poly1305_pull(state, chunk, None)
        if tag not in (na.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE,
                       na.crypto_secretstream_xchacha20poly1305_TAG_FINAL):
            raise ValueError("unexpected tag")
        final = tag == na.crypto_secretstream_xchacha20poly1305_TAG_FINAL
        out += plain
    if not final:
        raise ValueError("truncated")
    return bytes(out)
