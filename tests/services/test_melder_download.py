"""The melder's attachment download on the server path, as a use case without a page: like the
counsellor's, it opens only an attachment of the melder's own case, and checks the case key
and the file key before a byte is decrypted."""
from __future__ import annotations

import pytest
from sqlalchemy import select

import crypto
from whistle.infra.attachment_intake import AttachmentIntake, MemoryBudget
from whistle.models import Attachment, Case
from whistle.services.errors import NotFound, Unauthorized, UnreadableRecord
from whistle.services.melder import case as melder
from whistle.services.melder import intake


@pytest.fixture
def deventer(world):
    world.org("deventer")
    world.staff("deventer", email="vp@deventer.example")


def melding_with_file(db, settings, use_case, name: str, content: bytes) -> str:
    """A melding made on the server path with one file; returns the receipt code."""
    upload = AttachmentIntake(settings.attachments_dir, settings.max_attachment_bytes, name,
                              "text/plain", MemoryBudget(0))
    upload.feed(content)
    upload.end()
    with db() as s:
        _, code = intake.submit_plain(use_case(s), "deventer", {"what": f"melding met {name}"},
                                      None, [upload.finish()])
    return code


def logged_in(uc, code: str) -> melder.ReporterContext:
    return melder.open_code_session(uc, "deventer", code)


def attachment_id(s, code_ctx: melder.ReporterContext) -> str:
    return s.scalar(select(Attachment.id).where(Attachment.case_id == code_ctx.case.id))


def test_the_melder_downloads_their_own_attachment_decrypted(deventer, db, settings, use_case):
    code = melding_with_file(db, settings, use_case, "eigen.txt", b"EIGEN " * 3000)
    with db() as s:
        ctx = logged_in(use_case(s), code)
        header, plaintext = melder.download(use_case(s), ctx, attachment_id(s, ctx))
        assert header["name"] == "eigen.txt" and header["size"] == 6 * 3000
        assert b"".join(plaintext) == b"EIGEN " * 3000


def test_an_attachment_of_another_case_is_refused_as_if_it_did_not_exist(deventer, db, settings, use_case):
    mine = melding_with_file(db, settings, use_case, "eigen.txt", b"EIGEN")
    theirs = melding_with_file(db, settings, use_case, "ander.txt", b"VAN EEN ANDER")
    with db() as s:
        other = attachment_id(s, logged_in(use_case(s), theirs))
        ctx = logged_in(use_case(s), mine)
        with pytest.raises(NotFound) as refused:
            melder.download(use_case(s), ctx, other)
        with pytest.raises(NotFound) as missing:
            melder.download(use_case(s), ctx, "0" * 32)
        assert refused.value.message == missing.value.message
        # The same rule on the API path, which hands out the ciphertext.
        with pytest.raises(NotFound):
            melder.attachment_body(use_case(s), ctx, other)


def test_a_case_key_that_does_not_match_the_commitment_opens_nothing(deventer, db, settings, use_case):
    code = melding_with_file(db, settings, use_case, "eigen.txt", b"EIGEN")
    with db() as s:
        ctx = logged_in(use_case(s), code)
        att = attachment_id(s, ctx)
        s.scalar(select(Case)).key_commitment = bytes(32)
        with pytest.raises(UnreadableRecord, match="Onleesbaar"):
            melder.download(use_case(s), ctx, att)


def test_an_attachment_record_without_a_valid_file_key_opens_nothing(deventer, db, settings, use_case):
    code = melding_with_file(db, settings, use_case, "eigen.txt", b"EIGEN")
    with db() as s:
        ctx = logged_in(use_case(s), code)
        att = s.get(Attachment, attachment_id(s, ctx))
        att.header = crypto.seal_record(ctx.case_key, "attachment", ctx.binding_hex,
                                        {"name": "eigen.txt", "size": 5, "key": "geen sleutel!"})
        with pytest.raises(UnreadableRecord, match="Onleesbaar"):
            melder.download(use_case(s), ctx, att.id)


def test_a_session_of_the_browser_path_holds_no_key_to_decrypt_with(deventer, db, settings, use_case):
    code = melding_with_file(db, settings, use_case, "eigen.txt", b"EIGEN")
    with db() as s:
        ctx = logged_in(use_case(s), code)
        browser_path = melder.ReporterContext(ctx.case, ctx.token, None)
        with pytest.raises(Unauthorized):
            melder.download(use_case(s), browser_path, attachment_id(s, ctx))
