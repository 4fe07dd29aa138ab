"""``cdp contracts``: the data contracts.

- ``cdp contracts [run]``: the great-expectations suites over the built warehouse (JSON and HTML reports).
- ``cdp contracts publish``: ``dbt parse``, then write the published contracts of every public mart and
  audience (governance/published_contracts.json).
- ``cdp contracts check``: ``dbt parse``, then fail on any change to the manifest that breaks a published
  contract, naming the column and every exposure that would break."""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

from cdp.warehouse import project_root


def add_parser(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "contracts",
        help="data contracts: run the great-expectations suites, publish or check the published contracts",
    )
    parser.add_argument(
        "action",
        nargs="?",
        default="run",
        choices=["run", "publish", "check"],
        help="run (default): validate the warehouse; publish: write the snapshot; check: compare with it",
    )
    parser.add_argument(
        "--target",
        default="dev",
        choices=["dev", "spark"],
        help="dbt target whose warehouse the suites read: dev (DuckDB, default) or spark",
    )
    parser.add_argument(
        "--report",
        default=str(project_root() / "data" / "reports" / "contracts.json"),
        help="JSON report path (the HTML report is written beside it, .html)",
    )
    parser.add_argument(
        "--no-parse", action="store_true", help="publish / check: use target/manifest.json as it is"
    )
    parser.add_argument("--snapshot", default=None, help="published contracts file (default: governance/...)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if args.action == "run":
        return _run(args)
    from cdp.contracts import published
    from cdp.warehouse import Manifest

    if not args.no_parse:
        dbt = Path(sys.executable).with_name("dbt")
        parsed = subprocess.run(
            [str(dbt), "parse", "--target", args.target], cwd=project_root(), capture_output=True, text=True
        )
        if parsed.returncode != 0:
            print(parsed.stdout[-4000:], parsed.stderr[-2000:], sep="\n", file=sys.stderr)
            print("error: dbt parse failed", file=sys.stderr)
            return 2
    manifest = Manifest.load().data
    path = Path(args.snapshot) if args.snapshot else None
    if args.action == "publish":
        written = published.write_snapshot(manifest, path)
        models = published.contracts(manifest)
        print(f"published the contracts of {len(models)} public models to {written}")
        return 0
    started = time.perf_counter()
    try:
        result = published.check(manifest, path)
    except FileNotFoundError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(describe_check(result, time.perf_counter() - started))
    return 0 if result.ok else 1


def describe_check(result, seconds: float) -> str:
    lines = [f"BREAKING {change}" for change in result.breaks]
    lines += [f"not yet published: {change}" for change in result.unpublished]
    lines.append(
        f"{result.models} published contracts, {result.promises} promises checked, "
        f"{len(result.breaks)} breaking changes, {len(result.unpublished)} not yet published, {seconds:.2f} s"
    )
    if result.breaks:
        lines.append(
            "contracts check: FAILED. If the break is intended, tell the consumers and run "
            "`cdp contracts publish` in the same change (docs/governance/contracts.md)."
        )
    elif result.unpublished:
        lines.append("additive changes only: run `cdp contracts publish` to publish them")
    return "\n".join(lines)


def _run(args: argparse.Namespace) -> int:
    from cdp.contracts.run import run_contracts

    report = Path(args.report)
    results = run_contracts(report_path=report, target=args.target)
    checks = sum(result.expectations for result in results)
    failed = [result for result in results if not result.success]
    for result in results:
        status = "ok  " if result.success else "FAIL"
        print(f"{status} {result.model:<48} {result.rows:>9,} rows {result.expectations:>3} checks")
        for failure in result.failures:
            print(f"       - {failure}")
        for warning in result.warnings:
            print(f"       ~ warning: {warning}")
    seconds = sum(result.seconds for result in results)
    print(f"{len(results)} suites, {checks} checks, {len(failed)} failed suites, {seconds:.1f} s")
    print(f"report: {report} and {report.with_suffix('.html')}")
    if failed:
        print("contracts: FAILED", file=sys.stderr)
        return 1
    return 0
