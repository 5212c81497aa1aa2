"""Issue 12, item 7, the server path: the melder downloads their own copy (melding, messages,
attachment names, dates) as one self-contained HTML file, rendered from the session in memory.
Nothing of it is written to the data directory or recorded; the code is not in it."""
from __future__ import annotations

import io
import re

from sqlalchemy import func, select

import crypto
from tests.browser.journey import counsellor_principal
from tests.conftest import code_from_receipt
from whistle.models import AuditEvent, Case
from whistle.services.counsellor import case as counsellor

VP = "vp@deventer.example"
DATE = re.compile(r"\b\d{2}-\d{2}-\d{4}\b")


def on_disk(root) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in sorted(root.rglob("*")) if p.is_file()}


def melder_with_a_case(world, browser, db, use_case):
    world.org("deventer")
    world.staff("deventer", email=VP)
    receipt = browser.submit("/o/deventer/melden", {"what": "KOPIEWAT offertes lekken naar een aannemer.",
                                                     "who": "KOPIEWIE afdeling inkoop"})
    code = code_from_receipt(receipt.get_data(as_text=True))
    with db() as s:
        counsellor.reply(use_case(s), counsellor_principal(s, VP), s.scalar(select(Case.ref)),
                         "KOPIEANTWOORD dank voor uw melding <b>vet</b>")
    assert browser.melder_login("deventer", code).status_code == 302
    assert browser.submit("/melder/bericht", {"text": "KOPIEBERICHT het gaat om drie facturen"},
                          form_page="/melder/zaak").status_code in (200, 302)
    r = browser.submit("/melder/bijlage", {"attachments": [(io.BytesIO(b"aantekeningen\n"), "KOPIEBIJLAGE.txt")]},
                       form_page="/melder/zaak", content_type="multipart/form-data")
    assert r.status_code == 200
    return code


def test_the_case_page_offers_the_copy_with_where_to_keep_it(world, browser, client, db, use_case):
    melder_with_a_case(world, browser, db, use_case)
    html = client.get("/melder/zaak").get_data(as_text=True)
    assert 'href="/melder/kopie"' in html and "Kopie downloaden" in html
    assert "Niet op een apparaat of in een mailbox van uw werk" in html
    assert "Huis voor Klokkenluiders" in html


def test_the_copy_holds_the_melding_the_messages_and_the_dates_and_not_the_code(
        world, browser, client, db, use_case, settings, clock):
    code = melder_with_a_case(world, browser, db, use_case)
    before = on_disk(settings.data_dir)
    with db() as s:
        events = s.scalar(select(func.count()).select_from(AuditEvent))

    answer = client.get("/melder/kopie")

    assert answer.status_code == 200
    today = clock.today().strftime("%d-%m-%Y")
    assert answer.headers["Content-Disposition"] == f'attachment; filename="melding-kopie-{today}.html"'
    assert answer.headers["Cache-Control"] == "no-store"
    assert answer.mimetype == "text/html"
    html = answer.get_data(as_text=True)
    for text in ("KOPIEWAT offertes lekken", "KOPIEWIE afdeling inkoop", "KOPIEBERICHT het gaat om drie facturen",
                 "KOPIEBIJLAGE.txt", "Wie zijn erbij betrokken?", "Vertrouwenspersoon",
                 "Kopie van uw melding bij", "Huis voor Klokkenluiders"):
        assert text in html, text
    # Escaped as text, never markup.
    assert "KOPIEANTWOORD dank voor uw melding &lt;b&gt;vet&lt;/b&gt;" in html
    # Dates as dd-mm-jjjj only.
    assert today in DATE.findall(html) and not re.search(r"\d{4}-\d{2}-\d{2}", html)
    # The code in none of its forms; nothing the file would load or run.
    normalised = crypto.normalise_code(code).decode()
    assert code not in html and normalised not in html and normalised.lower() not in html
    assert "<script" not in html and not re.search(r"\b(src|href|action)=", html)
    assert not re.search(r"https?://|url\(", html)
    assert "aantekeningen" not in html  # the attachment's content is not in it, only its name

    # Nothing of it stayed: the data directory is as it was, and no event was recorded.
    assert on_disk(settings.data_dir) == before
    with db() as s:
        assert s.scalar(select(func.count()).select_from(AuditEvent)) == events


def test_without_a_session_there_is_no_copy(world, client):
    world.org("deventer")
    answer = client.get("/melder/kopie")
    assert answer.status_code in (302, 401, 403)
    assert "Kopie van uw melding" not in answer.get_data(as_text=True)
