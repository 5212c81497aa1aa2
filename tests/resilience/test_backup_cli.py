"""`whistle backup create FILE` and `whistle backup restore FILE`, as an operator's script calls
them: the passphrase on standard input, a clear message and exit 1 on every refusal."""
import json

import pytest
from click.testing import CliRunner

from tests.first_login import FIRST, first_login
from tests.live_server import FAST_KDF
from whistle.cli import main
from whistle.reporter_client import FlaskTransport, ReporterClient
from whistle.settings import settings_from_env
from whistle.web.app import create_app

STAFF_PASS = "een lange wachtwoordzin\n"
BACKUP_PASS = "vier woorden die niemand raadt\n"


@pytest.fixture
def whistle(monkeypatch):
    """Run a command against a data dir (and database); the last settings stay in the env."""
    runner = CliRunner()

    def run(settings, *args, input=None):
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        (settings.data_dir / "whistle.toml").write_text(FAST_KDF)
        monkeypatch.setenv("WHISTLE_DATA_DIR", str(settings.data_dir))
        monkeypatch.setenv("WHISTLE_DATABASE_URL", settings.database_url)
        return runner.invoke(main, list(args), input=input, catch_exceptions=False)
    return run


def submit(text: str) -> ReporterClient:
    app = create_app(settings_from_env())
    melder = ReporterClient(FlaskTransport(app.test_client()), "deventer")
    melder.submit({"what": text})
    melder.log_in()
    melder.upload("foto.jpg", "image/jpeg", [b"\xff\xd8 niet echt een foto"], 21)
    app.extensions["whistle_engine"].dispose()
    return melder


def test_backup_and_restore_through_the_command_line(whistle, settings, target, tmp_path):
    assert whistle(settings, "db", "upgrade").exit_code == 0
    assert whistle(settings, "org", "create", "deventer", "--name", "Gemeente Deventer").exit_code == 0
    r = whistle(settings, "user", "create", "--org", "deventer", "--role", "counsellor",
                "--email", "vp@deventer.example", "--password-stdin", input=FIRST + "\n")
    assert r.exit_code == 0, r.output
    first_login(settings, "vp@deventer.example", STAFF_PASS)
    melder = submit("Melding van voor de backup")
    file = tmp_path / "nacht.backup"

    r = whistle(settings, "backup", "create", str(file), "--password-stdin", input="te kort\n")
    assert r.exit_code == 1 and "at least 16 characters" in r.output and not file.exists()
    r = whistle(settings, "backup", "create", str(file), "--password-stdin", input=BACKUP_PASS)
    assert r.exit_code == 0, r.output
    assert "1 attachment bodies" in r.output
    r = whistle(settings, "backup", "create", str(file), "--password-stdin", input=BACKUP_PASS)
    assert r.exit_code == 1 and "exists already" in r.output

    # Into the running installation's own data dir: refused, nothing changed.
    r = whistle(settings, "backup", "restore", str(file), "--password-stdin", input=BACKUP_PASS)
    assert r.exit_code == 1 and "not empty" in r.output

    # An altered copy: refused before anything is written, the target stays empty.
    altered = tmp_path / "altered.backup"
    data = bytearray(file.read_bytes())
    data[len(data) // 2] ^= 1
    altered.write_bytes(bytes(data))
    r = whistle(target, "backup", "restore", str(altered), "--password-stdin", input=BACKUP_PASS)
    assert r.exit_code == 1 and "altered" in r.output and "nothing was restored" in r.output
    assert not target.attachments_dir.exists()

    r = whistle(target, "backup", "restore", str(file), "--password-stdin", input=BACKUP_PASS)
    assert r.exit_code == 0, r.output
    r = whistle(target, "case", "list", "--org", "deventer", "--json")
    (case,) = json.loads(r.output)
    r = whistle(target, "case", "show", case["ref"], "--as", "vp@deventer.example", "--password-stdin",
                input=STAFF_PASS)
    assert r.exit_code == 0 and "Melding van voor de backup" in r.output and "foto.jpg" in r.output
    r = whistle(target, "audit", "verify")
    assert r.exit_code == 0, r.output

    app = create_app(settings_from_env())
    again = ReporterClient(FlaskTransport(app.test_client()), "deventer")
    again.log_in(melder.code)
    assert again.download(again.case()["attachments"][0]["id"])[1] == b"\xff\xd8 niet echt een foto"
    app.extensions["whistle_engine"].dispose()

    # A second restore into the now filled target is refused.
    r = whistle(target, "backup", "restore", str(file), "--password-stdin", input=BACKUP_PASS)
    assert r.exit_code == 1 and "not empty" in r.output
