"""Benchmark the identity stage: build staging + identity on generated data, then score it against the truth.

Usage: ``python benchmarks/bench_identity.py [SIZES...] [--hard] [--seed S] [--vars JSON] [--keep DIR]``
For each size N: generate N people as Parquet with ``cdp datagen`` (outside the timing), run
``dbt build -s +int_customer_ids --exclude path:seeds/demo`` on it in a fresh DuckDB warehouse (timed), count
the identity edges and the compared (candidate) pairs when a model exposes them, and run the evaluation of
``cdp identity evaluate`` against the generated truth. Prints one line per size: people, records, edges,
compared pairs, seconds of the build feeding the stage (staging, timed apart) and of the identity stage
(``models/intermediate/identity`` and its tests), pairwise precision, recall and F1 over all records, the
recall of the evidence ceiling (the best any matcher can reach on that data, see ``cdp identity evaluate
--ceiling``), then the same
four figures over the person-record tables only (those in ``int_person_records``). Default sizes: 10000
100000 1000000. When the project has no ``int_customer_ids`` model yet, builds staging only and says so.
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

import duckdb

ROOT = Path(__file__).resolve().parents[1]
DBT = str(Path(sys.executable).with_name("dbt"))
sys.path.insert(0, str(ROOT / "python"))

TARGET_MODEL = "int_customer_ids"
IDENTITY_PATH = "models/intermediate/identity"
# Models whose row count is the number of record pairs the matcher compared, first found wins.
CANDIDATE_MODELS = (
    "int_fs_candidate_pairs",
    "int_identity_candidate_pairs",
    "int_person_record_candidate_pairs",
    "int_identity_blocked_pairs",
)
EDGE_MODEL = "int_identity_edges"
LINK_MODEL = "int_identity_probabilistic_links"


def _environment(workdir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DO_NOT_TRACK="1",
        DBT_PROFILES_DIR=str(ROOT),
        CDP_ROOT=str(ROOT),
        DBT_TARGET_PATH=str(workdir / "target"),
        DBT_LOG_PATH=str(workdir / "logs"),
        CDP_DUCKDB_PATH=str(workdir / "cdp.duckdb"),
    )
    return env


def _has_model(name: str) -> bool:
    return any((ROOT / "models").rglob(f"{name}.sql")) or any((ROOT / "models").rglob(f"{name}.py"))


def _generate(people: str, seed: int, hard: bool, raw: Path, env: dict[str, str]) -> str:
    command = [sys.executable, "-m", "cdp.cli", "datagen", "--people", people, "--seed", str(seed)]
    command += ["--format", "parquet", "--out", str(raw), *(["--hard"] if hard else [])]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"datagen failed:\n{result.stderr[-4000:]}")
    return result.stdout.strip().splitlines()[-1]


def _build(
    raw: Path,
    select: list[str],
    env: dict[str, str],
    extra_vars: dict[str, object],
    exclude: list[str] = (),
) -> tuple[float, int, list[str]]:
    """Run the dbt build; return seconds, nodes run and the names of failed nodes (dbt's exit code aside)."""
    args = ["build", "--vars", json.dumps({**extra_vars, "cdp__raw_parquet_path": str(raw)})]
    # cautious: only the tests whose every parent is selected (staging's reconcile tests need the quarantine
    # models, which the identity stage does not).
    args += [
        "--exclude",
        "path:seeds/demo",
        *exclude,
        "--indirect-selection",
        "cautious",
        "--select",
        *select,
    ]
    started = time.perf_counter()
    result = subprocess.run([DBT, *args], cwd=ROOT, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    run_results = Path(env["DBT_TARGET_PATH"]) / "run_results.json"
    if not run_results.exists():
        sys.exit(f"dbt build failed before running anything:\n{result.stdout[-4000:]}")
    results = json.loads(run_results.read_text())["results"]
    failed = [r["unique_id"] for r in results if r["status"] in ("error", "fail", "runtime error")]
    if result.returncode != 0 and not failed:
        sys.exit(f"dbt build failed:\n{result.stdout[-4000:]}")
    return seconds, len(results), failed


def _count(
    connection: duckdb.DuckDBPyConnection, relations: dict[str, str], name: str, where: str = ""
) -> int | None:
    if name not in relations:
        return None
    return int(connection.execute(f"select count(*) from {relations[name]} {where}").fetchone()[0])


def _warehouse_counts(database: Path) -> dict[str, int | str | None]:
    """Edges (all / used), probabilistic links and compared pairs, from whatever identity models exist."""
    connection = duckdb.connect(str(database), read_only=True)
    try:
        relations = {
            name: f'"{schema}"."{name}"'
            for schema, name in connection.execute(
                "select table_schema, table_name from information_schema.tables"
            ).fetchall()
        }
        edge_columns = {
            column
            for (column,) in connection.execute(
                "select column_name from information_schema.columns where table_name = ?", [EDGE_MODEL]
            ).fetchall()
        }
        compared_model = next((name for name in CANDIDATE_MODELS if name in relations), None)
        if compared_model is None:
            compared_model = next((name for name in sorted(relations) if "candidate" in name), None)
        return {
            "edges": _count(connection, relations, EDGE_MODEL),
            "used_edges": (
                _count(connection, relations, EDGE_MODEL, "where is_used")
                if "is_used" in edge_columns
                else None
            ),
            "links": _count(connection, relations, LINK_MODEL),
            "compared_pairs": _count(connection, relations, compared_model) if compared_model else None,
            "compared_model": compared_model,
        }
    finally:
        connection.close()


def _evaluate(database: Path, truth: Path) -> dict[str, object]:
    """All records and the person-record tables: the clustering's figures and the evidence ceiling's."""
    from cdp.identity.evaluate import (
        evaluate,
        locate_relation,
        register_evidence,
        register_evidence_ceiling,
        register_predictions,
        register_truth,
        truth_scan_sql,
    )

    connection = duckdb.connect()
    try:
        connection.execute(f"attach '{database}' as warehouse (read_only)")
        register_truth(connection, truth_scan_sql(truth))
        person_records = locate_relation(connection, "warehouse", "int_person_records")
        person_tables = [
            table
            for (table,) in connection.execute(
                f"select distinct source_table from {person_records}"
            ).fetchall()
        ]
        register_predictions(connection, locate_relation(connection, "warehouse", TARGET_MODEL))
        result = evaluate(connection).to_dict()
        person = evaluate(connection, tables=person_tables).to_dict()
        register_evidence(
            connection,
            locate_relation(connection, "warehouse", "int_identity_observations_assessed"),
            person_records,
        )
        register_evidence_ceiling(connection)
        result["evidence_ceiling"] = evaluate(connection).to_dict()
        person["evidence_ceiling"] = evaluate(connection, tables=person_tables).to_dict()
        result["person_tables"] = person
        person["tables"] = person_tables
        return result
    finally:
        connection.close()


def _truth_records(truth: Path) -> int:
    from cdp.identity.evaluate import register_truth, truth_scan_sql

    connection = duckdb.connect()
    try:
        register_truth(connection, truth_scan_sql(truth))
        return int(
            connection.execute(
                "select count(distinct (source_table, record_id)) from identity_eval_truth"
            ).fetchone()[0]
        )
    finally:
        connection.close()


def run_one(
    size: str,
    workdir: Path,
    seed: int,
    hard: bool,
    select: list[str] | None,
    extra_vars: dict[str, object],
) -> dict[str, object]:
    env = _environment(workdir)
    raw = workdir / "raw"
    raw_summary = _generate(size, seed, hard, raw, env)
    has_identity = _has_model(TARGET_MODEL)
    selection = select or ([f"+{TARGET_MODEL}"] if has_identity else ["path:models/staging"])
    staging_seconds = None
    if has_identity and not select:
        # Two timed builds: what feeds the stage (staging, reference seeds), then the identity stage itself.
        staging_seconds, nodes, failed = _build(
            raw, selection, env, extra_vars, exclude=[f"path:{IDENTITY_PATH}", "path:tests/identity"]
        )
        seconds, identity_nodes, identity_failed = _build(
            raw, [f"path:{IDENTITY_PATH},+{TARGET_MODEL}"], env, extra_vars
        )
        nodes, failed = nodes + identity_nodes, failed + identity_failed
        seconds += staging_seconds
    else:
        seconds, nodes, failed = _build(raw, selection, env, extra_vars)
    row: dict[str, object] = {
        "people": int(size),
        "records": _truth_records(raw / "_truth"),
        "seconds": round(seconds, 1),
        "staging_seconds": None if staging_seconds is None else round(staging_seconds, 1),
        "identity_seconds": None if staging_seconds is None else round(seconds - staging_seconds, 1),
        "nodes": nodes,
        "failed": failed,
        "raw": raw_summary,
        "selection": " ".join(selection),
    }
    row.update(_warehouse_counts(workdir / "cdp.duckdb"))
    if has_identity and not any(TARGET_MODEL in node for node in failed):
        evaluation = _evaluate(workdir / "cdp.duckdb", raw / "_truth")
        row.update({key: evaluation[key] for key in ("precision", "recall", "f1")})
        row["ceiling_recall"] = evaluation["evidence_ceiling"]["recall"]
        person = evaluation["person_tables"]
        row.update({f"person_{key}": person[key] for key in ("precision", "recall", "f1")})
        row["person_ceiling_recall"] = person["evidence_ceiling"]["recall"]
        from cdp.identity.evaluate import within_ceiling

        for prefix, scope in (("", evaluation), ("person_", person)):
            _, f1_within = within_ceiling(
                scope["precision"], scope["recall"], scope["evidence_ceiling"]["recall"]
            )
            row[f"{prefix}f1_within_ceiling"] = round(f1_within, 6)
        row["evaluation"] = evaluation
    return row


def _cell(value: object, width: int, digits: int = 0) -> str:
    if value is None:
        return f"{'n/a':>{width}}"
    if isinstance(value, float):
        return f"{value:>{width}.{digits or 4}f}"
    if isinstance(value, int):
        return f"{value:>{width},}"
    return f"{value!s:>{width}}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", default=["10000", "100000", "1000000"], help="numbers of people")
    parser.add_argument("--hard", action="store_true", help="generate the noisier --hard data")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--select",
        nargs="+",
        help=f"dbt selection to build instead of +{TARGET_MODEL} (e.g. path:models/staging)",
    )
    parser.add_argument(
        "--vars",
        type=json.loads,
        default={},
        help="extra dbt vars as JSON, e.g. '{\"cdp__use_probabilistic_links\": true}'",
    )
    parser.add_argument("--keep", type=Path, help="keep each size's work dir (raw data, warehouse) under DIR")
    parser.add_argument(
        "--json", type=Path, help="also write every row (with the full evaluation) as JSON here"
    )
    args = parser.parse_args()
    if not _has_model(TARGET_MODEL) and not args.select:
        print(f"note: no {TARGET_MODEL} model in {ROOT / 'models'}: building staging only", file=sys.stderr)
    header = (
        f"{'people':>10} {'records':>12} {'edges':>12} {'compared':>14} {'staging s':>9} {'identity s':>10} "
        f"{'precision':>9} {'recall':>7} {'f1':>7} {'ceiling':>7} | "
        f"{'person P':>8} {'R':>6} {'F1':>6} {'ceiling':>7}"
    )
    print(header + ("  (hard)" if args.hard else ""), flush=True)
    rows = []
    for size in args.sizes:
        if args.keep:
            workdir = args.keep / f"identity-{size}{'-hard' if args.hard else ''}"
            workdir.mkdir(parents=True, exist_ok=True)
            row = run_one(size, workdir, args.seed, args.hard, args.select, args.vars)
        else:
            with tempfile.TemporaryDirectory(prefix="cdp-bench-identity-") as tmp:
                row = run_one(size, Path(tmp), args.seed, args.hard, args.select, args.vars)
        rows.append(row)
        line = (
            f"{_cell(row['people'], 10)} {_cell(row['records'], 12)} {_cell(row['edges'], 12)} "
            f"{_cell(row['compared_pairs'], 14)} {_cell(row['staging_seconds'], 9, 1)} "
            f"{_cell(row['seconds'] if row['identity_seconds'] is None else row['identity_seconds'], 10, 1)} "
            f"{_cell(row.get('precision'), 9)} {_cell(row.get('recall'), 7)} {_cell(row.get('f1'), 7)} "
            f"{_cell(row.get('ceiling_recall'), 7)} | {_cell(row.get('person_precision'), 8)} "
            f"{_cell(row.get('person_recall'), 6)} {_cell(row.get('person_f1'), 6)} "
            f"{_cell(row.get('person_ceiling_recall'), 7)}"
        )
        notes = []
        if row["failed"]:
            names = [node.split(".")[2] for node in row["failed"]]
            notes.append(f"{len(names)} failed: {', '.join(names[:3])}{' ...' if len(names) > 3 else ''}")
        if row.get("compared_model"):
            notes.append(f"compared = rows of {row['compared_model']}")
        print(line + (f"  [{'; '.join(notes)}]" if notes else ""), flush=True)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2, default=str) + "\n")


if __name__ == "__main__":
    main()
