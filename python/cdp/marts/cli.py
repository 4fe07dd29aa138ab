"""``cdp marts``: what the customer marts say at a glance, and the 360 table's generated docs."""

from __future__ import annotations

import argparse
import sys


def add_parser(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("marts", help="customer marts: summary, 360 docs")
    sub = parser.add_subparsers(dest="marts_command", required=True)
    summary = sub.add_parser("summary", help="print what the marts say (customers, revenue, NPS, segments)")
    summary.add_argument("--target", default="dev", choices=["dev"], help="dbt target to read (DuckDB)")
    summary.set_defaults(handler=_summary)
    docs = sub.add_parser("sync-360-docs", help="regenerate mart_customer_360's yml from its parts")
    docs.add_argument("--check", action="store_true", help="only check that the yml is up to date")
    docs.set_defaults(handler=_sync_docs)


def _summary(args: argparse.Namespace) -> int:
    from cdp.marts.glance import print_summary

    print_summary()
    return 0


def _sync_docs(args: argparse.Namespace) -> int:
    from cdp.marts.docs360 import YML, sync

    if sync(check=args.check):
        print(f"{YML}: up to date" if args.check else f"{YML}: written")
        return 0
    print(f"{YML} is out of date: run `cdp marts sync-360-docs`", file=sys.stderr)
    return 1
