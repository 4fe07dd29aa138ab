"""``cdp datagen``: generate the synthetic multi-source customer data set."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from cdp.datagen.config import GenConfig
from cdp.datagen.writer import FORMATS


def add_parser(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register the ``datagen`` subcommand on the ``cdp`` CLI."""
    p = commands.add_parser(
        "datagen",
        help="generate synthetic raw customer data (+ hidden ground truth)",
        description=__doc__,
    )
    p.add_argument("--people", type=int, default=10_000, help="number of people (default 10000)")
    p.add_argument("--seed", type=int, default=42, help="random seed (same args => identical output)")
    p.add_argument("--out", type=Path, required=True, help="output directory")
    p.add_argument("--format", choices=FORMATS, default="parquet", help="parquet (default), csv or seeds")
    p.add_argument("--hard", action="store_true", help="2-3x noisier data with more missing keys")
    p.add_argument(
        "--end-date", type=dt.date.fromisoformat, default=dt.date(2026, 10, 31), help="last day (ISO)"
    )
    p.add_argument("--days", type=int, default=365, help="length of the event window in days")
    p.add_argument(
        "--truth-dir",
        type=Path,
        default=Path("data/demo_truth"),
        help="where --format seeds writes the ground truth (default data/demo_truth)",
    )
    p.add_argument("--chunk-people", type=int, default=100_000, help=argparse.SUPPRESS)
    p.set_defaults(handler=run)
    return p


def run(args: argparse.Namespace) -> int:
    from cdp.datagen.generate import generate

    if args.people < 1:
        raise SystemExit("--people must be >= 1")
    cfg = GenConfig(
        people=args.people,
        seed=args.seed,
        end_date=args.end_date,
        days=args.days,
        hard=args.hard,
        chunk_people=args.chunk_people,
    )
    summary = generate(cfg, args.out, args.format, args.truth_dir if args.format == "seeds" else None)
    print(summary.format())
    return 0
