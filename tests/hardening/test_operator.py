"""The operator's side: `whistle user reset-2fa` clears a member's second factor (audited,
reading nothing), and `whistle serve` runs a production WSGI server (gunicorn) that logs no
request of any melder: no address, no path, no time."""
import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from tests.live_server import HtmlSession, LiveServer
from whistle.cli import main
from whistle.models import AuditEvent, Staff, StaffRecoveryCode


def test_the_operator_resets_a_second_factor_from_the_command_line(world, settings, db, monkeypatch):
    world.org("deventer")
    world.staff("deventer", email="vp@deventer.example")
    monkeypatch.setenv("WHISTLE_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("WHISTLE_DATABASE_URL", settings.database_url)
    runner = CliRunner()
    r = runner.invoke(main, ["user", "reset-2fa", "--email", "VP@deventer.example"])
    assert r.exit_code == 0, r.output
    assert "cleared" in r.output
    with db() as s:
        member = s.scalar(select(Staff).where(Staff.email == "vp@deventer.example"))
        assert member.totp_secret is None and member.totp_confirmed_on is None
        assert s.scalar(select(func.count()).select_from(StaffRecoveryCode)) == 0
        event = s.scalar(select(AuditEvent).where(AuditEvent.event == "second_factor_reset"))
        assert event.actor == "cli" and "vp@deventer.example" in event.details
    r = runner.invoke(main, ["user", "reset-2fa", "--email", "niemand@deventer.example"])
    assert r.exit_code != 0 and "no staff member" in r.output


@pytest.mark.no_postgres
def test_serve_logs_no_request_of_a_melder(tmp_path):
    server = LiveServer(tmp_path / "data")
    assert server.cli("db", "upgrade").returncode == 0
    assert server.cli("org", "create", "deventer", "--name", "Gemeente Deventer").returncode == 0
    server.start()
    try:
        melder = HtmlSession(server.base)
        assert melder.get("/o/deventer/melden")[0] == 200
        assert melder.post_form("/o/deventer/terug", {"code": "ZZZZ-ZZZZ-ZZZZ-ZZZZ"})[0] == 401
        assert melder.get("/api/v1/orgs/deventer/intake")[0] == 200
        assert melder.get("/bestaat-niet")[0] == 404
    finally:
        server.stop()
    log = server.log_path.read_text()
    for trace in ("127.0.0.1 -", "/o/deventer", "/api/v1", "/bestaat-niet", "GET ", "POST ", "HTTP/1.1",
                  "Mozilla", "Python-urllib"):
        assert trace not in log, trace
