"""A token bucket per API key: a burst of ``capacity`` requests, refilled evenly over a minute.

The buckets live in the process's memory: one uvicorn worker serves the API (the driver pool and the
limit are per process), so a restart forgets who used what, which only ever lets a client in early.

>>> clock = iter([0.0, 0.0, 0.0, 30.0]).__next__
>>> limiter = RateLimiter(per_minute=2, clock=clock)
>>> limiter.take("key-1"), limiter.take("key-1")
(0.0, 0.0)
>>> limiter.take("key-1")  # bucket empty: wait 30 s for the next token
30.0
>>> limiter.take("key-1")  # half a minute later one token is back
0.0
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["RateLimiter"]


@dataclass
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    """Per-key token buckets; :meth:`take` spends one token or says how long to wait for it."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        if per_minute < 1:
            raise ValueError(f"per_minute must be at least 1, not {per_minute}")
        self.capacity = float(per_minute)
        self._refill_per_s = per_minute / 60.0
        self._clock = clock
        self._buckets: dict[str, _Bucket] = {}
        # Routes run in a thread pool: two requests of one key must not spend the same token.
        self._lock = threading.Lock()

    def take(self, key: str) -> float:
        """Spend one of ``key``'s tokens: 0.0 when it had one, else the seconds until it will."""
        now = self._clock()
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None:
                bucket = self._buckets[key] = _Bucket(self.capacity, now)
            bucket.tokens = min(self.capacity, bucket.tokens + (now - bucket.updated) * self._refill_per_s)
            bucket.updated = now
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                return 0.0
            return (1.0 - bucket.tokens) / self._refill_per_s
