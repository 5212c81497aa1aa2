"""One unit of work per request (whistle.web.context): a download's audit event is stored
before the first byte of its body leaves; a refusal a page shows itself stores nothing of the
refused step but still moves the melder's session on; views never commit by hand."""
from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from whistle.models import AuditEvent, Record, ReporterSession

WEB = Path(__file__).resolve().parents[2] / "whistle" / "web"
FILE = b"notulen van het overleg\n" * 4000


def attachment_opened(db) -> int:
    with db() as s:
        return s.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.event == "attachment_opened"))


def test_a_download_is_audited_before_its_body_is_sent(world, reporter_api, browser, client, db):
    world.org("deventer")
    world.staff(email="vp@deventer.example")
    melder = reporter_api()
    melder.submit({"what": "Zie de notulen."})
    melder.log_in()
    attachment = melder.upload("notulen.txt", "text/plain", [FILE], len(FILE))
    assert browser.login_counsellor("vp@deventer.example").status_code == 302
    with db() as s:
        ref = s.scalar(select(AuditEvent.case_ref).where(AuditEvent.event == "case_received"))

    answer = client.get(f"/vp/zaak/{ref}/bijlage/{attachment['id']}", buffered=False)
    try:
        assert answer.status_code == 200
        assert attachment_opened(db) == 1  # committed while no byte of the body was read yet
        assert b"".join(answer.response) == FILE
    finally:
        answer.close()


def test_a_refused_message_stores_nothing_and_the_page_shows_why(world, browser, clock, db):
    world.org("deventer")
    world.staff(email="vp@deventer.example")
    page = browser.submit("/o/deventer/melden", {"what": "Er verdwijnt materiaal uit het magazijn."})
    code = re.search(r'class="code"[^>]*>([0-9A-Z-]{19})<', page.get_data(as_text=True)).group(1)
    assert browser.melder_login("deventer", code).status_code == 302
    with db() as s:
        records = s.scalar(select(func.count()).select_from(Record))
        expires = s.scalar(select(ReporterSession.expires_at))
    clock.advance(minutes=5)
    csrf = browser.csrf("/melder/zaak")
    clock.advance(minutes=3)

    refused = browser.client.post("/melder/bericht", data={"text": "   ", "csrf_token": csrf})
    assert refused.status_code == 400 and "Het bericht is leeg." in refused.get_data(as_text=True)
    with db() as s:
        assert s.scalar(select(func.count()).select_from(Record)) == records
        moved = s.scalar(select(ReporterSession.expires_at))
    # Loading the melder for the refused post moved the idle timeout on, as any answer does.
    assert moved - expires == timedelta(minutes=8)


def test_views_leave_committing_to_the_unit_of_work():
    by_hand = [path.name for path in WEB.glob("*.py")
               if re.search(r"\.(commit|rollback)\(\)", path.read_text()) and path.name != "context.py"]
    assert by_hand == []
