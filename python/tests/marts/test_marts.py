"""The marts keep the promises BI tools and syncs rely on: contracts enforced, keys tested, exposures
declared, and channel totals that reconcile with what was staged."""

from __future__ import annotations

from cdp.governance import masking
from cdp.warehouse import Manifest
from tests.dbt_harness import DbtProject

KEY_TESTS = {"unique", "cdp_unique_combination", masking.KEY_TEST}


def _node(duckdb_project: DbtProject, name: str) -> dict:
    return duckdb_project.manifest()["nodes"][f"model.cdp.{name}"]


def test_every_public_mart_enforces_a_contract_and_tests_its_key(
    duckdb_project: DbtProject, manifest: Manifest
) -> None:
    problems = []
    for mart in manifest.marts():
        node = _node(duckdb_project, mart.name)
        if node["config"]["materialized"] != "view" and not node["config"]["contract"]["enforced"]:
            problems.append(f"{mart.name}: contract not enforced")
        if not any(test.name in KEY_TESTS for test in mart.tests):
            problems.append(f"{mart.name}: no unique key test")
    assert not problems, problems


def test_exposures_name_the_marts_their_consumers_read(duckdb_project: DbtProject) -> None:
    exposures = duckdb_project.manifest()["exposures"].values()
    read = {node.split(".")[-1] for exposure in exposures for node in exposure["depends_on"]["nodes"]}
    assert {"mart_customer_360_masked", "dim_customers", "fct_nps_monthly_masked"} <= read
    assert {exposure["type"] for exposure in exposures} >= {"dashboard", "application"}
    assert all(exposure["owner"].get("email") for exposure in exposures)


def test_360_has_one_row_per_customer_of_the_golden_record(duckdb_project: DbtProject, connection) -> None:
    schema = _node(duckdb_project, "mart_customer_360")["schema"]
    dim_schema = _node(duckdb_project, "dim_customers")["schema"]
    missing, extra = connection.execute(
        f"""
        select
            (select count(*) from "{dim_schema}".dim_customers
             where customer_id not in (select customer_id from "{schema}".mart_customer_360)),
            (select count(*) from "{schema}".mart_customer_360
             where customer_id not in (select customer_id from "{dim_schema}".dim_customers))
        """
    ).fetchone()
    assert (missing, extra) == (0, 0)


def test_the_360_docs_are_generated_from_its_parts() -> None:
    from cdp.marts.docs360 import sync

    assert sync(check=True), "the 360 yml is stale: run `cdp marts sync-360-docs`"
