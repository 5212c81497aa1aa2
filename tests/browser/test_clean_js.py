"""static/js/clean.js on crafted files, in Chromium on a blank page (no server): what it drops,
what it keeps byte for byte, and what it honestly names as not cleanable (issue 12, point 1)."""
from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from tests.metadata import samples

pytestmark = pytest.mark.browser

CLEAN_JS = Path(__file__).resolve().parents[2] / "static/js/clean.js"


@pytest.fixture(scope="module")
def blank(chromium):
    context = chromium.new_context()
    page = context.new_page()
    page.set_content("<!doctype html><title>clean.js</title>")
    page.add_script_tag(path=str(CLEAN_JS))
    yield page
    context.close()


def clean(page, data: bytes) -> dict:
    out = page.evaluate("""async (bytes) => {
        const r = await WhistleClean.clean(new Uint8Array(bytes));
        return {status: r.status, kind: r.kind, removed: r.removed, data: r.data ? Array.from(r.data) : null};
    }""", list(data))
    out["data"] = bytes(out["data"]) if out["data"] is not None else None
    return out


def png_chunks(data: bytes) -> list[str]:
    names, o = [], 8
    while o < len(data):
        length = struct.unpack(">I", data[o:o + 4])[0]
        names.append(data[o + 4:o + 8].decode("latin1"))
        o += 12 + length
    return names


def with_png_chunk(data: bytes, kind: bytes, body: bytes) -> bytes:
    chunk = struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    end = data.rindex(b"IEND") - 4
    return data[:end] + chunk + data[end:]


def webp_chunks(data: bytes) -> list[str]:
    names, o = [], 12
    while o + 8 <= len(data):
        length = struct.unpack("<I", data[o + 4:o + 8])[0]
        names.append(data[o:o + 4].decode("latin1"))
        o += 8 + length + (length & 1)
    return names


def pixels(data: bytes) -> bytes:
    img = Image.open(io.BytesIO(data))
    img.load()
    return img.convert("RGBA").tobytes()


def test_png_loses_its_text_exif_and_time_chunks_and_keeps_its_pixels(blank):
    original = with_png_chunk(samples.png_with_metadata(), b"tIME", b"\x07\xea\x0b\x1e\x09\x29\x00")
    original = with_png_chunk(original, b"zTXt", b"Comment\0\0" + zlib.compress(b"Jan Jansen"))
    assert {"tEXt", "iTXt", "zTXt", "eXIf", "tIME"} <= set(png_chunks(original))
    r = clean(blank, original)
    assert r["status"] == "cleaned" and r["kind"] == "image"
    assert r["removed"] == ["gps", "device", "time", "exif", "xmp", "text"]
    assert not {"tEXt", "iTXt", "zTXt", "eXIf", "tIME"} & set(png_chunks(r["data"]))
    assert samples.AUTHOR.encode() not in r["data"] and samples.DEVICE.encode() not in r["data"]
    assert pixels(r["data"]) == pixels(original)
    # Every chunk kept is copied as it was.
    assert r["data"][:8] == original[:8] and original.endswith(r["data"][-12:])


def test_webp_loses_its_exif_and_xmp_chunks_and_flags_and_its_size_is_right(blank):
    original = samples.webp_with_metadata()
    assert {"EXIF", "XMP "} <= set(webp_chunks(original))
    r = clean(blank, original)
    out = r["data"]
    assert r["status"] == "cleaned" and r["removed"] == ["gps", "device", "time", "exif", "xmp"]
    assert "EXIF" not in webp_chunks(out) and "XMP " not in webp_chunks(out)
    assert struct.unpack("<I", out[4:8])[0] == len(out) - 8  # the RIFF size
    vp8x = out.index(b"VP8X")
    assert out[vp8x + 8] & 0x0C == 0  # neither the EXIF nor the XMP flag
    assert samples.AUTHOR.encode() not in out
    cleaned = Image.open(io.BytesIO(out))
    assert not cleaned.getexif() and "xmp" not in cleaned.info
    assert pixels(out) == pixels(original)


def test_a_pdf_loses_its_document_information_xmp_and_note_authors_without_moving_a_byte(blank):
    original = samples.pdf_with_author()
    r = clean(blank, original)
    assert r["status"] == "cleaned" and r["kind"] == "pdf" and r["removed"] == ["xmp", "info", "names"]
    out = r["data"]
    assert len(out) == len(original) and samples.AUTHOR.encode() not in out
    assert b"Acrobat Distiller" not in out and b"Urenstaat" not in out
    reader = PdfReader(io.BytesIO(out), strict=True)  # the cross-reference table still holds
    assert not reader.metadata and len(reader.pages) == 1
    assert not reader.xmp_metadata.dc_creator
    [note] = [a.get_object() for a in reader.pages[0]["/Annots"]]
    assert note["/T"] == "" and note["/Contents"] == "Dit klopt niet"  # the note's text stays
    assert clean(blank, out)["status"] == "nothing"  # nothing left to find


def test_a_pdf_with_metadata_we_cannot_blank_in_place_is_named_as_not_cleanable(blank):
    compressed_xmp = samples.pdf_with_author().replace(b"/Length 237", b"/Filter/FlateDecode")
    r = clean(blank, compressed_xmp)
    assert r["status"] == "refused" and r["kind"] == "pdf" and r["data"] is None and "xmp" in r["removed"]
    program_data = samples.pdf_with_author().replace(b"/Type /Catalog", b"/Type /Catalog /PieceInfo 2 0 R")
    assert clean(blank, program_data)["status"] == "refused"


def test_a_pdf_without_metadata_passes_unchanged_and_one_we_cannot_see_into_is_refused(blank):
    plain = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
             b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
    r = clean(blank, plain)
    assert r["status"] == "nothing" and r["data"] == plain
    hidden = plain.replace(b"2 0 obj", b"3 0 obj<</Type/ObjStm/N 1/First 4>>endobj\n2 0 obj")
    r = clean(blank, hidden)
    assert r["status"] == "refused" and r["removed"] == []


def test_a_photo_keeps_its_orientation_and_nothing_else_of_its_exif(blank):
    original = samples.jpeg_with_gps(orientation=6)
    r = clean(blank, original)
    assert r["status"] == "cleaned" and {"gps", "device", "time", "exif", "xmp", "text"} <= set(r["removed"])
    exif = Image.open(io.BytesIO(r["data"])).getexif()
    assert dict(exif) == {0x0112: 6}
    assert samples.AUTHOR.encode() not in r["data"] and samples.DEVICE.encode() not in r["data"]
    assert pixels(r["data"]) == pixels(original)


def odt() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        z.writestr("meta.xml", '<?xml version="1.0" encoding="UTF-8"?><office:document-meta '
                               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" office:version="1.3">'
                               '<office:meta><meta:initial-creator>Jan Jansen</meta:initial-creator>'
                               '<dc:creator>Jan Jansen</dc:creator></office:meta></office:document-meta>')
        z.writestr("content.xml", '<?xml version="1.0" encoding="UTF-8"?><office:document-content><office:body>'
                                  '<text:p>ODTTEKST<office:annotation><dc:creator>Jan Jansen</dc:creator>'
                                  '<meta:creator-initials>JJ</meta:creator-initials><text:p>hm</text:p>'
                                  '</office:annotation></text:p></office:body></office:document-content>')
        z.writestr("META-INF/manifest.xml", "<manifest:manifest/>")
    return out.getvalue()


def test_an_opendocument_file_loses_its_meta_and_annotation_authors(blank):
    r = clean(blank, odt())
    assert r["status"] == "cleaned" and r["kind"] == "office" and r["removed"] == ["info", "names"]
    with zipfile.ZipFile(io.BytesIO(r["data"])) as z:
        assert z.testzip() is None
        assert z.namelist()[0] == "mimetype" and z.infolist()[0].compress_type == zipfile.ZIP_STORED
        assert z.read("mimetype") == b"application/vnd.oasis.opendocument.text"
        assert all(info.date_time == (1980, 1, 1, 0, 0, 0) for info in z.infolist())
        parts = {n: z.read(n) for n in z.namelist()}
    assert all(b"Jan Jansen" not in body and b"JJ" not in body for body in parts.values())
    assert b'office:version="1.3"' in parts["meta.xml"] and b"ODTTEKST" in parts["content.xml"]


def test_spreadsheet_comment_authors_are_blanked(blank):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/comments1.xml", "<comments><authors><author>Jan Jansen</author></authors>"
                                       "<commentList><comment authorId=\"0\"><text>XLSTEKST</text></comment>"
                                       "</commentList></comments>")
        z.writestr("xl/persons/person.xml", '<personList><person displayName="Jan Jansen" id="{1}" '
                                            'userId="jan@example.org" providerId="AD"/></personList>')
    r = clean(blank, out.getvalue())
    assert r["status"] == "cleaned" and r["removed"] == ["names"]
    with zipfile.ZipFile(io.BytesIO(r["data"])) as z:
        body = z.read("xl/comments1.xml") + z.read("xl/persons/person.xml")
    assert b"Jan Jansen" not in body and b"jan@example.org" not in body and b"XLSTEKST" in body


def test_unknown_heic_and_damaged_files_are_named_not_cleaned(blank):
    assert clean(blank, b"gewoon wat tekst")["status"] == "unsupported"
    heic = clean(blank, b"\0\0\0\x18ftypheic\0\0\0\0mif1heic" + b"\0" * 64)
    assert heic["status"] == "unsupported" and heic["data"] is None
    broken = clean(blank, samples.jpeg_with_gps()[:40])
    assert broken["status"] == "refused" and broken["kind"] == "image" and broken["data"] is None
    zip_not_office = io.BytesIO()
    with zipfile.ZipFile(zip_not_office, "w") as z:
        z.writestr("foto.txt", "x")
    assert clean(blank, zip_not_office.getvalue())["status"] == "unsupported"


def test_crc32_is_the_standard_one(blank):
    assert blank.evaluate("WhistleClean.crc32(new TextEncoder().encode('123456789'))") == 0xCBF43926
