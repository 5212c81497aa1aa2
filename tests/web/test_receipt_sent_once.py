"""Issue 12 point 4: the no-JavaScript report form carries a one-time submission token. Sending
the same form again (a reload of the receipt, or going back and sending) makes no second case
and shows no second code; the answer says the melding was received. The token is random, says
nothing of the melder, and only a keyed hash of it is stored, with the date."""
import re

from sqlalchemy import func, select

from whistle.models import Case, UsedFormToken
from whistle.services.melder import form_token
from whistle.services.operations import retention
from whistle.infra.db import make_session_factory
from tests.conftest import CODE_RE, code_from_receipt

FORM = {"what": "De teamleider boekt privé-uren op een project.", "when": "sinds maart"}


def cases(db) -> int:
    with db() as s:
        return s.scalar(select(func.count()).select_from(Case))


def test_the_same_form_sent_twice_makes_one_case_and_shows_the_code_once(world, browser, client, db):
    world.org("deventer")
    world.staff("deventer")
    fields = browser.hidden("/o/deventer/melden")
    assert fields.get("submission_token"), "the form carries no one-time token"
    first = client.post("/o/deventer/melden", data=FORM | fields)
    assert first.status_code == 200
    code = code_from_receipt(first.get_data(as_text=True))

    again = client.post("/o/deventer/melden", data=FORM | fields)  # the browser's reload
    html = again.get_data(as_text=True)
    assert again.status_code == 409  # not charged to the intake limit as a second melding
    assert "Uw melding is al ontvangen" in html and "geen tweede melding" in html
    assert not CODE_RE.search(html) and code not in html
    assert cases(db) == 1
    with db() as s:
        row = s.scalar(select(UsedFormToken))
        # Only a keyed hash of the token and a date: the token itself is not stored.
        assert row.digest != fields["submission_token"].encode() and len(row.digest) == 32
        assert row.used_on == world.clock.today()

    # A fresh form (a new token) is a new melding.
    assert code_from_receipt(browser.submit("/o/deventer/melden", FORM).get_data(as_text=True)) != code
    assert cases(db) == 2


def test_a_refused_form_does_not_use_up_its_token(world, browser, client, db):
    world.org("deventer")
    world.staff("deventer")
    fields = browser.hidden("/o/deventer/melden")
    refused = client.post("/o/deventer/melden", data={"what": "  "} | fields)
    assert refused.status_code == 400
    assert cases(db) == 0
    # The page asks again with a new token; the first one still works too, once.
    assert re.search(r'name="submission_token" value="[^"]+"', refused.get_data(as_text=True))
    assert client.post("/o/deventer/melden", data=FORM | fields).status_code == 200
    assert cases(db) == 1


def test_a_forged_or_stale_token_is_refused_clearly_and_the_text_is_kept(world, browser, client, db, clock):
    world.org("deventer")
    world.staff("deventer")
    fields = browser.hidden("/o/deventer/melden")
    token = fields["submission_token"]
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    r = client.post("/o/deventer/melden", data=FORM | fields | {"submission_token": forged})
    assert r.status_code == 400 and "Het formulier is ongeldig" in r.get_data(as_text=True)
    clock.advance(days=form_token.TOKEN_DAYS + 1)
    r = client.post("/o/deventer/melden", data=FORM | fields)
    html = r.get_data(as_text=True)
    assert r.status_code == 400 and "te lang geleden geopend" in html
    assert "privé-uren" in html  # what the melder typed is still in the form
    assert cases(db) == 0


def test_the_daily_pass_prunes_marks_no_live_token_can_match(world, browser, client, db, settings, clock, engine):
    world.org("deventer")
    world.staff("deventer")
    assert client.post("/o/deventer/melden", data=FORM | browser.hidden("/o/deventer/melden")).status_code == 200
    factory = make_session_factory(engine)
    retention.purge_expired(factory, settings, clock)
    with db() as s:
        assert s.scalar(select(func.count()).select_from(UsedFormToken)) == 1
    clock.advance(days=form_token.TOKEN_DAYS + 1)
    retention.purge_expired(factory, settings, clock)
    with db() as s:
        assert s.scalar(select(func.count()).select_from(UsedFormToken)) == 0


def test_the_token_is_random_and_dated_only(settings):
    from datetime import date
    a, b = form_token.issue(settings, date(2026, 3, 1)), form_token.issue(settings, date(2026, 3, 1))
    assert a != b and len(a) == 48
    assert date.fromordinal(int.from_bytes(form_token._checked(settings, a, date(2026, 3, 2))[16:20], "big")) \
        == date(2026, 3, 1)


def test_the_same_form_sent_twice_at_once_makes_one_case(world, browser, app, db):
    """Two requests with one token at the same moment (a double tap): the second waits on the
    first one's mark and answers "al ontvangen"; one case."""
    import threading
    world.org("deventer")
    world.staff("deventer")
    fields = browser.hidden("/o/deventer/melden")
    cookie = browser.client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    start, answers = threading.Barrier(2), []

    def send():
        client = app.test_client()
        client.set_cookie(app.config["SESSION_COOKIE_NAME"], cookie)
        start.wait()
        answers.append(client.post("/o/deventer/melden", data=FORM | fields).status_code)

    threads = [threading.Thread(target=send) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(answers) == [200, 409]
    assert cases(db) == 1
