"""What a use case needs besides its actor and input, passed as one value: the caller's unit
of work (a session it commits or rolls back), the settings and the clock. The web builds one per
request, the CLI one per command, the jobs and tests one per transaction."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from whistle.clock import Clock
from whistle.infra.mail import Mailer
from whistle.settings import Settings


@dataclass(frozen=True)
class UseCase:
    session: Session
    settings: Settings
    clock: Clock
    # The key a server process mixes into its staff sessions' sealing (whistle.services.staff
    # .accounts); only a process that serves logins has one.
    process_key: bytes | None = field(default=None, repr=False)

    def today(self) -> date:
        """The date in Europe/Amsterdam: the only time stored for what people do."""
        return self.clock.today()

    @property
    def attachments_dir(self) -> Path:
        return self.settings.attachments_dir

    def mailer(self, timeout: float = 30) -> Mailer:
        return Mailer(self.settings.mail, timeout=timeout)

    def staff_process_key(self) -> bytes:
        if self.process_key is None:
            raise RuntimeError("staff sessions need the serving process's key (UseCase.process_key)")
        return self.process_key
