"""The same project on Spark (dbt-spark, method: session): it builds, its tests pass, its incremental models
take in a week more of data, and then every staged model and mart holds exactly what DuckDB's full build of
the same data holds, value for value."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

import duckdb
import pytest

from cdp.contracts.run import public_models, validate_warehouse
from cdp.replay import last_day_of_loads_start, write_loaded_until
from cdp.warehouse import Manifest, SparkConnection, connect_spark
from tests.dbt_harness import DbtProject, compared_columns, generate_parquet

pytestmark = pytest.mark.spark

# The demo seeds' data (seeds/demo/_demo__seeds.yml: 2,500 people, seed 42), generated again as Parquet so
# that Spark can take it in two batches while DuckDB (the duckdb_project fixture) builds the seeds in one.
DEMO_PEOPLE = 2_500
DEMO_SEED = 42
# The second batch: the newest week of loads (about 2,200 rows, late loads of older days among them).
DAYS_ADDED = 7
# The facts that rebuild whole days: insert_overwrite of their day partitions on Spark.
DAY_PARTITIONED_FACTS = (
    "fct_page_views_daily",
    "fct_ad_campaign_daily",
    "fct_web_sessions",
    "fct_app_sessions",
    "fct_product_usage_daily",
)


@dataclass
class SparkBuild:
    project: DbtProject
    build_results: list[dict]
    incremental_results: list[dict]


@pytest.fixture(scope="module")
def spark_build(tmp_path_factory: pytest.TempPathFactory) -> SparkBuild:
    """``dbt build`` on Spark of the demo data but its newest week of loads, then ``dbt run`` on all of it, as
    the nightly job would run a week later."""
    workdir = tmp_path_factory.mktemp("spark")
    raw = generate_parquet(workdir / "raw", DEMO_PEOPLE, seed=DEMO_SEED)
    held_back = workdir / "raw_held_back"
    write_loaded_until(raw, held_back, last_day_of_loads_start(raw) - timedelta(days=DAYS_ADDED - 1))
    project = DbtProject("spark", workdir, {})
    build_results = project.build(
        "--exclude", "path:seeds/demo", "--vars", f"{{cdp__raw_parquet_path: '{held_back}'}}"
    )
    # Refit the analyses and the Fellegi-Sunter u probabilities in this run, as a full build does: on their
    # default schedule a run a week later keeps the older fit on purpose (test_analysis_fit covers that).
    refit = "cdp__analysis_refit_days: 0, cdp__fs_u_refit_days: 0"
    project.dbt("run", "--vars", f"{{cdp__raw_parquet_path: '{raw}', {refit}}}")
    return SparkBuild(project, build_results, project.run_results())


@pytest.fixture(scope="module")
def spark_project(spark_build: SparkBuild) -> DbtProject:
    return spark_build.project


@pytest.fixture(scope="module")
def spark_session(spark_project: DbtProject):
    """A Spark session on the metastore dbt just wrote, opened as ``cdp contracts --target spark`` opens it
    (cdp.warehouse.connect_spark, from profiles.yml). dbt's JVM has exited, so Derby is free."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CDP_SPARK_DIR", str(spark_project.workdir / "spark"))
        with connect_spark() as connection:
            yield connection.session


def test_spark_build_passes(spark_build: SparkBuild) -> None:
    results = spark_build.build_results
    failed = [
        (r["unique_id"], r["status"], (r.get("message") or "")[:300])
        for r in results
        if r["status"] not in ("success", "pass")
        and not (r["status"] == "no-op" and r["unique_id"].startswith("exposure."))
        and not (r["status"] == "warn" and ".relationships_" in r["unique_id"])
    ]
    assert not failed, failed
    assert any(r["unique_id"] == "test.cdp.assert_normalisation_cases_hold" for r in results)


def test_spark_incremental_run_takes_in_the_new_week(spark_build: SparkBuild) -> None:
    """The run on all the data took every incremental model's incremental branch; the day-partitioned facts
    overwrote the days it rebuilt (the comparisons with DuckDB's full build below prove what they hold)."""
    results = {r["unique_id"].split(".")[-1]: r for r in spark_build.incremental_results}
    failed = [(name, r["status"]) for name, r in results.items() if r["status"] != "success"]
    assert not failed, failed
    for name in DAY_PARTITIONED_FACTS:
        # The incremental branch starts at the earliest day holding a row loaded since the last run.
        assert "max(max_loaded_at)" in results[name]["compiled_code"].replace("`", ""), name
    base_models = [r for name, r in results.items() if name.startswith("base_")]
    assert len(base_models) == 17
    for run in base_models:
        assert "max(loaded_at)" in run["compiled_code"].replace("`", ""), run["unique_id"]


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

    def event_count() -> int:
        show = spark_project.dbt(
            "show",
            "--output",
            "json",
            "--inline",
            "select count(*) as n from {{ ref('fct_audience_membership_events') }}",
        )
        shown, _ = json.JSONDecoder().raw_decode(show.stdout[show.stdout.index("{") :])
        return shown["show"][0]["n"]

    before = event_count()
    assert before > 0
    result = spark_project.dbt("run", "-s", "fct_audience_membership_events", "fct_audience_memberships")
    assert "ERROR=0" in result.stdout, result.stdout[-3000:]
    assert event_count() == before


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
        compared = set(compared_columns(node["name"], duck_columns))
        kept = [index for index, name in enumerate(duck_columns) if name in compared]
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


def test_spark_warehouse_meets_the_data_contracts(spark_project: DbtProject, spark_session) -> None:
    """The great-expectations suites (``cdp contracts --target spark``) hold on Spark's warehouse after its
    incremental run: every staged, quarantine, mart and audience model, as on DuckDB's."""
    manifest = Manifest(spark_project.manifest())
    results = validate_warehouse(SparkConnection(spark_session), manifest)
    assert len(results) == 34 + len(public_models(manifest))
    assert sum(result.expectations for result in results) > 500
    failed = {result.model: result.failures for result in results if not result.success}
    assert not failed, failed
    # The freshness promises were checked against Spark's as-of date.
    checks = {result.model: result.checks for result in results}["dim_customers"]
    assert any(check["expectation"].startswith("expect_column_max") for check in checks)
