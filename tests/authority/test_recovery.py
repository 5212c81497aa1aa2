"""The organisation's recovery key: made once, the private half shown once as checkable words
and stored nowhere; every new case key is wrapped to it; a counsellor who lost their
passphrase gets a new one and their access back with the recovery secret."""
import pytest
from sqlalchemy import select

import crypto
from tests.authority.conftest import escalate, in_behandeling, send_melding, staff_id
from whistle.models import AccessToRestore, CaseKey, Organisation
from whistle.services.authority import decisions as authority
from whistle.services.counsellor import betrokkenen as concerned
from whistle.services.counsellor import case as counsellor
from whistle.services.staff import recovery
from whistle.services.errors import InvalidInput, NotFound

NEW_PASSPHRASE = "a brand new passphrase for vp"


def make_key(db, use_case, world) -> bytes:
    """The recovery key, endorsed with the organisation key (which the test world holds)."""
    with db() as s:
        return recovery.create_recovery_key(use_case(s), "deventer", "test", world.trust_seeds["deventer"])


def test_words_round_trip_and_catch_typing_errors():
    secret = crypto.new_box_keypair()[1]
    words = recovery.encode_secret(secret)
    assert len(words.split()) == 12 and all(len(w) == 5 for w in words.split())
    assert recovery.decode_secret(words) == secret
    assert recovery.decode_secret(words.lower().replace(" ", "-")) == secret
    changed = ("1" if words[0] != "1" else "2") + words[1:]
    with pytest.raises(InvalidInput):
        recovery.decode_secret(changed)
    with pytest.raises(InvalidInput):
        recovery.decode_secret(words[:-1])


def test_the_key_is_made_once_and_only_its_public_half_is_stored(town, db, use_case):
    secret = make_key(db, use_case, town)
    with db() as s:
        org = s.scalar(select(Organisation).where(Organisation.slug == "deventer"))
        assert org.recovery_public_key == crypto.public_from_secret(secret)
    with pytest.raises(InvalidInput):
        make_key(db, use_case, town)


def test_a_lost_passphrase_is_recovered_with_the_recovery_key(town, db, use_case, as_staff, browser, settings):
    secret = make_key(db, use_case, town)
    send_melding(browser)
    with db() as s:
        ref = counsellor.inbox(s, as_staff(s))[0].ref
        case_id = counsellor.inbox(s, as_staff(s))[0].id
        assert s.scalar(select(CaseKey.id).where(CaseKey.case_id == case_id, CaseKey.staff_id.is_(None)))
    # vp loses their passphrase; the operator gives them a new one and a new key pair.
    with db() as s:
        member, waiting = recovery.reset_passphrase(use_case(s), email="vp@deventer.example",
                                                    passphrase=NEW_PASSPHRASE, actor="cli")
    assert waiting == 1
    from whistle.services.staff import accounts as staff
    with db() as s:
        new_secret = staff.check_passphrase(s, "vp@deventer.example", NEW_PASSPHRASE)[1]
        principal = staff.StaffPrincipal(s.scalar(select(staff.Staff).where(staff.Staff.id == member.id)), new_secret, b"")
        assert counsellor.inbox(s, principal) == []
    # A wrong key, or another organisation's, restores nothing.
    with db() as s:
        with pytest.raises(InvalidInput):
            recovery.restore_access(use_case(s), org_slug="deventer", email="vp@deventer.example",
                                    secret=crypto.new_box_keypair()[1], ref=None, actor="cli")
    with db() as s:
        done = recovery.restore_access(use_case(s), org_slug="deventer", email="vp@deventer.example",
                                       secret=recovery.decode_secret(recovery.encode_secret(secret)),
                                       ref=None, actor="cli")
    assert done.cases == [ref] and done.skipped == []
    with db() as s:
        principal = staff.StaffPrincipal(s.get(staff.Staff, member.id), new_secret, b"")
        assert counsellor.open_case(use_case(s), principal, ref).report["what"]
        assert s.scalar(select(AccessToRestore.id)) is None
        with pytest.raises(InvalidInput):  # nothing left to restore
            recovery.restore_access(use_case(s), org_slug="deventer", email="vp@deventer.example",
                                    secret=secret, ref=None, actor="cli")


def test_an_authority_member_gets_their_dossier_back_but_never_as_betrokkene(melding, town, db, use_case, as_staff, settings):
    secret = make_key(db, use_case, town)
    with db() as s:
        counsellor.open_case(use_case(s), as_staff(s), melding.ref)  # wraps the older case to the recovery key
    in_behandeling(db, use_case, as_staff, melding.ref)
    ref, _ = escalate(db, use_case, as_staff, melding.ref)
    for who in ("wethouder", "wethouder2"):
        with db() as s:
            recovery.reset_passphrase(use_case(s), email=f"{who}@deventer.example",
                                      passphrase=NEW_PASSPHRASE, actor="cli")
    with db() as s:
        concerned.mark(use_case(s), as_staff(s), melding.ref, [staff_id(db, "wethouder2")])
    with db() as s:
        back = recovery.restore_access(use_case(s), org_slug="deventer", email="wethouder@deventer.example",
                                       secret=secret, ref=melding.ref, actor="cli")
        skipped = recovery.restore_access(use_case(s), org_slug="deventer", email="wethouder2@deventer.example",
                                          secret=secret, ref=None, actor="cli")
    assert back.dossiers == [melding.ref]
    assert skipped.dossiers == [] and "betrokkene" in skipped.skipped[0][1]
    from whistle.services.staff import accounts as staff
    with db() as s:
        w = staff.check_passphrase(s, "wethouder@deventer.example", NEW_PASSPHRASE)
        assert authority.read(use_case(s), staff.StaffPrincipal(*w, b""), ref).entries
        w2 = staff.check_passphrase(s, "wethouder2@deventer.example", NEW_PASSPHRASE)
        with pytest.raises(NotFound):
            authority.read(use_case(s), staff.StaffPrincipal(*w2, b""), ref)


def test_a_case_made_before_the_key_is_covered_once_a_counsellor_opens_it(melding, town, db, use_case, as_staff, settings):
    secret = make_key(db, use_case, town)
    with db() as s:
        recovery.reset_passphrase(use_case(s), email="vp2@deventer.example",
                                  passphrase=NEW_PASSPHRASE, actor="cli")
    with db() as s:
        early = recovery.restore_access(use_case(s), org_slug="deventer", email="vp2@deventer.example",
                                        secret=secret, ref=None, actor="cli")
    assert early.cases == [] and "before the recovery key" in early.skipped[0][1]
    with db() as s:
        counsellor.open_case(use_case(s), as_staff(s), melding.ref)  # vp still holds it: now covered
    with db() as s:
        later = recovery.restore_access(use_case(s), org_slug="deventer", email="vp2@deventer.example",
                                        secret=secret, ref=melding.ref, actor="cli")
    assert later.cases == [melding.ref]
