"""Benchmark the synthetic data generator.

Usage: ``PYTHONPATH=python python benchmarks/bench_datagen.py [SIZES...] [--format parquet|csv] [--keep DIR]``
(default sizes: 10000 100000 1000000). Prints people, rows, seconds, MB on disk and peak RSS per size.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD = """
import json, sys
from pathlib import Path
from cdp.datagen.config import GenConfig
from cdp.datagen.generate import generate
s = generate(GenConfig(people=int(sys.argv[1]), seed=42), Path(sys.argv[2]), sys.argv[3])
print(json.dumps({"rows": sum(s.rows.values()), "bytes": s.bytes_out, "truth": s.bytes_truth}))
"""


def run_one(people: int, fmt: str, root: Path) -> dict[str, float]:
    """Generate ``people`` in a fresh process (clean memory accounting) and measure it."""
    import json
    import os

    out = root / f"p{people}"
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(Path(__file__).resolve().parents[1] / "python"), env.get("PYTHONPATH", "")]
    )
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    res = subprocess.run(
        [sys.executable, "-c", CHILD, str(people), str(out), fmt],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    )
    seconds = time.perf_counter() - t0
    peak = max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, before)
    stats = json.loads(res.stdout.strip().splitlines()[-1])
    return {
        "people": people,
        "rows": stats["rows"],
        "seconds": seconds,
        "mb": stats["bytes"] / 1e6,
        "truth_mb": stats["truth"] / 1e6,
        "peak_rss_gb": peak / 1e6,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("sizes", nargs="*", type=int, default=[10_000, 100_000, 1_000_000])
    ap.add_argument("--format", default="parquet", choices=["parquet", "csv"])
    ap.add_argument("--keep", type=Path, help="write here and keep the output (default: a temp dir, removed)")
    args = ap.parse_args(argv)
    root = args.keep or Path(tempfile.mkdtemp(prefix="bench_datagen_"))
    names = [("people", 10), ("rows", 12), ("seconds", 8), ("rows/s", 10), ("MB", 9), ("truth MB", 9)]
    header = " ".join(f"{n:>{w}}" for n, w in names) + " peak RSS GB"
    print(header)
    print("-" * len(header))
    try:
        for n in args.sizes:
            r = run_one(n, args.format, root)
            print(
                f"{r['people']:>10,} {r['rows']:>12,} {r['seconds']:>8.1f} "
                f"{r['rows'] / r['seconds']:>10,.0f} {r['mb']:>9,.1f} {r['truth_mb']:>9,.1f} "
                f"{r['peak_rss_gb']:>11.2f}",
                flush=True,
            )
            if not args.keep:
                shutil.rmtree(root / f"p{n}", ignore_errors=True)
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
