"""Request pacing shared by a destination's workers, and the backoff between tries of a batch."""

from __future__ import annotations

import random
import threading
import time


class RateLimiter:
    """Spaces requests ``1 / per_second`` apart across threads (no bursts); ``hold`` pauses everyone, e.g. for
    a vendor's Retry-After. ``per_second`` None or 0: no limit (``hold`` still applies)."""

    def __init__(self, per_second: float | None):
        self.interval = 1.0 / per_second if per_second else 0.0
        self._next = time.monotonic()
        self._lock = threading.Lock()

    def acquire(self) -> None:
        with self._lock:
            now = time.monotonic()
            slot = max(self._next, now)
            self._next = slot + self.interval
        if slot > now:
            time.sleep(slot - now)

    def hold(self, seconds: float) -> None:
        with self._lock:
            self._next = max(self._next, time.monotonic() + seconds)


def backoff_seconds(
    attempt: int,
    retry_after: float | None,
    *,
    base: float = 0.5,
    cap: float = 30.0,
    rng: random.Random | None = None,
) -> float:
    """Seconds before try ``attempt + 1``: the vendor's Retry-After plus a little jitter when it sent one,
    else "full jitter" exponential backoff, uniform in [0, min(cap, base * 2 ** (attempt - 1))]."""
    rng = rng or random
    if retry_after is not None:
        return retry_after + rng.uniform(0, min(1.0, 0.1 * retry_after + 0.05))
    return rng.uniform(0, min(cap, base * 2 ** (attempt - 1)))
