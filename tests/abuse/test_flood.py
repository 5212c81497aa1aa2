"""Issue 11 point 1: flooding never closes the channel. Anonymous API intake asks for proof of
work paid by the melder's own client; its difficulty rises under load and falls back; a flood
of 1,000 junk submissions from one address and from many loopback addresses leaves a real
melder who pays the work able to submit within seconds. Limits are per client and organisation."""
from __future__ import annotations

import time

import pytest
from sqlalchemy import func, select

from tests.abuse.junk import junk_submission, work_header
from tests.conftest import Browser, code_from_receipt
from whistle.infra.work import FREE_RATE, RATE_WINDOW, WorkRefused, WorkStamps, solve
from whistle.models import Case


def cases(db) -> int:
    with db() as s:
        return s.scalar(select(func.count(Case.id)))


def flood(app, intake, addresses, n, forged_work):
    statuses = {}
    for i in range(n):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = addresses[i % len(addresses)]
        headers = {"Whistle-Work": forged_work} if forged_work else {}
        status = client.post("/api/v1/orgs/deventer/reports", json=junk_submission(intake), headers=headers).status_code
        statuses[status] = statuses.get(status, 0) + 1
    return statuses


@pytest.mark.slow
@pytest.mark.parametrize("addresses", [["127.0.0.1"], [f"127.0.0.{i}" for i in range(1, 255)]],
                         ids=["one address", "many loopback addresses"])
def test_a_flood_of_junk_leaves_a_real_melder_able_to_submit_within_seconds(world, app, client, db, reporter_api,
                                                                            addresses):
    world.org("deventer")
    world.staff("deventer")
    intake = client.get("/api/v1/orgs/deventer/intake").get_json()
    challenge = client.get("/api/v1/orgs/deventer/work").get_json()["work"]["challenge"]
    # Half without work, half with a forged nonce for a real challenge: none is stored or counted.
    statuses = flood(app, intake, addresses, 500, None)
    statuses2 = flood(app, intake, addresses, 500, challenge + ".AAAAAAAAAAA")
    assert set(statuses) == {400} and set(statuses2) == {400}, (statuses, statuses2)
    assert cases(db) == 0
    start = time.monotonic()
    melder = reporter_api()
    melder.submit({"what": "een echte melding, tijdens de vloed"})
    assert time.monotonic() - start < 5
    assert cases(db) == 1


def test_a_solution_is_used_once_and_only_for_its_organisation(world, client, reporter_api):
    world.org("deventer")
    world.org("senzer", name="Senzer")
    world.staff("deventer")
    world.staff("senzer")
    intake = client.get("/api/v1/orgs/deventer/intake").get_json()
    paid = work_header(client)
    assert client.post("/api/v1/orgs/deventer/reports", json=junk_submission(intake), headers=paid).status_code == 201
    again = client.post("/api/v1/orgs/deventer/reports", json=junk_submission(intake), headers=paid)
    assert again.status_code == 400 and again.get_json()["field"] == "work"
    assert again.get_json()["work"]["challenge"]  # a fresh challenge to pay
    other = client.get("/api/v1/orgs/senzer/intake").get_json()
    assert client.post("/api/v1/orgs/senzer/reports", json=junk_submission(other),
                       headers=work_header(client, "deventer")).status_code == 400


def test_the_difficulty_rises_with_the_intake_rate_and_falls_back(clock):
    stamps = WorkStamps(clock, base_bits=8, max_bits=12)
    assert stamps.issue("deventer")["bits"] == 8
    for _ in range(FREE_RATE):
        stamps.accepted("deventer")
    assert stamps.required_bits("deventer") == 9
    for _ in range(3 * FREE_RATE):
        stamps.accepted("deventer")
    assert stamps.required_bits("deventer") == 11  # 80 in the window: two more doublings
    for _ in range(100 * FREE_RATE):
        stamps.accepted("deventer")
    assert stamps.required_bits("deventer") == 12  # capped
    assert stamps.required_bits("senzer") == 8  # per organisation
    # A challenge issued before the rise is refused as too easy; a fresh one is paid and taken.
    clock.advance(seconds=RATE_WINDOW + 1)
    assert stamps.required_bits("deventer") == 8  # fallen back
    easy = stamps.issue("deventer")
    for _ in range(4 * FREE_RATE):
        stamps.accepted("deventer")
    with pytest.raises(WorkRefused, match="too easy"):
        stamps.check("deventer", easy["challenge"], solve(easy["challenge"], easy["bits"]))
    hard = stamps.issue("deventer")
    stamps.check("deventer", hard["challenge"], solve(hard["challenge"], hard["bits"]))
    with pytest.raises(WorkRefused, match="used"):
        stamps.check("deventer", hard["challenge"], solve(hard["challenge"], hard["bits"]))
    clock.advance(seconds=601)
    late = stamps.issue("deventer")
    nonce = solve(late["challenge"], late["bits"])
    clock.advance(seconds=601)
    with pytest.raises(WorkRefused, match="expired"):
        stamps.check("deventer", late["challenge"], nonce)


def test_form_intake_is_limited_per_client_not_for_the_organisation(world, make_app):
    world.org("deventer")
    world.staff("deventer")
    app = make_app(intake_cases_per_hour=3)
    flooder = app.test_client()
    flooder.environ_base["REMOTE_ADDR"] = "127.0.0.1"
    b = Browser(flooder)
    answers = [b.submit("/o/deventer/melden", {"what": "onzin"}, form_page="/o/deventer/terug").status_code
               for _ in range(5)]
    assert answers == [200, 200, 200, 429, 429]
    melder = app.test_client()
    melder.environ_base["REMOTE_ADDR"] = "127.0.0.2"
    r = Browser(melder).submit("/o/deventer/melden", {"what": "een echte melding"})
    assert r.status_code == 200
    assert code_from_receipt(r.get_data(as_text=True))
