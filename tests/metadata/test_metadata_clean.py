"""Removing metadata from real images and PDFs, over bytes: the GPS position, the device, the
author and the XMP packet are gone; the picture and the document stay what they were."""
import io

import pytest
from PIL import Image, ImageOps
from pypdf import PdfReader

from whistle.infra import metadata
from tests.metadata import samples


def reopen(data: bytes) -> Image.Image:
    img = Image.open(io.BytesIO(data))
    img.load()
    return img


def assert_no_image_metadata(data: bytes) -> None:
    img = reopen(data)
    exif = img.getexif()
    assert not exif.get_ifd(0x8825), "GPS left"
    assert 0x010F not in exif and 0x0110 not in exif and 0x013B not in exif
    assert not img.info.get("xmp") and not img.info.get("XML:com.adobe.xmp")
    assert not img.info.get("comment") and not getattr(img, "text", {})
    assert samples.AUTHOR.encode() not in data and samples.DEVICE.encode() not in data
    assert b"adobe:ns:meta" not in data


@pytest.mark.parametrize("make", [samples.jpeg_with_gps, samples.png_with_metadata,
                                  samples.webp_with_metadata, samples.tiff_with_metadata])
def test_image_metadata_is_removed_and_reported(make):
    original = make()
    assert samples.AUTHOR.encode() in original
    cleaned, outcome = metadata.clean(original)
    assert outcome.status == metadata.CLEANED and outcome.kind == metadata.IMAGE
    assert metadata.L_XMP in outcome.removed
    assert metadata.L_EXIF in outcome.removed  # the Artist tag
    assert_no_image_metadata(cleaned)
    assert reopen(cleaned).format == reopen(original).format


def test_gps_device_and_time_are_named_in_what_was_removed():
    _cleaned, outcome = metadata.clean(samples.jpeg_with_gps())
    for label in (metadata.L_GPS, metadata.L_DEVICE, metadata.L_TIME, metadata.L_TEXT):
        assert label in outcome.removed
    assert outcome.summary.startswith("verwijderd: ") and "GPS-locatie" in outcome.summary


def test_orientation_is_applied_before_it_is_removed():
    original = samples.png_with_metadata(orientation=6)
    cleaned, _ = metadata.clean(original)
    expected = ImageOps.exif_transpose(reopen(original))
    got = reopen(cleaned)
    assert got.size == (32, 64) == expected.size
    assert got.convert("RGB").tobytes() == expected.convert("RGB").tobytes()
    assert got.getexif().get(0x0112) in (None, 1)


def test_jpeg_keeps_its_quality_and_turns_the_right_way():
    original = samples.jpeg_with_gps(orientation=6)
    cleaned, _ = metadata.clean(original)
    got = reopen(cleaned)
    assert got.size == (32, 64)
    assert got.getpixel((16, 4))[0] > 150 and got.getpixel((16, 60))[2] > 150  # red on top, blue below
    assert reopen(original).quantization == got.quantization


def test_animated_gif_keeps_its_frames_and_loses_its_comment():
    original = samples.animated_gif_with_comment()
    cleaned, outcome = metadata.clean(original)
    assert metadata.L_TEXT in outcome.removed
    got = reopen(cleaned)
    assert got.n_frames == 2 and not got.info.get("comment")
    assert samples.AUTHOR.encode() not in cleaned


def test_an_image_without_metadata_is_still_saved_afresh():
    out = io.BytesIO()
    samples.two_colour().save(out, "PNG")
    cleaned, outcome = metadata.clean(out.getvalue())
    assert outcome.status == metadata.NOTHING_FOUND and outcome.removed == ()
    assert reopen(cleaned).tobytes() == reopen(out.getvalue()).tobytes()


def test_pdf_document_information_xmp_and_note_authors_are_removed():
    original = samples.pdf_with_author()
    cleaned, outcome = metadata.clean(original)
    assert outcome.status == metadata.CLEANED and outcome.kind == metadata.PDF
    assert set(outcome.removed) >= {metadata.L_PDF_INFO, metadata.L_XMP, metadata.L_PDF_NAMES}
    reader = PdfReader(io.BytesIO(cleaned))
    assert not reader.metadata
    assert reader.xmp_metadata is None
    assert len(reader.pages) == 1
    note = reader.pages[0]["/Annots"][0].get_object()
    assert note["/Contents"] == "Dit klopt niet" and "/T" not in note  # the note stays, its author goes
    for secret in (samples.AUTHOR, "Urenstaat team Noord", "Microsoft Word", "Distiller"):
        assert secret.encode() not in cleaned


def test_a_password_protected_pdf_is_left_alone_and_said_so():
    original = samples.pdf_with_author(encrypt=True)
    cleaned, outcome = metadata.clean(original)
    assert cleaned == original and outcome.status == metadata.UNSUPPORTED and outcome.kind == metadata.PDF


@pytest.mark.parametrize("damaged", [
    b"\xff\xd8\xff\xe0" + b"\x00" * 200,
    samples.jpeg_with_gps()[:300],
    b"\x89PNG\r\n\x1a\n" + b"garbage" * 30,
    b"%PDF-1.7\n" + b"nonsense " * 50,
    b"RIFF\x10\x00\x00\x00WEBPVP8 " + b"\x00" * 20,
])
def test_a_damaged_image_or_pdf_is_unreadable_rather_than_passed_through(damaged):
    with pytest.raises(metadata.Unreadable):
        metadata.clean(damaged)


def test_a_huge_image_is_kept_as_it_is_and_said_so(monkeypatch):
    monkeypatch.setattr(metadata, "MAX_PIXELS", 100)
    original = samples.jpeg_with_gps()
    cleaned, outcome = metadata.clean(original)
    assert cleaned == original and outcome.status == metadata.TOO_LARGE


def test_kinds_come_from_the_bytes_not_the_name():
    jpeg = samples.jpeg_with_gps()
    assert metadata.kind_of(jpeg[:1024], "notities.txt", "text/plain") == metadata.IMAGE
    assert metadata.kind_of(b"PK\x03\x04", "verslag.docx", "application/octet-stream") == metadata.OFFICE
    assert metadata.kind_of(b"ID3", "gesprek.mp3") == metadata.AUDIO
    assert metadata.kind_of(b"\x00\x00\x00\x18ftypmp42", "clip.mp4") == metadata.VIDEO
    assert metadata.kind_of(b"\x00\x00\x00\x18ftypheic", "IMG_0001.HEIC") == metadata.IMAGE
    assert metadata.kind_of(b"hallo", "a.txt", "text/plain") == metadata.OTHER
    assert metadata.cleanable(jpeg) and not metadata.cleanable(b"PK\x03\x04")


def test_every_kind_and_status_has_words_for_the_melder():
    for kind in (metadata.IMAGE, metadata.PDF, metadata.OFFICE, metadata.AUDIO, metadata.VIDEO, metadata.OTHER):
        for status in (metadata.NOTHING_FOUND, metadata.KEPT, metadata.TOO_LARGE, metadata.UNSUPPORTED):
            outcome = metadata.Outcome(status, kind)
            assert outcome.summary and outcome.cannot_remove
    assert "Word" in metadata.Outcome(metadata.UNSUPPORTED, metadata.OFFICE).cannot_remove
    assert "stemmen" in metadata.Outcome(metadata.UNSUPPORTED, metadata.VIDEO).cannot_remove.lower()
