"""The trust commands exactly as operators script them (issue 10, point 5)."""
import json
import re

from tests.test_cli import FIRST, PASS, cli, first_login, ready, submit_via_api  # noqa: F401  (fixtures)

WORDS = re.compile(r"^    ((?:[0-9A-Z]{5} ){11}[0-9A-Z]{5})$", re.M)
OWN = "de eigen wachtwoordzin van vp2\n"


def test_the_organisation_key_is_made_once_and_printed_as_checked_words(cli, tmp_path):
    assert cli("db", "upgrade").exit_code == 0
    assert cli("org", "create", "zwolle", "--name", "Zwolle").exit_code == 0
    qr = tmp_path / "sleutel.svg"
    r = cli("org", "trust-key", "zwolle", "--qr", str(qr))
    assert r.exit_code == 0 and WORDS.search(r.output) and "vingerafdruk" in r.output
    assert qr.read_text().lstrip().startswith(("<?xml", "<svg"))
    again = cli("org", "trust-key", "zwolle")
    assert again.exit_code != 0 and "has a trust key already" in again.output and not WORDS.search(again.output)


def test_endorse_by_trust_key_and_by_an_endorsed_counsellor_then_list_recipients(ready):
    r = ready("user", "create", "--org", "deventer", "--role", "counsellor", "--email", "vp2@deventer.example",
              "--password-stdin", input=FIRST)
    assert r.exit_code == 0 and "first login only" in r.output
    nokey = ready("user", "fingerprint", "vp2@deventer.example")
    assert nokey.exit_code != 0 and "no key yet" in nokey.output
    first_login("vp2@deventer.example", FIRST, OWN)
    fp = ready("user", "fingerprint", "vp2@deventer.example").output.strip()
    assert re.fullmatch(r"([0-9a-f]{4} ){9}[0-9a-f]{4}", fp)
    before = json.loads(ready("org", "recipients", "deventer", "--json").output)
    assert [r["email"] for r in before["recipients"]] == ["vp@deventer.example"]
    wrong = ready("user", "endorse", "vp2@deventer.example", "--as", "vp@deventer.example", "--password-stdin",
                  "--fingerprint", "0000 0000", input=PASS)
    assert wrong.exit_code != 0 and "vingerafdruk klopt niet" in wrong.output
    bad = ready("user", "endorse", "vp2@deventer.example", "--as", "vp@deventer.example", "--password-stdin",
                input="niet de wachtwoordzin\n")
    assert bad.exit_code != 0
    r = ready("user", "endorse", "vp2@deventer.example", "--as", "vp@deventer.example", "--password-stdin",
              "--fingerprint", fp, input=PASS)
    assert r.exit_code == 0 and "by vp@deventer.example" in r.output
    after = json.loads(ready("org", "recipients", "deventer", "--json").output)
    assert [(r["email"], r["chain_length"]) for r in after["recipients"]] == [
        ("vp@deventer.example", 1), ("vp2@deventer.example", 2)]
    assert after["log_ok"] and [e["event"] for e in after["log"]][-1] == "endorsed"
    text = ready("org", "recipients", "deventer")
    assert text.exit_code == 0 and "verified" in text.output and fp in text.output
    submit_via_api("Melding voor beide")
    ref = ready("case", "list", "--org", "deventer").output.split()[0]
    shown = ready("case", "show", ref, "--as", "vp2@deventer.example", "--password-stdin", input=OWN)
    assert shown.exit_code == 0 and "Melding voor beide" in shown.output


def test_a_wrong_trust_key_and_a_beheerder_cannot_endorse(ready):
    r = ready("user", "create", "--org", "deventer", "--role", "admin", "--email", "b@deventer.example",
              "--password-stdin", input=FIRST)
    assert r.exit_code == 0
    first_login("b@deventer.example", FIRST, OWN)
    r = ready("user", "endorse", "b@deventer.example", "--trust-key-stdin", input=ready.trust_words + "\n")
    assert r.exit_code != 0 and "beheerder nooit" in r.output
    ready("user", "create", "--org", "deventer", "--role", "counsellor", "--email", "vp3@deventer.example",
          "--password-stdin", input=FIRST)
    first_login("vp3@deventer.example", FIRST, OWN)
    other = "0" * 5 + ready.trust_words[5:]
    r = ready("user", "endorse", "vp3@deventer.example", "--trust-key-stdin", input=other + "\n")
    assert r.exit_code != 0
    r = ready("user", "endorse", "vp3@deventer.example", "--as", "b@deventer.example", "--password-stdin",
              input=OWN)
    assert r.exit_code != 0 and "erkende vertrouwenspersoon" in r.output
    listed = json.loads(ready("org", "recipients", "deventer", "--json").output)
    assert [r["email"] for r in listed["recipients"]] == ["vp@deventer.example"]
