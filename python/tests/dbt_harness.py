"""Runs dbt against throw-away warehouses: one DuckDB file / Spark directory and one target path per copy."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb

from cdp.governance import masking

ROOT = Path(__file__).resolve().parents[2]
# Columns that say which dbt invocation wrote a row, not what it holds (an analysis fit's fitted_at, doc block
# analyses_fit_schedule; an identity row's written_at, doc block identity_written_at): left out when two
# warehouses are compared row for row.
# Columns holding the start of the dbt invocation that wrote the row (cdp_run_stamp): they differ between two
# builds of the same data, so comparisons leave them out.
RUN_STAMP_COLUMNS = frozenset({"fitted_at", "written_at", "suppressed_at", "erased_at", "expired_at"})
# Columns an append-only audit model (``full_refresh: false``) fixes when it first writes a row, from the
# warehouse as it stood then: a warehouse fed in batches may rightly hold another value there than one built
# on all the data at once. The tombstone keeps the customer a request resolved to when it was honoured; data
# that arrives later can merge that person into another customer (dim_customers then agrees again). A mart's
# masked view keeps the same columns.
AS_WRITTEN_COLUMNS = {"fct_erasure_tombstones": frozenset({"customer_id_hash"})}


def compared_columns(model: str, columns: list[str]) -> list[str]:
    """The columns of ``model`` (a mart or its masked view) two builds of the same data must agree on: all but
    the run stamps and the columns its rows keep as first written."""
    as_written = AS_WRITTEN_COLUMNS.get(model.removesuffix(masking.SUFFIX), frozenset())
    left_out = RUN_STAMP_COLUMNS | as_written
    return [column for column in columns if column not in left_out]


@dataclass
class DbtProject:
    """One isolated copy of the warehouse: its own DuckDB file / Spark dir and its own dbt target path."""

    target: str
    workdir: Path
    extra_env: dict[str, str]

    @property
    def target_path(self) -> Path:
        return self.workdir / "target"

    @property
    def duckdb_path(self) -> Path:
        return self.workdir / "cdp.duckdb"

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            DO_NOT_TRACK="1",
            DBT_PROFILES_DIR=str(ROOT),
            DBT_PROJECT_DIR=str(ROOT),
            DBT_TARGET_PATH=str(self.target_path),
            DBT_LOG_PATH=str(self.workdir / "logs"),
            CDP_ROOT=str(ROOT),
            CDP_DUCKDB_PATH=str(self.duckdb_path),
            CDP_SPARK_DIR=str(self.workdir / "spark"),
        )
        env.update(self.extra_env)
        return env

    def dbt(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """Run a dbt command on this project copy; on failure the assertion shows dbt's own output."""
        command = [str(Path(sys.executable).with_name("dbt")), *args, "--target", self.target]
        result = subprocess.run(command, cwd=ROOT, env=self.env(), capture_output=True, text=True)
        if check:
            assert result.returncode == 0, (
                f"dbt {' '.join(args)} failed:\n{result.stdout[-8000:]}{result.stderr[-2000:]}"
            )
        return result

    def run_results(self) -> list[dict]:
        return json.loads((self.target_path / "run_results.json").read_text())["results"]

    def intermediate_rows(self, models: tuple[str, ...] | dict[str, str]) -> dict[str, list[tuple]]:
        """Every row of each intermediate model but its run stamps, sorted, to compare two builds."""
        with duckdb.connect(str(self.duckdb_path), read_only=True) as con:

            def rows(model: str) -> list[tuple]:
                described = con.execute(f"describe cdp_intermediate.{model}").fetchall()
                columns = ", ".join(
                    f'"{name}"' for name in compared_columns(model, [n for n, *_ in described])
                )
                selected = con.execute(f"select {columns} from cdp_intermediate.{model}").fetchall()
                return sorted(selected, key=repr)

            return {model: rows(model) for model in models}

    def manifest(self) -> dict:
        return json.loads((self.target_path / "manifest.json").read_text())

    def build(self, *extra: str) -> list[dict]:
        """``dbt build`` of everything: demo seeds, staging, tests."""
        self.dbt("build", *extra)
        return self.run_results()


def generate_parquet(out: Path, people: int, seed: int) -> Path:
    """``cdp datagen`` of ``people`` people as Parquet into ``out`` (raw tables and the hidden ``_truth``)."""
    command = [sys.executable, "-m", "cdp.cli", "datagen", "--people", str(people), "--seed", str(seed)]
    subprocess.run([*command, "--format", "parquet", "--out", str(out)], check=True, capture_output=True)
    return out
