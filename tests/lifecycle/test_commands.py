"""The operator's commands for the lifecycle: config check, org create --regeling, audit
verify, case transition and the scheduler as a process of its own."""
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from whistle.cli import main
from whistle.domain.regeling import organisations_dir, shipped_regeling_paths
from tests.conftest import PASSPHRASE
from tests.lifecycle.conftest import case_row
from tests.live_server import FAST_KDF

DEVENTER = (organisations_dir() / "deventer.toml").read_text(encoding="utf-8")


@pytest.fixture
def cli(tmp_path, database_url, engine, monkeypatch):
    """`whistle ...` on the test database (already migrated by the engine fixture)."""
    data = tmp_path / "cli-data"
    data.mkdir()
    (data / "whistle.toml").write_text(FAST_KDF)
    monkeypatch.setenv("WHISTLE_DATA_DIR", str(data))
    monkeypatch.setenv("WHISTLE_DATABASE_URL", database_url)
    runner = CliRunner()
    return lambda *args, input=None: runner.invoke(main, list(args), input=input, catch_exceptions=False)


def write(tmp_path, name, content) -> Path:
    folder = tmp_path / "regelingen"
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(content, encoding="utf-8")
    return path


def test_config_check_passes_every_shipped_regeling(cli):
    r = cli("config", "check")
    assert r.exit_code == 0, r.output
    for path in shipped_regeling_paths():
        assert f"ok {path}" in r.output


def test_config_check_names_file_and_field_of_the_first_problem(cli, tmp_path):
    missing_term = write(tmp_path, "deventer.toml", DEVENTER.replace('term = "6 weeks"', ""))
    r = cli("config", "check", str(missing_term))
    assert r.exit_code == 1
    assert f"{missing_term}: feedback.term: missing" in r.output

    unknown_route = write(tmp_path, "deventer.toml", DEVENTER.replace('id = "politie"', 'id = "nasa"'))
    good = write(tmp_path, "demo.toml", (organisations_dir() / "demo.toml").read_text(encoding="utf-8"))
    r = cli("config", "check", str(good), str(unknown_route))
    assert r.exit_code == 1
    assert f"ok {good}" in r.output
    assert f"{unknown_route}: external_routes[3].id: unknown external route 'nasa'" in r.output

    too_long = write(tmp_path, "deventer.toml", DEVENTER.replace('term = "6 weeks"', 'term = "13 weeks"'))
    r = cli("config", "check", str(too_long))
    assert r.exit_code == 1 and "feedback.term" in r.output and "statutory maximum" in r.output


def test_org_create_with_a_regeling_gives_deadlines_that_follow_it(cli, tmp_path, world, reporter_api):
    four_weeks = write(tmp_path, "vierweken.toml", DEVENTER.replace('slug = "deventer"', 'slug = "vierweken"')
                       .replace('term = "6 weeks"', 'term = "4 weeks"').replace('runs_from = "melding"', ''))
    r = cli("org", "create", "vierweken", "--name", "Gemeente Vierweken", "--regeling", str(four_weeks))
    assert r.exit_code == 0, r.output
    world.staff(org="vierweken", email="vp@vierweken.example")
    world.org("deventer")
    world.staff(org="deventer", email="vp@deventer.example")

    received = reporter_api("vierweken").submit({"what": "Melding"})["case"]
    assert received["received_on"] == "2026-03-02"
    assert received["deadlines"] == {"acknowledgement": "2026-03-09", "feedback": "2026-04-06"}
    six = reporter_api("deventer").submit({"what": "Melding"})["case"]
    assert six["deadlines"]["feedback"] == "2026-04-13"  # Deventer: six weeks from the melding (issue 15)

    api = reporter_api("vierweken")
    api.submit({"what": "Nog een"})
    api.log_in()
    assert api.case()["deadlines"]["feedback"] == "2026-04-06"


def test_audit_verify_passes_then_fails_naming_an_edited_event(cli, melding, db, clock, as_staff):
    r = cli("case", "transition", melding.ref, "acknowledge", "--as", "vp@deventer.example", "--password-stdin",
            input=PASSPHRASE + "\n")
    assert r.exit_code == 0 and "ontvangen -> ontvangst_bevestigd" in r.output
    r = cli("audit", "verify")
    assert r.exit_code == 0 and r.output.startswith("ok:"), r.output
    assert cli("audit", "verify", "--org", "deventer").exit_code == 0
    assert cli("audit", "verify", "--org", "nergens").exit_code != 0

    with db() as s:
        event_id = s.execute(text("SELECT id FROM audit_events WHERE chain = 'deventer' AND seq = 3")).scalar_one()
        s.execute(text("UPDATE audit_events SET details = '{\"staff\":\"iemand@anders.example\"}' WHERE id = :id"),
                  {"id": event_id})
    r = cli("audit", "verify")
    assert r.exit_code == 1
    assert f"chain deventer: event seq 3 (id {event_id})" in r.output and "edited" in r.output
    r = cli("audit", "verify", "--org", "deventer")
    assert r.exit_code == 1 and f"id {event_id}" in r.output


def test_case_transition_on_the_command_line_refuses_clearly(cli, melding):
    r = cli("case", "transition", melding.ref, "close", "--as", "vp@deventer.example", "--password-stdin",
            input=PASSPHRASE + "\n")
    assert r.exit_code != 0 and "niet mogelijk" in r.output
    r = cli("case", "transition", melding.ref, "acknowledge", "--as", "vp@deventer.example", "--password-stdin",
            input="wrong passphrase\n")
    assert r.exit_code != 0 and "onjuist" in r.output
    r = cli("case", "transition", melding.ref, "triage", "--as", "vp@deventer.example", "--password-stdin",
            "--set", "kind", input=PASSPHRASE + "\n")
    assert r.exit_code != 0 and "NAME=VALUE" in r.output


def test_the_scheduler_runs_once_as_a_process_of_its_own(cli, melding, smtp, monkeypatch, db):
    inbox, mail = smtp
    monkeypatch.setenv("WHISTLE_SMTP_HOST", mail.host)
    monkeypatch.setenv("WHISTLE_SMTP_PORT", str(mail.port))
    # The command reads the real clock; the melding of 2 March 2026 is overdue by then.
    r = cli("scheduler", "--once")
    assert r.exit_code == 0, r.output
    assert re.search(r"2 overdue recorded, 2 reminders sent, 0 failures", r.output), r.output
    assert len(inbox.messages) == 2
    c = case_row(db, melding.ref)
    assert c.ack_overdue_on is not None and c.feedback_overdue_on is not None
    r = cli("scheduler", "--once")
    assert r.exit_code == 0 and "another worker" in r.output


def test_serve_can_run_the_scheduler_in_process(cli):
    r = cli("serve", "--help")
    assert r.exit_code == 0 and "--scheduler" in r.output


def test_an_anchor_kept_outside_detects_a_chain_rewritten_from_scratch(cli, melding, db):
    """Someone with write access recomputes every hash after editing: the links verify, but the
    head the operator wrote down earlier no longer matches."""
    from whistle.services import audit as audit_service
    r = cli("audit", "head", "--org", "deventer")
    assert r.exit_code == 0
    anchor = r.output.strip()
    assert re.fullmatch(r"deventer:\d+:[0-9a-f]{64}", anchor)
    assert cli("audit", "verify", "--anchor", anchor).exit_code == 0

    with db() as s:
        s.execute(text("UPDATE audit_events SET actor = 'iemand anders' WHERE chain = 'deventer' AND seq = 1"))
        prev = audit_service.GENESIS
        rows = s.execute(text("SELECT id, chain, seq, occurred_on, actor, event, case_ref, details "
                              "FROM audit_events WHERE chain = 'deventer' ORDER BY seq")).all()
        for row in rows:
            day = row.occurred_on if not isinstance(row.occurred_on, str) else __import__("datetime").date.fromisoformat(row.occurred_on)
            digest = audit_service._digest(prev, row.chain, row.seq, day, row.actor, row.event, row.case_ref, row.details)
            s.execute(text("UPDATE audit_events SET prev_hash = :p, hash = :h WHERE id = :id"),
                      {"p": prev, "h": digest, "id": row.id})
            prev = digest
    assert cli("audit", "verify").exit_code == 0  # the rewrite is self-consistent
    r = cli("audit", "verify", "--anchor", anchor)
    assert r.exit_code == 1 and "rewritten" in r.output
    assert cli("audit", "verify", "--anchor", "onzin").exit_code != 0
