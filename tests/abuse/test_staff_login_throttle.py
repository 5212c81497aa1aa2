"""Issue 11 point 6: staff login throttling is per account and per client, so an attacker
elsewhere cannot lock the vertrouwenspersoon out."""
from tests.conftest import Browser


def browser_from(app, address: str) -> Browser:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return Browser(client)


def test_the_counsellors_own_login_works_during_an_attack_from_elsewhere(world, make_app):
    world.org("deventer")
    world.staff("deventer", email="vp@deventer.example")
    app = make_app(staff_failures_per_account=10)
    attacker = browser_from(app, "127.0.0.1")
    for _ in range(30):
        r = attacker.login_counsellor("vp@deventer.example", "a wrong passphrase guess")
        assert r.status_code in (401, 429)
    # The attacker is locked out of this account, even with the right passphrase.
    assert attacker.login_counsellor("vp@deventer.example").status_code == 429
    # The vertrouwenspersoon, from their own address, logs in with both factors.
    victim = browser_from(app, "127.0.0.2")
    r = victim.login_counsellor("vp@deventer.example")
    assert r.status_code == 302, r.get_data(as_text=True)[:500]
    assert victim.client.get("/vp/").status_code == 200


def test_one_client_spraying_many_accounts_meets_its_own_budget(world, make_app):
    world.org("deventer")
    app = make_app(staff_failures_per_account=2)
    attacker = browser_from(app, "127.0.0.1")
    answers = [attacker.login_counsellor(f"gok{i}@deventer.example", "a wrong passphrase guess").status_code
               for i in range(12)]
    assert answers[:10] == [401] * 10 and answers[10:] == [429, 429]
    assert browser_from(app, "127.0.0.3").login_counsellor("gok99@deventer.example", "x" * 20).status_code == 401
