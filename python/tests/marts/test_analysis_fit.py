"""Fits on a schedule (doc blocks analyses_fit_schedule, fs_u_refit_schedule): a run within
cdp__analysis_refit_days of the fit keeps the clustering model, the association rules and the best sellers,
scores every customer against the kept model, and rewrites the recommendations of only the customers with
new orders or merges, which then equal a rebuild against the kept rules; a change of settings or an old fit
refits.
The identity matcher's u probabilities follow the same rules on their own var, cdp__fs_u_refit_days, and so
do its m and lambda (int_fs_parameters, estimated against the kept u) and term frequencies: between refits
every pair is scored with the same weights."""

from __future__ import annotations

import json
import math
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import duckdb
import pytest

from cdp.replay import newest_load, write_loaded_until
from tests.dbt_harness import DbtProject, generate_parquet

PEOPLE = 300
FITS = {
    "int_customer_cluster_fit": "cdp_intermediate",
    "mart_basket_association_rules": "cdp_marts",
    "int_product_popularity": "cdp_intermediate",
    # The Fellegi-Sunter u probabilities: a fit on the same macros, with its own var cdp__fs_u_refit_days ...
    "int_fs_u_probabilities": "cdp_intermediate",
    # ... and m, lambda and the term frequencies, fitted on the same schedule.
    "int_fs_parameters": "cdp_intermediate",
    "int_fs_term_frequencies": "cdp_intermediate",
}
U_FIT = "int_fs_u_probabilities"
RECOMMENDATIONS = "cdp_marts.mart_customer_recommendations"
FEED = "int_customer_ids__customer_changes"


def _run(project: DbtProject, raw: Path, *extra: str, **variables: object) -> subprocess.CompletedProcess:
    return project.dbt("run", "--vars", json.dumps({"cdp__raw_parquet_path": str(raw), **variables}), *extra)


def _fits(project: DbtProject) -> dict[str, tuple]:
    """Per fit: rows, the invocations that fitted them, their as-of date and settings fingerprints."""
    with duckdb.connect(str(project.duckdb_path), read_only=True) as connection:
        return {
            name: connection.execute(
                f"""select count(*), min(fitted_at), max(fitted_at), max(fitted_on),
                    count(distinct fit_fingerprint) from {schema}.{name}"""
            ).fetchone()
            for name, schema in FITS.items()
        }


def _rows(project: DbtProject, relation: str) -> list[tuple]:
    with duckdb.connect(str(project.duckdb_path), read_only=True) as connection:
        return sorted(connection.execute(f"select * from {relation}").fetchall(), key=repr)


def _copy(project: DbtProject, workdir: Path) -> DbtProject:
    """A second warehouse holding exactly what `project` holds."""
    copy = DbtProject(project.target, workdir, {})
    workdir.mkdir(parents=True, exist_ok=True)
    shutil.copy(project.duckdb_path, copy.duckdb_path)
    return copy


def _compiled(project: DbtProject, model: str) -> str:
    results = {r["unique_id"].split(".")[-1]: r for r in project.run_results()}
    return results[model]["compiled_code"]


@pytest.fixture(scope="module")
def raw(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate_parquet(tmp_path_factory.mktemp("raw") / "full", PEOPLE, seed=23)


@pytest.fixture(scope="module")
def warehouse(raw: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[DbtProject, dict[str, tuple]]:
    """Built on all data but the last day, then run once more on everything (one as-of day later, within the
    default schedule of 7 days). Returns the project and the fits after the first build."""
    project = DbtProject("dev", tmp_path_factory.mktemp("fit"), {})
    project.dbt("seed", "--select", "path:seeds/reference")
    yesterday = tmp_path_factory.mktemp("batches") / "yesterday"
    write_loaded_until(raw, yesterday, newest_load(raw) - timedelta(days=1))
    _run(project, yesterday)
    fitted = _fits(project)
    _run(project, raw)
    return project, fitted


def test_a_run_within_the_schedule_keeps_every_fit(warehouse) -> None:
    project, fitted = warehouse
    assert all(rows > 0 and fingerprints == 1 for rows, _, _, _, fingerprints in fitted.values()), fitted
    # One fit per model, made by one invocation.
    assert all(first == last for _, first, last, _, _ in fitted.values()), fitted
    assert _fits(project) == fitted
    with duckdb.connect(str(project.duckdb_path), read_only=True) as connection:
        (as_of,) = connection.execute("select as_of_date from cdp_intermediate.int_as_of_date").fetchone()
    # ... though the data, and the as-of day, moved on.
    assert all(fitted_on < as_of for _, _, _, fitted_on, _ in fitted.values()), (fitted, as_of)
    # The fits' inputs were filtered to nothing: the run read no customer or basket for them.
    for name in FITS:
        assert "where false" in _compiled(project, name), name


def test_every_customer_is_scored_against_the_kept_model(warehouse) -> None:
    project, _ = warehouse
    features = [
        f"z_{name}"
        for name in (
            "revenue",
            "order_count",
            "recency_days",
            "session_count",
            "email_open_rate",
            "engaged_days_30d",
            "support_ticket_count",
        )
    ]
    with duckdb.connect(str(project.duckdb_path), read_only=True) as connection:
        centroids = {
            row[0]: row[1:]
            for row in connection.execute(
                f"select cluster_id, {', '.join('centroid_' + f for f in features)}"
                " from cdp_intermediate.int_customer_cluster_fit"
            ).fetchall()
        }
        assigned = connection.execute(
            f"select customer_id, cluster_id, distance_to_centroid, {', '.join(features)}"
            " from cdp_intermediate.int_customer_clusters_assigned"
        ).fetchall()
        customers = connection.execute("select count(*) from cdp_marts.mart_customer_behavior").fetchone()[0]
        (profiled,) = connection.execute(
            "select sum(customer_count) from cdp_marts.mart_cluster_profiles"
        ).fetchone()
    assert len(assigned) == customers == profiled
    for customer_id, cluster_id, distance, *point in assigned:
        distances = {cluster: math.dist(point, centroid) for cluster, centroid in centroids.items()}
        nearest = min(distances.values())
        assert distances[cluster_id] <= nearest + 1e-6, (customer_id, cluster_id, distances)
        assert distance == pytest.approx(distances[cluster_id], abs=1e-6), customer_id


def test_recommendations_rewrite_changed_customers_and_equal_a_rebuild(
    warehouse, raw: Path, tmp_path: Path
) -> None:
    project, _ = warehouse
    # The run read the customer change feed, which listed some customers, not all ...
    assert FEED in _compiled(project, "mart_customer_recommendations")
    with duckdb.connect(str(project.duckdb_path), read_only=True) as connection:
        listed, customers = connection.execute(
            f"""
            with feed as (select * from cdp_intermediate.{FEED})
            select
                (select count(distinct customer_id) from feed
                 where changed_at = (select max(changed_at) from feed)),
                (select count(*) from cdp_marts.mart_customer_behavior)
            """
        ).fetchone()
    assert 0 < listed < customers / 2, (listed, customers)
    # ... and the result equals recommending every customer again from the kept rules and best sellers.
    rebuilt = _copy(project, tmp_path / "rebuilt")
    _run(rebuilt, raw, "--select", "mart_customer_recommendations", "--full-refresh")
    assert _fits(rebuilt) == _fits(project)
    assert _rows(project, RECOMMENDATIONS) == _rows(rebuilt, RECOMMENDATIONS)


def test_a_change_of_settings_or_an_old_fit_refits(warehouse, raw: Path, tmp_path: Path) -> None:
    project, fitted = warehouse
    changed = _copy(project, tmp_path / "changed")
    # Another k: the clustering model refits, the rules and best sellers (other settings) stay.
    _run(changed, raw, cdp__cluster_k=4)
    after_k = _fits(changed)
    assert after_k["int_customer_cluster_fit"][0] == 4
    assert after_k["int_customer_cluster_fit"][1] > fitted["int_customer_cluster_fit"][2]
    assert after_k["mart_basket_association_rules"] == fitted["mart_basket_association_rules"]
    assert after_k["int_product_popularity"] == fitted["int_product_popularity"]
    with duckdb.connect(str(changed.duckdb_path), read_only=True) as connection:
        clusters = connection.execute(
            "select count(distinct cluster_id), max(cluster_id) from cdp_marts.mart_customer_clusters"
        ).fetchone()
    assert clusters[1] <= 4, clusters

    # A schedule of one day: yesterday's fits are due, every one refits, every customer is recommended again.
    _run(changed, raw, cdp__cluster_k=4, cdp__analysis_refit_days=1)
    refitted = _fits(changed)
    for name in ("mart_basket_association_rules", "int_product_popularity"):
        assert refitted[name][1] > fitted[name][2], name
    # The clustering model was fitted today: within a one-day schedule it stays.
    assert refitted["int_customer_cluster_fit"] == after_k["int_customer_cluster_fit"]
    assert FEED not in _compiled(changed, "mart_customer_recommendations")
    rebuilt = _copy(changed, tmp_path / "rebuilt")
    _run(rebuilt, raw, "--select", "mart_customer_recommendations", "--full-refresh")
    assert _rows(changed, RECOMMENDATIONS) == _rows(rebuilt, RECOMMENDATIONS)


def _u_fit(project: DbtProject) -> list[tuple]:
    """Rows (field_name, comparison_level, sampled_pair_count, u_probability, u_probability_floor, fitted_at,
    fitted_on, fit_fingerprint)."""
    return _rows(project, f"cdp_intermediate.{U_FIT}")


def test_the_u_probabilities_follow_their_own_schedule(warehouse, raw: Path, tmp_path: Path) -> None:
    project, fitted = warehouse
    kept = _u_fit(project)
    # m and lambda are estimated against the kept u (its u before the correction for matches).
    with duckdb.connect(str(project.duckdb_path), read_only=True) as connection:
        scored = connection.execute(
            "select field_name, comparison_level, u_random_probability"
            " from cdp_intermediate.int_fs_parameters"
        ).fetchall()
    assert sorted(scored) == sorted((row[0], row[1], row[3]) for row in kept)

    changed = _copy(project, tmp_path / "u")
    # The analyses' schedule does not move it ...
    _run(changed, raw, "--select", U_FIT, cdp__analysis_refit_days=1)
    assert _u_fit(changed) == kept
    # ... its own does: a day-old fit is refitted, on today's records (more of them: more sampled pairs).
    _run(changed, raw, "--select", U_FIT, cdp__fs_u_refit_days=1)
    refitted = _fits(changed)[U_FIT]
    assert refitted[1] > fitted[U_FIT][2] and refitted[4] == 1, refitted
    assert sum(row[2] for row in _u_fit(changed)) > sum(row[2] for row in kept)
    # The term frequencies are kept too, but not a value no person record holds any more (deleted at source).
    with duckdb.connect(str(changed.duckdb_path)) as connection:
        connection.execute(
            "insert into cdp_intermediate.int_fs_term_frequencies select field_name, 'zz-deleted-at-source',"
            " value_frequency, fitted_at, fitted_on, fit_fingerprint"
            " from cdp_intermediate.int_fs_term_frequencies limit 1"
        )
    frequencies = _rows(changed, "cdp_intermediate.int_fs_term_frequencies")
    _run(changed, raw, "--select", "int_fs_term_frequencies")
    kept_frequencies = _rows(changed, "cdp_intermediate.int_fs_term_frequencies")
    assert [row for row in frequencies if row[1] != "zz-deleted-at-source"] == kept_frequencies
    assert len(kept_frequencies) == len(frequencies) - 1
    # m and lambda keep their weights until their own fit is due too: then EM runs again, against the new u.
    parameters = _rows(changed, "cdp_intermediate.int_fs_parameters")
    _run(changed, raw, "--select", "int_fs_parameters")
    assert _rows(changed, "cdp_intermediate.int_fs_parameters") == parameters
    assert "where false" in _compiled(changed, "int_fs_parameters")
    _run(changed, raw, "--select", "int_fs_parameters", cdp__fs_u_refit_days=1)
    refitted_parameters = _fits(changed)["int_fs_parameters"]
    assert refitted_parameters[1] > fitted["int_fs_parameters"][2] and refitted_parameters[4] == 1
    with duckdb.connect(str(changed.duckdb_path), read_only=True) as connection:
        scored = connection.execute(
            "select field_name, comparison_level, u_random_probability"
            " from cdp_intermediate.int_fs_parameters"
        ).fetchall()
    assert sorted(scored) == sorted((row[0], row[1], row[3]) for row in _u_fit(changed))
    # Other sampling settings refit too, under another fingerprint.
    _run(changed, raw, "--select", U_FIT, cdp__fs_u_sample_offsets=20)
    resampled = _fits(changed)[U_FIT]
    assert resampled[1] > refitted[2] and resampled[4] == 1, resampled
    assert {row[-1] for row in _u_fit(changed)} != {row[-1] for row in kept}
