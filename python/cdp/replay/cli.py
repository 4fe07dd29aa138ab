"""``cdp replay``: write the raw Parquet tables as they stood at an earlier load."""

from __future__ import annotations

import argparse
from datetime import datetime, timedelta
from pathlib import Path


def add_parser(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "replay", help="copy raw Parquet tables keeping only rows loaded up to a moment (incremental runs)"
    )
    parser.add_argument("--raw", required=True, type=Path, help="raw Parquet folder (cdp datagen --out)")
    parser.add_argument("--out", required=True, type=Path, help="where to write the copy")
    when = parser.add_mutually_exclusive_group(required=True)
    when.add_argument("--until", type=datetime.fromisoformat, help="keep rows loaded at or before (ISO)")
    when.add_argument("--days-before-end", type=float, help="keep rows loaded up to N days before the newest")
    when.add_argument(
        "--hold-back-one-day",
        action="store_true",
        help="keep all but the newest rows amounting to a typical day's volume (incremental benchmarks)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from cdp.replay import last_day_of_loads_start, newest_load, write_loaded_until

    if args.hold_back_one_day:
        until = last_day_of_loads_start(args.raw)
    else:
        until = args.until or newest_load(args.raw) - timedelta(days=args.days_before_end)
    written = write_loaded_until(args.raw, args.out, until)
    print(f"rows loaded until {until}: {sum(written.values()):,} in {len(written)} tables -> {args.out}")
    return 0
