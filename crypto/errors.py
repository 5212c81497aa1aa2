"""The one exception type of the crypto package."""


class CryptoError(Exception):
    """Bad input, tampering, a wrong key or a wrong passphrase.

    Messages never contain key material, codes or plaintext, so callers may
    log them; they are not meant to be shown to reporters verbatim.
    """
