"""Benchmark the sync engine against a local emulator with no rate limit.

Usage: ``PYTHONPATH=python python benchmarks/bench_sync.py [SIZES...] [--destination webhook]
[--concurrency 4]`` (default sizes: 10000 100000 1000000).

For each audience size it prints, next to each other:
- the emulator's ceiling: a plain HTTP load loop (keep-alive connections, as many threads as the engine's
  concurrency) posting full pre-serialised batches of the same shape as fast as the emulator answers;
- the engine's first full sync (plan in the warehouse, read, map, send, record state), in rows per second;
- a 1 % change (1 % of members with a changed field), in rows per second of rows sent and end to end;
- the engine process's peak RSS (the emulator and the warehouse set-up run in other processes).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "python"), os.environ.get("PYTHONPATH", "")])}

SETUP = """
import sys, duckdb
con = duckdb.connect(sys.argv[1])
con.execute("set enable_progress_bar = false")
con.execute("create schema aud; create schema marts")
con.execute(f'''
    create table aud.members as
    select
        'cus_' || lpad(i::varchar, 8, '0') as customer_id,
        'treatment' as audience_group,
        'person' || i || '@example.com' as email,
        'Ann' || (i % 997) as first_name,
        'Lee' || (i % 991) as last_name,
        i % 1000 as score,
        'granted' as email_consent_status,
        'granted' as ads_personalisation_consent_status,
        false as is_erasure_requested
    from range(1, {int(sys.argv[2])} + 1) as t(i)
''')
con.execute("create table marts.dim_customers as select * from aud.members")
"""

ENGINE = """
import json, resource, sys, time, duckdb
from cdp.activation.spec import Audience, DestinationSpec, Filter, SyncSpec
from cdp.destinations import registry
from cdp.sync.engine import SyncEngine, SyncJob

database, dest_type, url, concurrency, size = sys.argv[1:6]
fields = {"email": "email", "first_name": "first_name", "last_name": "last_name", "score": "score"}
spec = DestinationSpec(name=dest_type, type=dest_type, url=url, concurrency=int(concurrency),
                       options={"consent_channel": "email"})
sync = SyncSpec(destination=dest_type, mode="mirror", fields=fields)
audience = Audience(name="bench", description="", filter=Filter(), syncs=(sync,))
destination = registry()[dest_type](spec, sync, "bench")
job = SyncJob(audience, sync, destination, "aud.members", "marts.dim_customers")
con = duckdb.connect(database)
engine = SyncEngine(con, progress=False)
out = {}
started = time.perf_counter()
(first,) = engine.run(job)
out["full_seconds"] = time.perf_counter() - started
out["full_sent"] = first.sent
out["rss_after_full_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
con.execute("update aud.members set score = score + 1 where hash(customer_id) % 100 = 0")
started = time.perf_counter()
(change,) = engine.run(job)
out["change_seconds"] = time.perf_counter() - started
out["change_sent"] = change.sent
out["rss_peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(out))
"""


def start_emulator(dest_type: str) -> tuple[subprocess.Popen, str]:
    command = [sys.executable, "-m", "cdp.destinations.serve", dest_type, "--no-rate-limit", "--no-token"]
    process = subprocess.Popen(command, env=ENV, stdout=subprocess.PIPE, text=True)
    return process, process.stdout.readline().strip()


def ceiling(url: str, threads: int, seconds: float = 8.0, rows: int = 1000) -> float:
    """Rows per second a plain load loop gets through the webhook emulator with full batches."""
    parts = urlsplit(url)
    body = json.dumps(
        {
            "audience": "ceiling",
            "operation": "upsert",
            "rows": [
                {
                    "key": f"cus_{i:08d}",
                    "fields": {"email": f"p{i}@example.com", "first_name": "Ann", "score": i},
                }
                for i in range(rows)
            ],
        }
    ).encode()
    sent = [0] * threads
    stop = time.perf_counter() + seconds

    def loop(index: int) -> None:
        connection = http.client.HTTPConnection(parts.netloc, timeout=30)
        n = 0
        while time.perf_counter() < stop:
            headers = {"Content-Type": "application/json", "Idempotency-Key": f"ceiling-{index}-{n}"}
            connection.request("POST", parts.path or "/", body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            assert response.status == 200, response.status
            n += 1
        sent[index] = n
        connection.close()

    started = time.perf_counter()
    workers = [threading.Thread(target=loop, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return sum(sent) * rows / (time.perf_counter() - started)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("sizes", nargs="*", type=int, default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--destination", default="webhook", choices=["webhook"])
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()
    header = (
        f"{'members':>10} {'ceiling rows/s':>15} {'full sync rows/s':>17} {'share':>6} "
        f"{'1% change sent':>15} {'1% change s':>12} {'1% rows/s':>10} {'peak RSS MB':>12}"
    )
    print(header)
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as scratch:
            database = str(Path(scratch) / "bench.duckdb")
            subprocess.run([sys.executable, "-c", SETUP, database, str(size)], env=ENV, check=True)
            emulator, url = start_emulator(args.destination)
            try:
                top = ceiling(url, args.concurrency)
            finally:
                emulator.kill()
                emulator.wait()
            emulator, url = start_emulator(args.destination)  # a fresh one: it holds nothing yet
            try:
                child = [sys.executable, "-c", ENGINE, database, args.destination, url, str(args.concurrency)]
                result = subprocess.run([*child, str(size)], env=ENV, capture_output=True, text=True)
                if result.returncode:
                    raise SystemExit(f"the engine failed at {size:,} members:\n{result.stderr[-3000:]}")
            finally:
                emulator.kill()
                emulator.wait()
            figures = json.loads(result.stdout.strip().splitlines()[-1])
            full = figures["full_sent"] / figures["full_seconds"]
            change = figures["change_sent"] / figures["change_seconds"]
            print(
                f"{size:>10,} {top:>15,.0f} {full:>17,.0f} {full / top:>6.0%} {figures['change_sent']:>15,} "
                f"{figures['change_seconds']:>12.2f} {change:>10,.0f} {figures['rss_peak_mb']:>12,.0f}",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
