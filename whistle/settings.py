"""Typed, frozen settings, built once from the environment (and optional TOML file) and
validated at start-up. Tests build their own Settings and pass them to create_app()."""
from __future__ import annotations

import os
import secrets
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

from crypto import INTERACTIVE, KdfParams


class SettingsError(ValueError):
    """A setting is missing or invalid; the message names it."""


def default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "whistle"


@dataclass(frozen=True)
class MailSettings:
    host: str = "127.0.0.1"
    port: int = 25
    sender: str = "whistle@localhost"
    starttls: bool = False
    username: str | None = None
    password: str | None = None


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    secret_key: str
    database_url: str = ""
    # Argon2id cost published to reporters (protocol v1 `kdf`) and used for staff keys.
    reporter_kdf: KdfParams = INTERACTIVE
    staff_kdf: KdfParams = INTERACTIVE
    max_attachment_bytes: int = 2 * 1024**3
    # Plaintext one form post may hold in memory to remove metadata from images and PDFs
    # (whistle.infra.attachment_intake); larger files are encrypted as they arrive, metadata and all.
    metadata_clean_max_bytes: int = 64 * 1024**2
    max_json_bytes: int = 1024 * 1024
    max_form_bytes: int = 1024 * 1024
    base_url: str = "http://127.0.0.1:8080"
    behind_tls: bool = False
    reporter_session_minutes: int = 15
    staff_session_minutes: int = 30
    challenge_seconds: int = 120
    # Abuse limits (whistle.infra.throttle), counted in each process's memory, or in a shared
    # store (throttle_store = "redis://host:6379/0") for several app servers. Failures per
    # window of throttle_window_minutes; intake per organisation per hour.
    throttle_store: str = "memory"
    trusted_proxy_hops: int = 0  # >0 only behind that many proxies that set X-Forwarded-For
    throttle_window_minutes: int = 15
    melder_failures_per_client: int = 10
    melder_failures_global: int = 1000
    challenges_per_client: int = 300
    staff_failures_per_account: int = 10
    intake_cases_per_hour: int = 60
    intake_bytes_per_hour: int = 8 * 1024**3
    # Proof of work on API intake (whistle.infra.work): the base difficulty in leading zero
    # bits of BLAKE2b, and the most it rises to under a flood.
    work_bits: int = 16
    work_max_bits: int = 24
    run_scheduler: bool = False
    # Several app servers (docs/operations.md): a staff session is sealed under a key only its
    # cookie holds, not mixed with the serving process's in-memory key, so any process opens it.
    shared_staff_sessions: bool = False
    mail: MailSettings = field(default_factory=MailSettings)
    testing: bool = False

    def __post_init__(self) -> None:
        if not self.database_url:
            object.__setattr__(self, "database_url", f"sqlite:///{self.data_dir / 'whistle.sqlite3'}")
        if len(self.secret_key) < 32:
            raise SettingsError("secret_key: must be at least 32 characters")
        if self.max_attachment_bytes <= 0:
            raise SettingsError("max_attachment_bytes: must be positive")
        if self.metadata_clean_max_bytes < 0:
            raise SettingsError("metadata_clean_max_bytes: must be zero or more")
        if self.reporter_session_minutes <= 0 or self.staff_session_minutes <= 0:
            raise SettingsError("session minutes: must be positive")
        if self.trusted_proxy_hops < 0:
            raise SettingsError("trusted_proxy_hops: must be zero or more")
        for name in ("throttle_window_minutes", "melder_failures_per_client", "melder_failures_global",
                     "challenges_per_client", "staff_failures_per_account", "intake_cases_per_hour",
                     "intake_bytes_per_hour"):
            if getattr(self, name) <= 0:
                raise SettingsError(f"{name}: must be positive")
        if self.throttle_store != "memory" and not self.throttle_store.startswith(
                ("redis://", "rediss://", "unix://")):
            raise SettingsError('throttle_store: "memory" or a Redis URL (redis://, rediss://, unix://)')
        if not 0 <= self.work_bits <= self.work_max_bits <= 32:
            raise SettingsError("work_bits, work_max_bits: need 0 <= work_bits <= work_max_bits <= 32")

    @property
    def attachments_dir(self) -> Path:
        return self.data_dir / "attachments"

    @property
    def upload_dir(self) -> Path:
        # Same file system as attachments_dir, so finished uploads are moved in atomically.
        return self.data_dir / "attachments" / ".incoming"

    def with_(self, **changes) -> "Settings":
        return replace(self, **changes)


def _secret_key(data_dir: Path) -> str:
    """WHISTLE_SECRET_KEY, else a key generated once into the data directory (mode 0600)."""
    env = os.environ.get("WHISTLE_SECRET_KEY")
    if env:
        return env
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


def _bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


def settings_from_env(environ: dict[str, str] | None = None) -> Settings:
    """Settings from WHISTLE_* variables and, when present, <data_dir>/whistle.toml."""
    env = dict(os.environ if environ is None else environ)
    data_dir = Path(env.get("WHISTLE_DATA_DIR") or default_data_dir()).expanduser().resolve()
    file_values: dict = {}
    config_file = Path(env.get("WHISTLE_CONFIG") or data_dir / "whistle.toml")
    if config_file.exists():
        with config_file.open("rb") as fh:
            file_values = tomllib.load(fh)
    mail = MailSettings(**file_values.pop("mail", {}))
    if "WHISTLE_SMTP_HOST" in env:
        mail = replace(mail, host=env["WHISTLE_SMTP_HOST"])
    if "WHISTLE_SMTP_PORT" in env:
        mail = replace(mail, port=int(env["WHISTLE_SMTP_PORT"]))
    values = dict(file_values)
    for key, conv in (("database_url", str), ("base_url", str), ("behind_tls", _bool),
                      ("run_scheduler", _bool), ("shared_staff_sessions", _bool), ("max_attachment_bytes", int),
                      ("metadata_clean_max_bytes", int), ("trusted_proxy_hops", int),
                      ("throttle_store", str)):
        env_key = "WHISTLE_" + key.upper()
        if env_key in env:
            values[key] = conv(env[env_key])
    for key in ("reporter_kdf", "staff_kdf"):
        if key in values:
            values[key] = KdfParams(**values[key])
    try:
        return Settings(data_dir=data_dir, secret_key=_secret_key(data_dir), mail=mail, **values)
    except TypeError as exc:
        raise SettingsError(f"{config_file}: {exc}") from None
