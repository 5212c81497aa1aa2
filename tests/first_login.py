"""For tests that set up staff through the CLI (issue 10): `whistle user create` gives only a
first passphrase and no key pair. `first_login` does, through the same services as the web
pages, what the member does at their first login (enrol the second factor, choose their own
passphrase, which makes their key pair), then has the organisation key (made when missing)
endorse them. The second factor is cleared again afterwards unless `keep_second_factor`, so a
test that logs in through the pages enrols as a fresh member would."""
from __future__ import annotations

from datetime import timedelta

import pyotp
from sqlalchemy import select

from whistle.clock import Clock
from whistle.infra.db import make_engine, make_session_factory, transaction
from whistle.models import Organisation, Staff
from whistle.services import trust
from whistle.services.context import UseCase
from whistle.services.staff import accounts, second_factor
from whistle.settings import Settings, settings_from_env

FIRST = "the first passphrase someone else chose"
_SEEDS: dict[tuple[str, str], bytes] = {}


def first_login(where: Settings | dict, email: str, own: str, *, first: str = FIRST,
                keep_second_factor: bool = False, endorse: bool = True) -> bytes | None:
    """Returns the organisation key's seed when this call made it."""
    settings = where if isinstance(where, Settings) else settings_from_env(where)
    own = own.rstrip("\n")
    engine = make_engine(settings.database_url)
    clock = Clock()
    try:
        with transaction(make_session_factory(engine)) as s:
            uc = UseCase(s, settings, clock)
            member = s.scalar(select(Staff).where(Staff.email == email))
            secret = second_factor.enrolment(uc, member).secret.replace(" ", "")
            earlier = clock.now() - timedelta(seconds=second_factor.STEP_SECONDS)
            second_factor.confirm_enrolment(uc, member, pyotp.TOTP(secret).at(earlier))
            accounts.change_passphrase(uc, member, first, own)
            if not keep_second_factor:
                member.totp_secret = member.totp_confirmed_on = member.totp_last_step = None
            if not endorse:
                return None
            org = s.get(Organisation, member.organisation_id)
            key = (settings.database_url, org.slug)
            made = None
            if not org.trust_public_key:
                made = _SEEDS[key] = trust.create_trust_key(uc, org.slug, "test")
            trust.endorse(uc, member, actor="test", seed=_SEEDS[key])
            return made
    finally:
        engine.dispose()
