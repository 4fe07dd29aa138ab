"""The great-expectations data contracts: green on the demo build, red on data that breaks them."""

from __future__ import annotations

import pandas as pd

from cdp.contracts import rules
from cdp.contracts.run import Validator, run_contracts
from cdp.warehouse import DbtTest, Manifest
from tests.dbt_harness import DbtProject


def test_contracts_pass_on_the_demo_build(duckdb_project: DbtProject, tmp_path) -> None:
    results = run_contracts(
        manifest=Manifest(duckdb_project.manifest()),
        database=str(duckdb_project.duckdb_path),
        report_path=tmp_path / "contracts.json",
    )
    marts = Manifest(duckdb_project.manifest()).marts()
    assert len(results) == 34 + len(marts)  # 17 staged + 17 quarantine models + every mart
    assert len(marts) >= 25
    assert sum(result.expectations for result in results) > 500
    failed = {result.model: result.failures for result in results if not result.success}
    assert not failed, failed
    assert (tmp_path / "contracts.json").stat().st_size > 0


def test_contracts_catch_values_that_break_the_conventions() -> None:
    frame = pd.DataFrame(
        {
            "customer_id": ["a", "b", "b"],
            "email": ["ok@example.com", "Not An Email", None],
            "phone_e164": ["+84912345678", "0912345678", None],
            "country_code": ["VN", "vn", None],
            "first_name_folded": ["nguyen", "Nguyen", None],
        }
    )
    expectations = [*rules.key_expectations(["customer_id"]), *rules.column_expectations(frame.columns)]
    result = Validator().validate("broken", frame, expectations)
    assert not result.success
    failed_columns = {failure.split("(")[1].split(")")[0] for failure in result.failures}
    assert failed_columns == {"customer_id", "email", "phone_e164", "country_code", "first_name_folded"}


def test_quarantine_share_above_the_limit_fails() -> None:
    frame = pd.DataFrame({"dq_reason": ["missing_key"] * 10})
    result = Validator().validate("too_many", frame, rules.quarantine_expectations(rows_in=100))
    assert not result.success


def test_a_compound_key_test_becomes_a_compound_uniqueness_contract() -> None:
    key = DbtTest(
        name="cdp_unique_combination",
        column=None,
        kwargs={"combination": ["node_key", "customer_id"]},
        severity="error",
    )
    unique_pairs = pd.DataFrame({"node_key": ["n1", "n1", None], "customer_id": ["c1", "c2", "c1"]})
    assert Validator().validate("pairs", unique_pairs, rules.declared_expectations([key])).success
    # Two rows equal but for a NULL in the same column are duplicates, as in the dbt test (group by).
    repeated = pd.DataFrame({"node_key": ["n1", None, None], "customer_id": ["c1", "c1", "c1"]})
    result = Validator().validate("pairs", repeated, rules.declared_expectations([key]))
    assert not result.success
