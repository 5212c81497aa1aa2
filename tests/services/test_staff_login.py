"""Staff login through the use cases, without pages: the passphrase opens a pending login that
opens nothing; the second factor (set up on the first login) turns it into a session that
unseals the member's key; a recovery code works once; a wrong code changes nothing."""
from __future__ import annotations

import dataclasses
import secrets

import pyotp
import pytest
from sqlalchemy import select

import crypto
from tests.conftest import PASSPHRASE
from whistle.models import Staff, StaffSession
from whistle.services.errors import Unauthorized
from whistle.services.staff import accounts, login, second_factor

PROCESS_KEY = secrets.token_bytes(32)


@pytest.fixture
def serving(use_case):
    """The context of a serving process: it holds the key mixed into staff sessions."""
    return lambda session: dataclasses.replace(use_case(session), process_key=PROCESS_KEY)


def code_now(world, email: str) -> str:
    with world.db() as s:
        member = s.scalar(select(Staff).where(Staff.email == email))
        return pyotp.TOTP(second_factor.authenticator_secret(world.settings, member)).at(world.clock.now())


def test_the_first_login_sets_up_the_second_factor_and_opens_the_members_key(world, db, serving):
    world.org("deventer")
    member = world.staff(email="vp@deventer.example", enrolled=False)
    with db() as s:
        pending = login.start(serving(s), "vp@deventer.example", PASSPHRASE)
        token = pending.token
    assert pending.enrolled is False
    with db() as s:
        # The pending login opens nothing yet.
        assert accounts.resume(serving(s), token) is None
    with db() as s:
        pending = login.pending(serving(s), token)
        secret = login.enrolment(serving(s), pending).secret.replace(" ", "")
    with db() as s:
        done = login.enrol(serving(s), login.pending(serving(s), token),
                           pyotp.TOTP(secret).at(world.clock.now()))
    assert len(done.recovery_codes) == second_factor.RECOVERY_CODES
    assert crypto.public_from_secret(done.principal.secret_key) == member.public_key
    with db() as s:
        resumed = accounts.resume(serving(s), done.principal.token)
        assert resumed.staff.email == "vp@deventer.example" and resumed.secret_key == done.principal.secret_key
        with pytest.raises(Unauthorized):  # the pending token was replaced, never promoted
            login.pending(serving(s), token)


def test_the_second_step_takes_a_code_once_and_a_recovery_code_once(world, db, serving):
    world.org("deventer")
    world.staff(email="vp@deventer.example", enrolled=False)
    with db() as s:
        pending = login.start(serving(s), "vp@deventer.example", PASSPHRASE)
        secret = login.enrolment(serving(s), pending).secret.replace(" ", "")
        codes = login.enrol(serving(s), pending, pyotp.TOTP(secret).at(world.clock.now())).recovery_codes
    world.clock.advance(seconds=second_factor.STEP_SECONDS)

    with db() as s:
        token = login.start(serving(s), "vp@deventer.example", PASSPHRASE).token
    with db() as s:
        done = login.second_step(serving(s), login.pending(serving(s), token), code_now(world, "vp@deventer.example"))
    assert done.recovery_codes_left is None

    with db() as s:
        token = login.start(serving(s), "vp@deventer.example", PASSPHRASE).token
    with pytest.raises(Unauthorized) as reused:
        with db() as s:
            login.second_step(serving(s), login.pending(serving(s), token), code_now(world, "vp@deventer.example"))
    assert reused.value.message == second_factor.REUSED
    with db() as s:
        done = login.second_step(serving(s), login.pending(serving(s), token), codes[0].lower())
    assert done.recovery_codes_left == second_factor.RECOVERY_CODES - 1

    with db() as s:
        token = login.start(serving(s), "vp@deventer.example", PASSPHRASE).token
        sessions = len(s.scalars(select(StaffSession.digest)).all())
    with pytest.raises(Unauthorized):
        with db() as s:
            login.second_step(serving(s), login.pending(serving(s), token), codes[0])
    with db() as s:
        assert len(s.scalars(select(StaffSession.digest)).all()) == sessions  # nothing changed
        assert login.pending(serving(s), token).member.email == "vp@deventer.example"


def test_a_wrong_passphrase_opens_no_pending_login(world, db, serving):
    world.org("deventer")
    world.staff(email="vp@deventer.example")
    with pytest.raises(Unauthorized) as wrong:
        with db() as s:
            login.start(serving(s), "vp@deventer.example", "not the passphrase at all")
    with pytest.raises(Unauthorized) as unknown:
        with db() as s:
            login.start(serving(s), "nobody@deventer.example", PASSPHRASE)
    assert wrong.value.message == unknown.value.message
    with db() as s:
        assert s.scalars(select(StaffSession.digest)).all() == []


def test_without_the_serving_process_key_no_staff_session_is_made(world, db, use_case):
    world.org("deventer")
    world.staff(email="vp@deventer.example")
    with pytest.raises(RuntimeError):
        with db() as s:
            login.start(use_case(s), "vp@deventer.example", PASSPHRASE)
