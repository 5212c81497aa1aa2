"""DELETE /api/v1/reporter/session (protocol E.3): logging out ends the session on the server
at once, only that session, and a bad token gets the one 401."""
import pytest
from sqlalchemy import func, select

from tests.docs.spec import check_answer
from whistle.models import ReporterSession
from whistle.reporter_client import ProtocolError


@pytest.fixture
def deventer(world):
    world.org("deventer")
    return world.staff("deventer", email="vp@deventer.example")


def sessions(db) -> int:
    with db() as s:
        return s.scalar(select(func.count()).select_from(ReporterSession))


def delete(client, token: str | None):
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return client.delete("/api/v1/reporter/session", headers=headers)


def test_logging_out_deletes_the_session_and_the_token_stops_working(deventer, reporter_api, client, db):
    melder = reporter_api()
    melder.submit({"what": "x"})
    melder.log_in()
    other = reporter_api()
    other.log_in(melder.code)  # a second device or tab: a session of its own
    assert sessions(db) == 2
    token = melder.token

    answer = delete(client, token)
    assert answer.status_code == 204 and answer.get_data() == b""
    assert "Content-Type" not in answer.headers
    assert answer.headers["Cache-Control"] == "no-store"
    assert sessions(db) == 1

    refused = client.get("/api/v1/reporter/case", headers={"Authorization": f"Bearer {token}"})
    assert refused.status_code == 401
    again = delete(client, token)
    assert again.status_code == 401
    check_answer("DELETE", "/reporter/session", again)
    assert other.case()["state"] == "ontvangen"  # the other session is untouched


def test_a_missing_malformed_or_unknown_token_is_the_one_401_and_deletes_nothing(deventer, reporter_api, client, db):
    melder = reporter_api()
    melder.submit({"what": "x"})
    melder.log_in()
    wrong = "A" * 43  # well-formed, not issued
    for token in (None, "", "nonsense", "!!!", wrong, melder.token + "A"):
        answer = delete(client, token)
        assert answer.status_code == 401, token
        assert answer.get_json()["error"] == "De code is onjuist of de sessie is verlopen."
        check_answer("DELETE", "/reporter/session", answer)
    assert sessions(db) == 1
    assert melder.case()["state"] == "ontvangen"


def test_an_expired_session_cannot_be_logged_out_but_is_gone_anyway(deventer, reporter_api, client, clock):
    melder = reporter_api()
    melder.submit({"what": "x"})
    melder.log_in()
    clock.advance(minutes=16)
    assert delete(client, melder.token).status_code == 401


def test_the_reference_client_logs_out(deventer, reporter_api, db):
    melder = reporter_api()
    melder.submit({"what": "x"})
    melder.log_in()
    token = melder.token
    melder.log_out()
    assert melder.token is None and melder.keys is None
    assert sessions(db) == 0
    melder.token = token
    with pytest.raises(ProtocolError) as err:
        melder._json("GET", "/api/v1/reporter/case")
    assert err.value.status == 401
