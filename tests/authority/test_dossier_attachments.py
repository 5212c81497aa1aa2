"""Issue 13, item 6: attachments the counsellor chooses travel in the dossier. Their file keys are
re-wrapped under the dossier key; the stored ciphertext is reused, never copied (the stored
bodies neither grow in number nor in bytes); the bevoegd gezag downloads them under their
original name, and nothing else: an attachment not in the dossier is 404 for them."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

from sqlalchemy import func, select

from tests.authority.conftest import email, in_behandeling, send_dossier
from whistle.models import Case, Dossier, DossierAttachment
from whistle.reporter_client import FlaskTransport, ReporterClient

EVIDENCE = b"offerte 2026-03: EUR 48.000 aan Zwager BV" * 50
OTHER = b"prive-aantekeningen van de melder, niet voor het bevoegd gezag"
REPORT = "Offertes van een bekende worden vooraf doorgespeeld."


def page(r) -> str:
    return r.get_data(as_text=True)


def stored(directory: Path) -> tuple[int, int]:
    files = [p for p in directory.iterdir() if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def melding_with_files(app, db):
    api = ReporterClient(FlaskTransport(app.test_client()), "deventer")
    api.submit({"what": REPORT})
    api.log_in()
    evidence = api.upload("../../offerte maart.txt", "text/plain", [EVIDENCE], len(EVIDENCE))["id"]
    other = api.upload("aantekeningen.txt", "text/plain", [OTHER], len(OTHER))["id"]
    with db() as s:
        ref = s.scalar(select(Case.ref))
    return ref, evidence, other


def test_chosen_attachments_travel_without_a_copy_and_only_they_download(
        town, app, browser, client, db, use_case, as_staff, settings):
    ref, evidence, other = melding_with_files(app, db)
    in_behandeling(db, use_case, as_staff, ref)
    assert browser.login_counsellor(email("vp")).status_code == 302
    compose = page(client.get(f"/vp/zaak/{ref}/doorzetten"))
    assert f'name="include_attachment" value="{evidence}"' in compose and "aantekeningen.txt" in compose
    before = stored(settings.attachments_dir)

    data = {"include_report": "ja", "report_what": REPORT, "include_attachment": evidence}
    preview = browser.submit(f"/vp/zaak/{ref}/doorzetten", {"action": "voorbeeld", **data},
                             form_page=f"/vp/zaak/{ref}/doorzetten")
    assert preview.status_code == 200
    shown = page(preview)
    body = shown[shown.index('id="preview-body"'):shown.index('class="confirm-send"')]
    assert "offerte maart.txt" in body and "aantekeningen.txt" not in body and "../" not in body
    r = send_dossier(browser, ref, data)
    assert r.status_code == 302 and "klaar=dossier_verstuurd" in r.headers["Location"]
    assert stored(settings.attachments_dir) == before  # the body is shared, not copied
    with db() as s:
        row = s.scalars(select(DossierAttachment)).one()
        locator = s.scalar(select(Dossier.locator)).hex()
    assert row.attachment_id == evidence
    assert b"offerte" not in row.header and b"text/plain" not in row.header
    client.delete_cookie("whistle")

    assert browser.login_counsellor(email("burgemeester")).status_code == 302
    dossier = page(client.get(f"/bg/dossier/{locator}"))
    assert "offerte maart.txt" in dossier and "aantekeningen.txt" not in dossier
    d = client.get(f"/bg/dossier/{locator}/bijlage/{evidence}")
    assert d.status_code == 200 and d.get_data() == EVIDENCE
    disposition = d.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and unquote(disposition.split("''")[1]) == "offerte maart.txt"
    # Not in the dossier: the case's other attachment, by either route, and nonsense ids.
    assert client.get(f"/bg/dossier/{locator}/bijlage/{other}").status_code == 404
    assert client.get(f"/vp/zaak/{ref}/bijlage/{other}").status_code == 403
    assert client.get(f"/vp/zaak/{ref}/bijlage/{evidence}").status_code == 403
    assert client.get(f"/bg/dossier/{locator}/bijlage/..%2F{evidence}").status_code == 404
    client.delete_cookie("whistle")
    # A member the dossier was not sent to (the gemeentesecretaris) finds nothing.
    assert browser.login_counsellor(email("secretaris")).status_code == 302
    assert client.get(f"/bg/dossier/{locator}/bijlage/{evidence}").status_code == 404
    client.delete_cookie("whistle")
    # The counsellor's copy of the dossier names what went along.
    assert browser.login_counsellor(email("vp")).status_code == 302
    case_page = page(client.get(f"/vp/zaak/{ref}"))
    assert "offerte maart.txt" in case_page[case_page.index("Wat is doorgezet"):]


def test_an_attachment_of_another_case_is_refused_and_nothing_is_sent(town, app, browser, client, db, use_case,
                                                                     as_staff, settings):
    ref, _evidence, _other = melding_with_files(app, db)
    other_api = ReporterClient(FlaskTransport(app.test_client()), "deventer")
    other_api.submit({"what": "Een andere melding."})
    other_api.log_in()
    foreign = other_api.upload("ander.txt", "text/plain", [b"ander"], 5)["id"]
    in_behandeling(db, use_case, as_staff, ref)
    assert browser.login_counsellor(email("vp")).status_code == 302
    r = send_dossier(browser, ref, {"include_report": "ja", "report_what": REPORT, "include_attachment": foreign})
    assert r.status_code == 400 and "Kies bijlagen uit deze zaak." in page(r)
    # Forged straight at the confirmation, past the preview: refused the same way.
    compose = f"/vp/zaak/{ref}/doorzetten"
    r = browser.submit(f"{compose}/versturen", {"action": "versturen", "include_report": "ja",
                                                "report_what": REPORT, "include_attachment": foreign},
                       form_page=compose)
    assert r.status_code == 400
    with db() as s:
        assert s.scalar(select(func.count(Dossier.id))) == 0
        assert s.scalar(select(func.count(DossierAttachment.id))) == 0
