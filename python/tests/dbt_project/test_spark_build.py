"""The same project on Spark (dbt-spark, method: session): it builds, its tests pass, and every staged model
holds exactly what DuckDB staged, value for value."""

from __future__ import annotations

import math
from datetime import date, datetime
from decimal import Decimal

import duckdb
import pytest

from tests.dbt_harness import RUN_STAMP_COLUMNS, DbtProject

pytestmark = pytest.mark.spark


@pytest.fixture(scope="module")
def spark_project(tmp_path_factory: pytest.TempPathFactory) -> DbtProject:
    project = DbtProject("spark", tmp_path_factory.mktemp("spark"), {})
    project.build()
    return project


@pytest.fixture(scope="module")
def spark_session(spark_project: DbtProject):
    """A Spark session on the metastore dbt just wrote (dbt's JVM has exited, so Derby is free)."""
    from pyspark.sql import SparkSession

    spark_dir = spark_project.workdir / "spark"
    session = (
        SparkSession.builder.master("local[2]")
        .appName("cdp-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.warehouse.dir", f"{spark_dir}/warehouse")
        .config(
            "spark.hadoop.javax.jdo.option.ConnectionURL",
            f"jdbc:derby:;databaseName={spark_dir}/metastore_db;create=true",
        )
        .config("spark.driver.extraJavaOptions", f"-Dderby.stream.error.file={spark_dir}/derby.log")
        .enableHiveSupport()
        .getOrCreate()
    )
    yield session
    session.stop()


def test_spark_build_passes(spark_project: DbtProject) -> None:
    results = spark_project.run_results()
    failed = [
        (r["unique_id"], r["status"], (r.get("message") or "")[:300])
        for r in results
        if r["status"] not in ("success", "pass")
        and not (r["status"] == "no-op" and r["unique_id"].startswith("exposure."))
        and not (r["status"] == "warn" and ".relationships_" in r["unique_id"])
    ]
    assert not failed, failed
    assert any(r["unique_id"] == "test.cdp.assert_normalisation_cases_hold" for r in results)


def test_spark_recomputes_only_touched_components(spark_project: DbtProject) -> None:
    """The incremental path of the identity graph's components runs on Spark too (its equality with a full
    computation is proven on DuckDB, same SQL). Runs before spark_session opens the single-user metastore."""
    result = spark_project.dbt(
        "run",
        "-s",
        # Identity models only: the marts keep what the first build made, for the engine comparison below.
        "int_identity_observations+,path:models/intermediate/identity",
        "--exclude",
        "int_fs_*",
        "--vars",
        "{cdp__identity_extra_observations: identity_extra_observations}",
    )
    assert "cdp_connected_components_incremental: recomputing" in result.stdout, result.stdout[-3000:]
    assert "ERROR=0" in result.stdout


def test_spark_audience_history_appends_to_itself(spark_project: DbtProject) -> None:
    """The membership events read their own table and append on Spark (plain Parquet): a second run with the
    same members appends nothing."""
    first = spark_project.dbt(
        "show",
        "--output",
        "json",
        "--inline",
        "select count(*) as n from {{ ref('fct_audience_membership_events') }}",
    )
    assert '"n": 0' not in first.stdout and '"n": ' in first.stdout, first.stdout[-2000:]
    result = spark_project.dbt("run", "-s", "fct_audience_membership_events", "fct_audience_memberships")
    assert "ERROR=0" in result.stdout, result.stdout[-3000:]
    show = spark_project.dbt(
        "show",
        "--output",
        "json",
        "--inline",
        "select count(*) as n from {{ ref('fct_audience_membership_events') }}"
        " where changed_at > (select min(changed_at) from {{ ref('fct_audience_membership_events') }})",
    )
    assert '"n": 0' in show.stdout, show.stdout[-2000:]


def test_spark_base_models_rebuild_their_newest_months(spark_project: DbtProject) -> None:
    """A second run of staging takes the incremental path of the base models (insert_overwrite of the newest
    load months); the staged rows it leaves must still equal DuckDB's (compared below). Runs before
    spark_session opens the single-user metastore."""
    result = spark_project.dbt("run", "-s", "path:models/staging")
    assert "ERROR=0" in result.stdout, result.stdout[-3000:]
    base_models = [r for r in spark_project.run_results() if r["unique_id"].startswith("model.cdp.base_")]
    assert len(base_models) == 17
    for run in base_models:
        assert "max(loaded_at)" in run["compiled_code"], run["unique_id"]


NULL = "<null>"


def _canonical(value: object) -> str:
    """One string per value across engines (Spark and DuckDB return different Python types)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return NULL
    if isinstance(value, datetime):
        return value.replace(tzinfo=None).isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal | float):
        return f"{float(value):.6f}"
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def _compare(spark_session, connection, nodes: list[dict]) -> list[str]:
    """Every node's rows on Spark and on DuckDB, as canonical strings; a description of each difference."""
    mismatches = []
    for node in nodes:
        duck = connection.execute(f'select * from "{node["schema"]}"."{node["name"]}"')
        duck_columns = [column[0] for column in duck.description]
        spark = spark_session.sql(f"select * from {node['schema']}.{node['name']}")
        assert duck_columns == spark.columns, node["name"]
        kept = [index for index, name in enumerate(duck_columns) if name not in RUN_STAMP_COLUMNS]
        duck_rows = sorted(tuple(_canonical(row[i]) for i in kept) for row in duck.fetchall())
        spark_rows = sorted(tuple(_canonical(row[i]) for i in kept) for row in spark.collect())
        if duck_rows != spark_rows:
            only_duck = sorted(set(duck_rows) - set(spark_rows))[:2]
            only_spark = sorted(set(spark_rows) - set(duck_rows))[:2]
            mismatches.append(
                f"{node['name']}: {len(duck_rows)} vs {len(spark_rows)} rows; "
                f"duckdb-only {only_duck}; spark-only {only_spark}"
            )
    return mismatches


def test_spark_and_duckdb_stage_identical_rows(
    spark_project: DbtProject, spark_session, duckdb_project: DbtProject
) -> None:
    manifest = spark_project.manifest()
    models = [
        n
        for n in manifest["nodes"].values()
        if n["resource_type"] == "model" and n["name"].startswith("stg_")
    ]
    assert len(models) == 34
    with duckdb.connect(str(duckdb_project.duckdb_path), read_only=True) as connection:
        mismatches = _compare(spark_session, connection, models)
    assert not mismatches, "\n".join(mismatches)


def test_spark_and_duckdb_build_identical_marts(
    spark_project: DbtProject, spark_session, duckdb_project: DbtProject
) -> None:
    """Every mart, value for value: the golden record, facts, rollups, 360, analyses (k-means included)."""
    manifest = spark_project.manifest()
    marts = [
        n
        for n in manifest["nodes"].values()
        if n["resource_type"] == "model" and n["original_file_path"].startswith("models/marts/")
    ]
    assert len(marts) >= 30
    with duckdb.connect(str(duckdb_project.duckdb_path), read_only=True) as connection:
        mismatches = _compare(spark_session, connection, marts)
    assert not mismatches, "\n".join(mismatches)
