"""Junk the way a flooder sends it: the shape of a sealed submission, random bytes inside."""
from bench.attacks import b64, junk_record, junk_submission  # noqa: F401  (the tests' junk is the bench's)


def work_header(client, org: str = "deventer") -> dict:
    """The proof of work a real client pays for one submission (protocol E.7)."""
    from whistle.reporter_client import ReporterClient
    work = client.get(f"/api/v1/orgs/{org}/work").get_json()["work"]
    return {"Whistle-Work": ReporterClient.pay(work)}
