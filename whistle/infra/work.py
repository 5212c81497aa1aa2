"""Proof of work for anonymous intake through the API (issue 11), made and checked here, no
third party: a BLAKE2b hash puzzle the melder's own client solves.

A challenge is stateless: `expires (8) | bits (1) | random (16)`, MACed with a key that lives in
this process's memory (made before gunicorn forks, so every worker shares it) and bound to the
organisation. A solution is a nonce such that BLAKE2b-256(challenge || nonce) starts with `bits`
zero bits. Each challenge is accepted once: spent ones are remembered until they expire, in a
bounded map. The difficulty an organisation asks rises by one bit each time its accepted
submissions in the last ten minutes double past a free rate, and falls back as they age out;
it never shuts anyone out, it only makes each submission cost more."""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import math
import secrets
import struct
import threading
from collections import deque

from whistle.clock import Clock
from whistle.infra.throttle_store import RedisStore, StoreUnavailable

CHALLENGE_SECONDS = 600
RATE_WINDOW = 600  # seconds over which an organisation's intake rate is counted
FREE_RATE = 20  # accepted submissions per window before the difficulty rises
MAX_SPENT = 100_000
_BODY = struct.Struct(">QB16s")
_MAC = 16


class WorkRefused(Exception):
    pass


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def leading_zero_bits(digest: bytes) -> int:
    value = int.from_bytes(digest, "big")
    return len(digest) * 8 - value.bit_length()


def solve(challenge: str, bits: int) -> str:
    """The client's side (the reference client, tests and benches): the first nonce that works."""
    raw = _unb64(challenge)
    for counter in range(1 << 40):
        nonce = counter.to_bytes(8, "little")
        if leading_zero_bits(hashlib.blake2b(raw + nonce, digest_size=32).digest()) >= bits:
            return _b64(nonce)
    raise RuntimeError("no solution")  # pragma: no cover - 2**40 tries


class WorkStamps:
    """Challenges issued and checked. `key` (the same on every app server, derived from the
    secret key) lets any server check a challenge another issued; `store` (the shared throttle
    store) makes a spent challenge spent everywhere and the intake rate that raises the
    difficulty one across servers. Without a store, both are this process's own, and when the
    store does not answer this process's own take over."""

    def __init__(self, clock: Clock, base_bits: int, max_bits: int, *, key: bytes | None = None,
                 store: RedisStore | None = None) -> None:
        self.clock, self.base_bits, self.max_bits = clock, base_bits, max_bits
        self._key = key or secrets.token_bytes(32)
        self.store = store
        self._spent: dict[bytes, float] = {}
        self._accepted: dict[str, deque] = {}
        self._lock = threading.Lock()

    def _now(self) -> float:
        return self.clock.now().timestamp()

    def _mac(self, org: str, body: bytes) -> bytes:
        return hashlib.blake2b(org.encode() + b"\0" + body, key=self._key, digest_size=_MAC).digest()

    def required_bits(self, org: str) -> int:
        now = self._now()
        with self._lock:
            recent = self._accepted.get(org)
            while recent and recent[0] < now - RATE_WINDOW:
                recent.popleft()
            count = len(recent) if recent else 0
        if self.store is not None:
            try:
                count = max(count, self.store.read("work-accepted", org.encode())[0])
            except StoreUnavailable:
                pass
        extra = int(math.log2(count / FREE_RATE)) + 1 if count >= FREE_RATE else 0
        return min(self.base_bits + extra, self.max_bits)

    def issue(self, org: str) -> dict:
        bits = self.required_bits(org)
        body = _BODY.pack(int(self._now()) + CHALLENGE_SECONDS, bits, secrets.token_bytes(16))
        return {"algorithm": "blake2b-256-leading-zero-bits", "challenge": _b64(body + self._mac(org, body)),
                "bits": bits, "expires_in": CHALLENGE_SECONDS}

    def check(self, org: str, challenge: str, nonce: str) -> None:
        """Refuse unless `nonce` solves a live challenge of this server for `org`, at no less
        than one bit under the difficulty asked now, not used before. Then it is spent."""
        try:
            raw, nonce_raw = _unb64(challenge), _unb64(nonce)
        except (binascii.Error, ValueError):
            raise WorkRefused("malformed") from None
        if len(raw) != _BODY.size + _MAC or not 1 <= len(nonce_raw) <= 32:
            raise WorkRefused("malformed")
        body, mac = raw[:_BODY.size], raw[_BODY.size:]
        if not hmac.compare_digest(mac, self._mac(org, body)):
            raise WorkRefused("not ours")
        expires, bits, _ = _BODY.unpack(body)
        now = self._now()
        if expires < now:
            raise WorkRefused("expired")
        if bits < self.required_bits(org) - 1:
            raise WorkRefused("too easy for now")
        if leading_zero_bits(hashlib.blake2b(raw + nonce_raw, digest_size=32).digest()) < bits:
            raise WorkRefused("not solved")
        if self.store is not None:
            try:
                if not self.store.claim("work-spent", mac, int(expires - now) + 1):
                    raise WorkRefused("used")
            except StoreUnavailable:
                pass
        with self._lock:
            if mac in self._spent:
                raise WorkRefused("used")
            if len(self._spent) >= MAX_SPENT:
                self._spent = {k: v for k, v in self._spent.items() if v >= now}
                if len(self._spent) >= MAX_SPENT:  # still full of live ones: refuse until some expire
                    raise WorkRefused("busy")
            self._spent[mac] = expires

    def accepted(self, org: str) -> None:
        with self._lock:
            self._accepted.setdefault(org, deque(maxlen=1 << 16)).append(self._now())
        if self.store is not None:
            try:
                self.store.add("work-accepted", org.encode(), 1, RATE_WINDOW)
            except StoreUnavailable:
                pass


def stamp_key(secret_key: str) -> bytes:
    """The challenges' MAC key, derived from the installation's secret key: the same on every
    app server, so a challenge one issued is checked by another."""
    return hashlib.blake2b(secret_key.encode(), digest_size=32, person=b"whistle-work").digest()
