"""The great-expectations data contracts: green on the demo build, red on data that breaks them; the JSON and
HTML reports; the freshness promise."""

from __future__ import annotations

import json
from datetime import date

import pandas as pd

from cdp.contracts import rules
from cdp.contracts.run import Validator, public_models, run_contracts, write_reports
from cdp.warehouse import DbtTest, Manifest
from tests.dbt_harness import DbtProject


def test_contracts_pass_on_the_demo_build(duckdb_project: DbtProject, tmp_path) -> None:
    results = run_contracts(
        manifest=Manifest(duckdb_project.manifest()),
        database=str(duckdb_project.duckdb_path),
        report_path=tmp_path / "contracts.json",
    )
    manifest = Manifest(duckdb_project.manifest())
    public = public_models(manifest)
    # 17 staged + 17 quarantine models + every mart + every audience
    assert len(results) == 34 + len(public)
    assert len(manifest.marts()) >= 25 and len(public) - len(manifest.marts()) >= 5
    assert sum(result.expectations for result in results) > 500
    failed = {result.model: result.failures for result in results if not result.success}
    assert not failed, failed
    # The freshness promises were checked (an expectation per limit), against the data's as-of date.
    by_model = {result.model: result for result in results}
    freshness = [
        c for c in by_model["dim_customers"].checks if c["expectation"].startswith("expect_column_max")
    ]
    assert {(c["column"], c["severity"]) for c in freshness} == {
        ("last_seen_at", "critical"),
        ("last_seen_at", "warning"),
    }
    assert json.loads((tmp_path / "contracts.json").read_text())[0]["checks"]
    html = (tmp_path / "contracts.html").read_text()
    assert "all contracts hold" in html and "aud_cart_abandoners" in html


def test_the_html_report_lists_a_failing_expectation(tmp_path) -> None:
    frame = pd.DataFrame({"customer_id": ["a", "b", "b"], "email": ["ok@example.com", "Not An Email", None]})

    def expectations() -> list:
        return [*rules.key_expectations(["customer_id"]), *rules.column_expectations(frame.columns)]

    broken = Validator().validate("aud_broken", frame, expectations())
    healthy = Validator().validate("aud_healthy", frame.head(1), expectations())
    json_path, html_path = write_reports([healthy, broken], tmp_path / "reports" / "contracts.json")
    html = html_path.read_text()
    assert "1 suites fail" in html and 'href="#aud_broken"' in html
    failing_rows = [row for row in html.split("<tr") if row.startswith(' class="fail"')]
    assert any("expect_column_values_to_be_unique" in row and "customer_id" in row for row in failing_rows)
    assert any("expect_column_values_to_match_regex" in row and "Not An Email" in row for row in failing_rows)
    assert json.loads(json_path.read_text())[1]["failures"]


def test_freshness_fails_on_stale_data_and_warns_in_between() -> None:
    promise = {"column": "last_seen_at", "warn_after_days": 2, "error_after_days": 5}
    as_of = date(2026, 11, 1)

    def validate(newest: str):
        frame = pd.DataFrame({"last_seen_at": pd.to_datetime(["2026-01-01 00:00:00", newest])})
        return Validator().validate("fresh", frame, rules.freshness_expectations(promise, as_of))

    fresh, late, stale = (
        validate("2026-10-31 08:00:00"),
        validate("2026-10-28 00:00:00"),
        validate("2026-10-20 00:00:00"),
    )
    assert fresh.success and not fresh.warnings
    assert late.success and len(late.warnings) == 1
    assert not stale.success and "last_seen_at" in stale.failures[0]
    # A model that inherits its freshness has no expectation of its own; no as-of date, no check.
    assert rules.freshness_expectations({"inherits": "mart_customer_360"}, as_of) == []
    assert rules.freshness_expectations(promise, None) == []


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
