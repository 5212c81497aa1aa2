"""`whistle demo`: a demo organisation (Gemeente Demodorp), its staff with fresh random
passphrases printed once, and one example melding so the inbox is not empty.

Everything issue 10 asks of a real organisation happens here too, in one go: the organisation
key is made (its words printed once), the vertrouwenspersoon is endorsed with it, and the
burgemeester by the vertrouwenspersoon. One shortcut, for the demo only: the demo accounts'
key pairs are made at once under the printed passphrases (as if each member had already
logged in and chosen them), so the printed passphrases are the members' own."""
from __future__ import annotations

import secrets

import crypto
from sqlalchemy import select

from whistle.domain.offices import Office
from whistle.domain.regeling import shipped_regeling_paths
from whistle.domain.roles import StaffRole
from whistle.models import Organisation
from whistle.services.context import UseCase
from whistle.services.melder import intake
from whistle.services.organisations import create_organisation
from whistle.services import trust
from whistle.services.staff import keys
from whistle.services.staff.accounts import StaffPrincipal, create_staff
from whistle.services.staff.recovery import encode_secret
from whistle.settings import Settings

SLUG = "demo"
USERS = (
    (StaffRole.COUNSELLOR, "vertrouwenspersoon@demo.example", "Vertrouwenspersoon integriteit"),
    (StaffRole.AUTHORITY, "burgemeester@demo.example", "Burgemeester"),
    (StaffRole.ADMIN, "beheer@demo.example", "Functioneel beheer"),
)
# A second organisation, a work company under its own regeling and in its own colours
# (config/organisations/senzer.toml [theme]), so the demo shows two looks side by side.
SECOND = ("senzer", "Senzer (demo)", (
    (StaffRole.COUNSELLOR, "vertrouwenspersoon@senzer.demo.example", "Vertrouwenspersoon Senzer"),
    (StaffRole.AUTHORITY, "directie@senzer.demo.example", "Directie"),
))
OFFICES = {SLUG: Office.BURGEMEESTER, "senzer": Office.DIRECTIE}


def new_passphrase() -> str:
    raw = secrets.token_urlsafe(18)
    return "-".join(raw[i:i + 6] for i in range(0, 24, 6))


def set_up(uc: UseCase) -> list[str]:
    if uc.session.scalar(select(Organisation.id).where(Organisation.slug == SLUG)):
        return ["De demo-organisatie bestaat al; de wachtwoordzinnen zijn bij de eerste start getoond.",
                "Begin opnieuw met een lege map: WHISTLE_DATA_DIR=<nieuwe map> whistle demo"]
    lines = _organisation(uc, SLUG, "Gemeente Demodorp", USERS)
    case, code = intake.submit_plain(
        uc, SLUG,
        {"what": "Voorbeeldmelding: bij de aanbesteding van het groenonderhoud lijkt een "
                 "leverancier voorkennis te hebben gehad.", "where": "Afdeling inkoop"},
        None, [])
    lines += ["", f"Voorbeeldmelding {case.ref}, melderscode: {code}", ""]
    slug, name, users = SECOND
    if not uc.session.scalar(select(Organisation.id).where(Organisation.slug == slug)):
        lines += _organisation(uc, slug, name, users) + [""]
    lines += ["Melder:             /o/demo/ (en /o/senzer/, in de kleuren van Senzer)",
              "Vertrouwenspersoon: /vp/login"]
    return lines


def _organisation(uc: UseCase, slug: str, name: str, users) -> list[str]:
    """An organisation under its shipped regeling, its trust key, and its staff with their keys
    (the counsellor endorsed by the trust key, the authority member by the counsellor)."""
    regeling = next(p for p in shipped_regeling_paths() if p.stem == slug)
    create_organisation(uc, slug=slug, name=name, actor="demo", regeling_file=regeling)
    seed = trust.create_trust_key(uc, slug, "demo")
    lines = [f"Demo-organisatie: {name}", "",
             f"Organisatiesleutel (vingerafdruk {crypto.fingerprint(crypto.signing_verify_key(seed))}):",
             f"    {encode_secret(seed)}", "",
             "Demo-accounts (wachtwoordzinnen worden maar één keer getoond):"]
    counsellor = None
    for role, email, display_name in users:
        passphrase = new_passphrase()
        member = create_staff(uc, org_slug=slug, role=role, email=email,
                              passphrase=passphrase, actor="demo", display_name=display_name,
                              authority_function=OFFICES[slug] if role == StaffRole.AUTHORITY else None)
        secret = keys.make_own_key_pair(uc, member, passphrase)
        member.must_change_passphrase = False  # the demo's shortcut (see above)
        if role == StaffRole.COUNSELLOR:
            trust.endorse(uc, member, actor="demo", seed=seed)
            counsellor = StaffPrincipal(member, secret, b"")
        elif role == StaffRole.AUTHORITY:
            trust.endorse(uc, member, actor=counsellor.staff.email, by=counsellor)
        lines.append(f"  {role:<11} {email:<40} {passphrase}")
    return lines
