"""`cdp__raw_parquet_path` points the sources at generated Parquet files instead of the demo seeds."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from cdp.summary import staging_counts
from cdp.warehouse import Manifest
from tests.dbt_harness import DbtProject, generate_parquet

PEOPLE = 400


@pytest.fixture(scope="module")
def parquet_project(tmp_path_factory: pytest.TempPathFactory) -> tuple[DbtProject, Path]:
    workdir = tmp_path_factory.mktemp("parquet")
    raw = generate_parquet(workdir / "raw", PEOPLE, seed=7)
    project = DbtProject("dev", workdir, {})
    vars_ = f"{{cdp__raw_parquet_path: '{raw}'}}"
    project.dbt("build", "--vars", vars_, "--exclude", "path:seeds/demo")
    return project, raw


def test_build_on_parquet_passes_and_reads_the_files(parquet_project: tuple[DbtProject, Path]) -> None:
    project, raw = parquet_project
    results = project.run_results()
    failed = [
        (r["unique_id"], r["status"])
        for r in results
        if r["status"] not in ("success", "pass")
        and not (r["status"] == "no-op" and r["unique_id"].startswith("exposure."))
        and not (r["status"] == "warn" and ".relationships_" in r["unique_id"])
    ]
    assert not failed, failed
    manifest = Manifest(project.manifest())
    with duckdb.connect(str(project.duckdb_path), read_only=True) as connection:
        counts = {row["source"]: row for row in staging_counts(manifest, connection)}
    assert len(counts) == 17
    for source in manifest.sources():
        identifier = source.relation_name.split(".")[-1].strip('"')
        files = sorted((raw / identifier).glob("*.parquet"))
        assert files, f"no parquet for {identifier}"
        rows_in_files = sum(pq.ParquetFile(f).metadata.num_rows for f in files)
        row = counts[source.name]
        assert row["rows_in"] == rows_in_files, (source.name, row, rows_in_files)
        assert row["rows_in"] == row["staged"] + row["quarantined"] + row["expired"], row
