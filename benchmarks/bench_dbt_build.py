"""Benchmark ``dbt build`` of the whole project, and an incremental run after one more day of data.

Usage: ``python benchmarks/bench_dbt_build.py [--engine E] [--incremental] [--raw-cache DIR] [--keep DIR]
[--slowest N] SIZES``
A size of ``demo`` builds the committed demo seeds; a number N generates N people as Parquet (seed 42, outside
the timing; reused from ``--raw-cache`` when there) and builds on it through ``cdp__raw_parquet_path``.
Each size runs in a fresh warehouse. Prints seconds, nodes and the node-seconds spent per layer (staging,
identity, marts: summed over dbt's threads, so they can exceed the wall time) and the CPU seconds (user +
system) of the dbt process: on a shared or small machine, where node times swing with contention, CPU seconds
tell two runs' work apart better than wall time. "peak GiB" is the dbt process's peak resident memory (DuckDB
runs inside it); the disk writes of setup steps and of the run before are flushed before each timed run.

``--incremental`` (sized runs only): the full build runs on the raw data minus its last day of loads
(``cdp replay --hold-back-one-day``: the newest rows amounting to a typical day's volume, not the last
calendar day, which after the generator's window holds only a trickle of late loads), then the timed
incremental run on all of it, as a nightly job would see one more day. Both
runs read the raw data through one path (a link re-pointed between them), so the second re-uses the parsed
project as a nightly job's run does.
``--slowest N`` also prints the N slowest nodes of each run; ``--keep DIR`` keeps each size's warehouse and
the run_results of each run (``run_results_<n>.json``) under ``DIR/<size>`` instead of a temporary directory.
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
sys.path.insert(0, str(ROOT / "python"))
DBT = str(Path(sys.executable).with_name("dbt"))


def _dbt(args: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """Run dbt; (wall seconds, CPU seconds, peak resident GiB).

    Dirty pages are flushed first (``os.sync``), so a run does not pay for the disk writes of the one before:
    a nightly incremental run starts long after the previous build's writes reached the disk."""
    os.sync()
    started = time.perf_counter()
    with tempfile.TemporaryFile(mode="w+") as log:
        process = subprocess.Popen([DBT, *args], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            _, status, usage = os.wait4(process.pid, 0)
        except BaseException:  # e.g. Ctrl-C: stop dbt too
            process.kill()
            process.wait()
            raise
        process.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - started
        if process.returncode != 0:
            log.seek(0)
            sys.exit(f"dbt {' '.join(args)} failed:\n{log.read()[-4000:]}")
    # ru_maxrss is in KiB on Linux
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024**2


def _layers(results: list[dict], workdir: Path) -> dict[str, float]:
    """Node-seconds per layer of a dbt command's results (tests counted with the layer they test)."""
    manifest = json.loads((workdir / "target" / "manifest.json").read_text())
    nodes = manifest["nodes"]
    layers: dict[str, float] = {"staging": 0.0, "identity": 0.0, "marts": 0.0, "other": 0.0}
    for result in results:
        node = nodes.get(result["unique_id"], {})
        if node.get("resource_type") == "test":
            parents = node.get("depends_on", {}).get("nodes", [])
            node = nodes.get(parents[0], {}) if parents else {}
        path = node.get("original_file_path", "")
        layer = next(
            (
                name
                for prefix, name in (
                    ("models/staging", "staging"),
                    ("models/intermediate/identity", "identity"),
                    ("models/marts", "marts"),
                    ("models/intermediate", "marts"),
                )
                if path.startswith(prefix)
            ),
            "other",
        )
        layers[layer] += result.get("execution_time") or 0.0
    return {name: round(seconds, 1) for name, seconds in layers.items()}


def _slowest(results: list[dict]) -> list[tuple[str, float]]:
    """A dbt command's nodes, slowest first: (name, seconds)."""
    timed = [(r["unique_id"].split(".", 2)[-1], r.get("execution_time") or 0.0) for r in results]
    return sorted(timed, key=lambda item: -item[1])


def _record(workdir: Path, index: int, run: str, timing: tuple[float, float, float]) -> dict:
    """The figures of the last dbt command, whose run_results are kept as ``run_results_<index>.json``."""
    text = (workdir / "target" / "run_results.json").read_text()
    (workdir / f"run_results_{index}.json").write_text(text)
    results = json.loads(text)["results"]
    seconds, cpu_seconds, peak_gb = timing
    return {
        "run": run,
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "peak_gb": peak_gb,
        "layers": _layers(results, workdir),
        "slowest": _slowest(results),
    }


def _generate(size: str, raw: Path, env: dict[str, str]) -> None:
    if raw.exists() and any(raw.iterdir()):
        return
    subprocess.run(
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


def _point(link: Path, target: Path) -> None:
    """Make ``link`` a symbolic link to ``target`` (replacing the link it was)."""
    if link.is_symlink():
        link.unlink()
    link.symlink_to(target.resolve(), target_is_directory=True)


def run_one(engine: str, size: str, workdir: Path, incremental: bool, raw_cache: Path | None) -> list[dict]:
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
    if size == "demo":
        return [_record(workdir, 0, "full build", _dbt(["build", "--target", target], env))]

    raw = (raw_cache / f"people-{size}") if raw_cache else workdir / "raw"
    _generate(size, raw, env)
    build = ["build", "--target", target, "--exclude", "path:seeds/demo"]
    rows = []
    if incremental:
        from cdp.replay import last_day_of_loads_start, write_loaded_until

        earlier = workdir / "raw_minus_last_day"
        write_loaded_until(raw, earlier, last_day_of_loads_start(raw))
        # Both runs read one landing path, as a nightly job reads the same place every night: with the same
        # vars, dbt re-uses the parsed project (partial parsing) instead of parsing it again (~15 s).
        landing = workdir / "landing"
        vars_ = ["--vars", json.dumps({"cdp__raw_parquet_path": str(landing)})]
        _point(landing, earlier)
        timing = _dbt([*build, *vars_], env)
        rows.append(_record(workdir, len(rows), "full build, all but last day", timing))
        _point(landing, raw)
        timing = _dbt([*build, *vars_], env)
        rows.append(_record(workdir, len(rows), "incremental, +1 day", timing))
    else:
        timing = _dbt([*build, "--vars", json.dumps({"cdp__raw_parquet_path": str(raw)})], env)
        rows.append(_record(workdir, len(rows), "full build", timing))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", default=["demo", "10000", "100000"])
    parser.add_argument("--engine", choices=["duckdb", "spark"], default="duckdb")
    parser.add_argument("--incremental", action="store_true", help="full build minus a day, then +1 day")
    parser.add_argument("--raw-cache", type=Path, help="keep / reuse generated raw data here")
    parser.add_argument("--keep", type=Path, help="keep each size's warehouse and run_results here")
    parser.add_argument("--slowest", type=int, default=0, help="also print the N slowest nodes of each run")
    args = parser.parse_args()
    print(
        f"{'engine':<8} {'size':>9} {'run':<34} {'seconds':>8} {'cpu s':>8} {'peak GiB':>8}"
        "  node-seconds per layer"
    )
    for size in args.sizes:
        with tempfile.TemporaryDirectory(prefix="cdp-bench-") as tmp:
            workdir = args.keep / size if args.keep else Path(tmp)
            workdir.mkdir(parents=True, exist_ok=True)
            incremental = args.incremental and size != "demo"
            for row in run_one(args.engine, size, workdir, incremental, args.raw_cache):
                layers = "  ".join(f"{name} {seconds}" for name, seconds in row["layers"].items())
                print(
                    f"{args.engine:<8} {size:>9} {row['run']:<34} {row['seconds']:>8.1f}"
                    f" {row['cpu_seconds']:>8.1f} {row['peak_gb']:>8.1f}  {layers}",
                    flush=True,
                )
                for name, seconds in row["slowest"][: args.slowest]:
                    print(f"{'':<8} {'':>9}   {seconds:>8.1f}  {name}", flush=True)


if __name__ == "__main__":
    main()
