"""Benchmark ``dbt build`` of the whole project.

Usage: ``python benchmarks/bench_dbt_build.py [--engine duckdb|spark] [SIZES...]``
A size of ``demo`` builds the committed demo seeds; a number N generates N people as Parquet
(seed 42, outside the timing) and builds on it through ``cdp__raw_parquet_path``. Each size runs in a fresh
warehouse. Prints people, raw rows, seconds and nodes per size. Default: duckdb at demo, 10000, 100000.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DBT = str(Path(sys.executable).with_name("dbt"))


def _dbt(args: list[str], env: dict[str, str]) -> None:
    result = subprocess.run([DBT, *args], cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"dbt {' '.join(args)} failed:\n{result.stdout[-4000:]}")


def run_one(engine: str, size: str, workdir: Path) -> dict[str, object]:
    target = "dev" if engine == "duckdb" else "spark"
    env = dict(os.environ)
    env.update(
        DO_NOT_TRACK="1",
        DBT_PROFILES_DIR=str(ROOT),
        CDP_ROOT=str(ROOT),
        DBT_TARGET_PATH=str(workdir / "target"),
        DBT_LOG_PATH=str(workdir / "logs"),
        CDP_DUCKDB_PATH=str(workdir / "cdp.duckdb"),
        CDP_SPARK_DIR=str(workdir / "spark"),
    )
    raw_rows: int | str = "demo seeds"
    if size == "demo":
        started = time.perf_counter()
        _dbt(["build", "--target", target], env)
    else:
        raw = workdir / "raw"
        generated = subprocess.run(
            [
                sys.executable,
                "-m",
                "cdp.cli",
                "datagen",
                "--people",
                size,
                "--seed",
                "42",
                "--format",
                "parquet",
                "--out",
                str(raw),
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        raw_rows = next(
            line.split()[-1] + " raw rows"
            for line in generated.stdout.splitlines()
            if line.startswith("total")
        )
        started = time.perf_counter()
        _dbt(
            [
                "build",
                "--target",
                target,
                "--vars",
                json.dumps({"cdp__raw_parquet_path": str(raw)}),
                "--exclude",
                "path:seeds/demo",
            ],
            env,
        )
    seconds = time.perf_counter() - started
    results = json.loads((workdir / "target" / "run_results.json").read_text())["results"]
    return {
        "engine": engine,
        "size": size,
        "seconds": round(seconds, 1),
        "nodes": len(results),
        "raw": raw_rows,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", default=["demo", "10000", "100000"])
    parser.add_argument("--engine", choices=["duckdb", "spark"], default="duckdb")
    args = parser.parse_args()
    print(f"{'engine':<8} {'size':>9} {'seconds':>9} {'nodes':>6}  raw data")
    for size in args.sizes:
        with tempfile.TemporaryDirectory(prefix="cdp-bench-") as tmp:
            row = run_one(args.engine, size, Path(tmp))
        print(
            f"{row['engine']:<8} {row['size']:>9} {row['seconds']:>9} {row['nodes']:>6}  {row['raw']}",
            flush=True,
        )


if __name__ == "__main__":
    main()
