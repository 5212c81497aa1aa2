"""Records: padded UTF-8 JSON sealed with XChaCha20-Poly1305 under the case key.

Blob = nonce(24) || ciphertext. The associated data binds each record to its
kind and case, so a record cannot be replayed into another case or role.
"""

import json
import re

import nacl.bindings as sodium
import nacl.exceptions
import nacl.utils

from .errors import CryptoError

# "dossier", "dossier_key" and "concerned" are staff-side kinds (docs/authority.md): content
# sent to the bevoegd gezag, a dossier key kept under the case key, and the betrokkenen.
# "retention" is the counsellor's reason for keeping a closed case longer; "benadeling" a risk
# assessment, a report of benadeling or a follow-up answer (whistle.domain.benadeling);
# "disclosure" the reasons of a request to disclose the identity without consent, sealed under
# the dossier key (whistle.domain.disclosure); "dossier_draft" a dossier being composed, kept
# under the case key until it is sent or deleted (whistle.services.counsellor.dossier_drafts).
RECORD_KINDS = ("report", "message", "identity", "attachment", "dossier", "dossier_key", "concerned",
                "retention", "benadeling", "note", "disclosure", "dossier_draft")
PADDING_BLOCK = 1024
NONCE_SIZE = sodium.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES  # 24
KEY_SIZE = sodium.crypto_aead_xchacha20poly1305_ietf_KEYBYTES  # 32
_TAG_SIZE = sodium.crypto_aead_xchacha20poly1305_ietf_ABYTES  # 16
_LOCATOR_HEX = re.compile(r"[0-9a-f]{32}")


def record_ad(kind: str, locator_hex: str) -> bytes:
    if kind not in RECORD_KINDS:
        raise CryptoError("unknown record kind")
    if not isinstance(locator_hex, str) or not _LOCATOR_HEX.fullmatch(locator_hex):
        raise CryptoError("locator must be 32 lowercase hex characters")
    return f"whistle/v1/{kind}/{locator_hex}".encode("ascii")


def _check_key(case_key: bytes) -> None:
    if not isinstance(case_key, bytes) or len(case_key) != KEY_SIZE:
        raise CryptoError(f"case key must be {KEY_SIZE} bytes")


def seal_record(
    case_key: bytes, kind: str, locator_hex: str, record: dict, *, nonce: bytes | None = None
) -> bytes:
    _check_key(case_key)
    ad = record_ad(kind, locator_hex)
    if not isinstance(record, dict):
        raise CryptoError("a record must be a JSON object (dict)")
    # nonce is a parameter only for known-answer vectors; reusing one is fatal.
    if nonce is None:
        nonce = nacl.utils.random(NONCE_SIZE)
    elif not isinstance(nonce, bytes) or len(nonce) != NONCE_SIZE:
        raise CryptoError(f"nonce must be {NONCE_SIZE} bytes")
    try:
        text = json.dumps(record, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
        encoded = text.encode("utf-8")
    except (TypeError, ValueError) as exc:  # UnicodeEncodeError (lone surrogates) is a ValueError
        raise CryptoError("record is not JSON-serialisable as UTF-8") from exc
    # Padding hides the exact length of what the reporter wrote.
    padded = sodium.sodium_pad(encoded, PADDING_BLOCK)
    return nonce + sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(padded, ad, nonce, case_key)


def check_record(blob: bytes) -> bytes:
    """Refuse, by its length alone, what cannot be a sealed record: nonce(24) || padded
    plaintext (one or more whole PADDING_BLOCKs) || tag(16). The server stores records it
    cannot open, so this shape check is all it can do for a client's ciphertext."""
    if not isinstance(blob, bytes):
        raise CryptoError("a sealed record must be bytes")
    body = len(blob) - NONCE_SIZE - _TAG_SIZE
    if body <= 0 or body % PADDING_BLOCK:
        raise CryptoError("not a sealed, padded record")
    return blob


def open_record(case_key: bytes, kind: str, locator_hex: str, blob: bytes) -> dict:
    _check_key(case_key)
    ad = record_ad(kind, locator_hex)
    if not isinstance(blob, bytes) or len(blob) < NONCE_SIZE + _TAG_SIZE:
        raise CryptoError("record is too short")
    try:
        padded = sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
            blob[NONCE_SIZE:], ad, blob[:NONCE_SIZE], case_key
        )
    except nacl.exceptions.CryptoError as exc:
        raise CryptoError("record cannot be opened: wrong key, case or kind, or tampered") from exc
    try:
        text = sodium.sodium_unpad(padded, PADDING_BLOCK)
    except nacl.exceptions.CryptoError as exc:
        raise CryptoError("record padding is invalid") from exc
    try:
        record = json.loads(text.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise CryptoError("record is not valid UTF-8 JSON") from exc
    if not isinstance(record, dict):
        raise CryptoError("record is not a JSON object")
    return record
