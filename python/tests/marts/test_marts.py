"""The marts keep the promises BI tools and syncs rely on: contracts enforced, keys tested, exposures
declared, no direct PII in the masked 360, and channel totals that reconcile with what was staged."""

from __future__ import annotations

import re

from cdp.warehouse import Manifest
from tests.dbt_harness import DbtProject

HEX64 = re.compile(r"^[0-9a-f]{64}$")
KEY_TESTS = {"unique", "cdp_unique_combination"}


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
    assert {"mart_customer_360_masked", "dim_customers", "fct_nps_monthly"} <= read
    assert {exposure["type"] for exposure in exposures} >= {"dashboard", "application"}
    assert all(exposure["owner"].get("email") for exposure in exposures)


def test_masked_360_hashes_every_direct_pii_column(duckdb_project: DbtProject, connection) -> None:
    full = _node(duckdb_project, "mart_customer_360")
    meta = {
        name: column.get("config", {}).get("meta") or column.get("meta", {})
        for name, column in full["columns"].items()
    }
    direct = [name for name, column_meta in meta.items() if column_meta.get("pii") == "direct"]
    assert {"email", "phone_e164", "first_name", "last_name", "street", "date_of_birth"} <= set(direct)
    schema_full = full["schema"]
    schema_masked = _node(duckdb_project, "mart_customer_360_masked")["schema"]
    for column in direct:
        leaked = connection.execute(
            f"""
            select count(*)
            from "{schema_full}".mart_customer_360 as plain
            inner join "{schema_masked}".mart_customer_360_masked as masked using (customer_id)
            where cast(plain.{column} as varchar) = cast(masked.{column} as varchar)
            """
        ).fetchone()[0]
        assert leaked == 0, f"{column}: {leaked} raw values in the masked model"
        values = connection.execute(
            f'select distinct cast({column} as varchar) from "{schema_masked}".mart_customer_360_masked '
            f"where {column} is not null limit 50"
        ).fetchall()
        if meta[column].get("masking") == "redact":
            assert not values, f"{column} is redacted but holds values"
            continue
        assert values, f"{column}: nothing to check"
        assert all(HEX64.match(value) for (value,) in values), (column, values[:3])
    counts = connection.execute(
        f'select (select count(*) from "{schema_full}".mart_customer_360), '
        f'(select count(*) from "{schema_masked}".mart_customer_360_masked)'
    ).fetchone()
    assert counts[0] == counts[1] > 1000


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
