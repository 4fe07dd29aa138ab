"""Orchestration: population -> per-chunk table generators -> writers."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from cdp.datagen.config import GenConfig
from cdp.datagen.people import build_population
from cdp.datagen.sources import GENERATORS, Context
from cdp.datagen.sources.engagement import campaigns
from cdp.datagen.sources.identity import catalog
from cdp.datagen.writer import OutputWriter


@dataclass
class Summary:
    rows: dict[str, int]
    seconds: float
    bytes_out: int
    bytes_truth: int
    out: Path
    truth_dir: Path

    def format(self) -> str:
        width = max(len(t) for t in self.rows)
        lines = [f"{t:<{width}}  {n:>12,}" for t, n in self.rows.items()]
        lines.append(f"{'total':<{width}}  {sum(self.rows.values()):>12,}")
        lines.append(
            f"wrote {self.out} ({self.bytes_out / 1e6:,.1f} MB) and truth {self.truth_dir} "
            f"({self.bytes_truth / 1e6:,.1f} MB) in {self.seconds:,.1f} s"
        )
        return "\n".join(lines)


def _size(path: Path, exclude: Path | None = None) -> int:
    if not path.exists():
        return 0
    total = 0
    for f in path.rglob("*"):
        if f.is_file() and (exclude is None or exclude not in f.parents):
            total += f.stat().st_size
    return total


def generate(cfg: GenConfig, out: Path, fmt: str = "parquet", truth_dir: Path | None = None) -> Summary:
    """Generate every raw table for ``cfg`` into ``out`` (deterministic: same config => same bytes)."""
    t0 = time.perf_counter()
    out = Path(out)
    writer = OutputWriter(out, fmt, truth_dir)
    pop = build_population(cfg)
    cat, products = catalog(cfg)
    camps = campaigns(cfg)
    writer.write(products, pop.pid)
    counters: dict[str, int] = {}
    for chunk, lo in enumerate(range(0, cfg.people, cfg.chunk_people)):
        hi = min(lo + cfg.chunk_people, cfg.people)
        ctx = Context(cfg, pop, lo, hi, chunk, cat, camps, counters)
        for gen in GENERATORS:
            res = gen(ctx)
            for tc in res if isinstance(res, list) else [res]:
                writer.write(tc, pop.pid)
    writer.write_population(pop)
    rows = writer.close()
    seconds = time.perf_counter() - t0
    tdir = writer.truth_dir
    return Summary(rows, seconds, _size(out, exclude=tdir), _size(tdir), out, tdir)
