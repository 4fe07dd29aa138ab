"""Incremental models (base models by load time, the identity observations by record, event facts by day):
loading the raw data in batches and running dbt after each batch gives exactly the staged, quarantined,
identity and mart rows a full refresh on all the data gives (late rows and re-delivered keys included: some
rows come late, some twice)."""

from __future__ import annotations

import math
import subprocess
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from cdp.contracts import published
from cdp.replay import newest_load, write_loaded_until
from cdp.warehouse import Manifest
from tests.dbt_harness import DbtProject, compared_columns, generate_parquet

PEOPLE = 300
# Identity models incremental by record (or pair, or graph node), and what their incremental branch reads to
# find the rows to rewrite.
RECORD_INCREMENTAL = {
    "int_identity_observations": "touched_records",
    "int_identity_observations_assessed": "touched_records",
    "int_identity_record_anchors": "int_identity_observations_assessed__changed_records",
    "int_identity_edges": "int_identity_record_anchors__changed_anchors",
    "int_identity_components": "clusters_to_write",
    "int_customer_ids": "int_identity_components__changed_nodes",
    "int_person_records": "touched_records",
    "int_fs_candidate_pairs": "int_person_records__changed_records",
    "int_fs_pair_comparisons": "int_fs_candidate_pairs__changed_records",
    "int_identity_merge_audit": "int_identity_edges__changed_edge_nodes",
}
# Models whose rows each belong to one customer, incremental through the customer change feed.
CUSTOMER_INCREMENTAL = (
    "int_customer_profile_candidates",
    "int_customer_golden_records",
    "int_consent_events",
    "int_consent_current",
    "fct_consent_history",
    "int_web_page_views_per_customer",
    "fct_customer_engagement_daily",
    "int_customer_engagement_totals",
    "int_customer_attitude_totals",
    "fct_orders",
    "fct_order_lines",
    "fct_carts",
    "int_email_campaign_recipients",
    "int_feedback_texts_unioned",
    "int_feedback_sentiment_terms_matched",
    "int_feedback_topic_keywords_matched",
    "int_basket_items",
    "int_engagement_sessions_attributed",
    "int_app_identities_resolved",
    "int_customer_product_usage_totals",
    "int_customer_purchase_totals",
    "dim_customers",
)
# Customer-feed models whose pre-hook reads the feed into a work table that the query then reads.
FEED_READ_BY_PRE_HOOK = {
    "int_app_identities_resolved": "int_app_identities_resolved__pairs_rewritten",
    "dim_customers": "dim_customers__customers_rewritten",
}


def _canonical(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "<null>"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal | float):
        return f"{float(value):.9g}"
    return str(value)


def _rows(connection: duckdb.DuckDBPyConnection, model: str, relation: str) -> list[tuple[str, ...]]:
    described = connection.execute(f"describe {relation}").fetchall()
    columns = [f'"{name}"' for name in compared_columns(model, [name for name, *_ in described])]
    return sorted(
        tuple(_canonical(v) for v in row)
        for row in connection.execute(f"select {', '.join(columns)} from {relation}").fetchall()
    )


@pytest.fixture(scope="module")
def raw(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate_parquet(tmp_path_factory.mktemp("raw") / "full", PEOPLE, seed=11)


@pytest.fixture(scope="module")
def redelivery(raw: Path) -> tuple[str, datetime]:
    """The web event re-delivered longest after its first delivery, and a time between the two deliveries: a
    batch ending then makes the next run see a key whose older delivery lies before the lookback."""
    with duckdb.connect() as connection:
        event_id, first, last = connection.execute(
            f"""
            select event_id, min(loaded_at), max(loaded_at)
            from (
                select event_id, try_cast(_loaded_at as timestamp) as loaded_at
                from read_parquet('{raw}/web_events/*.parquet')
                where event_id is not null
            )
            group by event_id
            having count(*) > 1
            order by max(loaded_at) - min(loaded_at) desc, event_id
            limit 1
            """
        ).fetchone()
    assert last - first > timedelta(days=4), "no re-delivery late enough to cross the late-load lookback"
    return event_id, last - timedelta(seconds=1)


def _run(project: DbtProject, raw: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    if not project.duckdb_path.exists():
        project.dbt("seed", "--select", "path:seeds/reference")
    # Every run refits the analyses (k-means, rules, best sellers) and the Fellegi-Sunter u probabilities: on
    # their default schedule the incremental runs would keep a fit of older data on purpose (test_analysis_fit
    # covers that path for both).
    refit_every_run = "cdp__analysis_refit_days: 0, cdp__fs_u_refit_days: 0"
    return project.dbt("run", "--vars", f"{{cdp__raw_parquet_path: '{raw}', {refit_every_run}}}", *extra)


@pytest.fixture(scope="module")
def built(
    raw: Path, redelivery: tuple[str, datetime], tmp_path_factory: pytest.TempPathFactory
) -> tuple[DbtProject, DbtProject, list[dict]]:
    """One warehouse fed in four batches (until just before a late re-delivery, all but the last 60 days, all
    but the last day, everything) and run after each; one warehouse built once with --full-refresh on
    everything."""
    end = newest_load(raw)
    incremental = DbtProject("dev", tmp_path_factory.mktemp("incremental"), {})
    batches = tmp_path_factory.mktemp("batches")
    for index, until in enumerate((redelivery[1], end - timedelta(days=60), end - timedelta(days=1))):
        write_loaded_until(raw, batches / f"batch_{index}", until)
        _run(incremental, batches / f"batch_{index}")
    _run(incremental, raw)
    last_run = incremental.run_results()

    full = DbtProject("dev", tmp_path_factory.mktemp("full"), {})
    _run(full, raw, "--full-refresh")
    return incremental, full, last_run


def test_incremental_runs_rebuild_only_recent_days(built) -> None:
    _, full, last_run = built
    nodes = Manifest(full.manifest()).data["nodes"]
    incremental_models = [
        r
        for r in last_run
        if nodes[r["unique_id"]]["config"]["materialized"] == "incremental"
        and "max_loaded_at" in (r.get("compiled_code") or "")
    ]
    assert len(incremental_models) >= 3, [r["unique_id"] for r in last_run]
    for result in incremental_models:
        # The incremental branch reads the target's watermark: it did not rebuild from scratch.
        assert "max(max_loaded_at)" in result["compiled_code"].replace('"', ""), result["unique_id"]


def test_base_models_normalise_only_the_months_they_rebuild(built) -> None:
    _, _, last_run = built
    base_models = [r for r in last_run if r["unique_id"].startswith("model.cdp.base_")]
    assert len(base_models) == 17, [r["unique_id"] for r in base_models]
    for result in base_models:
        # The incremental branch filters the raw rows by the newest load already built.
        assert "max(loaded_at)" in result["compiled_code"].replace('"', ""), result["unique_id"]


def test_identity_observations_rewrite_only_touched_records(built) -> None:
    _, _, last_run = built
    results = {r["unique_id"].split(".")[-1]: r for r in last_run}
    for name, marker in RECORD_INCREMENTAL.items():
        # The incremental branch rewrites the records loaded since the newest load (minus the lookback), or
        # those its upstream model rewrote (plus tombstones).
        assert marker in results[name]["compiled_code"], name


def test_customer_models_rewrite_only_changed_customers(built) -> None:
    incremental, _, last_run = built
    results = {r["unique_id"].split(".")[-1]: r for r in last_run}
    for name in CUSTOMER_INCREMENTAL:
        # The incremental branch reads the customers listed in the feed since the model last read it ...
        marker = FEED_READ_BY_PRE_HOOK.get(name, "int_customer_ids__customer_changes")
        assert marker in results[name]["compiled_code"], name
    with duckdb.connect(str(incremental.duckdb_path), read_only=True) as connection:
        listed, customers = connection.execute(
            """
            with feed as (select * from cdp_intermediate.int_customer_ids__customer_changes)
            select
                (select count(distinct customer_id) from feed
                 where changed_at = (select max(changed_at) from feed)),
                (select count(*) from cdp_intermediate.int_customer_golden_records)
            """
        ).fetchone()
    # ... and the last batch (one day) changed some customers, not all of them.
    assert 0 < listed < customers / 2, (listed, customers)


def test_staged_models_split_only_keys_delivered_since_their_last_build(built, redelivery) -> None:
    incremental, _, last_run = built
    staged = [r for r in last_run if r["unique_id"].startswith("model.cdp.stg_")]
    assert len(staged) == 34, [r["unique_id"] for r in staged]
    for result in staged:
        # The incremental branch splits the keys delivered since the model's own newest load.
        assert "max(loaded_at)" in result["compiled_code"].replace('"', ""), result["unique_id"]
    # ... and the run after the re-delivery split its key again with the delivery it superseded, which lay
    # before that run's lookback: the equality with a full refresh below covers the case.
    event_id, _ = redelivery
    with duckdb.connect(str(incremental.duckdb_path), read_only=True) as connection:
        superseded = connection.execute(
            "select dq_reason from cdp_staging.stg_web__events_quarantine where event_id = ?", [event_id]
        ).fetchall()
        latest = connection.execute(
            "select count(*) from cdp_staging.stg_web__events where event_id = ?", [event_id]
        ).fetchone()[0]
    assert superseded == [("duplicate_key",)]
    assert latest == 1


def test_every_staged_model_and_mart_equals_a_full_refresh(built) -> None:
    incremental, full, _ = built
    manifest = Manifest(full.manifest())
    marts = manifest.marts()
    assert len(marts) >= 20
    staged = manifest.models("stg_")
    assert len(staged) == 34
    incremental_names = [n for n in (*RECORD_INCREMENTAL, *CUSTOMER_INCREMENTAL) if n.startswith("int_")]
    intermediate = [model for model in manifest.models("int_") if model.name in incremental_names]
    assert len(intermediate) == len(incremental_names)
    mismatches = []
    with (
        duckdb.connect(str(incremental.duckdb_path), read_only=True) as left,
        duckdb.connect(str(full.duckdb_path), read_only=True) as right,
    ):
        for mart in [*staged, *intermediate, *marts]:
            batched = _rows(left, mart.name, mart.relation_name)
            refreshed = _rows(right, mart.name, mart.relation_name)
            # A mart must have rows, else the comparison proves nothing (unless its contract lets it be empty:
            # retention expires nothing by default).
            may_be_empty = mart.name.startswith("stg_") or published.may_be_empty(
                manifest.data, manifest.data["nodes"][f"model.cdp.{mart.name}"]
            )
            assert refreshed or may_be_empty, f"{mart.name} is empty: proves nothing"
            if batched != refreshed:
                only_batched = sorted(set(batched) - set(refreshed))[:2]
                only_full = sorted(set(refreshed) - set(batched))[:2]
                mismatches.append(
                    f"{mart.name}: {len(batched)} vs {len(refreshed)} rows; incremental-only {only_batched}; "
                    f"full-only {only_full}"
                )
    assert not mismatches, "\n".join(mismatches)
