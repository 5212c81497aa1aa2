"""Issue 12, point 1: on the JavaScript path hidden metadata leaves the melder's files in the
browser, before encryption. A camera JPEG (GPS, make, model, artist, capture time, an EXIF
thumbnail, XMP, IPTC, a comment) and a Word document (author, company, custom properties, a
comment's author, a tracked change's author) go through Chromium; the counsellor decrypts what
was stored and finds none of it, and the photo's compressed pixels byte for byte. A file that
cannot be cleaned waits for the melder's choice."""
from __future__ import annotations

import io
import zipfile

import pytest
from PIL import Image
from pypdf import PdfReader

from tests.browser import camera_files as cf
from tests.browser.accessibility import check, new_context
from tests.browser.journey import counsellor_reads, fill_melding, log_in_with_code, open_form, receipt_code
from tests.metadata import samples
from whistle.infra import metadata
from whistle.infra.metadata_words import BROWSER_WORDS
from whistle.reporter_client import HttpTransport, ReporterClient

pytestmark = pytest.mark.browser

VP = "vp@deventer.example"
HEIC = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic" + b"HEICBYTES" * 50


@pytest.fixture
def deventer(world):
    world.org("deventer")
    return world.staff("deventer", email=VP, name="Mr. J. de Boer")


def clean_report(page) -> dict[str, str]:
    """What the page says per file, once every file has been looked at."""
    page.wait_for_selector("#clean-report[data-state=done]")
    return dict(page.eval_on_selector_all(
        "#clean-list li", "lis => lis.map(li => [li.querySelector('strong').textContent, li.textContent])"))


def test_a_camera_photo_and_a_word_document_arrive_without_their_metadata(
        deventer, live_server, page, db, use_case):
    photo, document = cf.camera_jpeg(), cf.docx()
    # The files do carry what we will look for (otherwise this test could not fail).
    original = Image.open(io.BytesIO(photo))
    assert original.getexif().get_ifd(0x8825) and original.getexif()[0x013B] == cf.ARTIST
    assert cf.THUMBNAIL in photo and all(s in photo for s in cf.SECRETS[:7])
    with zipfile.ZipFile(io.BytesIO(document)) as z:
        assert cf.ARTIST.encode() in z.read("word/comments.xml")

    open_form(page, live_server.base)
    fill_melding(page, "Melding met een foto van de telefoon", files=[
        ("IMG_0042.jpg", "image/jpeg", photo), ("notulen.docx", cf.DOCX_TYPE, document),
        ("IMG_0043.heic", "image/heic", HEIC), ("verslag.pdf", "application/pdf", samples.pdf_with_author())])
    said = clean_report(page)
    # The server path's own words, for everything the server path finds in the same photo.
    _, server = metadata.clean(photo)
    assert server.removed and all(phrase in said["IMG_0042.jpg"] for phrase in server.removed)
    assert "verwijderd: " + "; ".join(server.removed) + "." in said["IMG_0042.jpg"]
    for key in ("info", "names", "revisions"):
        assert BROWSER_WORDS[key] in said["notulen.docx"]
    assert BROWSER_WORDS["status-unsupported"] in said["IMG_0043.heic"]
    assert all(BROWSER_WORDS[key] in said["verslag.pdf"] for key in ("info", "xmp", "names"))

    # The HEIC file cannot be cleaned: nothing is sent until the melder chooses.
    page.click("#melding-form button[type=submit]")
    page.wait_for_selector("#js-error:not([hidden])")
    assert "IMG_0043.heic" in page.inner_text("#js-error")
    assert not live_server.log.to("/api/v1/orgs/deventer/reports", "POST")
    assert page.evaluate("document.activeElement.name") == "clean-choice-2"  # the choice has the focus
    page.get_by_label(BROWSER_WORDS["choice-leave-out"]).check()

    page.click("#melding-form button[type=submit]")
    receipt_code(page)
    page.wait_for_selector("[data-slot=uploads][data-state=done]")
    receipt = page.inner_text("[data-slot=upload-list]")
    assert BROWSER_WORDS["gps"] in receipt and BROWSER_WORDS["left-out"] in receipt

    _, files = counsellor_reads(db, use_case, VP)
    assert sorted(files) == ["IMG_0042.jpg", "notulen.docx", "verslag.pdf"]  # the HEIC file was left out

    header, stored = files["IMG_0042.jpg"]
    assert header["size"] == len(stored) < len(photo)
    for secret in cf.SECRETS[:7]:
        assert secret not in stored, secret
    assert cf.THUMBNAIL not in stored and b"Exif" not in stored
    cleaned = Image.open(io.BytesIO(stored))
    assert not cleaned.getexif() and "exif" not in cleaned.info and "comment" not in cleaned.info
    assert cleaned.tobytes() == original.tobytes()  # decoded pixels identical
    assert cf.scan_data(stored) == cf.scan_data(photo)  # and the compressed pixels untouched

    header, stored = files["notulen.docx"]
    with zipfile.ZipFile(io.BytesIO(stored)) as z:
        assert z.testzip() is None  # every CRC right
        names = z.namelist()
        parts = {n: z.read(n) for n in names}
    assert "docProps/custom.xml" not in names
    assert b"custom.xml" not in parts["[Content_Types].xml"] and b"custom.xml" not in parts["_rels/.rels"]
    for name, body in parts.items():
        assert cf.ARTIST.encode() not in body and cf.COMPANY.encode() not in body, name
    assert cf.DOCUMENT_TEXT.encode() in parts["word/document.xml"]
    assert b"klopt dit?" in parts["word/comments.xml"]  # the comment stays, its author goes
    assert b'w:author=""' in parts["word/comments.xml"] and b'w:author=""' in parts["word/document.xml"]
    assert b"<dc:creator>" not in parts["docProps/core.xml"]

    _, stored = files["verslag.pdf"]
    assert samples.AUTHOR.encode() not in stored
    reader = PdfReader(io.BytesIO(stored), strict=True)
    assert not reader.metadata and len(reader.pages) == 1


def test_a_file_that_cannot_be_cleaned_is_sent_as_it_is_when_the_melder_chooses_so(
        deventer, live_server, page, db, use_case):
    open_form(page, live_server.base)
    fill_melding(page, "Melding met een HEIC-foto", files=[("IMG_0043.heic", "image/heic", HEIC)])
    said = clean_report(page)
    assert metadata._CANNOT_REMOVE["image"] in said["IMG_0043.heic"]
    page.get_by_label(BROWSER_WORDS["choice-send"]).check()
    page.click("#melding-form button[type=submit]")
    receipt_code(page)
    page.wait_for_selector("[data-slot=uploads][data-state=done]")
    _, files = counsellor_reads(db, use_case, VP)
    assert files["IMG_0043.heic"][1] == HEIC


def test_the_report_and_the_choice_pass_axe_fit_a_phone_and_work_from_the_keyboard(
        chromium, deventer, live_server):
    context = new_context(chromium, javascript=True)
    page = context.new_page()
    open_form(page, live_server.base)
    long_name = "Scherm_afbeelding_van_de_inkoopfacturen_oktober_november_2026_definitief_v3.heic"
    fill_melding(page, "Melding", files=[("IMG_0042.jpg", "image/jpeg", cf.camera_jpeg()),
                                         (long_name, "image/heic", HEIC)])
    clean_report(page)
    found = check(page)  # axe, at 320 and 390 px wide
    # The choice is reached and made with the keyboard alone.
    page.focus("#clean-list input[value=leave]")
    page.keyboard.press("ArrowDown")  # radio buttons in one group: the arrow moves the choice
    assert page.is_checked("#clean-list input[value=send]")
    assert page.evaluate("document.querySelector('#clean-list fieldset legend').textContent").endswith(f"({long_name})")
    context.close()
    assert found == [], "\n".join(found)


def test_an_attachment_added_later_on_the_case_page_is_cleaned_in_the_browser_too(
        deventer, live_server, page, db, use_case):
    melder = ReporterClient(HttpTransport(live_server.base), "deventer")
    melder.submit({"what": "Melding via de API"})
    log_in_with_code(page, live_server.base, melder.code)
    page.wait_for_selector("#js-case")
    photo = samples.png_with_metadata()
    assert samples.AUTHOR.encode() in photo
    page.set_input_files("#js-attachments", files=[
        {"name": "scherm.png", "mimeType": "image/png", "buffer": photo},
        {"name": "notities.txt", "mimeType": "text/plain", "buffer": b"NOTITIES " * 20}])
    said = clean_report(page)
    assert BROWSER_WORDS["gps"] in said["scherm.png"] and BROWSER_WORDS["status-unsupported"] in said["notities.txt"]
    page.click("[data-slot=attachment-form] button[type=submit]")
    page.wait_for_selector("#js-case [data-slot=error]:not([hidden])")
    assert "notities.txt" in page.inner_text("#js-case [data-slot=error]")
    page.get_by_label(BROWSER_WORDS["choice-leave-out"]).check()
    page.click("[data-slot=attachment-form] button[type=submit]")
    page.wait_for_selector("[data-slot=upload-list] li.upload[data-state=done]")
    assert BROWSER_WORDS["left-out"] in page.inner_text("[data-slot=upload-list]")

    _, files = counsellor_reads(db, use_case, VP)
    assert list(files) == ["scherm.png"]
    stored = files["scherm.png"][1]
    assert samples.AUTHOR.encode() not in stored and samples.DEVICE.encode() not in stored
    assert Image.open(io.BytesIO(stored)).tobytes() == Image.open(io.BytesIO(photo)).tobytes()


def test_with_metadata_laten_staan_the_photo_arrives_exactly_as_it_was(deventer, live_server, page, db, use_case):
    photo = cf.camera_jpeg()
    open_form(page, live_server.base)
    page.check("input[name=keep_metadata]")
    fill_melding(page, "Melding waarin de metadata bewijs is", files=[("IMG_0042.jpg", "image/jpeg", photo)])
    said = clean_report(page)
    assert BROWSER_WORDS["status-kept"] in said["IMG_0042.jpg"]
    page.click("#melding-form button[type=submit]")
    receipt_code(page)
    page.wait_for_selector("[data-slot=uploads][data-state=done]")
    _, files = counsellor_reads(db, use_case, VP)
    assert files["IMG_0042.jpg"][1] == photo
