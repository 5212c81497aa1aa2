"""Whistle cryptography: pure functions over bytes, protocol v1.

The only package that imports nacl. Every failure (bad input, tampering,
wrong key or passphrase) raises CryptoError.
"""

from .attachments import (
    CHUNK_SIZE,
    ENCRYPTED_CHUNK_SIZE,
    HEADER_SIZE,
    AttachmentDecryptor,
    AttachmentEncryptor,
    decrypt_stream,
    encrypt_stream,
    encrypted_size,
    new_file_key,
)
from .backup import BackupWriter, read_backup, read_header
from .codes import CODE_ALPHABET, format_code, new_receipt_code, normalise_code
from .errors import CryptoError
from .keys import (
    check_commitment,
    fingerprint,
    key_commitment,
    new_box_keypair,
    new_case_key,
    public_from_secret,
    unwrap_case_key,
    wrap_case_key,
)
from .records import PADDING_BLOCK, RECORD_KINDS, check_record, open_record, record_ad, seal_record
from .reporter import (
    INTERACTIVE,
    LOGIN_CONTEXT,
    MINIMUM,
    REPLACE_CONTEXT,
    KdfParams,
    ReporterKeys,
    derive_master,
    derive_reporter_keys,
    reporter_keys_from_master,
    replacement_message,
    reporter_salt,
    sign_login,
    sign_replacement,
    verify_login,
    verify_replacement,
)
from .sessions import TOKEN_SIZE, new_session_token, open_for_session, seal_for_session, token_digest
from .staff import lock_staff_secret, new_staff_keypair, unlock_staff_secret
from .trust import (
    Endorsement,
    chain_from_json,
    endorsement_from_json,
    endorsement_json,
    endorsement_statement,
    new_trust_keypair,
    sign_endorsement,
    signing_verify_key,
    staff_signing_seed,
    staff_verify_key,
    verify_chain,
    verify_endorsement,
)
from .submission import (
    PreparedCase,
    Recipient,
    prepare_case,
    prepare_case_with_keys,
    reporter_case_key,
)

__all__ = [
    "CHUNK_SIZE", "CODE_ALPHABET", "ENCRYPTED_CHUNK_SIZE", "HEADER_SIZE", "INTERACTIVE",
    "LOGIN_CONTEXT", "MINIMUM", "REPLACE_CONTEXT", "PADDING_BLOCK", "RECORD_KINDS",
    "AttachmentDecryptor", "AttachmentEncryptor", "BackupWriter", "CryptoError", "Endorsement", "KdfParams",
    "PreparedCase", "Recipient", "ReporterKeys",
    "check_commitment", "check_record", "decrypt_stream", "derive_master", "derive_reporter_keys",
    "encrypt_stream", "encrypted_size", "fingerprint", "format_code", "key_commitment",
    "lock_staff_secret", "new_box_keypair", "new_case_key", "new_file_key",
    "TOKEN_SIZE", "new_receipt_code", "new_session_token", "new_staff_keypair", "normalise_code",
    "open_for_session", "open_record", "prepare_case", "prepare_case_with_keys",
    "public_from_secret", "read_backup", "read_header", "record_ad", "reporter_case_key", "reporter_keys_from_master",
    "reporter_salt", "seal_for_session", "seal_record", "sign_login", "token_digest",
    "replacement_message", "sign_replacement", "verify_replacement",
    "unlock_staff_secret", "unwrap_case_key", "verify_login", "wrap_case_key",
    "chain_from_json", "endorsement_from_json", "endorsement_json", "endorsement_statement",
    "new_trust_keypair", "sign_endorsement", "signing_verify_key", "staff_signing_seed",
    "staff_verify_key", "verify_chain", "verify_endorsement",
]
