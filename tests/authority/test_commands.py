"""The operator's commands for the hand-over: an authority member with an office, the recovery
key printed once (and as a QR code), and a counsellor who lost their passphrase getting their
cases back with it, exactly as scripts call them."""
import re

from tests.test_cli import PASS, cli, ready, submit_via_api  # noqa: F401  (fixtures)

NEW = "een nieuwe lange wachtwoordzin\n"
WORDS = re.compile(r"^    ((?:[0-9A-Z]{5} ){11}[0-9A-Z]{5})$", re.M)


def test_an_authority_member_holds_an_office(ready):
    r = ready("user", "create", "--org", "deventer", "--role", "authority", "--email", "bm@deventer.example",
              "--function", "burgemeester", "--password-stdin", input=PASS)
    assert r.exit_code == 0, r.output
    r = ready("user", "create", "--org", "deventer", "--role", "authority", "--email", "x@deventer.example",
              "--function", "koning", "--password-stdin", input=PASS)
    assert r.exit_code != 0 and "unknown office 'koning'" in r.output
    r = ready("user", "create", "--org", "deventer", "--role", "counsellor", "--email", "y@deventer.example",
              "--function", "burgemeester", "--password-stdin", input=PASS)
    assert r.exit_code != 0 and "only a member of the bevoegd gezag" in r.output


def test_a_lost_passphrase_is_recovered_with_the_printed_recovery_key(ready, tmp_path):
    qr = tmp_path / "herstel.svg"
    r = ready("org", "recovery-key", "deventer", "--qr", str(qr), "--trust-key-stdin",
              input=ready.trust_words + "\n")
    assert r.exit_code == 0, r.output
    words = WORDS.search(r.output).group(1)
    assert qr.read_text().lstrip().startswith(("<?xml", "<svg"))
    again = ready("org", "recovery-key", "deventer")
    assert again.exit_code != 0 and "has a recovery key already" in again.output
    submit_via_api("Melding na de herstelsleutel")
    ref = ready("case", "list", "--org", "deventer").output.split()[0]
    assert ready("case", "show", ref, "--as", "vp@deventer.example", "--password-stdin", input=PASS).exit_code == 0

    r = ready("user", "reset-passphrase", "--email", "vp@deventer.example", "--password-stdin", input=NEW)
    assert r.exit_code == 0 and "1 key(s) to restore" in r.output
    old = ready("case", "show", ref, "--as", "vp@deventer.example", "--password-stdin", input=PASS)
    assert old.exit_code != 0
    lost = ready("case", "show", ref, "--as", "vp@deventer.example", "--password-stdin", input=NEW)
    assert lost.exit_code != 0 and "Melding na de herstelsleutel" not in lost.output

    typo = words.replace(words[0], "1" if words[0] != "1" else "2", 1)
    r = ready("recovery", "restore-access", "--org", "deventer", "--email", "vp@deventer.example", "--all",
              "--secret-stdin", input=typo + "\n")
    assert r.exit_code != 0 and "controle klopt niet" in r.output
    r = ready("recovery", "restore-access", "--org", "deventer", "--email", "vp@deventer.example", "--all",
              "--secret-stdin", input=words.lower() + "\n")
    assert r.exit_code == 0 and f"restored case {ref}" in r.output
    back = ready("case", "show", ref, "--as", "vp@deventer.example", "--password-stdin", input=NEW)
    assert back.exit_code == 0 and "Melding na de herstelsleutel" in back.output


def test_restore_access_needs_one_of_ref_or_all(ready):
    r = ready("recovery", "restore-access", "--org", "deventer", "--email", "vp@deventer.example",
              "--secret-stdin", input="x\n")
    assert r.exit_code != 0 and "--ref REF or --all" in r.output


def test_an_office_can_be_set_later(ready):
    r = ready("user", "create", "--org", "deventer", "--role", "authority", "--email", "w@deventer.example",
              "--password-stdin", input=PASS)
    assert r.exit_code == 0
    r = ready("user", "set-function", "--email", "w@deventer.example", "--function", "wethouder")
    assert r.exit_code == 0 and "w@deventer.example: wethouder" in r.output
    r = ready("user", "set-function", "--email", "vp@deventer.example", "--function", "wethouder")
    assert r.exit_code != 0 and "only a member of the bevoegd gezag" in r.output
    r = ready("user", "set-function", "--email", "w@deventer.example", "--function", "college")
    assert r.exit_code != 0 and "unknown office 'college'" in r.output
