"""Abuse limits without surveillance.

Guessing receipt codes or challenge signatures, guessing a staff member's passphrase or second
factor, and flooding an organisation with meldingen are each counted in this process's memory,
in fixed windows. A client is known only by a keyed BLAKE2b hash of its network address (an
IPv6 address by its /64), under a random key that lives in memory and is replaced every day:
the address itself is never kept, and nothing here is ever written to disk. A staff account is
counted by a keyed hash of its e-mail address.

Every limit is checked before the request is looked at, so a throttled answer is the same
whether a case or account exists or not. Counters are per process unless `throttle_store`
names a shared store (whistle.infra.throttle_store, Redis): then every process behind the proxy
counts in it, with the same daily key, and each still keeps its own counters to fall back on
when the store does not answer (docs/operations.md)."""
from __future__ import annotations

import hashlib
import ipaddress
import math
import secrets
import threading
from datetime import date

from whistle.clock import Clock
from whistle.infra.throttle_store import RedisStore, StoreUnavailable, open_store
from whistle.services.errors import TooManyRequests
from whistle.settings import Settings

MELDER = "Te veel mislukte pogingen om in te loggen. Probeer het over {wait} opnieuw."
STAFF = "Te veel mislukte pogingen voor dit account. Probeer het over {wait} opnieuw."
INTAKE = ("Bij deze organisatie komen op dit moment ongewoon veel meldingen binnen. Uw melding "
          "is niet verstuurd en niet opgeslagen. Probeer het over {wait} opnieuw; als u in uw "
          "browser teruggaat, staat uw tekst er meestal nog.")


STAFF_CLIENT_FACTOR = 5


class Window:
    """Amounts per key in fixed windows of `seconds`; thread-safe, bounded in memory. With a
    shared store the window is counted there as well, and the store's count decides while it
    answers."""

    def __init__(self, limit: int, seconds: int, max_keys: int = 100_000, *,
                 store: RedisStore | None = None, name: str = "") -> None:
        self.limit, self.seconds, self.max_keys = limit, seconds, max_keys
        self.store, self.name = store, name
        self._counts: dict[bytes, tuple[float, int]] = {}
        self._lock = threading.Lock()

    def retry_after(self, key: bytes, now: float) -> int:
        """Seconds until `key` may go on; 0 while it is within its limit."""
        if self.store is not None:
            try:
                used, left_ms = self.store.read(self.name, key)
                return (math.ceil(left_ms / 1000) or 1) if used >= self.limit else 0
            except StoreUnavailable:
                pass
        with self._lock:
            start, used = self._current(key, now)
        return math.ceil(start + self.seconds - now) if used >= self.limit else 0

    def add(self, key: bytes, now: float, amount: int = 1) -> None:
        with self._lock:
            start, used = self._current(key, now)
            self._counts[key] = (start, used + amount)
            if len(self._counts) > self.max_keys:
                self._prune(now)
        if self.store is not None:
            try:
                self.store.add(self.name, key, amount, self.seconds)
            except StoreUnavailable:
                pass

    def _current(self, key: bytes, now: float) -> tuple[float, int]:
        start, used = self._counts.get(key, (now, 0))
        return (now, 0) if now >= start + self.seconds else (start, used)

    def _prune(self, now: float) -> None:
        self._counts = {k: v for k, v in self._counts.items() if now < v[0] + self.seconds}
        if len(self._counts) > self.max_keys:
            # Still full (a flood from many addresses): forget the oldest half; the global
            # limits do not depend on these counters.
            keep = sorted(self._counts.items(), key=lambda kv: kv[1][0])[len(self._counts) // 2:]
            self._counts = dict(keep)


class DailyKey:
    """A random hashing key that lives one day: in this process's memory, or, with a shared
    store, the same in every process (made there by the first to ask)."""

    def __init__(self, purpose: str, store: RedisStore | None = None) -> None:
        self.purpose, self.store = purpose, store
        self._day: date | None = None
        self._key = b""
        self._shared = False
        self._lock = threading.Lock()

    def current(self, today: date) -> bytes:
        with self._lock:
            if today == self._day and (self._shared or self.store is None):
                return self._key
        shared = None
        if self.store is not None:
            try:
                shared = self.store.daily_key(self.purpose, today)
            except StoreUnavailable:
                pass
        with self._lock:
            if shared is not None:
                self._day, self._key, self._shared = today, shared, True
            elif today != self._day:
                self._day, self._key, self._shared = today, secrets.token_bytes(32), False
            return self._key


class ClientKeys:
    """Keyed hashes of client addresses under a key that lives for one day."""

    def __init__(self, store: RedisStore | None = None) -> None:
        self._daily = DailyKey("client", store)

    def key(self, address: str, today: date) -> bytes:
        return hashlib.blake2b(network_of(address).encode(), key=self._daily.current(today),
                               digest_size=16).digest()


def network_of(address: str) -> str:
    """What counts as one client: an IPv4 address, or an IPv6 /64 (one household or server)."""
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return "unknown"
    if ip.version == 6:
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def client_address(remote_addr: str | None, forwarded_for: str | None, trusted_hops: int) -> str:
    """The client's address: the socket's peer, or, only behind `trusted_hops` proxies that
    append to X-Forwarded-For, the entry that many places from the right (earlier entries are
    whatever the client chose to send)."""
    if trusted_hops > 0 and forwarded_for:
        hops = [part.strip() for part in forwarded_for.split(",") if part.strip()]
        if len(hops) >= trusted_hops:
            return hops[-trusted_hops]
    return remote_addr or ""


def _wait(seconds: int) -> str:
    minutes = math.ceil(seconds / 60)
    return "een minuut" if minutes <= 1 else f"{minutes} minuten"


class Throttle:
    """All limits of one server process, from the settings (see Settings, 'abuse limits')."""

    def __init__(self, settings: Settings, clock: Clock) -> None:
        window = settings.throttle_window_minutes * 60
        self.clock = clock
        store = self.store = open_store(settings.throttle_store)
        self.clients = ClientKeys(store)
        self._account_key = DailyKey("account", store)
        self._melder_client = Window(settings.melder_failures_per_client, window, store=store, name="melder")
        self._melder_global = Window(settings.melder_failures_global, window, store=store, name="melder-all")
        self._challenges = Window(settings.challenges_per_client, window, store=store, name="challenge")
        # Per account *and* client: an attacker elsewhere cannot lock the member out. One
        # client spraying many accounts meets a wider budget of its own.
        self._staff = Window(settings.staff_failures_per_account, window, store=store, name="staff")
        self._staff_client = Window(STAFF_CLIENT_FACTOR * settings.staff_failures_per_account, window,
                                    store=store, name="staff-client")
        self._cases = Window(settings.intake_cases_per_hour, 3600, store=store, name="cases")
        self._bytes = Window(settings.intake_bytes_per_hour, 3600, store=store, name="bytes")

    def _now(self) -> float:
        return self.clock.now().timestamp()

    def client(self, address: str) -> bytes:
        return self.clients.key(address, self.clock.today())

    def _account(self, email: str) -> bytes:
        return hashlib.blake2b((email or "").strip().lower().encode(),
                               key=self._account_key.current(self.clock.today()), digest_size=16).digest()

    @staticmethod
    def _refuse(message: str, *waits: int) -> None:
        wait = max(waits)
        if wait:
            raise TooManyRequests(message.format(wait=_wait(wait)), retry_after=wait)

    # Receipt codes (no-JS) and challenge signatures (API) share one budget per client.
    def check_melder_login(self, client: bytes) -> None:
        now = self._now()
        self._refuse(MELDER, self._melder_client.retry_after(client, now),
                     self._melder_global.retry_after(b"all", now))

    def melder_login_failed(self, client: bytes) -> None:
        now = self._now()
        self._melder_client.add(client, now)
        self._melder_global.add(b"all", now)

    def take_challenge(self, client: bytes) -> None:
        """Challenges cost a row each: counted when asked for, and refused past the budget."""
        now = self._now()
        self._refuse(MELDER, self._challenges.retry_after(client, now),
                     self._melder_global.retry_after(b"all", now))
        self._challenges.add(client, now)

    def check_staff_login(self, email: str, client: bytes) -> None:
        now = self._now()
        self._refuse(STAFF, self._staff.retry_after(self._account(email) + client, now),
                     self._staff_client.retry_after(client, now))

    def staff_login_failed(self, email: str, client: bytes) -> None:
        now = self._now()
        self._staff.add(self._account(email) + client, now)
        self._staff_client.add(client, now)

    # What anonymous melders may add to one organisation per hour.
    def check_intake(self, org_slug: str, *, new_case: bool) -> None:
        now, key = self._now(), org_slug.encode()
        waits = [self._bytes.retry_after(key, now)]
        if new_case:
            waits.append(self._cases.retry_after(key, now))
        self._refuse(INTAKE, *waits)

    def intake_used(self, org_slug: str, *, cases: int, size: int) -> None:
        now, key = self._now(), org_slug.encode()
        if cases:
            self._cases.add(key, now, cases)
        if size:
            self._bytes.add(key, now, size)

