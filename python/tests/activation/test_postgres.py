"""The postgres destination against a real PostgreSQL server (started for the session by postgres_server.py, a
fresh database per test): every eligible row lands, an unchanged audience writes nothing, changes update and
leavers are deleted, insert-only and update-only refuse what they must with a reason, a row the table cannot
hold is rejected alone, and a restarted server, a killed connection or a statement timeout is retried."""

from __future__ import annotations

import random

import psycopg
import pytest

from cdp.destinations.base import ConfigError, RetryableError, Row
from cdp.sync.engine import SyncEngine
from tests.activation.conftest import customer, make_job

FIELDS = {"email": "email", "first_name": "first_name", "score": "score"}
TABLE = "cdp_test_audience"


def job(dsn: str, mode: str = "mirror", **spec):
    return make_job("postgres", dsn, FIELDS, mode=mode, token_env="", **spec)


def held(dsn: str, table: str = TABLE) -> dict[str, tuple]:
    """record_key -> (email, first_name, score) as the table holds them."""
    with psycopg.connect(dsn) as conn:
        rows = conn.execute(f"select record_key, email, first_name, score from {table}").fetchall()
    return {key: tuple(rest) for key, *rest in rows}


def execute(dsn: str, statement: str, params: list | None = None) -> list[tuple]:
    with psycopg.connect(dsn, autocommit=True) as conn:
        cursor = conn.execute(statement, params)
        return cursor.fetchall() if cursor.description else []


def rejections(warehouse) -> dict[str, str]:
    return dict(warehouse.con.execute("select record_key, reason from cdp_sync.sync_rejections").fetchall())


def test_first_sync_lands_every_eligible_row_and_an_unchanged_audience_writes_nothing(
    postgres_dsn, warehouse, engine
):
    members = [customer(i) for i in range(1, 251)]
    members[3]["audience_group"] = "holdout"
    members[5]["is_erasure_requested"] = True
    members[4]["email_consent_status"] = "withdrawn"  # no consent channel by default: still sent
    warehouse.set_members(members)
    (summary,) = engine.run(job(postgres_dsn, batch_size=40))
    assert summary.status == "succeeded", summary
    assert summary.sent == 248 and summary.rejected == 0
    expected = {m["customer_id"]: (m["email"], m["first_name"], str(m["score"])) for m in members}
    del expected[members[3]["customer_id"]], expected[members[5]["customer_id"]]
    assert held(postgres_dsn) == expected
    columns = execute(
        postgres_dsn,
        "select column_name, data_type from information_schema.columns where table_name = %s "
        "order by ordinal_position",
        [TABLE],
    )
    assert columns == [
        ("record_key", "text"),
        ("email", "text"),
        ("first_name", "text"),
        ("score", "text"),
        ("synced_at", "timestamp with time zone"),
        ("sync_batch", "text"),
    ]

    (before,) = execute(postgres_dsn, f"select max(synced_at), count(distinct sync_batch) from {TABLE}")
    assert before[1] == 7  # 248 rows in batches of 40
    (again,) = engine.run(job(postgres_dsn, batch_size=40))
    assert again.planned_rows == 0 and again.sent == 0
    assert execute(postgres_dsn, f"select max(synced_at), count(distinct sync_batch) from {TABLE}") == [
        before
    ]


def test_changes_update_and_leavers_and_withdrawn_consent_are_deleted(postgres_dsn, warehouse, engine):
    members = [customer(i) for i in range(1, 21)]
    warehouse.set_members(members)
    options = {"consent_channel": "email", "schema": "crm", "table": "members"}
    engine.run(job(postgres_dsn, options=options))
    members[0]["score"] = 999
    members[0]["first_name"] = "Renamed"
    left = members.pop(1)
    members[2]["email_consent_status"] = "withdrawn"
    warehouse.set_members(members)
    (summary,) = engine.run(job(postgres_dsn, options=options))
    assert summary.status == "succeeded", summary
    assert summary.planned == {"upsert": 1, "remove": 2}
    table = held(postgres_dsn, "crm.members")
    assert len(table) == 18
    assert left["customer_id"] not in table and members[2]["customer_id"] not in table
    assert table[members[0]["customer_id"]] == (members[0]["email"], "Renamed", "999")


def test_insert_only_rejects_rows_already_there(postgres_dsn, warehouse, engine):
    # A table made beforehand with a typed column: values are cast into it.
    execute(
        postgres_dsn,
        f"create table {TABLE} (record_key text primary key, email text, first_name text, score integer, "
        "synced_at timestamptz, sync_batch text)",
    )
    execute(postgres_dsn, f"insert into {TABLE} values ('cus_000002', 'kept@example.com', 'Kept', 1)")
    members = [customer(i) for i in range(1, 6)]
    warehouse.set_members(members)
    (summary,) = engine.run(job(postgres_dsn, mode="insert"))
    assert summary.status == "partial" and summary.sent == 5 and summary.rejected == 1, summary
    assert rejections(warehouse) == {"cus_000002": "postgres: already exists"}
    table = held(postgres_dsn)
    assert table["cus_000002"] == ("kept@example.com", "Kept", 1)
    assert table["cus_000005"] == ("person5@example.com", "Ann5", 5)


def test_a_retried_insert_recognises_its_own_rows(postgres_dsn, warehouse):
    destination = job(postgres_dsn, mode="insert").destination
    rows = [Row("cus_1", {"email": "a@example.com", "first_name": "A", "score": 1})]
    try:
        assert destination.send("insert", rows, "batch-1").rejected == {}
        # The same batch again (its answer was lost): not a conflict. Another batch: the row is already there.
        assert destination.send("insert", rows, "batch-1").rejected == {}
        assert destination.send("insert", rows, "batch-2").rejected == {"cus_1": "postgres: already exists"}
    finally:
        destination.close()


def test_update_only_rejects_rows_not_there(postgres_dsn, warehouse, engine):
    members = [customer(i) for i in range(1, 6)]
    warehouse.set_members(members[:2])
    engine.run(job(postgres_dsn, mode="upsert", name="seed"))
    for member in members:
        member["first_name"] = "Updated"
    warehouse.set_members(members)
    (summary,) = engine.run(job(postgres_dsn, mode="update"))
    assert summary.status == "partial" and summary.rejected == 3, summary
    assert rejections(warehouse) == {f"cus_00000{i}": "postgres: not found" for i in (3, 4, 5)}
    table = held(postgres_dsn)
    assert sorted(table) == ["cus_000001", "cus_000002"]
    assert {row[1] for row in table.values()} == {"Updated"}


def test_a_row_the_table_refuses_is_rejected_alone_and_retried_once_fixed(postgres_dsn, warehouse, engine):
    execute(
        postgres_dsn,
        f"create table {TABLE} (record_key text primary key, email text, first_name text, "
        "score integer check (score < 1000), synced_at timestamptz, sync_batch text)",
    )
    members = [customer(i) for i in range(1, 11)]
    members[2]["first_name"] = "Nul\x00byte"  # PostgreSQL text cannot hold NUL
    members[6]["score"] = 5000  # violates the CHECK
    warehouse.set_members(members)
    (summary,) = engine.run(job(postgres_dsn))
    assert summary.status == "partial" and summary.rejected == 2, summary
    reasons = rejections(warehouse)
    assert reasons["cus_000003"].startswith("postgres 22P05:")  # untranslatable_character
    assert reasons["cus_000007"].startswith("postgres 23514:") and "check constraint" in reasons["cus_000007"]
    assert len(held(postgres_dsn)) == 8

    members[2]["first_name"], members[6]["score"] = "Fixed", 7
    warehouse.set_members(members)
    (retry,) = engine.run(job(postgres_dsn))
    assert retry.status == "succeeded" and retry.sent == 2, retry
    table = held(postgres_dsn)
    assert len(table) == 10 and table["cus_000003"][1] == "Fixed" and table["cus_000007"][2] == 7


@pytest.mark.parametrize("how", ["restart", "kill"])
def test_a_restarted_server_or_killed_connection_is_retried(postgres_server, postgres_dsn, warehouse, how):
    members = [customer(i) for i in range(1, 61)]
    warehouse.set_members(members)
    database = postgres_dsn.rsplit("/", 1)[1]

    def interrupt(batch_no: int) -> None:
        if interrupt.done:
            return
        interrupt.done = True
        if how == "restart":
            postgres_server.restart()
        else:
            execute(
                postgres_server.dsn(),
                "select pg_terminate_backend(pid) from pg_stat_activity "
                "where application_name = 'cdp-sync' and datname = %s",
                [database],
            )

    interrupt.done = False
    engine = SyncEngine(
        warehouse.con,
        progress=False,
        commit_every_seconds=0.05,
        on_batch_sent=interrupt,
        rng=random.Random(7),
    )
    (summary,) = engine.run(job(postgres_dsn, batch_size=5, concurrency=2, max_attempts=10))
    assert summary.status == "succeeded" and summary.sent == 60, summary
    assert len(held(postgres_dsn)) == 60
    assert warehouse.scalar("select max(attempts) from cdp_sync.sync_batches") > 1


def test_a_statement_timeout_is_retryable(postgres_dsn):
    destination = job(postgres_dsn, timeout_seconds=0.5).destination
    row = Row("cus_1", {"email": "a@example.com", "first_name": "A", "score": 1})
    try:
        destination.send("upsert", [row], "batch-1")  # creates the table
        with psycopg.connect(postgres_dsn) as blocker:
            blocker.execute(f"lock table {TABLE} in access exclusive mode")
            with pytest.raises(RetryableError, match="57014"):  # query_canceled
                destination.send("upsert", [row], "batch-2")
        assert destination.send("upsert", [row], "batch-2").rejected == {}
    finally:
        destination.close()


def test_url_may_name_an_environment_variable(postgres_dsn, monkeypatch):
    monkeypatch.setenv("CDP_TEST_PG_DSN", postgres_dsn)
    assert job("CDP_TEST_PG_DSN").destination.dsn == postgres_dsn
    monkeypatch.delenv("CDP_TEST_PG_DSN")
    with pytest.raises(ConfigError, match="CDP_TEST_PG_DSN"):
        job("CDP_TEST_PG_DSN")
    with pytest.raises(ConfigError, match="clash"):
        make_job("postgres", postgres_dsn, {"synced_at": "email"}, token_env="")
