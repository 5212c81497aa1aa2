"""Junk the way a flooder sends it: the shape of a sealed submission, random bytes inside."""
import base64
import os


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def junk_record() -> bytes:
    return os.urandom(24 + 1024 + 16)  # passes the length check, opens under no key


def junk_submission(intake: dict) -> dict:
    return {
        "version": 1,
        "locator": os.urandom(16).hex(),
        "reporter_box_public_key": b64(os.urandom(32)),
        "reporter_sign_public_key": b64(os.urandom(32)),
        "report": b64(junk_record()),
        "key_commitment": b64(os.urandom(32)),
        "keys": [{"recipient": r["key_id"], "sealed_key": b64(os.urandom(80))} for r in intake["recipients"]],
        "reporter_sealed_key": b64(os.urandom(80)),
    }


def work_header(client, org: str = "deventer") -> dict:
    """The proof of work a real client pays for one submission (protocol E.6)."""
    from whistle.reporter_client import ReporterClient
    work = client.get(f"/api/v1/orgs/{org}/work").get_json()["work"]
    return {"Whistle-Work": ReporterClient.pay(work)}
