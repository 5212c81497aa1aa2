"""Where the abuse limits count when several app servers share one installation (issue 17.4).

`memory` (the default) counts in each process, as whistle.infra.throttle always did. A Redis URL
(`redis://host:6379/0`) counts in Redis, so every process behind the proxy sees the same
failures and the same intake per organisation; the key that hashes client addresses and
account e-mail addresses is then shared too, made at random in Redis and replaced each day.

What Redis holds: for each counter, a 16-byte keyed hash and a number, expiring with its window;
and today's random hashing key, expiring after two days. Never an address, an e-mail address or
a time of a request. Configure Redis without persistence (`save ""`, `appendonly no`) so none
of it reaches a disk (docs/operations.md).

When Redis does not answer, every limit falls back to this process's own counters (which are
always kept as well) and Redis is tried again after RETRY_SECONDS: the channel stays open and
the limits still hold per process, as with `memory`."""
from __future__ import annotations

import logging
import secrets
import threading
import time
from datetime import date

log = logging.getLogger(__name__)

PREFIX = "whistle:throttle:"
TIMEOUT_SECONDS = 0.5     # a slow store must not slow every page
RETRY_SECONDS = 30.0      # after a failure, count in-process this long before asking again
KEY_TTL_SECONDS = 2 * 86400


class StoreUnavailable(Exception):
    """The shared store did not answer; the caller counts in its own process."""


class RedisStore:
    """Fixed-window counters and the daily hashing key in Redis (redis-py)."""

    def __init__(self, url: str, prefix: str | None = None) -> None:
        import redis  # only an installation that configures it needs the package
        self._errors = (redis.RedisError, OSError)
        self.client = redis.Redis.from_url(url, socket_timeout=TIMEOUT_SECONDS,
                                           socket_connect_timeout=TIMEOUT_SECONDS)
        self.prefix = prefix or PREFIX
        self._down_until = 0.0
        self._lock = threading.Lock()

    def _call(self, action):
        if time.monotonic() < self._down_until:
            raise StoreUnavailable()
        try:
            return action()
        except self._errors as exc:
            with self._lock:
                first = time.monotonic() >= self._down_until
                self._down_until = time.monotonic() + RETRY_SECONDS
            if first:  # once per outage; nothing about any client
                log.warning("throttle store unreachable (%s); counting in this process for %ds",
                            type(exc).__name__, RETRY_SECONDS)
            raise StoreUnavailable() from None

    def _key(self, name: str, key: bytes) -> str:
        return f"{self.prefix}{name}:{key.hex()}"

    def read(self, name: str, key: bytes) -> tuple[int, int]:
        """The amount counted in `key`'s current window and the milliseconds it has left
        (0 amount when no window is open)."""
        def get():
            pipe = self.client.pipeline(transaction=False)
            pipe.get(self._key(name, key))
            pipe.pttl(self._key(name, key))
            return pipe.execute()
        used, ttl = self._call(get)
        return (int(used) if used is not None else 0), max(int(ttl), 0)

    def add(self, name: str, key: bytes, amount: int, seconds: int) -> None:
        """Count `amount` in `key`'s window, opening one of `seconds` when none is open."""
        def incr():
            pipe = self.client.pipeline(transaction=True)
            pipe.set(self._key(name, key), 0, ex=seconds, nx=True)
            pipe.incrby(self._key(name, key), amount)
            pipe.execute()
        self._call(incr)

    def claim(self, name: str, key: bytes, seconds: int) -> bool:
        """Mark `key` used for `seconds`; False when it was already marked (by any process)."""
        return bool(self._call(lambda: self.client.set(self._key(name, key), 1, ex=max(seconds, 1), nx=True)))

    def daily_key(self, purpose: str, today: date) -> bytes:
        """Today's random key for `purpose`, the same for every process (the first one to ask
        makes it)."""
        name = f"{self.prefix}key:{purpose}:{today.isoformat()}"

        def get_or_make():
            self.client.set(name, secrets.token_bytes(32), ex=KEY_TTL_SECONDS, nx=True)
            return self.client.get(name)
        value = self._call(get_or_make)
        if not value or len(value) != 32:
            raise StoreUnavailable()
        return value


def open_store(url: str) -> RedisStore | None:
    """None for `memory`; a RedisStore for a redis:// , rediss:// or unix:// URL."""
    if url == "memory":
        return None
    return RedisStore(url)
