"""Published data contracts: the repo's manifest keeps every promise of
governance/published_contracts.json, and a change that breaks one (a column removed, a type changed, a promise
dropped or widened, a model removed) fails with a line naming the column and every exposure downstream, while
additive changes pass."""

from __future__ import annotations

import copy
import json

import pytest

from cdp.cli import main
from cdp.contracts import published
from tests.dbt_harness import DbtProject

DIM = "model.cdp.dim_customers"


@pytest.fixture(scope="module")
def parsed(duckdb_project: DbtProject) -> dict:
    """The manifest of the repo as it is (the demo build parsed it)."""
    return duckdb_project.manifest()


def _break_lines(result: published.CheckResult) -> list[str]:
    return [str(change) for change in result.breaks]


def test_the_manifest_keeps_every_published_contract(parsed: dict) -> None:
    result = published.check(parsed)
    assert result.ok, "breaking changes to published contracts (docs/governance/contracts.md):\n" + "\n".join(
        _break_lines(result)
    )
    assert result.models >= 30 and result.promises > 1000


def test_every_public_model_is_published_with_a_freshness_promise(parsed: dict) -> None:
    contracts = published.contracts(parsed)
    snapshot = published.load_snapshot()["models"]
    assert {name for name in contracts if name.startswith("aud_")} <= set(snapshot)
    assert {"dim_customers", "mart_customer_360"} <= set(snapshot)
    missing = sorted(name for name, contract in contracts.items() if not contract["freshness"])
    assert not missing, f"public models without meta.freshness: {missing}"
    # An inherited promise leads, through public models (no cycle, no typo), to one measured on a column.
    for name, contract in contracts.items():
        chain = [name]
        while contract["freshness"].get("inherits"):
            chain.append(contract["freshness"]["inherits"])
            assert chain[-1] in contracts and len(chain) <= 4, chain
            contract = contracts[chain[-1]]
        columns = {column["name"] for column in contract["columns"]}
        assert contract["freshness"]["column"] in columns, chain
        assert contract["freshness"]["warn_after_days"] <= contract["freshness"]["error_after_days"], chain


def test_publishing_the_same_manifest_twice_writes_the_same_file(parsed: dict, tmp_path) -> None:
    first = published.write_snapshot(parsed, tmp_path / "a.json").read_text()
    second = published.write_snapshot(copy.deepcopy(parsed), tmp_path / "b.json").read_text()
    assert first == second
    assert published.check(parsed, tmp_path / "a.json").unpublished == []


def _compare(before: dict, after: dict) -> published.CheckResult:
    return published.compare(published.contracts(before), published.contracts(after))


def test_a_removed_mart_column_names_the_column_and_every_downstream_exposure(parsed: dict) -> None:
    changed = copy.deepcopy(parsed)
    del changed["nodes"][DIM]["columns"]["email"]
    result = _compare(parsed, changed)
    assert not result.ok
    [line] = _break_lines(result)
    assert line.startswith("dim_customers.email: removed — breaks exposure ")
    named = set(line.split("breaks exposure ")[1].split(", "))
    # Directly (audience_syncs), and through the 360 and every audience built on it (one exposure per sync).
    syncs = {e["name"] for e in parsed["exposures"].values() if e["name"].startswith("sync_")}
    assert {"audience_syncs", "customer_360_dashboard"} | syncs <= named
    assert len(syncs) >= 10
    assert "marketing_analyses" not in named  # it reads no model downstream of dim_customers


def test_a_type_change_and_dropped_or_widened_promises_are_breaks(parsed: dict) -> None:
    changed = copy.deepcopy(parsed)
    changed["nodes"][DIM]["columns"]["last_seen_at"]["data_type"] = "date"
    tests = {n["unique_id"]: n for n in changed["nodes"].values() if n.get("attached_node") == DIM}
    for unique_id, test in tests.items():
        name, column = test["test_metadata"]["name"], test.get("column_name")
        if (name, column) in (("unique", "customer_id"), ("not_null", "is_known")):
            del changed["nodes"][unique_id]
        if (name, column) == ("accepted_values", "email_consent_status"):
            test["test_metadata"]["kwargs"]["values"] = [*test["test_metadata"]["kwargs"]["values"], "maybe"]
    meta = changed["nodes"][DIM]["config"].setdefault("meta", {})
    meta["freshness"] = {**meta["freshness"], "error_after_days": meta["freshness"]["error_after_days"] + 5}
    lines = _break_lines(_compare(parsed, changed))
    subjects = {line.split(" — ")[0] for line in lines}
    assert subjects == {
        "dim_customers.last_seen_at: type changed from timestamp to date",
        "dim_customers.customer_id: unique promise dropped",
        "dim_customers.is_known: not_null promise dropped",
        "dim_customers.email_consent_status: accepted_values widened: +['maybe']",
        f"dim_customers: freshness widened: error_after_days {meta['freshness']['error_after_days'] - 5} -> "
        f"{meta['freshness']['error_after_days']}",
    }, lines
    assert all("audience_syncs" in line for line in lines)


def test_a_renamed_column_is_a_removal_with_a_hint(parsed: dict) -> None:
    changed = copy.deepcopy(parsed)
    columns = changed["nodes"][DIM]["columns"]
    renamed = {name: "email_address" if name == "email" else name for name in columns}
    changed["nodes"][DIM]["columns"] = {
        renamed[name]: {**column, "name": renamed[name]} for name, column in columns.items()
    }
    result = _compare(parsed, changed)
    [line] = _break_lines(result)
    assert line.startswith("dim_customers.email: removed (renamed to email_address?) — breaks exposure ")
    assert [str(c) for c in result.unpublished] == ["dim_customers.email_address: new column (string)"]


def test_allowing_a_mart_to_be_empty_is_a_break(parsed: dict) -> None:
    changed = copy.deepcopy(parsed)
    changed["nodes"]["model.cdp.fct_orders"]["config"].setdefault("meta", {})["allow_empty"] = True
    lines = _break_lines(_compare(parsed, changed))
    subjects = {line.split(" — ")[0] for line in lines}
    assert "fct_orders: may now be empty (allow_empty)" in subjects
    # Its masked view, if any, follows it.
    models = ("fct_orders", "fct_orders_masked")
    assert subjects <= {f"{model}: may now be empty (allow_empty)" for model in models}


def test_a_removed_audience_names_its_sync_exposures(parsed: dict) -> None:
    changed = copy.deepcopy(parsed)
    del changed["nodes"]["model.cdp.aud_cart_abandoners"]
    [line] = _break_lines(_compare(parsed, changed))
    assert line.startswith("aud_cart_abandoners: model removed — breaks exposure ")
    assert "sync_cart_abandoners__klaviyo" in line and "sync_cart_abandoners__crm_webhook" in line


def test_additive_changes_pass_and_are_reported_as_not_yet_published(parsed: dict) -> None:
    changed = copy.deepcopy(parsed)
    changed["nodes"][DIM]["columns"]["loyalty_tier"] = {"name": "loyalty_tier", "data_type": "string"}
    new_model = copy.deepcopy(changed["nodes"][DIM])
    new_model.update(name="dim_households", unique_id="model.cdp.dim_households")
    changed["nodes"]["model.cdp.dim_households"] = new_model
    tests = [n for n in changed["nodes"].values() if n.get("attached_node") == DIM]
    age_group = next(t for t in tests if t.get("column_name") == "age_group")
    values = age_group["test_metadata"]["kwargs"]["values"]
    values.remove("unknown")  # stricter: fewer accepted values
    result = _compare(parsed, changed)
    assert result.ok, _break_lines(result)
    unpublished = {str(change) for change in result.unpublished}
    assert "dim_customers.loyalty_tier: new column (string)" in unpublished
    assert "dim_households: new public model" in unpublished
    assert any(line.startswith("dim_customers.age_group: accepted_values narrowed") for line in unpublished)


def test_cdp_contracts_check_fails_on_a_break_and_names_it(
    duckdb_project: DbtProject, tmp_path, monkeypatch, capsys
) -> None:
    monkeypatch.setenv("DBT_TARGET_PATH", str(duckdb_project.target_path))
    snapshot = published.snapshot(duckdb_project.manifest())
    # A published column the manifest no longer has: the check must name it and its consumers.
    snapshot["models"]["mart_customer_360"]["columns"].append(
        {"name": "loyalty_points", "data_type": "bigint", "not_null": True, "unique": False}
    )
    path = tmp_path / "published.json"
    path.write_text(json.dumps(snapshot))
    assert main(["contracts", "check", "--no-parse", "--snapshot", str(path)]) == 1
    out = capsys.readouterr().out
    assert "BREAKING mart_customer_360.loyalty_points: removed — breaks exposure " in out
    assert "sync_lapsed_subscribers__google_ads" in out
    assert "1 breaking changes" in out
    published.write_snapshot(duckdb_project.manifest(), path)
    assert main(["contracts", "check", "--no-parse", "--snapshot", str(path)]) == 0
