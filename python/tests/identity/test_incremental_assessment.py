"""The identity stage is incremental by record: after records arrive that change the verdict on rows of
records they never touched, after those records go away again, and after a change of the rules, the
incremental tables (the observations, their assessment, the record anchors read from the assessment's change
log, the graph's edges read from the anchors' anchor change log, the record -> customer map read from the
anchors' and the components' change logs, and the golden records read from the customer change feed) equal a
full rebuild row for row."""

from __future__ import annotations

import duckdb
import pytest

from tests.dbt_harness import DbtProject

# Each model, and what its incremental branch reads to find the records to rewrite.
MODELS = {
    "int_identity_observations": "touched_records",
    "int_identity_observations_assessed": "touched_records",
    "int_identity_record_anchors": "int_identity_observations_assessed__changed_records",
    "int_identity_edges": "int_identity_record_anchors__changed_anchors",
    "int_customer_ids": "int_identity_components__changed_nodes",
    "int_customer_golden_records": "int_customer_ids__customer_changes",
}
# The models from the observations to the record -> customer map, and the golden records with their profile
# candidates.
STAGE = " ".join(
    (
        "int_identity_observations+,+int_customer_ids",
        "int_customer_profile_candidates",
        "int_customer_golden_records",
    )
)
SHARED_PHONE = "{cdp__identity_extra_observations: identity_shared_phone_observations}"
BRIDGE = "{cdp__identity_extra_observations: identity_bridging_observations}"
BRIDGE_TICKET = "support_tickets:TBRIDGE0001"
BRIDGE_EMAILS = "'joshua.martinez@caingroup.com', 'b1054642821@marketplace.amazon.de'"
PHONE = "+447911659448"
CONTACTS = ("crm_contacts:C00100147", "crm_contacts:C00100148")


def _phone_verdicts(project: DbtProject) -> dict[str, str | None]:
    with duckdb.connect(str(project.duckdb_path), read_only=True) as con:
        rows = con.execute(
            "select record_key, rejected_reason from cdp_intermediate.int_identity_observations_assessed"
            " where identifier_type = 'phone' and identifier_value = ?",
            [PHONE],
        ).fetchall()
    return dict(rows)


# The transient work tables an incremental run writes in a pre-hook for the model's query; its post-hook drops
# them (cdp_drop_work_tables_sql). The link anchors themselves stay for the next run.
TRANSIENT_WORK_TABLES = {
    f"int_identity_observations_assessed__{suffix}"
    for suffix in ("touched_records", "rejudged_records", "touched_values")
} | {
    f"int_identity_edges__{suffix}"
    for suffix in ("link_records", "anchored", "refreshed_records", "link_anchors_new", "link_pairs")
}


def _intermediate_tables(project: DbtProject) -> set[str]:
    with duckdb.connect(str(project.duckdb_path), read_only=True) as con:
        rows = con.execute(
            "select table_name from information_schema.tables where table_schema = 'cdp_intermediate'"
        ).fetchall()
    return {name for (name,) in rows}


def _run(project: DbtProject, *args: str) -> list[dict]:
    project.dbt("run", "-s", STAGE, *args)
    return [result for result in project.run_results() if result["unique_id"].split(".")[-1] in MODELS]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> DbtProject:
    project = DbtProject("dev", tmp_path_factory.mktemp("assessment"), {})
    project.dbt("seed")
    project.dbt("run", "-s", "+int_customer_golden_records")
    return project


def test_new_records_change_verdicts_of_untouched_records(project: DbtProject) -> None:
    before = project.intermediate_rows(MODELS)
    assert all(_phone_verdicts(project)[contact] is None for contact in CONTACTS)

    results = _run(project, "--vars", SHARED_PHONE)
    assert len(results) == len(MODELS)
    for result in results:
        assert MODELS[result["unique_id"].split(".")[-1]] in result["compiled_code"], result["unique_id"]
    # The edges group their probabilistic edges from the link anchors the full build left, for the anchor
    # pairs the pre-hook touched.
    edges = next(r for r in results if r["unique_id"].endswith(".int_identity_edges"))
    assert "int_identity_edges__link_pairs" in edges["compiled_code"]
    tables = _intermediate_tables(project)
    assert not tables & TRANSIENT_WORK_TABLES, tables & TRANSIENT_WORK_TABLES
    assert "int_identity_edges__link_anchors" in tables
    # Two new tickets share the contacts' phone with two new e-mails: the phone is a shared value now, on the
    # contacts' own rows too, although their records were not delivered again.
    verdicts = _phone_verdicts(project)
    assert {verdicts[contact] for contact in CONTACTS} == {"over_limit"}
    incremental = project.intermediate_rows(MODELS)
    results = _run(project, "--vars", SHARED_PHONE, "--full-refresh")
    assert project.intermediate_rows(MODELS) == incremental
    # A full build maps every link once, in the pre-hook, and groups every edge from the table it wrote.
    edges = next(r for r in results if r["unique_id"].endswith(".int_identity_edges"))
    assert "int_identity_edges__link_anchors" in edges["compiled_code"]
    assert "linked_anchors" not in edges["compiled_code"]

    # The fixture records go away (and the extra identifier of an existing contact with them).
    _run(project)
    assert project.intermediate_rows(MODELS) == before


def _assessed_records(project: DbtProject, where: str) -> set[str]:
    with duckdb.connect(str(project.duckdb_path), read_only=True) as con:
        assessed = "cdp_intermediate.int_identity_observations_assessed"
        rows = con.execute(f"select distinct record_key from {assessed} where {where}").fetchall()
    return {record_key for (record_key,) in rows}


def test_a_merge_moves_records_it_never_touched(project: DbtProject) -> None:
    before = project.intermediate_rows(MODELS)
    _run(project, "--vars", BRIDGE)
    merged = project.intermediate_rows(MODELS)
    # The ticket's e-mails were judged again from every record holding them, but kept their verdicts: the
    # assessment rewrote the ticket and not the other records holding them.
    holders = _assessed_records(project, "identifier_value in (" + BRIDGE_EMAILS + ")")
    written = _assessed_records(
        project,
        "written_at = (select max(written_at) from cdp_intermediate.int_identity_observations_assessed)",
    )
    assert BRIDGE_TICKET in written and len(holders) > 2
    assert not (holders - {BRIDGE_TICKET}) & written
    # The new ticket merges two customers: records of the one that does not survive keep their anchor row
    # as it was but change customer. Only the components' node change log tells int_customer_ids about them.
    customer_before = {row[0]: row[1] for row in before["int_customer_ids"]}
    moved = {
        record_key
        for record_key, customer_id, *_ in merged["int_customer_ids"]
        if customer_before.get(record_key) not in (None, customer_id)
    }
    untouched = {
        row[0]
        for row in set(before["int_identity_record_anchors"]) & set(merged["int_identity_record_anchors"])
    }
    assert len(moved & untouched) > 10
    # The customer that did not survive lost its golden record; the survivor's holds both sides' records.
    golden_before = {row[0] for row in before["int_customer_golden_records"]}
    golden_merged = {row[0] for row in merged["int_customer_golden_records"]}
    assert len(golden_before - golden_merged) == 1
    assert {customer_before[record_key] for record_key in moved} <= golden_before - golden_merged

    _run(project, "--vars", BRIDGE, "--full-refresh")
    assert project.intermediate_rows(MODELS) == merged
    # The ticket goes away: the customers split again, with their old ids.
    _run(project)
    assert project.intermediate_rows(MODELS) == before


def test_a_rules_change_judges_everything_again(project: DbtProject) -> None:
    rules = (
        "{cdp__identity_rules: {account_id: {priority: 1, limit: null}, email: {priority: 2, limit: 1},"
        " phone: {priority: 3, limit: 1}, anonymous_id: {priority: 4, limit: 1}}}"
    )
    _run(project, "--vars", rules)
    incremental = project.intermediate_rows(MODELS)
    _run(project, "--vars", rules, "--full-refresh")
    assert project.intermediate_rows(MODELS) == incremental
    # Types without a rule are rejected now: the change reached rows of records no load touched.
    reasons = {row[-3] for row in incremental["int_identity_observations_assessed"]}
    assert "unknown_type" in reasons


def test_the_anchors_catch_up_when_the_assessment_was_built_whole(project: DbtProject) -> None:
    # A full build of the assessment drops its change log: the anchors' next run cannot know what changed, so
    # it empties itself and writes every record again, and drops its own log, so int_customer_ids does too.
    project.dbt("run", "-s", "int_identity_observations_assessed", "--full-refresh")
    results = {r["unique_id"].split(".")[-1]: r for r in _run(project)}
    assert "changed_records" not in results["int_identity_record_anchors"]["compiled_code"]
    assert "changed_anchors" not in results["int_identity_edges"]["compiled_code"]
    assert "changed_nodes" not in results["int_customer_ids"]["compiled_code"]
    # int_customer_ids wrote every record, so the feed says "every customer changed" and the golden records
    # are written whole too.
    assert "customer_changes" not in results["int_customer_golden_records"]["compiled_code"]
    caught_up = project.intermediate_rows(MODELS)
    _run(project, "--full-refresh")
    assert project.intermediate_rows(MODELS) == caught_up
    # ... and the logs are back, empty, for the next runs.
    with duckdb.connect(str(project.duckdb_path), read_only=True) as con:
        for log in (
            "int_identity_observations_assessed__changed_records",
            "int_identity_record_anchors__changed_records",
            "int_identity_record_anchors__changed_anchors",
            "int_identity_components__changed_nodes",
        ):
            assert con.execute(f"select count(*) from cdp_intermediate.{log}").fetchone() == (0,), log


def test_key_tests_check_the_rows_the_last_run_wrote(project: DbtProject) -> None:
    # The key test of int_customer_ids checks the rows the last run wrote (newest written_at): the model
    # replaces rows by record_key, so an older row was checked by the run that wrote it.
    _run(project, "--vars", SHARED_PHONE)
    _run(project)
    key_test = ("test", "-s", "int_customer_ids,test_name:unique")
    with duckdb.connect(str(project.duckdb_path)) as con:
        runs, last_run = con.execute(
            "select count(distinct written_at), max(written_at) from cdp_intermediate.int_customer_ids"
        ).fetchone()
        assert runs > 1
        older, newer = (
            con.execute(
                f"select record_key from cdp_intermediate.int_customer_ids where written_at {op} ? limit 1",
                [last_run],
            ).fetchone()[0]
            for op in ("<", "=")
        )
        # A duplicate of a row an older run wrote, stamped like it: outside the check ...
        con.execute(
            "insert into cdp_intermediate.int_customer_ids"
            " select * from cdp_intermediate.int_customer_ids where record_key = ?",
            [older],
        )
    project.dbt(*key_test)
    # ... unless every row is checked.
    whole = project.dbt(*key_test, "--vars", "{cdp__test_whole_tables: true}", check=False)
    assert whole.returncode != 0 and "unique_int_customer_ids_record_key" in whole.stdout
    # A duplicate among the rows the last run wrote fails the check.
    with duckdb.connect(str(project.duckdb_path)) as con:
        con.execute(
            "insert into cdp_intermediate.int_customer_ids"
            " select * from cdp_intermediate.int_customer_ids where record_key = ?",
            [newer],
        )
    scoped = project.dbt(*key_test, check=False)
    assert scoped.returncode != 0 and "Got 1 result" in scoped.stdout
    # A full rebuild stamps every row alike and writes each once.
    _run(project, "--full-refresh")
    project.dbt(*key_test)
