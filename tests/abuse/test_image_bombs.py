"""Issue 11 point 5: the metadata cleaner is charged by what it will decode, before decoding,
and decodes in a child process under CPU, memory and wall-time limits. A file it refuses is
refused with a clear Dutch message (the melder can still send it uncleaned on purpose); the
case stays intact. A normal photo is still cleaned, through the child."""
from __future__ import annotations

import io
import struct
import threading
import zlib

import pytest
from PIL import Image
from sqlalchemy import func, select

from tests.conftest import code_from_receipt
from tests.metadata import samples
from tests.metadata.test_metadata_uploads import arrange, as_counsellor, files_on_disk, submit
from whistle.infra import metadata, metadata_sandbox, work_slots
from whistle.models import Attachment, Case


def png_claiming(width: int, height: int) -> bytes:
    """A small PNG whose header says width x height in colour: a decompression bomb as far as
    any decoder that trusts the header is concerned (the rows are a few kilobytes of zeros)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = zlib.compress(b"\x00" * (1 + 3 * width) * 4, 9)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", rows) + chunk(b"IEND", b""))


BOMB = png_claiming(40_000, 40_000)  # 1.6 gigapixels, 4.8 GB decoded; about 1 KB sent


def test_a_bomb_is_charged_from_its_header_and_refused_before_decoding():
    charge, kind = metadata.decode_charge(BOMB)
    assert kind == metadata.IMAGE and charge == 40_000 * 40_000 * 3
    with pytest.raises(metadata.Refused, match="te groot om veilig te openen"):
        metadata_sandbox.clean(BOMB)


def test_a_bomb_through_the_form_is_refused_with_the_message_and_nothing_is_stored(world, browser, db, settings):
    arrange(world)
    page = submit(browser, [("vakantie.png", BOMB)])
    html = page.get_data(as_text=True)
    assert page.status_code == 400
    assert "We konden de metadata niet verwijderen uit ‘vakantie.png’: de afbeelding is te groot om veilig" in html
    assert "Metadata laten staan" in html and "Er is niets verstuurd" in html
    with db() as s:
        assert s.scalar(select(func.count()).select_from(Case)) == 0
    assert not [p for p in files_on_disk(settings) if "attachments" in p.parts]
    # On purpose, uncleaned: it goes through as it is.
    assert submit(browser, [("vakantie.png", BOMB)], keep_metadata="ja").status_code == 200


def test_a_bomb_added_to_a_case_is_refused_and_the_case_stays_intact(world, browser, client, db, use_case):
    arrange(world)
    code = code_from_receipt(submit(browser, [("foto.jpg", samples.jpeg_with_gps())]).get_data(as_text=True))
    assert browser.melder_login("deventer", code).status_code == 302
    r = browser.submit("/melder/bijlage", {"attachments": [(io.BytesIO(BOMB), "bom.png")]},
                       form_page="/melder/zaak", content_type="multipart/form-data")
    assert r.status_code == 400 and "de afbeelding is te groot om veilig te openen" in r.get_data(as_text=True)
    case = client.get("/melder/zaak")
    assert case.status_code == 200 and "foto.jpg" in case.get_data(as_text=True)
    with db() as s:
        assert s.scalar(select(func.count()).select_from(Attachment)) == 1
    assert set(as_counsellor(db, use_case)) == {"foto.jpg"}


def test_a_normal_photo_is_cleaned_in_a_child_process(world, browser, db, use_case, monkeypatch):
    arrange(world)
    children = []
    real_init = metadata_sandbox._Child.__init__

    def watched(self):
        real_init(self)
        children.append(self.proc.pid)
    monkeypatch.setattr(metadata_sandbox._Child, "__init__", watched)
    page = submit(browser, [("IMG_1.jpg", samples.jpeg_with_gps())])
    assert page.status_code == 200 and "GPS-locatie" in page.get_data(as_text=True)
    assert len(children) == 1
    got = as_counsellor(db, use_case)["IMG_1.jpg"]
    assert not Image.open(io.BytesIO(got)).getexif()


def test_a_child_past_its_wall_time_is_killed_and_the_file_refused(monkeypatch):
    monkeypatch.setattr(metadata_sandbox, "WALL_SECONDS", 0.05)
    big = io.BytesIO()
    Image.new("RGB", (3000, 3000), "white").save(big, "PNG")
    with pytest.raises(metadata.Refused, match="meer tijd of geheugen"):
        metadata_sandbox.clean(big.getvalue())


def test_a_file_waits_for_the_decode_memory_and_is_refused_when_it_stays_taken(monkeypatch):
    monkeypatch.setattr(metadata_sandbox, "DECODE_WAIT", 0.5)
    taken, release = threading.Event(), threading.Event()

    def hold():
        with work_slots.decode_memory.reserve(work_slots.DECODE_MEMORY, 5):
            taken.set()
            release.wait(5)
    holder = threading.Thread(target=hold)
    holder.start()
    taken.wait(5)
    try:
        with pytest.raises(metadata.Refused, match="te druk"):
            metadata_sandbox.clean(samples.jpeg_with_gps())
    finally:
        release.set()
        holder.join()
    assert metadata_sandbox.clean(samples.jpeg_with_gps())[1].status == metadata.CLEANED
