"""Issue 11 point 1, the no-JavaScript form: a flood of 1,000 junk form submissions, from one
address and from many loopback addresses (127.0.0.x), leaves a real melder able to submit
within seconds. Junk of every shape: no CSRF token, a forged token, an empty melding, and
well-formed nonsense, which counts against its own client's budget and never against the
organisation's. No answer is a server error."""
from __future__ import annotations

import os
import re
import time

import pytest
from sqlalchemy import func, select

from tests.conftest import Browser, code_from_receipt
from whistle.models import Case

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
FLOOD = 1000
PER_CLIENT = 60  # the test settings' intake_cases_per_hour


def _flooder(app, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    token = CSRF.search(client.get("/o/deventer/melden").get_data(as_text=True)).group(1)
    return client, token


def _junk(i: int, token: str) -> dict:
    kind = i % 4
    if kind == 0:
        return {"what": "onzin"}                                       # no CSRF token
    if kind == 1:
        return {"what": "onzin", "csrf_token": token[:-4] + "AAAA"}     # a forged token
    if kind == 2:
        return {"what": "", "csrf_token": token}                        # an empty melding
    return {"what": os.urandom(200).hex(), "csrf_token": token}         # well-formed nonsense


@pytest.mark.slow
@pytest.mark.parametrize("addresses", [["127.0.0.1"], [f"127.0.0.{i}" for i in range(1, 255)]],
                         ids=["one address", "many loopback addresses"])
def test_a_flood_of_junk_form_submissions_leaves_a_real_melder_able_to_submit(world, app, db, addresses):
    world.org("deventer")
    world.staff("deventer")
    flooders = [_flooder(app, a) for a in addresses]
    statuses: dict[int, int] = {}
    for i in range(FLOOD):
        client, token = flooders[i % len(flooders)]
        status = client.post("/o/deventer/melden", data=_junk(i, token)).status_code
        statuses[status] = statuses.get(status, 0) + 1
    assert set(statuses) <= {200, 400, 429}, statuses
    with db() as s:
        junk_cases = s.scalar(select(func.count(Case.id)))
    # Nonsense that looks like a melding is a melding to the server: it is limited per client,
    # and the counsellor closes it in bulk (tests/abuse/test_unreadable_records.py).
    assert junk_cases <= PER_CLIENT * len(addresses)
    if len(addresses) == 1:
        assert junk_cases == statuses[200] == PER_CLIENT and statuses[429] > 0

    start = time.monotonic()
    melder = app.test_client()
    melder.environ_base["REMOTE_ADDR"] = "127.0.1.1"
    r = Browser(melder).submit("/o/deventer/melden", {"what": "een echte melding, na de vloed"})
    assert r.status_code == 200 and code_from_receipt(r.get_data(as_text=True))
    assert time.monotonic() - start < 5
    with db() as s:
        assert s.scalar(select(func.count(Case.id))) == junk_cases + 1
