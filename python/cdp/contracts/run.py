"""Run the data contracts: one great-expectations suite per staged, quarantine, mart and audience model,
validated on DataFrames read from the warehouse: DuckDB (great-expectations' SQL datasource does not work on
DuckDB 2.0 yet) or Spark, through the same connection calls (cdp.warehouse.connect). The results go to a JSON
report and a self-contained HTML page (cdp.contracts.html)."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path

import duckdb
import great_expectations as gx
import pandas as pd

from cdp.contracts import published, rules
from cdp.summary import expired_counts
from cdp.warehouse import READ_ERRORS, Manifest, Relation, SparkConnection, connect

QUARANTINE_SUFFIX = "_quarantine"
MASKED_SUFFIX = "_masked"
AUDIENCE_PREFIX = "aud_"
AS_OF_MODEL = "int_as_of_date"  # the day the marts treat as "today": freshness is measured against it


@dataclass
class SuiteResult:
    """The outcome of one suite: which model, how many expectations, which failed and why (warning-severity
    expectations that fail are warnings, not failures), and every expectation's result for the report."""

    model: str
    rows: int
    expectations: int
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)
    checks: list[dict] = field(default_factory=list)

    @property
    def success(self) -> bool:
        return not self.failures


Connection = duckdb.DuckDBPyConnection | SparkConnection


def _source_rows(connection: Connection, manifest: Manifest, staged: Relation) -> int:
    """Rows in the raw source table a staged model reads (named by the reconcile test's convention), less
    those its retention window moved out of staging."""
    source_name, table = staged.name.removeprefix("stg_").split("__", 1)
    for source in manifest.sources():
        if source.name == f"{source_name}.{table}":
            rows = int(connection.execute(f"select count(*) from {source.relation_name}").fetchall()[0][0])
            return rows - expired_counts(manifest, connection).get(f"{source_name}_{table}", 0)
    raise KeyError(f"no source {source_name}.{table} for {staged.name}")


def _describe_failure(result) -> str:
    config = result.expectation_config
    column = config.kwargs.get("column", "")
    detail = result.result or {}
    sample = detail.get("partial_unexpected_list") or detail.get("observed_value")
    if not detail and (result.exception_info or {}).get("raised_exception"):
        sample = result.exception_info.get("exception_message")
    return f"{config.type}({column}) unexpected={detail.get('unexpected_count')} sample={str(sample)[:160]}"


def _check(result) -> dict:
    """One expectation's result, JSON-ready, for the reports."""
    config = result.expectation_config
    detail = result.result or {}
    kwargs = {k: v for k, v in config.kwargs.items() if k not in ("column", "batch_id")}
    error = (result.exception_info or {}).get("exception_message") if not detail else None
    return {
        "expectation": config.type,
        "column": config.kwargs.get("column") or ", ".join(config.kwargs.get("column_list") or []),
        "kwargs": json.loads(json.dumps(kwargs, default=str))
        if len(json.dumps(kwargs, default=str)) < 400
        else {k: "..." for k in kwargs},
        "severity": str(getattr(config.severity, "value", config.severity) or "critical"),
        "success": bool(result.success),
        "observed": str(detail.get("observed_value", ""))[:200] if "observed_value" in detail else None,
        "unexpected_count": detail.get("unexpected_count"),
        "unexpected_percent": detail.get("unexpected_percent"),
        "sample": json.loads(json.dumps(detail.get("partial_unexpected_list", [])[:10], default=str)),
        "error": error,
    }


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
        failed = [r for r in validation.results if not r.success]
        warning = [r for r in failed if _is_warning(r)]
        return SuiteResult(
            model=name,
            rows=len(frame),
            expectations=len(expectations),
            failures=[_describe_failure(r) for r in failed if r not in warning],
            seconds=round(time.perf_counter() - started, 3),
            warnings=[_describe_failure(r) for r in warning],
            checks=[_check(r) for r in validation.results],
        )


def _is_warning(result) -> bool:
    return str(getattr(result.expectation_config.severity, "value", "")) == "warning"


def as_of_date(connection: Connection, manifest: Manifest) -> date | None:
    """The data's as-of date (int_as_of_date), or None when it is not built."""
    try:
        relation = manifest.model(AS_OF_MODEL).relation_name
        rows = connection.execute(f"select max(as_of_date) from {relation}").fetchall()
    except (KeyError, *READ_ERRORS):
        return None
    return rows[0][0] if rows else None


def _public_expectations(
    manifest: Manifest, model: Relation, frame: pd.DataFrame, as_of: date | None
) -> list:
    hashed = _hashed_columns(manifest, model)
    min_rows = 0 if _may_be_empty(manifest, model) else 1
    return [
        *rules.published_expectations(list(model.columns), min_rows=min_rows),
        *rules.declared_expectations(model.tests),
        *rules.mart_column_expectations([c for c in frame.columns if c not in hashed]),
        *rules.masked_expectations(hashed),
        *rules.freshness_expectations(model.meta.get("freshness"), as_of),
    ]


def _may_be_empty(manifest: Manifest, model: Relation) -> bool:
    """Whether the contract lets the model be empty (an audience, or ``meta: {allow_empty: true}``)."""
    return published.may_be_empty(manifest.data, manifest.data["nodes"][f"model.cdp.{model.name}"])


def public_models(manifest: Manifest) -> list[Relation]:
    """The public models: the marts and the audiences the syncs read."""
    return [*manifest.marts(), *manifest.models(AUDIENCE_PREFIX)]


def validate_models(
    connection: Connection,
    manifest: Manifest,
    names: Iterable[str],
    validator: Validator | None = None,
) -> list[SuiteResult]:
    """The contract suites of these public models only (what a sync reads), on an open connection."""
    validator = validator or Validator()
    as_of = as_of_date(connection, manifest)
    results = []
    for name in names:
        model = manifest.model(name)
        frame = connection.execute(f"select * from {model.relation_name}").df()
        results.append(validator.validate(name, frame, _public_expectations(manifest, model, frame, as_of)))
    return results


def run_contracts(
    manifest: Manifest | None = None,
    database: str | None = None,
    report_path: Path | None = None,
    target: str = "dev",
) -> list[SuiteResult]:
    """Validate every staged, quarantine, mart and audience model of the ``target``'s warehouse (DuckDB, at
    ``database`` if given, or Spark); write the JSON report (and the HTML one beside it, same name, .html) if
    asked; return the results."""
    manifest = manifest or Manifest.load()
    with connect(target, database) as connection:
        results = validate_warehouse(connection, manifest)
    if report_path is not None:
        write_reports(results, report_path)
    return results


def validate_warehouse(connection: Connection, manifest: Manifest) -> list[SuiteResult]:
    """The suites of every staged, quarantine, mart and audience model, on an open connection."""
    validator = Validator()
    results: list[SuiteResult] = []
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
    return results + validate_models(
        connection, manifest, [model.name for model in public_models(manifest)], validator
    )


def write_reports(results: list[SuiteResult], report_path: Path) -> tuple[Path, Path]:
    """The JSON report at ``report_path`` and the HTML one beside it (same name, ``.html``)."""
    from cdp.contracts.html import render

    report_path.parent.mkdir(parents=True, exist_ok=True)
    report_path.write_text(json.dumps([asdict(result) for result in results], indent=2, default=str))
    html_path = report_path.with_suffix(".html")
    html_path.write_text(render(results, generated=datetime.now()))
    return report_path, html_path
