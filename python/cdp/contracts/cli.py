"""``cdp contracts``: run the great-expectations data contracts over the built warehouse."""

from __future__ import annotations

import argparse
import sys

from cdp.warehouse import project_root


def add_parser(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("contracts", help="check the data contracts (great-expectations) on DuckDB")
    parser.add_argument("--target", default="dev", choices=["dev"], help="dbt target to read (DuckDB)")
    parser.add_argument(
        "--report",
        default=str(project_root() / "data" / "reports" / "contracts.json"),
        help="JSON report path",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from cdp.contracts.run import run_contracts

    results = run_contracts(report_path=Path(args.report))
    checks = sum(result.expectations for result in results)
    failed = [result for result in results if not result.success]
    for result in results:
        status = "ok  " if result.success else "FAIL"
        print(f"{status} {result.model:<48} {result.rows:>9,} rows {result.expectations:>3} checks")
        for failure in result.failures:
            print(f"       - {failure}")
    seconds = sum(result.seconds for result in results)
    print(f"{len(results)} suites, {checks} checks, {len(failed)} failed suites, {seconds:.1f} s")
    print(f"report: {args.report}")
    if failed:
        print("contracts: FAILED", file=sys.stderr)
        return 1
    return 0
