"""The reporter client's steps of protocol v1, composed.

Used by the server's no-JavaScript path and by the Python test client; a
JavaScript client does the same steps with libsodium.js.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from .errors import CryptoError
from .keys import key_commitment, new_case_key, unwrap_case_key, wrap_case_key
from .records import seal_record
from .reporter import KdfParams, ReporterKeys, derive_reporter_keys


@dataclass(frozen=True)
class Recipient:
    key_id: str
    public_key: bytes


@dataclass(frozen=True)
class PreparedCase:
    keys: ReporterKeys
    case_key: bytes
    commitment: bytes
    report: bytes
    identity: bytes | None
    sealed_keys: dict[str, bytes]
    reporter_sealed_key: bytes

    def __repr__(self) -> str:
        # Keep the case key out of logs and tracebacks.
        return f"PreparedCase(locator={self.keys.locator_hex}, recipients={sorted(self.sealed_keys)})"


def prepare_case(
    code: str | bytes,
    org_slug: str,
    params: KdfParams,
    recipients: Sequence[Recipient],
    report: dict,
    identity: dict | None = None,
) -> PreparedCase:
    keys = derive_reporter_keys(code, org_slug, params)
    return prepare_case_with_keys(keys, recipients, report, identity)


def prepare_case_with_keys(
    keys: ReporterKeys,
    recipients: Sequence[Recipient],
    report: dict,
    identity: dict | None = None,
) -> PreparedCase:
    if not isinstance(keys, ReporterKeys):
        raise CryptoError("keys must be ReporterKeys")
    # A case no one at the organisation can read would be silently lost.
    if not recipients:
        raise CryptoError("at least one recipient is required")
    key_ids = [r.key_id for r in recipients]
    if len(set(key_ids)) != len(key_ids):
        raise CryptoError("recipient key ids must be unique")
    case_key = new_case_key()
    locator = keys.locator_hex
    return PreparedCase(
        keys=keys,
        case_key=case_key,
        commitment=key_commitment(case_key),
        report=seal_record(case_key, "report", locator, report),
        identity=None if identity is None else seal_record(case_key, "identity", locator, identity),
        sealed_keys={r.key_id: wrap_case_key(case_key, r.public_key) for r in recipients},
        reporter_sealed_key=wrap_case_key(case_key, keys.box_public),
    )


def reporter_case_key(keys: ReporterKeys, reporter_sealed_key: bytes, commitment: bytes) -> bytes:
    return unwrap_case_key(reporter_sealed_key, keys.box_public, keys.box_secret, commitment)
