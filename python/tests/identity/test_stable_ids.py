"""Customer ids are stable when data is added: only merged customers change id, and lineage maps them."""

from __future__ import annotations

import duckdb

from tests.dbt_harness import DbtProject

IDENTITY_MODELS = "+int_customer_ids +int_customer_id_lineage +int_identity_merge_audit"
EXTRA = "{cdp__identity_extra_observations: identity_extra_observations}"


def _record_ids(project: DbtProject) -> dict[str, str]:
    with duckdb.connect(str(project.duckdb_path), read_only=True) as con:
        rows = con.execute("select record_key, customer_id from cdp_intermediate.int_customer_ids").fetchall()
    return dict(rows)


def _lineage(project: DbtProject) -> set[tuple[str, str]]:
    with duckdb.connect(str(project.duckdb_path), read_only=True) as con:
        rows = con.execute(
            "select retired_customer_id, surviving_customer_id from cdp_intermediate.int_customer_id_lineage"
        ).fetchall()
    return set(rows)


def test_adding_records_keeps_ids_and_records_merges(tmp_path) -> None:
    project = DbtProject("dev", tmp_path, {})
    project.dbt("seed")
    project.dbt("run", "-s", *IDENTITY_MODELS.split())
    before = _record_ids(project)
    assert before and not _lineage(project)

    project.dbt("run", "-s", *IDENTITY_MODELS.split(), "--vars", EXTRA)
    after = _record_ids(project)
    lineage = _lineage(project)
    survivor_of = dict(lineage)

    # Every old record is still there; its id is unchanged unless its customer merged into another one.
    assert set(before) <= set(after)
    changed = {key for key in before if before[key] != after[key]}
    for key in changed:
        assert survivor_of.get(before[key]) == after[key], key
    # The fixture bridges exactly two customers: one id retired, the older customer's id survives.
    assert len(lineage) == 1
    ((retired, surviving),) = lineage
    assert retired not in set(after.values()) and surviving in set(before.values())
    assert after["support_tickets:TFIXTURE0001"] == surviving
    # A new person gets a new id; no old record moved to it.
    new_id = after["support_tickets:TFIXTURE0002"]
    assert new_id not in set(before.values())

    # A rebuild with the same data changes nothing (ids do not depend on build order).
    project.dbt("run", "-s", *IDENTITY_MODELS.split(), "--vars", EXTRA)
    assert _record_ids(project) == after
    assert _lineage(project) == lineage
