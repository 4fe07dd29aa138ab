"""The dbt project on the embedded default: it builds, every test passes, every source reconciles, and the
project's own conventions (documentation, PII classes, quarantine per source) hold for every model."""

from __future__ import annotations

from cdp.summary import staging_counts
from cdp.warehouse import Manifest
from tests.dbt_harness import DbtProject

PII_CLASSES = {"direct", "linkable", "none"}


def test_every_node_builds_and_every_dbt_test_passes(duckdb_project: DbtProject) -> None:
    results = duckdb_project.run_results()
    # Warnings are allowed only where declared: links to parent rows that were quarantined or never delivered.
    failed = [
        (r["unique_id"], r["status"], (r.get("message") or "")[:200])
        for r in results
        if r["status"] not in ("success", "pass")
        and not (r["status"] == "no-op" and r["unique_id"].startswith("exposure."))
        and not (r["status"] == "warn" and ".relationships_" in r["unique_id"])
    ]
    assert not failed, failed
    tests = [r for r in results if r["unique_id"].startswith("test.")]
    assert len(tests) >= 100, f"only {len(tests)} dbt tests ran"


def test_normalisation_cases_ran(duckdb_project: DbtProject) -> None:
    ids = {r["unique_id"]: r["status"] for r in duckdb_project.run_results()}
    assert ids["test.cdp.assert_normalisation_cases_hold"] == "pass"


def test_every_source_table_is_staged_and_quarantined(manifest: Manifest) -> None:
    models = {model.name for model in manifest.models()}
    for source in manifest.sources():
        source_name, table = source.name.split(".")
        for name in (
            f"base_{source_name}__{table}",
            f"stg_{source_name}__{table}",
            f"stg_{source_name}__{table}_quarantine",
        ):
            assert name in models, f"{source.name} has no {name}"


def test_every_source_table_declares_the_reconcile_test(duckdb_project: DbtProject) -> None:
    data = duckdb_project.manifest()
    tested = {
        tuple(test["sources"][0])
        for test in data["nodes"].values()
        if test["resource_type"] == "test"
        and test.get("test_metadata", {}).get("name") == "cdp_rows_reconcile"
    }
    declared = {  # the raw sources (the sync engine's own tables are declared under models/audiences/)
        (s["source_name"], s["name"])
        for s in data["sources"].values()
        if s["original_file_path"].startswith("models/staging/")
    }
    assert declared == tested


def test_rows_in_equal_rows_staged_plus_rows_quarantined(manifest: Manifest, connection) -> None:
    counts = staging_counts(manifest, connection)
    assert len(counts) == len(manifest.sources()) == 17
    for row in counts:
        assert row["rows_in"] > 0, row
        assert row["rows_in"] == row["staged"] + row["quarantined"] + row["expired"], row
        assert sum(row["reasons"].values()) == row["quarantined"], row
    # The generator plants malformed rows in every table of 100 rows or more; staging must catch some in each.
    missed = [row["source"] for row in counts if row["rows_in"] >= 100 and not row["quarantined"]]
    assert not missed, missed


def test_every_model_and_column_is_documented_and_classified(manifest: Manifest, connection) -> None:
    problems = []
    for model in manifest.models():
        node_columns = model.columns
        if not model.name.startswith(("stg_", "base_", "dim_", "fct_", "mart_")):
            continue
        actual = [row[0] for row in connection.execute(f"describe {model.relation_name}").fetchall()]
        for column in actual:
            if column == "dq_reason" or (column == "loaded_month" and model.name.startswith("base_")):
                continue  # described in the model description of base and quarantine models
            meta = node_columns.get(column, {}).get("config", {}).get("meta") or node_columns.get(
                column, {}
            ).get("meta", {})
            if column not in node_columns:
                problems.append(f"{model.name}.{column}: not documented")
            elif meta.get("pii") not in PII_CLASSES:
                problems.append(f"{model.name}.{column}: pii class {meta.get('pii')!r}")
            elif not node_columns[column].get("description"):
                problems.append(f"{model.name}.{column}: no description")
        for column in node_columns:
            if column not in actual:
                problems.append(f"{model.name}.{column}: documented but not in the model")
    for source in manifest.sources():
        for column, spec in source.columns.items():
            meta = spec.get("config", {}).get("meta") or spec.get("meta", {})
            if meta.get("pii") not in PII_CLASSES:
                problems.append(f"source {source.name}.{column}: pii class {meta.get('pii')!r}")
        actual = [row[0] for row in connection.execute(f"describe {source.relation_name}").fetchall()]
        missing = sorted(set(actual) - set(source.columns))
        if missing:
            problems.append(f"source {source.name}: columns not declared {missing}")
    assert not problems, "\n".join(problems)


def test_every_model_and_macro_has_a_description(duckdb_project: DbtProject) -> None:
    data = duckdb_project.manifest()
    undocumented = [
        n["name"]
        for n in data["nodes"].values()
        if n["resource_type"] in ("model", "seed") and n["package_name"] == "cdp" and not n["description"]
    ]
    undocumented += [
        m["name"]
        for m in data["macros"].values()
        if m["package_name"] == "cdp"
        and not m["description"]
        and not m["name"].startswith(("default__", "duckdb__", "spark__"))
    ]
    assert not undocumented, undocumented


def test_pii_never_appears_in_the_quarantine_reason(connection, manifest: Manifest) -> None:
    for model in manifest.models("stg_"):
        if model.name.endswith("_quarantine"):
            reasons = connection.execute(f"select distinct dq_reason from {model.relation_name}").fetchall()
            for (reason,) in reasons:
                assert all(code.replace("_", "").isalpha() for code in reason.split(",")), reason


def test_customer_ids_are_stored_by_source_table(connection, manifest: Manifest) -> None:
    """A full build stores int_customer_ids in source_table order (cdp_storage_order), so that a reader
    filtering on one source table skips the other row groups."""
    customer_ids = manifest.model("int_customer_ids")
    stored = [
        row[0]
        for row in connection.execute(
            f"select source_table from {customer_ids.relation_name} order by rowid"
        ).fetchall()
    ]
    assert len(set(stored)) >= 5, set(stored)
    assert stored == sorted(stored)


def test_key_tests_of_the_last_run_read_stamped_incremental_models(manifest: Manifest, connection) -> None:
    """A key test scoped to the rows the last run wrote (`where: __written_by_last_run__`) tests an
    incremental model that stamps every row it writes (written_at); its SQL reads the newest stamp."""
    nodes = manifest.data["nodes"]
    scoped = [
        node
        for node in nodes.values()
        if node["resource_type"] == "test"
        and "__written_by_last_run__" in (node["config"].get("where") or "")
    ]
    tested = {nodes[test["attached_node"]]["name"] for test in scoped}
    assert {
        "int_identity_components",
        "int_identity_merge_audit",
        "int_email_campaign_recipients",
        "int_engagement_sessions_attributed",
        "int_web_page_views_per_customer",
    } <= tested
    for test in scoped:
        model = nodes[test["attached_node"]]
        relation = manifest.model(model["name"]).relation_name
        assert model["config"]["materialized"] == "incremental", model["name"]
        stored = connection.execute(f"select * from {relation} limit 0").description
        assert "written_at" in {column[0] for column in stored}, model["name"]
        assert "max(written_at)" in test["compiled_code"], test["name"]
