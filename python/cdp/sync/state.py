"""The sync engine's own tables, in the warehouse's ``cdp_sync`` schema (owned by Python, declared to dbt as
sources in models/audiences/_sync__sources.yml, never built by dbt):

- ``sync_runs``: one row per run (a dry run too): what it planned, sent, had rejected, and how it ended.
- ``sync_plan``: the rows a run planned to send, batch by batch, with their payloads, so a killed run resumes
  with exactly the same batches and idempotency keys.
- ``sync_batches``: each planned batch, its idempotency key and whether the destination acknowledged it.
- ``sync_state``: what each destination holds after the last acknowledged batch (the payload and its hash, the
  destination's id for the row, and whether it was rejected: rejected rows are sent again on the next run).
- ``sync_rejections``: every row a destination refused, with its reason, per run.
- ``sync_erasures``: the right to be forgotten on the destination side: every person a destination
  acknowledged removing because they asked to be erased (no PII: the customer id, the sync, the run, when)."""

from __future__ import annotations

import duckdb

SCHEMA = "cdp_sync"

TABLES: dict[str, tuple[str, ...]] = {
    "sync_runs": (
        "run_id varchar primary key",
        "sync_id varchar not null",
        "audience_name varchar not null",
        "destination varchar not null",
        "mode varchar not null",
        "status varchar not null",  # running, succeeded, partial, failed, dry_run, abandoned
        "started_at timestamp not null",
        "finished_at timestamp",
        "planned_rows bigint",
        "planned_upserts bigint",
        "planned_updates bigint",
        "planned_inserts bigint",
        "planned_removes bigint",
        "unchanged_rows bigint",
        "skipped_rows bigint",
        "sent_rows bigint",
        "rejected_rows bigint",
        "failed_batches bigint",
    ),
    "sync_plan": (
        "run_id varchar not null",
        "batch_no bigint not null",
        "record_key varchar not null",
        "operation varchar not null",  # upsert, update, insert, remove
        "change_reason varchar not null",  # added, changed, retry, left_audience, consent_withdrawn, erased
        "payload_hash varchar",
        "payload varchar",
        "destination_id varchar",
        "rejection_reason varchar",  # set when the destination refused the row
    ),
    "sync_batches": (
        "run_id varchar not null",
        "batch_no bigint not null",
        "operation varchar not null",
        "idempotency_key varchar not null",
        "row_count bigint not null",
        "status varchar not null",  # pending, done, failed
        "attempts integer",
        "error varchar",
        "finished_at timestamp",
    ),
    "sync_state": (
        "sync_id varchar not null",
        "record_key varchar not null",
        "payload_hash varchar",
        "payload varchar",  # the fields last sent (removals send them again: Meta matches on them)
        "destination_id varchar",
        "status varchar not null",  # synced, rejected
        "reason varchar",
        "synced_at timestamp not null",
        "run_id varchar not null",
        # No primary key: DuckDB keeps an index in memory and cannot spill it, so a few million rows would
        # outgrow the engine's memory cap. The engine writes a key once per sync (delete, then insert).
    ),
    "sync_rejections": (
        "run_id varchar not null",
        "sync_id varchar not null",
        "record_key varchar not null",
        "operation varchar not null",
        "reason varchar not null",
        "rejected_at timestamp not null",
    ),
    "sync_erasures": (
        "run_id varchar not null",
        "sync_id varchar not null",
        "destination varchar not null",
        "record_key varchar not null",
        "removed_at timestamp not null",
    ),
}


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the schema and tables, and add the columns a newer engine reads to tables an older one made."""
    con.execute(f"create schema if not exists {SCHEMA}")
    for table, definition in TABLES.items():
        con.execute(f"create table if not exists {SCHEMA}.{table} ({', '.join(definition)})")
        existing = {
            name
            for (name,) in con.execute(
                "select column_name from information_schema.columns "
                "where table_schema = ? and table_name = ?",
                [SCHEMA, table],
            ).fetchall()
        }
        for column in definition:
            name, kind = column.split()[:2]
            if name != "primary" and name not in existing:
                con.execute(f"alter table {SCHEMA}.{table} add column {name} {kind}")
