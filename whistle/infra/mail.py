"""Outgoing e-mail over SMTP (settings.mail). Whistle only mails staff, and only to say that a
case needs attention: never content, never anything about the melder."""
from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage

from whistle.settings import MailSettings


class MailError(Exception):
    """The SMTP server could not be reached or refused a message."""


class Mailer:
    """One SMTP connection for a batch of messages: `with Mailer(settings.mail) as m: m.send(...)`.
    The connection opens on the first message, so a batch with nothing to say connects to nothing."""

    def __init__(self, settings: MailSettings, timeout: float = 30) -> None:
        self.settings = settings
        self.timeout = timeout
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> "Mailer":
        return self

    def __exit__(self, *_exc) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                pass
            self._smtp = None

    def _connection(self) -> smtplib.SMTP:
        if self._smtp is None:
            s = self.settings
            try:
                smtp = smtplib.SMTP(s.host, s.port, timeout=self.timeout)
                if s.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if s.username:
                    smtp.login(s.username, s.password or "")
            except (smtplib.SMTPException, OSError) as exc:
                raise MailError(f"cannot reach the SMTP server {s.host}:{s.port}: {exc}") from None
            self._smtp = smtp
        return self._smtp

    def send(self, to: str, subject: str, body: str) -> None:
        msg = EmailMessage()
        msg["From"] = self.settings.sender
        msg["To"] = to
        msg["Subject"] = subject
        # 8bit keeps a long link on one line (quoted-printable would break it up).
        msg.set_content(body, cte="8bit")
        try:
            self._connection().send_message(msg)
        except (smtplib.SMTPException, OSError) as exc:
            # A broken connection is not reused for the next message.
            self._smtp = None
            raise MailError(f"the SMTP server refused a message: {exc}") from None
