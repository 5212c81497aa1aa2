"""Receipt codes: the one-time code a reporter gets instead of an account.

16 symbols of Crockford base32 (80 bits), shown as XXXX-XXXX-XXXX-XXXX.
"""

import nacl.utils

from .errors import CryptoError

CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 16
_CODE_BYTES = 10  # 16 symbols * 5 bits = 80 bits
# Letters people confuse with digits on paper; Crockford maps them.
_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1"})
_ALLOWED = frozenset(CODE_ALPHABET)


def new_receipt_code() -> str:
    number = int.from_bytes(nacl.utils.random(_CODE_BYTES), "big")
    symbols = []
    for _ in range(CODE_LENGTH):
        symbols.append(CODE_ALPHABET[number & 0x1F])
        number >>= 5
    return format_code("".join(reversed(symbols)).encode("ascii"))


def normalise_code(code: str) -> bytes:
    if not isinstance(code, str):
        raise CryptoError("receipt code must be text")
    cleaned = "".join(ch for ch in code.upper() if not ch.isspace() and ch != "-")
    cleaned = cleaned.translate(_CONFUSABLE)
    # The messages never echo the code: it is the reporter's only secret.
    if any(ch not in _ALLOWED for ch in cleaned):
        raise CryptoError(
            "receipt code may only contain digits and the letters A-Z except U"
        )
    if len(cleaned) != CODE_LENGTH:
        raise CryptoError(
            f"receipt code must have {CODE_LENGTH} symbols, got {len(cleaned)}"
        )
    return cleaned.encode("ascii")


def check_normalised(normalised: bytes) -> bytes:
    """Validate a code that claims to be normalised already; returns it."""
    if not isinstance(normalised, bytes) or len(normalised) != CODE_LENGTH:
        raise CryptoError(f"normalised receipt code must be {CODE_LENGTH} bytes")
    if any(chr(b) not in _ALLOWED for b in normalised):
        raise CryptoError("normalised receipt code contains a symbol outside the alphabet")
    return normalised


def format_code(normalised: bytes) -> str:
    text = check_normalised(normalised).decode("ascii")
    return "-".join(text[i : i + 4] for i in range(0, CODE_LENGTH, 4))
