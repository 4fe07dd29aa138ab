"""Incremental models (base models by load month, the identity observations by record, event facts by day):
loading the raw data in batches and running dbt after each batch gives exactly the staged, quarantined,
identity and mart rows a full refresh on all the data gives (late rows and re-delivered keys included: some
rows come late, some twice)."""

from __future__ import annotations

import math
import subprocess
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from cdp.replay import newest_load, write_loaded_until
from cdp.warehouse import Manifest
from tests.dbt_harness import DbtProject, generate_parquet

PEOPLE = 300
RECORD_INCREMENTAL = ("int_identity_observations", "int_identity_observations_assessed")


def _canonical(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "<null>"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal | float):
        return f"{float(value):.9g}"
    return str(value)


def _rows(connection: duckdb.DuckDBPyConnection, relation: str) -> list[tuple[str, ...]]:
    return sorted(
        tuple(_canonical(v) for v in row)
        for row in connection.execute(f"select * from {relation}").fetchall()
    )


@pytest.fixture(scope="module")
def raw(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate_parquet(tmp_path_factory.mktemp("raw") / "full", PEOPLE, seed=11)


def _run(project: DbtProject, raw: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    if not project.duckdb_path.exists():
        project.dbt("seed", "--select", "path:seeds/reference")
    return project.dbt("run", "--vars", f"{{cdp__raw_parquet_path: '{raw}'}}", *extra)


@pytest.fixture(scope="module")
def built(raw: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[DbtProject, DbtProject, list[dict]]:
    """One warehouse fed in three batches (all but the last 60 days, all but the last day, everything) and
    run after each; one warehouse built once with --full-refresh on everything."""
    end = newest_load(raw)
    incremental = DbtProject("dev", tmp_path_factory.mktemp("incremental"), {})
    batches = tmp_path_factory.mktemp("batches")
    for index, until in enumerate((end - timedelta(days=60), end - timedelta(days=1))):
        write_loaded_until(raw, batches / f"batch_{index}", until)
        _run(incremental, batches / f"batch_{index}")
    _run(incremental, raw)
    last_run = incremental.run_results()

    full = DbtProject("dev", tmp_path_factory.mktemp("full"), {})
    _run(full, raw, "--full-refresh")
    return incremental, full, last_run


def test_incremental_runs_rebuild_only_recent_days(built) -> None:
    _, _, last_run = built
    incremental_models = [r for r in last_run if "max_loaded_at" in (r.get("compiled_code") or "")]
    assert len(incremental_models) >= 3, [r["unique_id"] for r in last_run]
    for result in incremental_models:
        # The incremental branch reads the target's watermark: it did not rebuild from scratch.
        assert "max(max_loaded_at)" in result["compiled_code"].replace('"', ""), result["unique_id"]


def test_base_models_normalise_only_the_months_they_rebuild(built) -> None:
    _, _, last_run = built
    base_models = [r for r in last_run if r["unique_id"].startswith("model.cdp.base_")]
    assert len(base_models) == 17, [r["unique_id"] for r in base_models]
    for result in base_models:
        # The incremental branch filters the raw rows by the newest load already built.
        assert "max(loaded_at)" in result["compiled_code"].replace('"', ""), result["unique_id"]


def test_identity_observations_rewrite_only_touched_records(built) -> None:
    _, _, last_run = built
    results = {r["unique_id"].split(".")[-1]: r for r in last_run}
    for name in RECORD_INCREMENTAL:
        # The incremental branch rewrites the records of the rebuilt load months (plus tombstones).
        assert "touched_records" in results[name]["compiled_code"], name


def test_every_staged_model_and_mart_equals_a_full_refresh(built) -> None:
    incremental, full, _ = built
    manifest = Manifest(full.manifest())
    marts = manifest.marts()
    assert len(marts) >= 20
    staged = manifest.models("stg_")
    assert len(staged) == 34
    identity = [model for model in manifest.models("int_identity_") if model.name in RECORD_INCREMENTAL]
    assert len(identity) == len(RECORD_INCREMENTAL)
    mismatches = []
    with (
        duckdb.connect(str(incremental.duckdb_path), read_only=True) as left,
        duckdb.connect(str(full.duckdb_path), read_only=True) as right,
    ):
        for mart in [*staged, *identity, *marts]:
            batched, refreshed = _rows(left, mart.relation_name), _rows(right, mart.relation_name)
            # A mart must have rows (else the comparison proves nothing); 300 people may file no erasure.
            assert refreshed or mart.name.startswith("stg_"), f"{mart.name} is empty: proves nothing"
            if batched != refreshed:
                only_batched = sorted(set(batched) - set(refreshed))[:2]
                only_full = sorted(set(refreshed) - set(batched))[:2]
                mismatches.append(
                    f"{mart.name}: {len(batched)} vs {len(refreshed)} rows; incremental-only {only_batched}; "
                    f"full-only {only_full}"
                )
    assert not mismatches, "\n".join(mismatches)
