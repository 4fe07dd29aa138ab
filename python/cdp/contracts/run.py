"""Run the data contracts: one great-expectations suite per staged, quarantine and mart model, validated on
DataFrames read from DuckDB (great-expectations' SQL datasource does not work on DuckDB 2.0 yet)."""

from __future__ import annotations

import json
import logging
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import duckdb
import great_expectations as gx
import pandas as pd

from cdp.contracts import rules
from cdp.warehouse import Manifest, Relation, connect_duckdb

QUARANTINE_SUFFIX = "_quarantine"
MASKED_SUFFIX = "_masked"


@dataclass
class SuiteResult:
    """The outcome of one suite: which model, how many expectations, which failed and why."""

    model: str
    rows: int
    expectations: int
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def success(self) -> bool:
        return not self.failures


def _source_rows(connection: duckdb.DuckDBPyConnection, manifest: Manifest, staged: Relation) -> int:
    """Rows in the raw source table a staged model reads (named by the reconcile test's convention)."""
    source_name, table = staged.name.removeprefix("stg_").split("__", 1)
    for source in manifest.sources():
        if source.name == f"{source_name}.{table}":
            return int(connection.execute(f"select count(*) from {source.relation_name}").fetchone()[0])
    raise KeyError(f"no source {source_name}.{table} for {staged.name}")


def _describe_failure(result) -> str:
    config = result.expectation_config
    column = config.kwargs.get("column", "")
    detail = result.result or {}
    sample = detail.get("partial_unexpected_list") or detail.get("observed_value")
    return f"{config.type}({column}) unexpected={detail.get('unexpected_count')} sample={str(sample)[:160]}"


def _hashed_columns(manifest: Manifest, model: Relation) -> list[str]:
    """For a masked model (`<name>_masked`), the columns that are direct PII in `<name>` and not redacted."""
    if not model.name.endswith(MASKED_SUFFIX):
        return []
    source = manifest.model(model.name.removesuffix(MASKED_SUFFIX))
    return [
        name
        for name, column in source.columns.items()
        if (meta := column.get("config", {}).get("meta") or column.get("meta", {})).get("pii") == "direct"
        and meta.get("masking") != "redact"
    ]


class Validator:
    """An ephemeral great-expectations context validating pandas DataFrames against lists of expectations."""

    def __init__(self) -> None:
        logging.getLogger("great_expectations").setLevel(logging.ERROR)
        self._context = gx.get_context(mode="ephemeral")
        self._context.variables.progress_bars = {"globally": False}
        self._datasource = self._context.data_sources.add_pandas("warehouse")

    def validate(self, name: str, frame: pd.DataFrame, expectations: list) -> SuiteResult:
        started = time.perf_counter()
        suite = self._context.suites.add(gx.ExpectationSuite(name=name, expectations=expectations))
        batch = (
            self._datasource.add_dataframe_asset(name=name)
            .add_batch_definition_whole_dataframe("all")
            .get_batch(batch_parameters={"dataframe": frame})
        )
        validation = batch.validate(suite)
        return SuiteResult(
            model=name,
            rows=len(frame),
            expectations=len(expectations),
            failures=[_describe_failure(r) for r in validation.results if not r.success],
            seconds=round(time.perf_counter() - started, 3),
        )


def run_contracts(
    manifest: Manifest | None = None, database: str | None = None, report_path: Path | None = None
) -> list[SuiteResult]:
    """Validate every staged, quarantine and mart model; write a JSON report if asked; return the results."""
    manifest = manifest or Manifest.load()
    validator = Validator()
    results: list[SuiteResult] = []
    with connect_duckdb(database) as connection:
        for model in manifest.models("stg_"):
            frame = connection.execute(f"select * from {model.relation_name}").df()
            staged_name = model.name.removesuffix(QUARANTINE_SUFFIX)
            rows_in = _source_rows(connection, manifest, manifest.model(staged_name))
            if model.name.endswith(QUARANTINE_SUFFIX):
                expectations = rules.quarantine_expectations(rows_in)
            else:
                expectations = [
                    *rules.table_expectations(list(frame.columns), rows_in),
                    *rules.declared_expectations(model.tests),
                    *rules.column_expectations(frame.columns),
                ]
            results.append(validator.validate(model.name, frame, expectations))
        for model in manifest.marts():
            frame = connection.execute(f"select * from {model.relation_name}").df()
            hashed = _hashed_columns(manifest, model)
            expectations = [
                *rules.published_expectations(list(model.columns)),
                *rules.declared_expectations(model.tests),
                *rules.mart_column_expectations([c for c in frame.columns if c not in hashed]),
                *rules.masked_expectations(hashed),
            ]
            results.append(validator.validate(model.name, frame, expectations))

    if report_path is not None:
        report_path.parent.mkdir(parents=True, exist_ok=True)
        report_path.write_text(json.dumps([asdict(result) for result in results], indent=2))
    return results
