"""The server path's attachment intake as a state machine, without Flask: each state and each
move between them, what is written to disk (ciphertext only, and nothing at all for a file
that is refused), and the memory budget that decides between cleaning and streaming."""
from __future__ import annotations

import io
import secrets
from pathlib import Path

import pytest
from PIL import Image

import crypto
from whistle.infra import metadata
from whistle.infra.attachment_intake import AttachmentIntake, MemoryBudget, State
from whistle.services.errors import InvalidInput, TooLarge
from tests.metadata import samples

MAX_BYTES = 1024 * 1024


@pytest.fixture
def attachments_dir(tmp_path) -> Path:
    return tmp_path / "attachments"


def intake(attachments_dir, name="bestand.bin", media_type="application/octet-stream", *,
           budget=None, max_bytes=MAX_BYTES) -> AttachmentIntake:
    return AttachmentIntake(attachments_dir, max_bytes, name, media_type, budget)


def files(attachments_dir) -> list[Path]:
    return [p for p in attachments_dir.rglob("*") if p.is_file()]


def on_disk(attachments_dir) -> bytes:
    return b"".join(p.read_bytes() for p in files(attachments_dir))


def feed_in_chunks(taken: AttachmentIntake, data: bytes, size: int = 700) -> None:
    for start in range(0, len(data), size):
        taken.feed(data[start:start + size])


def decrypted(result) -> bytes:
    return b"".join(crypto.decrypt_stream(result.file_key, [result.upload.path.read_bytes()]))


def text_with_marker(n: int) -> tuple[bytes, bytes]:
    marker = f"PLAINTEXT{secrets.token_hex(8)}".encode()
    return marker, (marker + b" ") * (n // (len(marker) + 1) + 1)


def test_a_small_file_is_held_then_sealed_when_the_melder_has_chosen(attachments_dir):
    marker, content = text_with_marker(500)  # shorter than the bytes that say what a file is
    taken = intake(attachments_dir, "notitie.txt", "text/plain", budget=MemoryBudget(MAX_BYTES))
    assert taken.state is State.HOLDING
    taken.feed(content)
    assert taken.state is State.HOLDING
    taken.end()
    assert taken.state is State.HELD
    assert marker not in on_disk(attachments_dir)  # only the stream's header so far

    result = taken.finish(keep_metadata=False)
    assert taken.state is State.SEALED
    assert (result.name, result.media_type, result.plain_size) == ("notitie.txt", "text/plain", len(content))
    assert result.metadata.status == metadata.UNSUPPORTED
    assert decrypted(result) == content
    assert marker not in on_disk(attachments_dir)
    assert taken.finish(keep_metadata=True) is result  # decided once


def test_a_kind_we_do_not_clean_is_streamed_as_soon_as_its_first_bytes_say_so(attachments_dir):
    marker, content = text_with_marker(50_000)
    budget = MemoryBudget(MAX_BYTES)
    taken = intake(attachments_dir, budget=budget)
    taken.feed(content[:metadata.SNIFF_BYTES - 1])
    assert taken.state is State.HOLDING and budget.left == MAX_BYTES - (metadata.SNIFF_BYTES - 1)
    feed_in_chunks(taken, content[metadata.SNIFF_BYTES - 1:])
    assert taken.state is State.STREAMING
    assert budget.left == MAX_BYTES  # nothing held any more
    assert marker not in on_disk(attachments_dir)

    taken.end()
    assert taken.state is State.SEALED  # no choice to wait for
    result = taken.finish()
    assert result.metadata.status == metadata.UNSUPPORTED and decrypted(result) == content
    assert marker not in on_disk(attachments_dir)


def test_a_photo_within_the_budget_is_held_and_cleaned_or_kept_as_the_melder_chose(attachments_dir):
    photo = samples.jpeg_with_gps()
    cleaned = intake(attachments_dir, "foto.jpg", "image/jpeg", budget=MemoryBudget(MAX_BYTES))
    feed_in_chunks(cleaned, photo)
    assert cleaned.state is State.HOLDING
    cleaned.end()
    assert cleaned.state is State.HELD
    result = cleaned.finish(keep_metadata=False)
    assert cleaned.state is State.SEALED and result.metadata.status == metadata.CLEANED
    plain = decrypted(result)
    assert result.plain_size == len(plain) != len(photo)
    assert not Image.open(io.BytesIO(plain)).getexif()
    assert samples.DEVICE.encode() not in on_disk(attachments_dir)

    kept = intake(attachments_dir, "foto.jpg", "image/jpeg", budget=MemoryBudget(MAX_BYTES))
    feed_in_chunks(kept, photo)
    kept.end()
    result = kept.finish(keep_metadata=True)
    assert result.metadata.status == metadata.KEPT and decrypted(result) == photo


def test_a_photo_over_the_budget_is_streamed_with_its_metadata_and_the_melder_is_told(attachments_dir):
    photo = samples.jpeg_with_gps()
    budget = MemoryBudget(len(photo) // 2)
    taken = intake(attachments_dir, "foto.jpg", "image/jpeg", budget=budget)
    feed_in_chunks(taken, photo)
    assert taken.state is State.STREAMING
    assert budget.left == len(photo) // 2  # what was held went back when streaming began
    assert samples.DEVICE.encode() not in on_disk(attachments_dir)
    taken.end()
    result = taken.finish(keep_metadata=False)
    assert result.metadata.status == metadata.TOO_LARGE and result.metadata.kind == metadata.IMAGE
    assert decrypted(result) == photo

    kept = intake(attachments_dir, "foto.jpg", "image/jpeg", budget=MemoryBudget(0))
    feed_in_chunks(kept, photo)
    kept.end()
    assert kept.finish(keep_metadata=True).metadata.status == metadata.KEPT


def test_two_files_of_one_request_share_the_budget(attachments_dir):
    photo = samples.jpeg_with_gps()
    budget = MemoryBudget(len(photo) + 10)
    first, second = (intake(attachments_dir, f"{n}.jpg", "image/jpeg", budget=budget) for n in "ab")
    feed_in_chunks(first, photo)
    first.end()
    feed_in_chunks(second, photo)
    assert (first.state, second.state) == (State.HELD, State.STREAMING)
    assert first.finish().metadata.status == metadata.CLEANED
    assert budget.left == len(photo) + 10  # given back once cleaned
    second.end()
    assert second.finish().metadata.status == metadata.TOO_LARGE


@pytest.mark.parametrize("held", [True, False], ids=["while-held", "while-streaming"])
def test_a_file_refused_half_way_for_its_size_leaves_nothing_on_disk(attachments_dir, held):
    marker, content = text_with_marker(3000)
    budget = MemoryBudget(MAX_BYTES if held else 0)
    taken = intake(attachments_dir, budget=budget, max_bytes=2000)
    taken.feed(content[:100])  # too short to say what it is: held, or streamed without a budget
    assert taken.state is (State.HOLDING if held else State.STREAMING)
    assert files(attachments_dir)  # the ciphertext's temporary file exists
    with pytest.raises(TooLarge):
        taken.feed(content[100:])
    assert taken.state is State.DISCARDED
    assert files(attachments_dir) == []
    assert budget.left == (MAX_BYTES if held else 0)
    with pytest.raises(ValueError):
        taken.feed(b"more")
    assert taken.finish() is None


def test_a_damaged_photo_is_refused_and_leaves_nothing_unless_its_metadata_may_stay(attachments_dir):
    damaged = samples.jpeg_with_gps()[:400] + b"\x00" * 2000
    taken = intake(attachments_dir, "kapot.jpg", "image/jpeg", budget=MemoryBudget(MAX_BYTES))
    taken.feed(damaged)
    taken.end()
    with pytest.raises(InvalidInput) as refused:
        taken.finish(keep_metadata=False)
    assert "kapot.jpg" in refused.value.message and refused.value.field == "attachments"
    assert taken.state is State.DISCARDED and files(attachments_dir) == []
    assert taken.finish() is None

    kept = intake(attachments_dir, "kapot.jpg", "image/jpeg", budget=MemoryBudget(MAX_BYTES))
    kept.feed(damaged)
    kept.end()
    assert decrypted(kept.finish(keep_metadata=True)) == damaged


def test_an_empty_file_field_and_a_file_that_never_ended_are_no_attachment(attachments_dir):
    empty = intake(attachments_dir, name=None)
    empty.end()
    assert empty.finish() is None and empty.state is State.DISCARDED

    cut = intake(attachments_dir, budget=MemoryBudget(MAX_BYTES))
    cut.feed(b"half a file")
    assert cut.finish() is None and cut.state is State.DISCARDED
    assert files(attachments_dir) == []

    named = intake(attachments_dir, "leeg.txt", "text/plain")
    named.end()
    result = named.finish()
    assert result.plain_size == 0 and decrypted(result) == b""


def test_discarding_forgets_the_file_in_every_state_and_returns_the_budget(attachments_dir):
    budget = MemoryBudget(MAX_BYTES)
    holding = intake(attachments_dir, "foto.jpg", "image/jpeg", budget=budget)
    holding.feed(samples.jpeg_with_gps())
    held = intake(attachments_dir, "foto.jpg", "image/jpeg", budget=budget)
    held.feed(samples.jpeg_with_gps())
    held.end()
    streaming = intake(attachments_dir, budget=budget)
    feed_in_chunks(streaming, b"x" * 5000)
    sealed = intake(attachments_dir, budget=budget)
    feed_in_chunks(sealed, b"y" * 5000)
    sealed.end()
    assert budget.left < MAX_BYTES
    for taken in (holding, held, streaming, sealed):
        taken.discard()
        assert taken.state is State.DISCARDED
    assert files(attachments_dir) == [] and budget.left == MAX_BYTES


def test_the_name_keeps_only_its_last_part_and_a_bounded_length(attachments_dir):
    taken = intake(attachments_dir, "C:\\Users\\melder\\" + "a" * 300 + ".txt", None)
    taken.end()
    result = taken.finish()
    assert result.name == "a" * 255 and result.media_type == "application/octet-stream"
