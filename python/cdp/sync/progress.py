"""A one-line progress bar on stderr (rows sent of rows planned, rows per second), redrawn at most 10 times a
second; silent when stderr is not a terminal unless forced."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    def __init__(self, label: str, total: int, *, enabled: bool | None = None, stream: TextIO | None = None):
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.label = label
        self.total = max(total, 0)
        self.done = 0
        self.started = time.monotonic()
        self._drawn = 0.0

    def advance(self, rows: int) -> None:
        self.done += rows
        now = time.monotonic()
        if self.enabled and (now - self._drawn >= 0.1 or self.done >= self.total):
            self._drawn = now
            self._draw(now)

    def _draw(self, now: float) -> None:
        width = 30
        share = self.done / self.total if self.total else 1.0
        filled = int(width * share)
        rate = self.done / max(now - self.started, 1e-9)
        bar = "#" * filled + "-" * (width - filled)
        self.stream.write(f"\r{self.label} [{bar}] {self.done:,}/{self.total:,} rows {rate:,.0f} rows/s")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self._draw(time.monotonic())
            self.stream.write("\n")
            self.stream.flush()
