"""Staff login in two steps, as use cases. The passphrase opens a pending login that opens
nothing (whistle.services.staff.accounts); the second factor, or on the first login its
enrolment (whistle.services.staff.second_factor), turns it into a session under a fresh token.
The web keeps only the cookies, the pages and the throttle."""
from __future__ import annotations

from dataclasses import dataclass

from whistle.models import Staff
from whistle.services.context import UseCase
from whistle.services.staff import accounts, second_factor
from whistle.services.staff.accounts import StaffPrincipal


@dataclass(frozen=True)
class PendingLogin:
    """Between the passphrase and the second factor: who, and the pending session's token."""
    member: Staff
    token: bytes

    @property
    def enrolled(self) -> bool:
        """Whether the next step is the second factor (True) or setting it up (False)."""
        return second_factor.is_enrolled(self.member)


@dataclass(frozen=True)
class LoggedIn:
    principal: StaffPrincipal
    # Set when a recovery code was used instead of the app: how many are left, to tell the member.
    recovery_codes_left: int | None = None


@dataclass(frozen=True)
class Enrolled:
    principal: StaffPrincipal
    recovery_codes: list[str]  # shown once, on the answer to the confirmation


def start(uc: UseCase, email: str, passphrase: str) -> PendingLogin:
    """Step one; Unauthorized with one message for every wrong e-mail or passphrase."""
    principal = accounts.log_in(uc, email, passphrase)
    return PendingLogin(principal.staff, principal.token)


def pending(uc: UseCase, token: bytes | None) -> PendingLogin:
    """The login step one opened under `token`; Unauthorized when it expired or never was."""
    return PendingLogin(accounts.pending_staff(uc, token), token)


def second_step(uc: UseCase, login: PendingLogin, code: str) -> LoggedIn:
    """A code from the app (each time-step once) or a recovery code completes the login."""
    how = second_factor.verify(uc, login.member, code)
    principal = accounts.pass_second_factor(uc, login.token)
    if how == "recovery":
        return LoggedIn(principal, second_factor.recovery_codes_left(uc.session, login.member))
    return LoggedIn(principal)


def enrolment(uc: UseCase, login: PendingLogin) -> second_factor.Enrolment:
    """What the member adds to their authenticator app (the secret is made once)."""
    return second_factor.enrolment(uc, login.member)


def enrol(uc: UseCase, login: PendingLogin, code: str) -> Enrolled:
    """The first code from the app confirms the enrolment and completes the login."""
    codes = second_factor.confirm_enrolment(uc, login.member, code)
    return Enrolled(accounts.pass_second_factor(uc, login.token), codes)


def remember_language(member: Staff, language: str, offered: tuple[str, ...]) -> None:
    """At a completed login: the member's mails are written in the language of their pages
    (whistle.services.mail_language), when it is one of the staff's languages."""
    if language in offered and member.language != language:
        member.language = language
