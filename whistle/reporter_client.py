"""A reference client of the reporter protocol v1 (docs/protocol.md), written from the
protocol alone: it is what a third-party client does. The tests and the benchmarks use it, over
Flask's test client or over HTTP to a live server."""
from __future__ import annotations

import base64
import hashlib
import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import Any, Iterable, Protocol

import crypto


class Transport(Protocol):
    def request(self, method: str, path: str, *, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]: ...


class FlaskTransport:
    def __init__(self, test_client) -> None:
        self.client = test_client

    def request(self, method, path, *, body=None, headers=None):
        r = self.client.open(path, method=method, data=body, headers=headers or {})
        return r.status_code, dict(r.headers), r.get_data()


class HttpTransport:
    def __init__(self, base_url: str) -> None:
        if urllib.parse.urlsplit(base_url).scheme not in ("http", "https"):
            raise ValueError("base_url: expected an http:// or https:// address")
        self.base = base_url.rstrip("/")

    def request(self, method, path, *, body=None, headers=None):
        req = urllib.request.Request(self.base + path, data=body, method=method, headers=headers or {})
        try:
            with urllib.request.urlopen(req, timeout=600) as r:  # noqa: S310  # nosec B310  # http(s) only, see __init__
                return r.status, dict(r.headers), r.read()
        except urllib.error.HTTPError as e:
            return e.code, dict(e.headers), e.read()


class ProtocolError(Exception):
    def __init__(self, status: int, body: Any) -> None:
        super().__init__(f"{status}: {body}")
        self.status, self.body = status, body


class UntrustedRecipients(Exception):
    """The intake named a recipient that the organisation's trust key does not vouch for:
    nothing is sealed or sent."""

    MESSAGE = ("De sleutels van de ontvangers zijn niet ondertekend door de organisatie. "
               "Uw melding is niet verstuurd: verstuur niets en controleer de vingerafdruk "
               "van de organisatiesleutel op het intranet van uw organisatie.")

    def __init__(self, detail: str) -> None:
        super().__init__(f"{self.MESSAGE} ({detail})")
        self.detail = detail


MELDING_ROLES = ("counsellor", "recovery")


# The regeling's lists a choice of the report comes from (whistle.domain.report CHOICES), as
# the intake answer publishes them; an intake without a list (an older server) checks nothing.
CHOICES = {"category": "categories", "unit": "units"}


def unknown_choice(intake: dict, report: dict) -> str | None:
    """What the melder is told when the report names a category or unit the regeling does not
    list (the field's `if_unknown`), else None."""
    for f in intake.get("report_fields", []):
        listed = intake.get(CHOICES.get(f.get("input"), ""))
        value = report.get(f["name"])
        if value and listed is not None and value not in {c["id"] for c in listed}:
            return f.get("if_unknown") or f"Onbekende waarde in het veld {f['name']!r}."
    return None


def verified_recipients(intake: dict, expected_trust_fingerprint: str | None = None) -> list[crypto.Recipient]:
    """The recipients of an intake answer whose endorsement chain verifies against the
    organisation's trust key (protocol E.5); any other raises UntrustedRecipients. A careful
    client pins the trust fingerprint it read on the intranet."""
    trust = intake.get("trust")
    if not isinstance(trust, dict) or not isinstance(trust.get("public_key"), str):
        raise UntrustedRecipients("the organisation publishes no trust key")
    try:
        trust_key = unb64(trust["public_key"])
        fingerprint = crypto.fingerprint(trust_key)
    except (TypeError, ValueError, crypto.CryptoError) as exc:
        raise UntrustedRecipients("the trust key is not a key") from exc
    if trust.get("fingerprint") != fingerprint:
        raise UntrustedRecipients("the trust key's fingerprint does not match the key")
    if expected_trust_fingerprint is not None and expected_trust_fingerprint != fingerprint:
        raise UntrustedRecipients("the trust key is not the one the organisation published")
    recipients = []
    for r in intake.get("recipients", []):
        try:
            public = unb64(r["public_key"])
            final = crypto.verify_chain(trust_key, public, crypto.chain_from_json(r.get("endorsement_chain")),
                                        org=intake.get("org"))
        except (KeyError, TypeError, ValueError, crypto.CryptoError) as exc:
            raise UntrustedRecipients(str(exc)) from exc
        if final.role not in MELDING_ROLES or final.role != r.get("role"):
            raise UntrustedRecipients("a recipient is not endorsed to receive meldingen")
        if r.get("fingerprint") != crypto.fingerprint(public):
            raise UntrustedRecipients("a recipient's fingerprint does not match its key")
        recipients.append(crypto.Recipient(r["key_id"], public))
    return recipients


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def unb64(text: str) -> bytes:
    return base64.b64decode(text)


@dataclass
class ReporterClient:
    transport: Transport
    org: str
    code: str | None = None
    keys: crypto.ReporterKeys | None = None
    token: str | None = None
    case_key: bytes | None = None
    intake: dict = field(default_factory=dict)
    # What records are bound to (protocol E.10): the case answer's record_binding; before the
    # first case answer (and on servers older than E.10) the locator.
    record_binding: str | None = None
    trust_fingerprint: str | None = None   # pinned, as read on the organisation's intranet

    # -- plumbing --
    def _json(self, method: str, path: str, payload: Any = None, expect: Iterable[int] = (200, 201),
              extra_headers: dict | None = None):
        headers = {"Content-Type": "application/json", **(extra_headers or {})}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        body = None if payload is None else json.dumps(payload).encode()
        status, _h, raw = self.transport.request(method, path, body=body, headers=headers)
        data = json.loads(raw) if raw else None
        if status not in expect:
            raise ProtocolError(status, data)
        return data

    # -- intake --
    def fetch_intake(self) -> dict:
        self.intake = self._json("GET", f"/api/v1/orgs/{self.org}/intake")
        return self.intake

    def submit(self, report: dict, identity: dict | None = None, *, code: str | None = None) -> dict:
        intake = self.intake or self.fetch_intake()
        refused = unknown_choice(intake, report)
        if refused:  # sealed, the server cannot check it: refused here, before anything is sent
            raise ValueError(refused)
        kdf = intake["kdf"]
        self.code = code or crypto.new_receipt_code()
        params = crypto.KdfParams(kdf["opslimit"], kdf["memlimit"])
        recipients = verified_recipients(intake, self.trust_fingerprint)
        prepared = crypto.prepare_case(self.code, self.org, params, recipients, report, identity)
        self.keys, self.case_key = prepared.keys, prepared.case_key
        payload = {
            "version": 1,
            "locator": prepared.keys.locator_hex,
            "reporter_box_public_key": b64(prepared.keys.box_public),
            "reporter_sign_public_key": b64(prepared.keys.sign_public),
            "report": b64(prepared.report),
            "key_commitment": b64(prepared.commitment),
            "keys": [{"recipient": k, "sealed_key": b64(v)} for k, v in prepared.sealed_keys.items()],
            "reporter_sealed_key": b64(prepared.reporter_sealed_key),
        }
        if prepared.identity is not None:
            payload["identity"] = b64(prepared.identity)
        work = self._json("GET", f"/api/v1/orgs/{self.org}/work")["work"]
        for attempt in range(3):
            try:
                return self._json("POST", f"/api/v1/orgs/{self.org}/reports", payload, expect=(201,),
                                  extra_headers={"Whistle-Work": self.pay(work)})
            except ProtocolError as exc:
                # The difficulty rose (or the challenge expired): the answer carries a fresh one.
                refused_work = exc.status == 400 and isinstance(exc.body, dict) and exc.body.get("field") == "work"
                if not refused_work or attempt == 2:
                    raise
                work = exc.body["work"]
        raise AssertionError("unreachable")  # pragma: no cover

    @staticmethod
    def pay(work: dict) -> str:
        """The proof of work for one submission (protocol E.7): `challenge.nonce`."""
        challenge, bits = work["challenge"], int(work["bits"])
        raw = base64.urlsafe_b64decode(challenge + "=" * (-len(challenge) % 4))
        counter = 0
        while True:
            nonce = counter.to_bytes(8, "little")
            digest = int.from_bytes(hashlib.blake2b(raw + nonce, digest_size=32).digest(), "big")
            if digest >> (256 - bits) == 0:
                return f"{challenge}.{base64.urlsafe_b64encode(nonce).decode().rstrip('=')}"
            counter += 1

    # -- returning --
    def log_in(self, code: str | None = None) -> None:
        code = code or self.code
        kdf = (self.intake or self.fetch_intake())["kdf"]
        self.keys = crypto.derive_reporter_keys(code, self.org, crypto.KdfParams(kdf["opslimit"], kdf["memlimit"]))
        self.token, self.record_binding, self.case_key = None, None, None
        challenge = unb64(self._json("POST", "/api/v1/reporter/challenge",
                                     {"locator": self.keys.locator_hex})["challenge"])
        sig = crypto.sign_login(self.keys.sign_secret, challenge)
        answer = self._json("POST", "/api/v1/reporter/session", {
            "locator": self.keys.locator_hex, "challenge": b64(challenge), "signature": b64(sig)})
        self.token = answer["token"]

    def log_out(self) -> None:
        """End the session on the server (protocol E.3) and forget the token and keys."""
        try:
            self._json("DELETE", "/api/v1/reporter/session", expect=(204,))
        finally:
            self.token, self.keys, self.case_key = None, None, None

    @property
    def binding(self) -> str:
        return self.record_binding or self.keys.locator_hex

    def case(self) -> dict:
        data = self._json("GET", "/api/v1/reporter/case")
        self.case_key = crypto.reporter_case_key(self.keys, unb64(data["reporter_sealed_key"]),
                                                 unb64(data["key_commitment"]))
        self.record_binding = data.get("record_binding") or self.keys.locator_hex
        return data

    def replace_code(self) -> str:
        """Replace the code (protocol E.10): a new code and keys made here, the case key wrapped
        to the new box key, a fresh challenge signed with the current and the new signing key.
        Answers the new code (to show the melder once); the client carries on with the new
        session, and the old code and every old session stop working."""
        if self.case_key is None:
            self.case()
        kdf = (self.intake or self.fetch_intake())["kdf"]
        code = crypto.new_receipt_code()
        new = crypto.derive_reporter_keys(code, self.org, crypto.KdfParams(kdf["opslimit"], kdf["memlimit"]))
        challenge = unb64(self._json("POST", "/api/v1/reporter/challenge",
                                     {"locator": self.keys.locator_hex})["challenge"])
        answer = self._json("POST", "/api/v1/reporter/case/code", {
            "challenge": b64(challenge),
            "signature": b64(crypto.sign_replacement(self.keys.sign_secret, challenge, new)),
            "new_signature": b64(crypto.sign_replacement(new.sign_secret, challenge, new)),
            "locator": new.locator_hex,
            "reporter_box_public_key": b64(new.box_public),
            "reporter_sign_public_key": b64(new.sign_public),
            "reporter_sealed_key": b64(crypto.wrap_case_key(self.case_key, new.box_public)),
        })
        self.code, self.keys, self.token = code, new, answer["token"]
        return code

    def read_records(self) -> list[dict]:
        """Each record opened; one that does not open has body None and unreadable True
        (protocol 6.4: shown as unreadable, nothing of it trusted)."""
        data = self.case()
        out = []
        for r in data["records"]:
            try:
                body = crypto.open_record(self.case_key, r["kind"], self.binding, unb64(r["ciphertext"]))
            except (crypto.CryptoError, ValueError):
                body = None
            out.append({"kind": r["kind"], "author": r["author"], "created_on": r["created_on"],
                        "body": body, "unreadable": body is None})
        return out

    def send_message(self, text: str) -> dict:
        if self.case_key is None:
            self.case()
        blob = crypto.seal_record(self.case_key, "message", self.binding, {"text": text})
        return self._json("POST", "/api/v1/reporter/case/messages", {"ciphertext": b64(blob)}, expect=(201,))

    def upload(self, name: str, media_type: str, chunks: Iterable[bytes], size: int) -> dict:
        if self.case_key is None:
            self.case()
        file_key = crypto.new_file_key()
        header = crypto.seal_record(self.case_key, "attachment", self.binding,
                                    {"name": name, "type": media_type, "size": size, "key": b64(file_key)})
        body = b"".join(crypto.encrypt_stream(file_key, chunks))
        status, _h, raw = self.transport.request("POST", "/api/v1/reporter/case/attachments", body=body, headers={
            "Authorization": f"Bearer {self.token}", "Content-Type": "application/octet-stream",
            "Whistle-Attachment-Record": b64(header)})
        if status != 201:
            raise ProtocolError(status, raw)
        return json.loads(raw)

    def download(self, attachment_id: str) -> tuple[dict, bytes]:
        data = self.case()
        att = next(a for a in data["attachments"] if a["id"] == attachment_id)
        header = crypto.open_record(self.case_key, "attachment", self.binding, unb64(att["header"]))
        status, _h, raw = self.transport.request("GET", f"/api/v1/reporter/case/attachments/{attachment_id}",
                                                 headers={"Authorization": f"Bearer {self.token}"})
        if status != 200:
            raise ProtocolError(status, raw)
        return header, b"".join(crypto.decrypt_stream(unb64(header["key"]), [raw]))
