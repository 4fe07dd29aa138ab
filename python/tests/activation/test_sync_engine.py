"""The sync engine's promises beyond the per-destination contract, over real HTTP to the webhook emulator: a
run killed at any point and run again loses nothing and applies nothing twice; a batch that keeps failing is
given up, reported and sent again next run; timeouts and dropped connections are retried; requests are paced;
a vendor's own throttling is absorbed; dry runs send nothing; insert-only and update-only modes hold."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pytest

from cdp.destinations.base import ConfigError, Row
from cdp.destinations.emulator import Fault
from cdp.destinations.webhook.emulator import WebhookApp
from cdp.sync.engine import SyncEngine
from cdp.sync.ratelimit import backoff_seconds
from tests.activation.conftest import AUDIENCE, Warehouse, customer, make_job

FIELDS = {"email": "email", "first_name": "first_name", "score": "score"}
PYTHON_DIR = Path(__file__).resolve().parents[2]


def _keys(app: WebhookApp) -> set[str]:
    return set(app.records.get(AUDIENCE, {}))


def test_killed_run_resumes_without_loss_or_duplicates(warehouse: Warehouse, serve, tmp_path: Path):
    members = [customer(i) for i in range(1, 401)]
    warehouse.set_members(members)
    warehouse.con.close()  # one writer per DuckDB file: the child process takes it
    app = WebhookApp(token=None)
    server = serve(app)
    child = textwrap.dedent(
        f"""
        import duckdb
        from cdp.sync.engine import SyncEngine
        from tests.activation.conftest import make_job
        job = make_job("webhook", {server.url!r}, {FIELDS!r}, token_env="", batch_size=10,
                       rate_limit_per_second=25.0, concurrency=2)
        SyncEngine(duckdb.connect({str(warehouse.path)!r}), progress=False, commit_every_seconds=0.2).run(job)
        raise SystemExit("the run was meant to be killed before it finished")
        """
    )
    process = subprocess.Popen(
        [sys.executable, "-c", child], cwd=PYTHON_DIR, env={**os.environ, "PYTHONPATH": str(PYTHON_DIR)}
    )
    deadline = time.monotonic() + 60
    while app.stats["served"] < 12 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.01)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    delivered_before_kill = len(_keys(app))
    assert 0 < delivered_before_kill < 400, "the kill must land mid-run"

    con = duckdb.connect(str(warehouse.path))
    try:
        assert con.execute("select status from cdp_sync.sync_runs").fetchall() == [("running",)]
        job = make_job("webhook", server.url, FIELDS, token_env="", batch_size=10)
        resumed, fresh = SyncEngine(con, progress=False).run(job)
        assert resumed.resumed and resumed.status == "succeeded"
        assert fresh.planned_rows == 0  # the resumed plan covered everything
        assert _keys(app) == {m["customer_id"] for m in members}
        # Every row applied exactly once, though batches acknowledged but not committed were sent again.
        assert set(app.applied.values()) == {1}
        assert con.execute("select count(*) from cdp_sync.sync_state where status = 'synced'").fetchall() == [
            (400,)
        ]
    finally:
        con.close()


def test_batch_that_keeps_failing_is_given_up_then_resent(warehouse: Warehouse, serve, engine: SyncEngine):
    warehouse.set_members([customer(i) for i in range(1, 31)])
    app = WebhookApp(token=None)
    server = serve(app)
    app.inject(Fault(status=500, count=3))
    job = make_job("webhook", server.url, FIELDS, token_env="", batch_size=10, concurrency=1, max_attempts=3)
    (summary,) = engine.run(job)
    assert summary.failed_batches == 1 and summary.status == "partial"
    error = warehouse.scalar("select error from cdp_sync.sync_batches where status = 'failed'")
    assert "gave up after 3 tries" in error and "HTTP 500" in error
    assert len(_keys(app)) == 20
    (again,) = engine.run(job)
    assert again.planned == {"upsert": 10} and again.status == "succeeded"
    assert len(_keys(app)) == 30


def test_timeouts_and_dropped_connections_are_retried(warehouse: Warehouse, serve, engine: SyncEngine):
    warehouse.set_members([customer(i) for i in range(1, 21)])
    app = WebhookApp(token=None)
    server = serve(app)
    app.inject(Fault(delay=1.5, count=1))
    app.inject(Fault(drop=True, count=1))
    job = make_job("webhook", server.url, FIELDS, token_env="", batch_size=5, timeout_seconds=0.5)
    (summary,) = engine.run(job)
    assert summary.status == "succeeded" and len(_keys(app)) == 20
    assert warehouse.scalar("select max(attempts) from cdp_sync.sync_batches") >= 2


def test_requests_are_paced_by_the_rate_limit(warehouse: Warehouse, serve, engine: SyncEngine):
    warehouse.set_members([customer(i) for i in range(1, 101)])
    app = WebhookApp(token=None)
    server = serve(app)
    job = make_job("webhook", server.url, FIELDS, token_env="", batch_size=5, rate_limit_per_second=20)
    started = time.monotonic()
    engine.run(job)
    assert time.monotonic() - started >= 19 / 20  # 20 requests, 1/20 s apart
    assert app.stats["throttled"] == 0


def test_vendor_throttling_without_retry_after_is_absorbed(warehouse: Warehouse, serve, engine: SyncEngine):
    warehouse.set_members([customer(i) for i in range(1, 61)])
    app = WebhookApp(token=None, rate_limit=(4, 0.5))
    server = serve(app)
    job = make_job("webhook", server.url, FIELDS, token_env="", batch_size=5, concurrency=4, max_attempts=10)
    (summary,) = engine.run(job)
    assert app.stats["throttled"] > 0
    assert summary.status == "succeeded" and len(_keys(app)) == 60


def test_dry_run_sends_nothing_and_shows_a_sample(warehouse: Warehouse, serve, engine: SyncEngine):
    warehouse.set_members([customer(i) for i in range(1, 6)])
    app = WebhookApp(token=None)
    server = serve(app)
    (summary,) = engine.run(
        make_job("webhook", server.url, FIELDS, token_env=""), dry_run=True, sample_size=2
    )
    assert (
        summary.status == "dry_run" and summary.planned == {"upsert": 5} and summary.reasons == {"added": 5}
    )
    assert [row["key"] for row in summary.sample["upsert"]["rows"]] == ["cus_000001", "cus_000002"]
    assert app.stats["requests"] == 0
    assert warehouse.scalar("select count(*) from cdp_sync.sync_state") == 0
    assert warehouse.scalar("select status from cdp_sync.sync_runs") == "dry_run"


def test_insert_only_and_update_only_modes(warehouse: Warehouse, serve, engine: SyncEngine):
    members = [customer(i) for i in range(1, 6)]
    warehouse.set_members(members)
    app = WebhookApp(token=None)
    server = serve(app)
    insert_job = make_job("webhook", server.url, FIELDS, token_env="", mode="insert")
    engine.run(insert_job)
    members[0]["score"] = 100
    warehouse.set_members(members)
    (summary,) = engine.run(insert_job)
    assert summary.planned == {} and summary.skipped == 1  # insert-only never updates
    assert app.records[AUDIENCE]["cus_000001"]["score"] == 1

    # Update-only to another receiver: nobody exists there, so every row is refused as not found.
    other = WebhookApp(token=None)
    update_job = make_job("webhook", serve(other).url, FIELDS, token_env="", mode="update", name="other_hook")
    (summary,) = engine.run(update_job)
    assert summary.rejected == 5
    reasons = warehouse.con.execute("select distinct reason from cdp_sync.sync_rejections").fetchall()
    assert reasons == [("not found",)]


def test_an_idempotency_key_is_applied_once(serve):
    app = WebhookApp(token=None)
    job = make_job("webhook", serve(app).url, FIELDS, token_env="")
    rows = [Row("cus_1", {"email": "a@example.com"}), Row("cus_2", {"email": "b@example.com"})]
    job.destination.send("upsert", rows, "key-1")
    job.destination.send("upsert", rows, "key-1")
    assert app.applied[(AUDIENCE, "cus_1", "upsert")] == 1


def test_backoff_honours_retry_after_and_grows_exponentially():
    import random

    rng = random.Random(7)
    assert 2.0 <= backoff_seconds(1, 2.0, rng=rng) <= 3.0
    draws = [max(backoff_seconds(attempt, None, rng=rng) for _ in range(200)) for attempt in (1, 3, 5)]
    assert draws[0] <= 0.5 and 1.0 < draws[1] <= 2.0 and 4.0 < draws[2] <= 8.0
    assert backoff_seconds(20, None, rng=rng) <= 30.0


def test_state_tables_made_by_an_older_engine_gain_the_new_columns(warehouse: Warehouse, serve):
    warehouse.con.execute("create schema cdp_sync")
    warehouse.con.execute(
        "create table cdp_sync.sync_state (sync_id varchar, record_key varchar, payload_hash varchar, "
        "destination_id varchar, status varchar, reason varchar, synced_at timestamp, run_id varchar)"
    )
    warehouse.set_members([customer(i) for i in range(1, 4)])
    engine = SyncEngine(warehouse.con, progress=False)
    app = WebhookApp(token=None)
    (summary,) = engine.run(make_job("webhook", serve(app).url, FIELDS, token_env=""))
    assert summary.sent == 3
    payloads = warehouse.con.execute("select payload from cdp_sync.sync_state order by record_key").fetchall()
    assert payloads[0][0] == '{"email":"person1@example.com","first_name":"Ann1","score":1}'


def test_full_resync_sends_everything_again(warehouse: Warehouse, serve, engine: SyncEngine):
    warehouse.set_members([customer(i) for i in range(1, 6)])
    job = make_job("webhook", serve(WebhookApp(token=None)).url, FIELDS, token_env="")
    engine.run(job)
    engine.reset(job)
    (summary,) = engine.run(job)
    assert summary.planned == {"upsert": 5}


def test_a_refused_removal_is_tried_again_next_run(warehouse: Warehouse, serve, engine: SyncEngine):
    members = [customer(i) for i in range(1, 4)]
    warehouse.set_members(members)
    app = WebhookApp(token=None)
    job = make_job("webhook", serve(app).url, FIELDS, token_env="")
    engine.run(job)
    warehouse.set_members(members[1:])
    app.inject(Fault(status=400, count=1))  # the removal batch is refused as a whole
    (refused,) = engine.run(job)
    assert refused.planned == {"remove": 1} and refused.rejected == 1
    assert "cus_000001" in _keys(app)
    (again,) = engine.run(job)
    assert again.planned == {"remove": 1} and again.status == "succeeded"
    assert "cus_000001" not in _keys(app)


def test_file_export_writes_parquet(warehouse: Warehouse, engine: SyncEngine, tmp_path: Path):
    import pyarrow.parquet as pq

    warehouse.set_members([customer(i) for i in range(1, 8)])
    job = make_job("file_export", str(tmp_path / "out"), FIELDS, token_env="", options={"format": "parquet"})
    (summary,) = engine.run(job)
    assert summary.status == "succeeded"
    (part,) = (tmp_path / "out" / AUDIENCE).glob("*.parquet")
    table = pq.read_table(part)
    assert table.column_names == ["operation", "record_key", "email", "first_name", "score"]
    assert table.num_rows == 7 and table.column("score").to_pylist() == list(range(1, 8))


def test_an_id_retired_by_a_merge_is_removed_in_every_mode(warehouse: Warehouse, serve, engine: SyncEngine):
    """A customer id that no longer exists (merged into another) is removed even in upsert mode, where people
    who merely leave the audience are kept."""
    members = [customer(i) for i in range(1, 4)]
    warehouse.set_members(members)
    app = WebhookApp(token=None)
    job = make_job("webhook", serve(app).url, FIELDS, token_env="", mode="upsert")
    engine.run(job)
    warehouse.set_members(members[1:])  # cus_000001 is gone from the audience and from the profile
    (summary,) = engine.run(job)
    assert summary.planned == {"remove": 1}
    assert "cus_000001" not in _keys(app)


def test_a_removal_that_fails_holds_back_the_upserts(warehouse: Warehouse, serve, engine: SyncEngine):
    members = [customer(i) for i in range(1, 4)]
    warehouse.set_members(members)
    app = WebhookApp(token=None)
    job = make_job("webhook", serve(app).url, FIELDS, token_env="", max_attempts=2)
    engine.run(job)
    warehouse.set_members([*members[1:], customer(4)])  # one leaves, one joins
    app.inject(Fault(status=503, count=2))  # the removal batch fails both its tries
    (held_back,) = engine.run(job)
    assert held_back.failed_batches == 2 and held_back.status == "partial"
    assert "cus_000004" not in _keys(app)
    errors = [e for (e,) in warehouse.con.execute("select error from cdp_sync.sync_batches").fetchall() if e]
    assert any("a removal batch failed first" in e for e in errors)
    (again,) = engine.run(job)
    assert again.planned == {"remove": 1, "upsert": 1} and again.status == "succeeded"
    assert _keys(app) == {"cus_000002", "cus_000003", "cus_000004"}


def test_a_resumed_run_does_not_send_who_withdrew_meanwhile(warehouse: Warehouse, serve, engine: SyncEngine):
    members = [customer(i) for i in range(1, 5)]
    warehouse.set_members(members)
    app = WebhookApp(token=None)
    job = make_job("webhook", serve(app).url, FIELDS, token_env="", options={"consent_channel": "email"})
    engine._plan(job, "killed-after-planning")  # the process died before sending anything
    members[1]["email_consent_status"] = "withdrawn"
    warehouse.set_members(members)
    resumed, fresh = engine.run(job)
    assert resumed.resumed and resumed.sent == 3
    assert _keys(app) == {"cus_000001", "cus_000003", "cus_000004"}
    assert app.applied[(AUDIENCE, "cus_000002", "upsert")] == 0
    assert fresh.planned_rows == 0


def test_a_consent_channel_the_project_does_not_declare_is_refused():
    # var('cdp__consent_channels') names the channels the audiences carry a status for; a typo would otherwise
    # fail only when the sync reads a column that is not there.
    with pytest.raises(
        ConfigError, match=r"consent_channel 'e-mail' is none of var\('cdp__consent_channels'\)"
    ):
        make_job("webhook", "http://127.0.0.1:9", FIELDS, token_env="", options={"consent_channel": "e-mail"})


def test_a_full_resync_still_removes_who_withdrew(warehouse: Warehouse, serve, engine: SyncEngine):
    members = [customer(i) for i in range(1, 4)]
    warehouse.set_members(members)
    app = WebhookApp(token=None)
    job = make_job(
        "webhook", serve(app).url, FIELDS, token_env="", mode="upsert", options={"consent_channel": "email"}
    )
    engine.run(job)
    members[0]["email_consent_status"] = "withdrawn"
    warehouse.set_members(members)
    engine.reset(job)
    (summary,) = engine.run(job)
    assert summary.planned == {"remove": 1, "upsert": 2}
    assert _keys(app) == {"cus_000002", "cus_000003"}


def test_a_destination_bug_fails_its_batch_not_the_sync(
    warehouse: Warehouse, serve, engine: SyncEngine, monkeypatch
):
    warehouse.set_members([customer(i) for i in range(1, 4)])
    app = WebhookApp(token=None)
    job = make_job("webhook", serve(app).url, FIELDS, token_env="")
    monkeypatch.setattr(type(job.destination), "send", lambda *args: {}["no such key"])
    (summary,) = engine.run(job)
    assert summary.status == "partial" and summary.failed_batches == 1
    assert "KeyError" in warehouse.scalar("select error from cdp_sync.sync_batches")
    assert warehouse.scalar("select count(*) from cdp_sync.sync_runs where status = 'running'") == 0


def test_removals_only_sends_just_what_privacy_demands(warehouse: Warehouse, serve, engine: SyncEngine):
    """While an audience's contracts fail, `cdp sync` runs removals only: erased people and withdrawn consent
    leave the destination; new members, changes and leavers wait for data that passes its contracts."""
    members = [customer(i) for i in range(1, 7)]
    warehouse.set_members(members)
    app = WebhookApp(token=None)
    server = serve(app)
    job = make_job(
        "webhook", server.url, FIELDS, token_env="", mode="mirror", options={"consent_channel": "email"}
    )
    engine.run(job)
    members[0] = dict(members[0], email=None, first_name=None, is_erasure_requested=True)
    members[1] = dict(members[1], email_consent_status="withdrawn")
    members[2] = dict(members[2], score=999)  # a change
    left = members.pop(3)  # a leaver (mirror mode would remove them)
    members.append(customer(7))  # a new member
    warehouse.set_members(members, profile_only=[left])
    (summary,) = engine.run(job, removals_only=True)
    assert summary.planned == {"remove": 2} and summary.status == "succeeded", summary
    assert _keys(app) == {"cus_000003", "cus_000004", "cus_000005", "cus_000006"}
    # Once the data passes again, a normal run sends the rest.
    (rest,) = engine.run(job)
    assert rest.planned == {"upsert": 2, "remove": 1}, rest
    assert _keys(app) == {"cus_000003", "cus_000005", "cus_000006", "cus_000007"}
