"""``cdp sync``: send the audiences to their destinations (only what changed since the last successful sync).

``--dry-run`` shows, per sync, what would be sent (counts per operation and reason, and a sample of the
requests) without sending. ``--emulators`` starts the local vendor emulators and points every destination at
them (the main job uses it, so a newcomer sees activation work without accounts).

Before anything is sent, the data contracts (great-expectations suites, cdp.contracts) of each audience and of
the marts it reads are checked: an audience whose contracts fail is refused (nothing sent, a
``refused_contract`` run in ``sync_runs``, exit 1) while the others sync. ``--skip-contracts`` is for
emergencies only."""

from __future__ import annotations

import argparse
import json
import os
import sys
from contextlib import ExitStack


def add_parser(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("sync", help="sync audiences to destinations (reverse ETL)")
    parser.add_argument("--audience", action="append", default=[], help="only this audience (repeatable)")
    parser.add_argument(
        "--destination", action="append", default=[], help="only this destination (repeatable)"
    )
    parser.add_argument("--dry-run", action="store_true", help="show what would be sent; send nothing")
    parser.add_argument("--sample", type=int, default=2, help="rows per operation shown by --dry-run")
    parser.add_argument("--emulators", action="store_true", help="send to local emulators of the vendor APIs")
    parser.add_argument(
        "--full-resync", action="store_true", help="forget the sync state first: send every row again"
    )
    parser.add_argument(
        "--progress", action=argparse.BooleanOptionalAction, default=None, help="progress bars"
    )
    parser.add_argument(
        "--skip-contracts",
        action="store_true",
        help="emergencies only: sync without checking the data contracts of the audiences and marts",
    )
    parser.add_argument("--target", default="dev", choices=["dev"], help="dbt target (the DuckDB warehouse)")
    parser.set_defaults(handler=_sync)


def _sync(args: argparse.Namespace) -> int:
    import duckdb

    from cdp.activation.spec import SpecError, load_audiences, load_destinations
    from cdp.destinations.base import ConfigError
    from cdp.destinations.local import point_at_emulators, start_emulators
    from cdp.sync.engine import SyncEngine
    from cdp.sync.jobs import build_jobs, check_built, contract_failures, record_refusal
    from cdp.warehouse import Manifest, project_root

    with ExitStack() as stack:
        try:
            destinations = load_destinations()
            if args.emulators:
                servers = stack.enter_context(start_emulators(destinations))
                point_at_emulators(destinations, servers)
                for name, server in servers.items():
                    print(f"emulator {server.app.name} for {name} at {server.url}")
            manifest = Manifest.load()
            jobs = build_jobs(
                load_audiences(destinations=destinations),
                destinations,
                manifest,
                only_audiences=tuple(args.audience),
                only_destinations=tuple(args.destination),
            )
        except (SpecError, ConfigError, FileNotFoundError, KeyError) as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        database = os.environ.get("CDP_DUCKDB_PATH") or str(project_root() / "cdp.duckdb")
        con = stack.enter_context(duckdb.connect(database))
        try:
            check_built(con, jobs)
        except ConfigError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        refused: dict[str, list[str]] = {}
        if args.skip_contracts:
            print("warning: --skip-contracts: the data contracts are not checked", file=sys.stderr)
        elif jobs:
            refused = contract_failures(con, manifest, jobs)
        for audience, failures in refused.items():
            print(
                f"error: audience {audience}: data contracts fail, its syncs are refused "
                "(only erasure and consent removals are sent):",
                file=sys.stderr,
            )
            for failure in failures:
                print(f"    - {failure}", file=sys.stderr)
        engine = SyncEngine(con, progress=args.progress)
        failed = bool(refused)
        for job in jobs:
            if job.audience.name in refused:
                print(f"{job.sync_id} [{job.sync.mode}]: refused: data contracts fail (see above)")
                if not args.dry_run:
                    record_refusal(con, job)
                # Privacy still goes out: people who asked to be erased or withdrew consent are removed.
                for summary in engine.run(job, dry_run=args.dry_run, removals_only=True):
                    if summary.planned_rows:
                        print(f"{_describe(job.sync.mode, summary)} (erasure and consent removals only)")
                    failed |= summary.status == "failed" or summary.failed_batches > 0
                job.destination.close()
                continue
            if args.full_resync and not args.dry_run:
                engine.reset(job)
            for summary in engine.run(job, dry_run=args.dry_run, sample_size=args.sample):
                print(_describe(job.sync.mode, summary))
                if args.dry_run:
                    for operation, sample in summary.sample.items():
                        text = json.dumps(sample, ensure_ascii=False, default=str)
                        print(f"    sample {operation}: {text[:600]}{'...' if len(text) > 600 else ''}")
                failed |= summary.status == "failed" or summary.failed_batches > 0
            job.destination.close()
        if args.emulators and not args.dry_run:
            for name, server in servers.items():
                print(f"{name} ({server.app.name} emulator) now holds: {json.dumps(server.app.state())}")
        return 1 if failed else 0


def _describe(mode: str, summary) -> str:
    planned = (
        ", ".join(f"{count:,} {op}" for op, count in sorted(summary.planned.items())) or "nothing to send"
    )
    head = f"{summary.sync_id} [{mode}]{' resumed' if summary.resumed else ''}: {summary.status}: {planned}"
    if summary.status == "dry_run":
        reasons = ", ".join(f"{count:,} {reason}" for reason, count in sorted(summary.reasons.items()))
        counts = f"{summary.unchanged:,} unchanged, {summary.skipped:,} not sent"
        return f"{head} ({reasons or 'no changes'}; {counts})"
    tail = f"; sent {summary.sent:,}, rejected {summary.rejected:,}"
    if summary.failed_batches:
        tail += f", {summary.failed_batches} batches failed after retries (sent again next run)"
    return f"{head}{tail} in {summary.seconds:.1f} s"
