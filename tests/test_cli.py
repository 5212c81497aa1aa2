"""The operator's commands, exactly as scripts will call them."""
import json
import re

import pytest
from click.testing import CliRunner

from whistle.cli import main
from whistle.reporter_client import FlaskTransport, ReporterClient
from whistle.settings import settings_from_env
from whistle.web.app import create_app
from tests.live_server import FAST_KDF

PASS = "een lange wachtwoordzin\n"


@pytest.fixture
def cli(tmp_path, database_url, monkeypatch):
    data = tmp_path / "data"
    data.mkdir(exist_ok=True)
    (data / "whistle.toml").write_text(FAST_KDF)
    monkeypatch.setenv("WHISTLE_DATA_DIR", str(data))
    monkeypatch.setenv("WHISTLE_DATABASE_URL", database_url)
    runner = CliRunner()

    def run(*args, input=None):
        return runner.invoke(main, list(args), input=input, catch_exceptions=False)
    run.trust_words = None
    return run


FIRST = "eenmalige eerste wachtwoordzin\n"
WORDS_RE = re.compile(r"^    ((?:[0-9A-Z]{5} ){11}[0-9A-Z]{5})$", re.M)


def first_login(email: str, first: str, own: str) -> None:
    """The member's first login through the web pages: the first passphrase, enrolling the
    second factor, then their own passphrase, which makes their key pair."""
    from tests.conftest import Browser
    app = create_app(settings_from_env())
    browser = Browser(app.test_client())
    assert browser.login_counsellor(email, first.strip()).status_code == 200
    r = browser.submit("/vp/wachtwoordzin", {"old": first.strip(), "new": own.strip(), "repeat": own.strip()})
    assert r.status_code == 200, r.get_data(as_text=True)
    app.extensions["whistle_engine"].dispose()


@pytest.fixture
def ready(cli):
    """Deventer with its organisation key (the words in `cli.trust_words`) and a counsellor who
    logged in once with the passphrase PASS and was endorsed with that key."""
    assert cli("db", "upgrade").exit_code == 0
    assert cli("org", "create", "deventer", "--name", "Gemeente Deventer").exit_code == 0
    r = cli("user", "create", "--org", "deventer", "--role", "counsellor", "--email", "vp@deventer.example",
            "--password-stdin", input=FIRST)
    assert r.exit_code == 0, r.output
    first_login("vp@deventer.example", FIRST, PASS)
    r = cli("org", "trust-key", "deventer")
    assert r.exit_code == 0, r.output
    cli.trust_words = WORDS_RE.search(r.output).group(1)
    r = cli("user", "endorse", "vp@deventer.example", "--trust-key-stdin", input=cli.trust_words + "\n")
    assert r.exit_code == 0, r.output
    return cli


def submit_via_api(text="Melding via de API"):
    app = create_app(settings_from_env())
    client = ReporterClient(FlaskTransport(app.test_client()), "deventer")
    client.submit({"what": text})
    app.extensions["whistle_engine"].dispose()
    return client


def test_commands_refuse_to_run_on_an_unmigrated_database(cli):
    r = cli("org", "create", "deventer", "--name", "X")
    assert r.exit_code != 0 and "whistle db upgrade" in r.output


def test_org_and_user_creation_errors_are_clear(ready):
    r = ready("org", "create", "deventer", "--name", "Nog eens")
    assert r.exit_code != 0 and "exists already" in r.output
    r = ready("org", "create", "Bad Slug", "--name", "X")
    assert r.exit_code != 0 and "slug" in r.output
    r = ready("user", "create", "--org", "nergens", "--role", "counsellor", "--email", "a@b.nl",
              "--password-stdin", input=PASS)
    assert r.exit_code != 0 and "niet bekend" in r.output
    r = ready("user", "create", "--org", "deventer", "--role", "counsellor", "--email", "kort@b.nl",
              "--password-stdin", input="kort\n")
    assert r.exit_code != 0 and "passphrase" in r.output


def test_case_list_json_is_metadata_only(ready):
    submit_via_api("Geheime inhoud")
    r = ready("case", "list", "--org", "deventer", "--json")
    assert r.exit_code == 0
    [case] = json.loads(r.output)
    assert {"ref", "state", "received_on", "deadlines"} <= set(case)
    assert set(case["deadlines"]) >= {"acknowledgement", "feedback"}
    assert "Geheime inhoud" not in r.output


def test_case_show_decrypts_with_the_right_passphrase_only(ready):
    submit_via_api("Geheime inhoud")
    [case] = json.loads(ready("case", "list", "--org", "deventer", "--json").output)
    r = ready("case", "show", case["ref"], "--as", "vp@deventer.example", "--password-stdin", input=PASS)
    assert r.exit_code == 0 and "Geheime inhoud" in r.output
    r = ready("case", "show", case["ref"], "--as", "vp@deventer.example", "--password-stdin", input="fout fout fout\n")
    assert r.exit_code != 0 and "Geheime" not in r.output and case["ref"] not in r.output
    r = ready("case", "show", "M-0000-0000", "--as", "vp@deventer.example", "--password-stdin", input=PASS)
    assert r.exit_code != 0


def test_demo_sets_up_an_organisation_and_prints_passphrases_that_work(cli):
    r = cli("demo", "--no-serve")
    assert r.exit_code == 0, r.output
    assert "Gemeente Demodorp" in r.output
    line = next(l for l in r.output.splitlines() if "vertrouwenspersoon@demo.example" in l)
    passphrase = line.split()[-1]
    [case] = json.loads(cli("case", "list", "--org", "demo", "--json").output)
    shown = cli("case", "show", case["ref"], "--as", "vp@demo.example".replace("vp", "vertrouwenspersoon"),
                "--password-stdin", input=passphrase + "\n")
    assert shown.exit_code == 0 and "Voorbeeldmelding" in shown.output
    again = cli("demo", "--no-serve")
    assert again.exit_code == 0 and "bestaat al" in again.output
