"""Incremental connected components: recomputing only the touched components gives the full computation."""

from __future__ import annotations

import re

import duckdb

from tests.dbt_harness import DbtProject

EXTRA = "{cdp__identity_extra_observations: identity_extra_observations}"
COMPONENTS = "select node_key, component_key, customer_id from cdp_intermediate.int_identity_components"
# The change logs the components read on DuckDB (cdp_identity_components_change_logs and
# cdp_identity_components_input_change_logs).
COMPONENT_LOGS = (
    "int_identity_record_anchors__components_changed_anchors",
    "int_identity_edges__components_changed_edge_nodes",
    "int_identity_observations_assessed__components_changed_inputs",
    "int_identity_record_anchors__components_changed_inputs",
)


def _components(project: DbtProject) -> set[tuple[str, str, str]]:
    with duckdb.connect(str(project.duckdb_path), read_only=True) as con:
        return set(con.execute(COMPONENTS).fetchall())


def _change_logs(project: DbtProject) -> dict[str, int]:
    """The rows of each change log the components read that exists; no snapshot of the graph may exist."""
    with duckdb.connect(str(project.duckdb_path), read_only=True) as con:
        listed = con.execute("select table_name from information_schema.tables").fetchall()
        tables = {name for (name,) in listed}
        assert "int_identity_components__edges_snapshot" not in tables
        return {
            log: con.execute(f"select count(*) from cdp_intermediate.{log}").fetchone()[0]
            for log in COMPONENT_LOGS
            if log in tables
        }


def _run_components(project: DbtProject, *args: str) -> str:
    """Rebuild the graph and its components; returns what the components macro logged."""
    # The identity models only: the marts downstream need parents this test never builds.
    selection = "int_identity_observations+,path:models/intermediate/identity"
    result = project.dbt("run", "-s", selection, "--exclude", "int_fs_*", *args)
    return "\n".join(
        line
        for line in result.stdout.splitlines()
        if "cdp_connected_components" in line
        or "cdp_never_link_split" in line
        or "int_identity_components:" in line
    )


def _recomputed(log: str) -> int:
    match = re.search(r"recomputing (\d+) nodes", log)
    assert match, log
    return int(match.group(1))


def test_incremental_components_equal_a_full_computation(tmp_path) -> None:
    project = DbtProject("dev", tmp_path, {})
    project.dbt("seed")
    project.dbt("run", "-s", "+int_identity_components")
    first = _components(project)

    # Nothing changed: nothing is recomputed and the result is the same. The touched nodes come from the
    # components' own change logs, emptied once read; no copy of the graph is kept on DuckDB.
    log = _run_components(project)
    assert _recomputed(log) == 0
    assert "reading afresh the recomputed nodes" in log, log
    assert _components(project) == first
    assert _change_logs(project) == dict.fromkeys(COMPONENT_LOGS, 0)

    # New records bridge two customers and add a new person: only their components are recomputed ...
    log = _run_components(project, "--vars", EXTRA)
    recomputed = _recomputed(log)
    assert 0 < recomputed < len(first) / 100
    # ... and, with the nodes whose inputs the new observations change, only they are read afresh ...
    assert "reading afresh the recomputed nodes" in log, log
    incremental = _components(project)
    # ... and the result is exactly what a full computation gives.
    log = _run_components(project, "--vars", EXTRA, "--full-refresh")
    assert "full computation" in log
    assert _components(project) == incremental != first

    # The records go away again (edges removed: the bridged component splits back).
    log = _run_components(project)
    assert _recomputed(log) > 0
    assert _components(project) == first

    # A producer built whole drops the logs it keeps for the components: they cannot know what changed, so
    # they compute everything (the same result), and the logs are back for the next run.
    project.dbt("run", "-s", "int_identity_edges", "--full-refresh")
    assert COMPONENT_LOGS[1] not in _change_logs(project)
    log = _run_components(project)
    assert "full computation" in log
    assert "reading afresh" not in log
    assert _components(project) == first
    assert _change_logs(project) == dict.fromkeys(COMPONENT_LOGS, 0)

    # The same when the assessment, which logs the inputs, is built whole.
    project.dbt("run", "-s", "int_identity_observations_assessed", "--full-refresh")
    assert COMPONENT_LOGS[2] not in _change_logs(project)
    log = _run_components(project)
    assert "reading afresh" not in log
    assert _components(project) == first
    assert _change_logs(project) == dict.fromkeys(COMPONENT_LOGS, 0)

    # A record carrying identifiers of both records of a never-link pair bridges them; the component is split
    # around the pair, the bridge goes to one side, and the incremental result still equals a full one.
    bridge = "{cdp__identity_extra_observations: identity_bridge_observations}"
    log = _run_components(project, "--vars", bridge)
    assert "never-link records split apart" in log, log
    with duckdb.connect(str(project.duckdb_path), read_only=True) as con:
        ids = dict(
            con.execute(
                "select record_key, customer_id from cdp_intermediate.int_customer_ids where record_key in"
                " ('crm_contacts:C00100476', 'crm_contacts:C00100564', 'support_tickets:TBRIDGE0001',"
                " 'support_tickets:TBRIDGE0002')"
            ).fetchall()
        )
        split_nodes = con.execute(
            "select count(*) from cdp_intermediate.int_identity_components where is_split_by_never_link"
        ).fetchone()[0]
    assert ids["crm_contacts:C00100476"] != ids["crm_contacts:C00100564"]
    assert ids["support_tickets:TBRIDGE0002"] == ids["crm_contacts:C00100476"]
    assert ids["support_tickets:TBRIDGE0001"] in (
        ids["crm_contacts:C00100476"],
        ids["crm_contacts:C00100564"],
    )
    assert split_nodes > 0
    split = _components(project)
    _run_components(project, "--vars", bridge, "--full-refresh")
    assert _components(project) == split
