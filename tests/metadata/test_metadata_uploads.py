"""Issue 6.8 on the server path: a melder's photos and PDFs lose their metadata before they are
encrypted, unless the melder opts out; the melder is told what was removed and what cannot be.
Checked the way a counsellor sees it: decrypt the stored attachment and look inside."""
import io
from pathlib import Path

import crypto
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import func, select

from whistle.models import Attachment, Case
from whistle.services.counsellor import case as counsellor
from whistle.services.staff import accounts as staff
from whistle.web.app import create_app
from tests.conftest import PASSPHRASE, Browser, code_from_receipt
from tests.metadata import samples

VP = "vp@deventer.example"


def arrange(world):
    world.org("deventer")
    world.staff("deventer", email=VP)


def submit(browser, files, **extra):
    form = {"what": "De teamleider boekt privé-uren op een project.", **extra,
            "attachments": [(io.BytesIO(content), name) for name, content in files]}
    return browser.submit("/o/deventer/melden", form, content_type="multipart/form-data")


def as_counsellor(db, use_case) -> dict[str, bytes]:
    """Every attachment of every case, decrypted with the counsellor's own key: name -> bytes."""
    out = {}
    with db() as s:
        member, secret = staff.check_passphrase(s, VP, PASSPHRASE)
        principal = staff.StaffPrincipal(member, secret, b"")
        for att_id, ref in s.execute(select(Attachment.id, Case.ref).join(Case, Case.id == Attachment.case_id)):
            header, body = counsellor.download(use_case(s), principal, ref, att_id)
            out[header["name"]] = b"".join(body)
    return out


def files_on_disk(settings) -> list[Path]:
    return [p for p in settings.data_dir.rglob("*") if p.is_file()]


def test_photo_and_pdf_arrive_without_their_metadata_and_the_melder_is_told(world, browser, db, settings, use_case):
    arrange(world)
    photo, pdf = samples.jpeg_with_gps(orientation=6), samples.pdf_with_author()
    page = submit(browser, [("IMG_2024.jpg", photo), ("urenstaat.pdf", pdf)])
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and code_from_receipt(html)
    assert 'id="metadata-notice"' in html
    assert "GPS-locatie" in html and "merk, type en serienummer" in html and "documenteigenschappen" in html
    assert "gezichten" in html  # what cannot be removed from a photo

    stored = as_counsellor(db, use_case)
    got_photo = Image.open(io.BytesIO(stored["IMG_2024.jpg"]))
    assert got_photo.size == (32, 64)  # turned upright before the orientation tag went
    assert not got_photo.getexif() and not got_photo.info.get("comment") and not got_photo.info.get("xmp")
    reader = PdfReader(io.BytesIO(stored["urenstaat.pdf"]))
    assert not reader.metadata and reader.xmp_metadata is None and len(reader.pages) == 1
    for body in stored.values():
        assert samples.AUTHOR.encode() not in body and samples.DEVICE.encode() not in body
    # The stored size is the cleaned file's size, so the download is complete.
    with db() as s:
        assert sorted(s.scalars(select(Attachment.size))) == sorted(
            crypto.encrypted_size(len(b)) for b in stored.values())


def test_with_the_opt_out_the_files_arrive_exactly_as_sent(world, browser, db, settings, use_case):
    arrange(world)
    photo, pdf = samples.jpeg_with_gps(), samples.pdf_with_author()
    html = submit(browser, [("foto.jpg", photo), ("brief.pdf", pdf)], keep_metadata="ja").get_data(as_text=True)
    assert "u koos ervoor de metadata te laten staan" in html
    assert as_counsellor(db, use_case) == {"foto.jpg": photo, "brief.pdf": pdf}


def test_an_office_document_is_sent_unchanged_with_a_warning(world, browser, db, settings, use_case):
    arrange(world)
    docx = samples.docx_like()
    html = submit(browser, [("verslag.docx", docx)]).get_data(as_text=True)
    assert "uit dit soort bestand kunnen wij geen metadata verwijderen" in html
    assert "Word-, Excel-, PowerPoint-" in html
    assert as_counsellor(db, use_case) == {"verslag.docx": docx}


def test_a_damaged_photo_is_refused_clearly_and_nothing_is_stored(world, browser, db, settings):
    arrange(world)
    damaged = samples.jpeg_with_gps()[:400]
    page = submit(browser, [("kapot.jpg", damaged), ("ok.pdf", samples.pdf_with_author())])
    html = page.get_data(as_text=True)
    assert page.status_code == 400
    assert "We konden de metadata niet verwijderen uit ‘kapot.jpg’" in html and "Er is niets verstuurd" in html
    with db() as s:
        assert s.scalar(select(func.count()).select_from(Case)) == 0
        assert s.scalar(select(func.count()).select_from(Attachment)) == 0
    assert not [p for p in files_on_disk(settings) if "attachments" in p.parts]
    # The same file with the opt-out goes through unchanged.
    page = submit(browser, [("kapot.jpg", damaged)], keep_metadata="ja")
    assert page.status_code == 200


def test_a_file_over_the_memory_budget_is_encrypted_as_it_streams_and_the_melder_is_told(
        world, settings, engine, clock, db, use_case):
    arrange(world)
    small = settings.with_(metadata_clean_max_bytes=1000)
    app = create_app(small, clock=clock)
    browser = Browser(app.test_client())
    photo = samples.jpeg_with_gps()
    assert len(photo) > 1000
    html = submit(browser, [("groot.jpg", photo)]).get_data(as_text=True)
    assert "te groot om de metadata te verwijderen" in html
    assert as_counsellor(db, use_case) == {"groot.jpg": photo}
    app.extensions["whistle_engine"].dispose()


def test_adding_a_photo_later_cleans_it_and_says_so(world, browser, client, db, settings, use_case):
    arrange(world)
    code = code_from_receipt(submit(browser, []).get_data(as_text=True))
    assert browser.melder_login("deventer", code).status_code == 302
    case_page = client.get("/melder/zaak").get_data(as_text=True)
    assert 'name="keep_metadata"' in case_page and "kantoorbestanden" in case_page
    png = samples.png_with_metadata()
    r = browser.submit("/melder/bijlage", {"attachments": [(io.BytesIO(png), "scherm.png")]},
                       form_page="/melder/zaak", content_type="multipart/form-data")
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and "scherm.png" in html and "XMP-gegevens" in html
    got = as_counsellor(db, use_case)["scherm.png"]
    assert samples.AUTHOR.encode() not in got and not Image.open(io.BytesIO(got)).getexif()
    # Told once: the next view of the case page does not repeat it.
    assert 'id="metadata-notice"' not in client.get("/melder/zaak").get_data(as_text=True)


def test_a_damaged_file_added_later_is_refused_on_the_case_page(world, browser, client, db):
    arrange(world)
    code = code_from_receipt(submit(browser, []).get_data(as_text=True))
    browser.melder_login("deventer", code)
    r = browser.submit("/melder/bijlage", {"attachments": [(io.BytesIO(b"%PDF-1.4 kapot"), "a.pdf")]},
                       form_page="/melder/zaak", content_type="multipart/form-data")
    assert r.status_code == 400 and "We konden de metadata niet verwijderen uit ‘a.pdf’" in r.get_data(as_text=True)
    with db() as s:
        assert s.scalar(select(func.count()).select_from(Attachment)) == 0


def test_the_form_offers_the_opt_out_and_says_what_cannot_be_removed(world, client):
    arrange(world)
    html = client.get("/o/deventer/melden").get_data(as_text=True)
    assert 'type="checkbox" name="keep_metadata" value="ja"' in html
    assert "gezichten, stemmen" in html and "Word-, Excel-" in html


def test_no_plaintext_of_a_cleaned_or_kept_file_reaches_the_disk(world, browser, settings):
    arrange(world)
    marker = b"UNIEK-MERKTEKEN-" + b"x" * 50
    pdf = samples.pdf_with_author().replace(b"Dit klopt niet", marker[:14])
    submit(browser, [("a.pdf", pdf), ("b.bin", marker * 10)], keep_metadata="ja")
    submit(browser, [("c.pdf", pdf)])
    for path in files_on_disk(settings):
        data = path.read_bytes()
        assert marker[:14] not in data and samples.AUTHOR.encode() not in data, path
