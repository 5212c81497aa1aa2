"""The melder of docs/protocol.md section 16 over Flask's test client: the document's client
(doc_client) doing HTTP, with every request and answer checked against docs/openapi.yaml."""
import base64
import json

import nacl.bindings as na

from tests.docs import doc_client as dc
from tests.docs.spec import check_answer, check_request
from whistle.reporter_client import ReporterClient

ORG = "deventer"


class Api:
    """HTTP through Flask's test client; every exchange checked against the spec."""

    def __init__(self, client) -> None:
        self.client = client
        self.token: str | None = None

    def _headers(self, extra=None):
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        return headers | (extra or {})

    def get(self, template: str, path: str | None = None):
        r = self.client.get("/api/v1" + (path or template), headers=self._headers())
        check_answer("GET", template, r)
        return r

    def post(self, template: str, body, path: str | None = None):
        check_request("POST", template, body)
        headers = {"Content-Type": "application/json"}
        if template == "/orgs/{org}/reports":  # a submission pays its proof of work (protocol E.7)
            work = self.get("/orgs/{org}/work", (path or template).replace("/reports", "/work")).get_json()["work"]
            headers["Whistle-Work"] = ReporterClient.pay(work)
        r = self.client.post("/api/v1" + (path or template), data=json.dumps(body),
                             headers=self._headers(headers))
        check_answer("POST", template, r)
        return r

    def send(self, method: str, template: str, path: str | None = None, *, data=b"", headers=None):
        """Any request, including malformed ones; only the answer is checked."""
        r = self.client.open("/api/v1" + (path or template), method=method, data=data,
                             headers=self._headers(headers))
        check_answer(method, template, r)
        return r

    def post_raw(self, template: str, data: bytes, headers: dict):
        r = self.client.post("/api/v1" + template, data=data, headers=self._headers(headers))
        check_answer("POST", template, r)
        return r


def submit(api: Api, report: dict, identity: dict | None = None):
    """Section 16, part 1. Returns the code, the keys and the case key."""
    intake = api.get("/orgs/{org}/intake", f"/orgs/{ORG}/intake").get_json()
    assert intake["version"] == 1 and intake["kdf"]["algorithm"] == "argon2id13"
    assert intake["recipients"], "an organisation without recipients must not get meldingen"
    for r in intake["recipients"]:
        assert dc.fingerprint(dc.unb64(r["public_key"])) == r["fingerprint"]
        assert dc.key_id(dc.unb64(r["public_key"])) == r["key_id"]
    code = dc.new_code()
    keys = dc.derive(code, ORG, intake["kdf"])
    case_key = na.randombytes(32)
    body = {
        "version": 1,
        "locator": keys.locator_hex,
        "reporter_box_public_key": dc.b64(keys.box_pk),
        "reporter_sign_public_key": dc.b64(keys.sign_pk),
        "report": dc.b64(dc.seal_record(case_key, "report", keys.locator_hex, report)),
        "key_commitment": dc.b64(dc.commitment(case_key)),
        "keys": [{"recipient": r["key_id"],
                  "sealed_key": dc.b64(na.crypto_box_seal(case_key, dc.unb64(r["public_key"])))}
                 for r in intake["recipients"]],
        "reporter_sealed_key": dc.b64(na.crypto_box_seal(case_key, keys.box_pk)),
    }
    if identity is not None:
        body["identity"] = dc.b64(dc.seal_record(case_key, "identity", keys.locator_hex, identity))
    answer = api.post("/orgs/{org}/reports", body, f"/orgs/{ORG}/reports")
    assert answer.status_code == 201, answer.get_json()
    return code, keys, case_key, answer.get_json()


def log_in(api: Api, typed_code: str):
    """Section 16, part 2."""
    intake = api.get("/orgs/{org}/intake", f"/orgs/{ORG}/intake").get_json()
    keys = dc.derive(typed_code, ORG, intake["kdf"])
    api.token = None
    challenge = api.post("/reporter/challenge", {"locator": keys.locator_hex}).get_json()["challenge"]
    signature = dc.login_signature(keys.sign_sk, dc.unb64(challenge))
    answer = api.post("/reporter/session", {"locator": keys.locator_hex, "challenge": challenge,
                                             "signature": dc.b64(signature)})
    assert answer.status_code == 200
    api.token = answer.get_json()["token"]
    assert len(api.token) == 43 and "=" not in api.token
    assert len(base64.urlsafe_b64decode(api.token + "=")) == 32
    return keys


def read_case(api: Api, keys):
    """Section 16, part 3: unwrap, check the commitment, open everything."""
    case = api.get("/reporter/case").get_json()
    case_key = na.crypto_box_seal_open(dc.unb64(case["reporter_sealed_key"]), keys.box_pk, keys.box_sk)
    dc.check_commitment(case_key, dc.unb64(case["key_commitment"]))
    records = [(r["kind"], r["author"], dc.open_record(case_key, r["kind"], keys.locator_hex, dc.unb64(r["ciphertext"])))
               for r in case["records"]]
    files = [(a, dc.open_record(case_key, "attachment", keys.locator_hex, dc.unb64(a["header"])))
             for a in case["attachments"]]
    return case, case_key, records, files
