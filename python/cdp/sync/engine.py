"""The sync engine: plan what changed, send it in idempotent batches, record what happened.

A run of one sync (an audience to one destination):

1. **Resume** any run of this sync that was killed: its unacknowledged batches are sent again exactly as
   planned, with the same idempotency keys, then its results are applied. Nothing is lost and nothing is
   planned twice.
2. **Plan** (one transaction): the audience rows the sync may send (its groups; consent granted for the
   destination's channel; no erasure request) are diffed in SQL against ``sync_state``: new rows are added,
   rows whose mapped payload changed are updated, rows the destination rejected last time are retried, and
   rows that left are removed (mirror mode) or, in every mode, when they withdrew consent or asked to be
   erased. The plan is written with batch numbers and idempotency keys before anything is sent.
3. **Send**: batches are read a window at a time (memory stays flat), paced by the destination's rate limit,
   sent by ``concurrency`` workers, retried on 429 / 5xx / timeouts with exponential backoff and jitter (the
   vendor's Retry-After when it sends one, which also pauses the other workers). Acknowledgements are
   committed in groups; a batch acknowledged but not yet committed when the run dies is re-sent with the same
   key.
4. **Apply**: acknowledged rows update ``sync_state``, refused rows are written to ``sync_rejections`` with
   the destination's reason (and retried next run), and the run's counts go to ``sync_runs``.

All SQL here is DuckDB (the embedded default warehouse)."""

from __future__ import annotations

import contextlib
import random
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any

import duckdb
import pyarrow as pa

from cdp.activation.spec import Audience, SyncSpec
from cdp.destinations.base import BatchOutcome, BatchRejected, Destination, RetryableError, Row
from cdp.sync.progress import Progress
from cdp.sync.ratelimit import RateLimiter, backoff_seconds
from cdp.sync.state import SCHEMA, ensure_schema

# Operation order inside a run (batch numbers are offset by it), and the width of each operation's range.
# Removals go first and finish before anything else is sent: when an identity merge replaces a customer id,
# the old id's removal and the new id's upsert can name the same person at the vendor (the same e-mail), and
# the upsert must come last.
OPERATION_ORDER = {"remove": 0, "upsert": 1, "insert": 2, "update": 3}
BATCH_RANGE = 1_000_000_000


@dataclass(frozen=True)
class SyncJob:
    """One sync: the audience, the sync declared on it, the destination, and the relations to read."""

    audience: Audience
    sync: SyncSpec
    destination: Destination
    audience_relation: str
    profile_relation: str

    @property
    def sync_id(self) -> str:
        return self.sync.sync_id(self.audience.name)


@dataclass
class Batch:
    batch_no: int
    operation: str
    idempotency_key: str
    rows: list[Row]


@dataclass
class BatchResult:
    batch: Batch
    outcome: BatchOutcome | None
    attempts: int
    error: str | None = None


@dataclass
class RunSummary:
    run_id: str
    sync_id: str
    status: str
    planned: dict[str, int] = field(default_factory=dict)
    reasons: dict[str, int] = field(default_factory=dict)
    unchanged: int = 0
    skipped: int = 0
    sent: int = 0
    rejected: int = 0
    failed_batches: int = 0
    seconds: float = 0.0
    resumed: bool = False
    sample: dict[str, Any] = field(default_factory=dict)

    @property
    def planned_rows(self) -> int:
        return sum(self.planned.values())


def _rollback(con: duckdb.DuckDBPyConnection) -> None:
    """Roll back the open transaction, if DuckDB has not already done so on the error being raised."""
    with contextlib.suppress(duckdb.TransactionException):
        con.execute("rollback")


def _q(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _lit(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


class SyncEngine:
    """Runs syncs against one DuckDB warehouse connection (read-write: it owns the ``cdp_sync`` schema)."""

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        *,
        progress: bool | None = None,
        commit_every_seconds: float = 1.0,
        window_batches: int = 64,
        rng: random.Random | None = None,
        on_batch_sent: Callable[[int], None] | None = None,
        memory_limit: str | None = "256MB",
    ):
        self.con = con
        self.progress = progress
        self.commit_every_seconds = commit_every_seconds
        self.window_batches = window_batches
        self.rng = rng or random.Random()
        self.on_batch_sent = on_batch_sent
        if memory_limit:
            # DuckDB caches up to 80 % of RAM by default; the diff, plan and state it writes grow with the
            # audience, so they are capped here and spill to disk instead (the engine's memory stays bounded).
            con.execute(f"set memory_limit = '{memory_limit}'")
        ensure_schema(con)

    # --- public --------------------------------------------------------------------------------------------
    def run(
        self, job: SyncJob, *, dry_run: bool = False, sample_size: int = 3, removals_only: bool = False
    ) -> list[RunSummary]:
        """Resume what a killed run left, then plan and send what changed; one summary per run touched.
        ``removals_only``: send only the removals privacy demands (people who asked to be erased or withdrew
        consent), e.g. while the audience's data contracts fail; unfinished runs are left for a normal run."""
        summaries = []
        if not dry_run and not removals_only:
            for run_id in self._unfinished_runs(job.sync_id):
                self._trim_resumed(job, run_id)
                summaries.append(self._send_and_apply(job, run_id, resumed=True))
        run_id = uuid.uuid4().hex
        if dry_run:
            summaries.append(self._dry_run(job, run_id, sample_size, removals_only))
        else:
            self._plan(job, run_id, removals_only)
            summaries.append(self._send_and_apply(job, run_id, resumed=False))
        return summaries

    def reset(self, job: SyncJob) -> None:
        """A full resync: every row is sent again (the state forgets its hashes but keeps what the
        destination was last sent, so leavers are still removed); unfinished runs are abandoned."""
        self.con.execute(
            f"update {SCHEMA}.sync_state set payload_hash = null where sync_id = ?", [job.sync_id]
        )
        self.con.execute(
            f"""
            delete from {SCHEMA}.sync_plan where run_id in (
                select run_id from {SCHEMA}.sync_runs where sync_id = ? and status = 'running'
            )
            """,
            [job.sync_id],
        )
        self.con.execute(
            f"update {SCHEMA}.sync_runs set status = 'abandoned', finished_at = current_timestamp "
            "where sync_id = ? and status = 'running'",
            [job.sync_id],
        )

    # --- planning ------------------------------------------------------------------------------------------
    def _groups(self, job: SyncJob) -> tuple[str, ...]:
        return job.sync.groups or tuple(g for g in job.audience.groups if g != "holdout")

    def _source_sql(self, job: SyncJob) -> str:
        """CTEs ``source`` (the audience rows of the sync's groups, with their payload, consent and erasure)
        and ``eligible`` (those that may be sent)."""
        payload = ", ".join(f"{_q(target)} := {_q(column)}" for target, column in job.sync.fields.items())
        channel = job.destination.channel
        consented = f"coalesce({_q(channel + '_consent_status')} = 'granted', false)" if channel else "true"
        return f"""
        source as (
            select
                customer_id as record_key,
                to_json(struct_pack({payload}))::varchar as payload,
                {consented} as consented,
                coalesce(is_erasure_requested, false) as erased
            from {job.audience_relation}
            where audience_group in ({", ".join(_lit(g) for g in self._groups(job))})
        ),
        eligible as (
            select record_key, payload, md5(payload) as payload_hash
            from source
            where consented and not erased
        )"""

    def _diff_sql(self, job: SyncJob) -> str:
        """One row per record key in the audience or the state: its operation (NULL: nothing to send), why
        (added, changed, retry, unchanged, left_audience, consent_withdrawn, erased, retired: an id an
        identity merge retired) and the payload to send; plus, when a change alters the fields the vendor
        matches people on (``match_fields``: an e-mail, a phone), a removal of the old record first
        (``rekeyed``). ``forget``: a row that leaves and that the destination never accepted (nothing to
        remove there)."""
        mode = job.sync.mode
        channel = job.destination.channel
        consented = f"coalesce({_q(channel + '_consent_status')} = 'granted', false)" if channel else "true"
        add_op = {"upsert": "'upsert'", "mirror": "'upsert'", "insert": "'insert'", "update": "'update'"}[
            mode
        ]
        change_op = {"upsert": "'upsert'", "mirror": "'upsert'", "insert": "null", "update": "'update'"}[mode]
        leave_op = "'remove'" if mode == "mirror" else "null"
        match_fields = [f for f in job.destination.match_fields if f in job.sync.fields]
        rekeyed = " or ".join(
            f"json_extract_string(state_payload, {_lit('$.' + f)})"
            f" is distinct from json_extract_string(payload, {_lit('$.' + f)})"
            for f in match_fields
        )
        rekey_modes = mode in ("upsert", "mirror")
        return f"""
        with
        {self._source_sql(job)},
        state as (
            select * from {SCHEMA}.sync_state where sync_id = {_lit(job.sync_id)}
        ),
        profile as (
            select customer_id, {consented} as consented, coalesce(is_erasure_requested, false) as erased
            from {job.profile_relation}
            where customer_id in (select record_key from state)
        ),
        compared as (
            select
                coalesce(eligible.record_key, state.record_key) as record_key,
                -- a row that leaves is removed with the fields the destination last accepted
                coalesce(eligible.payload, state.payload) as payload,
                state.payload as state_payload,
                eligible.payload_hash,
                state.destination_id,
                state.record_key is not null and state.payload is null as never_accepted,
                case
                    when state.record_key is null then 'added'
                    when eligible.record_key is null then
                        case
                            when coalesce(source.erased, profile.erased, false) then 'erased'
                            when not coalesce(source.consented, profile.consented, true) then
                            'consent_withdrawn'
                            when source.record_key is null and profile.customer_id is null then 'retired'
                            else 'left_audience'
                        end
                    when state.status = 'rejected' then 'retry'
                    when state.payload_hash is distinct from eligible.payload_hash then 'changed'
                    else 'unchanged'
                end as change_reason
            from eligible
            full outer join state on eligible.record_key = state.record_key
            left join source on eligible.record_key is null and source.record_key = state.record_key
            left join profile on eligible.record_key is null and profile.customer_id = state.record_key
        ),
        planned as (
            select
                *,
                change_reason in ('left_audience', 'consent_withdrawn', 'erased', 'retired')
                and never_accepted as forget
            from compared
        )
        select
            record_key,
            case
                when forget then null
                when change_reason in ('added', 'retry') then {add_op}
                when change_reason = 'changed' then {change_op}
                when change_reason = 'unchanged' then null
                when change_reason = 'left_audience' then {leave_op}
                else 'remove'
            end as operation,
            change_reason,
            payload_hash,
            case when change_reason != 'unchanged' then payload end as payload,
            destination_id,
            forget
        from planned
        {
            f'''
        union all
        select
            record_key, 'remove', 'rekeyed', null, state_payload, destination_id, false
        from planned
        where change_reason = 'changed' and ({rekeyed})
        '''
            if rekeyed and rekey_modes
            else ""
        }
        """

    def _diff(self, job: SyncJob, removals_only: bool = False) -> None:
        """The diff, in temp table _cdp_diff (replaced); only the erasure and consent removals if asked."""
        self.con.execute(f"create or replace temp table _cdp_diff as {self._diff_sql(job)}")
        if removals_only:
            self.con.execute(
                "delete from _cdp_diff "
                "where not (operation = 'remove' and change_reason in ('erased', 'consent_withdrawn'))"
            )

    def _diff_counts(self) -> tuple[dict[str, int], dict[str, int], int, int]:
        """Rows per planned operation and per reason, unchanged rows, skipped rows (changed, nothing to
        send)."""
        planned: dict[str, int] = {}
        reasons: dict[str, int] = {}
        unchanged = skipped = 0
        for operation, reason, count in self.con.execute(
            "select operation, change_reason, count(*) from _cdp_diff group by all"
        ).fetchall():
            if reason == "unchanged":
                unchanged += count
                continue
            reasons[reason] = reasons.get(reason, 0) + count
            if operation is None:
                skipped += count
            else:
                planned[operation] = planned.get(operation, 0) + count
        return planned, reasons, unchanged, skipped

    def _log_run(
        self, job: SyncJob, run_id: str, status: str, planned: dict, unchanged: int, skipped: int
    ) -> None:
        finished = "current_timestamp" if status == "dry_run" else "null"
        self.con.execute(
            f"""
            insert into {SCHEMA}.sync_runs (
                run_id, sync_id, audience_name, destination, mode, status, started_at, finished_at,
                planned_rows,
                planned_upserts, planned_updates, planned_inserts, planned_removes, unchanged_rows,
                skipped_rows
            ) values (?, ?, ?, ?, ?, ?, current_timestamp, {finished}, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                run_id,
                job.sync_id,
                job.audience.name,
                job.sync.destination,
                job.sync.mode,
                status,
                sum(planned.values()),
                planned.get("upsert", 0),
                planned.get("update", 0),
                planned.get("insert", 0),
                planned.get("remove", 0),
                unchanged,
                skipped,
            ],
        )

    def _plan(self, job: SyncJob, run_id: str, removals_only: bool = False) -> None:
        con, size = self.con, job.destination.batch_size
        order = " ".join(f"when '{op}' then {rank}" for op, rank in OPERATION_ORDER.items())
        con.execute("begin transaction")
        try:
            self._diff(job, removals_only)
            con.execute(
                f"""
                insert into {SCHEMA}.sync_plan (
                    run_id, batch_no, record_key, operation, change_reason, payload_hash, payload,
                    destination_id, rejection_reason
                )
                select
                    {_lit(run_id)},
                    cast(case operation {order} end as bigint) * {BATCH_RANGE}
                    + (row_number() over (partition by operation order by record_key) - 1) // {size},
                    record_key, operation, change_reason, payload_hash, payload, destination_id, null
                from _cdp_diff
                where operation is not null
                order by 2, 3
                """
            )
            con.execute(
                f"""
                insert into {SCHEMA}.sync_batches (
                    run_id, batch_no, operation, idempotency_key, row_count, status, attempts, error,
                    finished_at
                )
                select
                    run_id, batch_no, any_value(operation),
                    md5({_lit(job.sync_id)} || ':' || run_id || ':' || batch_no::varchar),
                    count(*), 'pending', 0, null, null
                from {SCHEMA}.sync_plan
                where run_id = {_lit(run_id)}
                group by run_id, batch_no
                """
            )
            # Rows that left before the destination ever accepted them: nothing to remove there, forget them.
            con.execute(
                f"""
                delete from {SCHEMA}.sync_state
                where sync_id = ? and record_key in (select record_key from _cdp_diff where forget)
                """,
                [job.sync_id],
            )
            planned, _, unchanged, skipped = self._diff_counts()
            self._log_run(job, run_id, "running", planned, unchanged, skipped)
            con.execute("drop table _cdp_diff")
            con.execute("commit")
        except BaseException:
            _rollback(con)
            raise

    def _dry_run(
        self, job: SyncJob, run_id: str, sample_size: int, removals_only: bool = False
    ) -> RunSummary:
        started = time.monotonic()
        self._diff(job, removals_only)
        planned, reasons, unchanged, skipped = self._diff_counts()
        summary = RunSummary(run_id, job.sync_id, "dry_run", planned, reasons, unchanged, skipped)
        for operation in planned:
            rows = self.con.execute(
                f"""
                select record_key, payload, destination_id from _cdp_diff
                -- a person who asked to be erased is never shown (the payload is their last-sent PII)
                where operation = ? and change_reason != 'erased'
                order by record_key limit {int(sample_size)}
                """,
                [operation],
            ).fetchall()
            batch = [Row(key, payload, dest) for key, payload, dest in rows]
            summary.sample[operation] = job.destination.preview(operation, batch)
        self.con.execute("drop table _cdp_diff")
        self._log_run(job, run_id, "dry_run", planned, unchanged, skipped)
        summary.seconds = time.monotonic() - started
        return summary

    # --- sending -------------------------------------------------------------------------------------------
    def _unfinished_runs(self, sync_id: str) -> list[str]:
        rows = self.con.execute(
            f"select run_id from {SCHEMA}.sync_runs where sync_id = ? and status = 'running' "
            "order by started_at",
            [sync_id],
        ).fetchall()
        return [run_id for (run_id,) in rows]

    def _pending_batches(self, run_id: str) -> Iterator[Batch]:
        """The run's unacknowledged batches in order, read ``window_batches`` at a time on a cursor of its
        own."""
        reader = self.con.cursor()
        try:
            last = -1
            while True:
                rows = reader.execute(
                    f"""
                    with window_batches as (
                        select batch_no, operation, idempotency_key
                        from {SCHEMA}.sync_batches
                        where run_id = ? and status = 'pending' and batch_no > ?
                        order by batch_no
                        limit {self.window_batches}
                    )
                    select
                        w.batch_no, any_value(w.operation), any_value(w.idempotency_key),
                        list(p.record_key order by p.record_key),
                        list(p.payload order by p.record_key),
                        list(p.destination_id order by p.record_key)
                    from window_batches as w
                    inner join {SCHEMA}.sync_plan as p on p.run_id = ? and p.batch_no = w.batch_no
                    group by w.batch_no
                    order by w.batch_no
                    """,
                    [run_id, last, run_id],
                ).fetchall()
                if not rows:
                    return
                for batch_no, operation, key, record_keys, payloads, destination_ids in rows:
                    yield Batch(
                        batch_no,
                        operation,
                        key,
                        [
                            Row(record_key, payload, destination_id)
                            for record_key, payload, destination_id in zip(
                                record_keys, payloads, destination_ids, strict=True
                            )
                        ],
                    )
                    last = batch_no
        finally:
            reader.close()

    def _deliver(self, destination: Destination, limiter: RateLimiter, batch: Batch) -> BatchResult:
        attempts = 0
        while True:
            attempts += 1
            limiter.acquire()
            try:
                outcome = destination.send(batch.operation, batch.rows, batch.idempotency_key)
                return BatchResult(batch, outcome, attempts)
            except RetryableError as error:
                if attempts >= destination.spec.max_attempts:
                    return BatchResult(batch, None, attempts, f"gave up after {attempts} tries: {error}")
                delay = backoff_seconds(attempts, error.retry_after, rng=self.rng)
                if error.retry_after is not None:
                    limiter.hold(delay)
                time.sleep(delay)
            except BatchRejected as error:
                reason = str(error)
                return BatchResult(
                    batch, BatchOutcome(rejected={row.key: reason for row in batch.rows}), attempts
                )
            except Exception as error:  # a destination's bug fails its batch, not the run
                return BatchResult(batch, None, attempts, f"{type(error).__name__}: {error}")

    def _trim_resumed(self, job: SyncJob, run_id: str) -> None:
        """Before a killed run is resumed, take out of its unsent batches the rows that may no longer be sent
        (consent withdrawn, erasure asked, left the sync's groups since it was planned). A batch that lost
        rows gets a new idempotency key (it is no longer the request that may have been delivered); one left
        empty is done. Removals stay: they are always allowed."""
        con = self.con
        con.execute("begin transaction")
        try:
            con.execute(
                f"""
                delete from {SCHEMA}.sync_plan
                where run_id = ? and operation != 'remove'
                and batch_no in (
                    select batch_no from {SCHEMA}.sync_batches where run_id = ? and status = 'pending'
                )
                and record_key not in (with {self._source_sql(job)} select record_key from eligible)
                """,
                [run_id, run_id],
            )
            con.execute(
                f"""
                update {SCHEMA}.sync_batches as b
                set
                    row_count = kept.n,
                    idempotency_key = md5(b.idempotency_key || ':trimmed'),
                    status = case when kept.n = 0 then 'done' else b.status end
                from (
                    select
                        pending.batch_no,
                        (
                            select count(*) from {SCHEMA}.sync_plan as p
                            where p.run_id = pending.run_id and p.batch_no = pending.batch_no
                        ) as n
                    from {SCHEMA}.sync_batches as pending
                    where pending.run_id = ? and pending.status = 'pending'
                ) as kept
                where b.run_id = ? and b.batch_no = kept.batch_no and b.row_count != kept.n
                """,
                [run_id, run_id],
            )
            con.execute("commit")
        except BaseException:
            _rollback(con)
            raise

    def _send_and_apply(self, job: SyncJob, run_id: str, *, resumed: bool) -> RunSummary:
        started = time.monotonic()
        destination = job.destination
        total = self.con.execute(
            f"select coalesce(sum(row_count), 0) from {SCHEMA}.sync_batches "
            "where run_id = ? and status = 'pending'",
            [run_id],
        ).fetchall()[0][0]
        label = f"{job.sync_id}{' (resumed)' if resumed else ''}"
        progress = Progress(label, int(total), enabled=self.progress)
        limiter = RateLimiter(destination.rate_limit)
        acknowledged: list[BatchResult] = []
        last_commit = time.monotonic()
        in_flight: set[Future] = set()
        removal_failed = False
        with ThreadPoolExecutor(max_workers=max(1, destination.spec.concurrency)) as pool:

            def collect(block: bool) -> None:
                nonlocal last_commit, removal_failed
                done, _ = wait(in_flight, timeout=None if block else 0, return_when=FIRST_COMPLETED)
                for future in done:
                    in_flight.discard(future)
                    result = future.result()
                    removal_failed |= result.outcome is None and result.batch.operation == "remove"
                    acknowledged.append(result)
                    progress.advance(len(result.batch.rows))
                    if self.on_batch_sent:
                        self.on_batch_sent(result.batch.batch_no)
                if acknowledged and time.monotonic() - last_commit >= self.commit_every_seconds:
                    self._commit(run_id, acknowledged)
                    acknowledged.clear()
                    last_commit = time.monotonic()

            operation = None
            for batch in self._pending_batches(run_id):
                # Bounded in flight; and one operation finishes before the next starts.
                while in_flight and (
                    len(in_flight) >= 2 * destination.spec.concurrency or batch.operation != operation
                ):
                    collect(block=True)
                if removal_failed and batch.operation != "remove":
                    break  # the upserts wait: one could bring back a person a failed removal still holds
                operation = batch.operation
                in_flight.add(pool.submit(self._deliver, destination, limiter, batch))
                collect(block=False)
            while in_flight:
                collect(block=True)
        self._commit(run_id, acknowledged)
        progress.close()
        if removal_failed:
            self.con.execute(
                f"""
                update {SCHEMA}.sync_batches
                set status = 'failed', error = 'not sent: a removal batch failed first (sent next run)'
                where run_id = ? and status = 'pending'
                """,
                [run_id],
            )
        summary = self._apply(job, run_id, resumed)
        summary.seconds = time.monotonic() - started
        return summary

    def _commit(self, run_id: str, results: list[BatchResult]) -> None:
        """Record acknowledged batches (and their rows' rejections and destination ids) in one transaction."""
        if not results:
            return
        row_results: dict[str, list] = {"batch_no": [], "record_key": [], "destination_id": [], "reason": []}
        batches: dict[str, list] = {"batch_no": [], "status": [], "attempts": [], "error": []}
        for result in results:
            batches["batch_no"].append(result.batch.batch_no)
            batches["status"].append("failed" if result.outcome is None else "done")
            batches["attempts"].append(result.attempts)
            batches["error"].append(result.error)
            if result.outcome is None:
                continue
            outcome = result.outcome
            for row in result.batch.rows:
                reason = outcome.rejected.get(row.key)
                destination_id = outcome.destination_ids.get(row.key)
                if reason is not None or destination_id is not None:
                    row_results["batch_no"].append(result.batch.batch_no)
                    row_results["record_key"].append(row.key)
                    row_results["destination_id"].append(destination_id)
                    row_results["reason"].append(reason)
        batch_table = pa.table(batches)
        row_table = pa.table(
            row_results,
            schema=pa.schema(
                [
                    ("batch_no", pa.int64()),
                    ("record_key", pa.string()),
                    ("destination_id", pa.string()),
                    ("reason", pa.string()),
                ]
            ),
        )
        con = self.con
        con.register("_acked_batches", batch_table)
        con.register("_acked_rows", row_table)
        try:
            con.execute("begin transaction")
            con.execute(
                f"""
                update {SCHEMA}.sync_batches as b
                set status = a.status, attempts = a.attempts, error = a.error, finished_at = current_timestamp
                from _acked_batches as a
                where b.run_id = ? and b.batch_no = a.batch_no
                """,
                [run_id],
            )
            if row_table.num_rows:
                con.execute(
                    f"""
                    update {SCHEMA}.sync_plan as p
                    set
                        destination_id = coalesce(r.destination_id, p.destination_id),
                        rejection_reason = r.reason
                    from _acked_rows as r
                    where p.run_id = ? and p.batch_no = r.batch_no and p.record_key = r.record_key
                    """,
                    [run_id],
                )
            con.execute("commit")
        except BaseException:
            _rollback(con)
            raise
        finally:
            con.unregister("_acked_batches")
            con.unregister("_acked_rows")

    def _apply(self, job: SyncJob, run_id: str, resumed: bool) -> RunSummary:
        """Fold the run's acknowledged rows into sync_state, write its rejections, close its run-log row."""
        con, sync_id = self.con, _lit(job.sync_id)
        done = f"""
            from {SCHEMA}.sync_plan as p
            inner join {SCHEMA}.sync_batches as b on b.run_id = p.run_id and b.batch_no = p.batch_no
            where p.run_id = {_lit(run_id)} and b.status = 'done'
        """
        con.execute("begin transaction")
        try:
            con.execute(
                f"""
                insert into {SCHEMA}.sync_rejections (
                    run_id, sync_id, record_key, operation, reason, rejected_at
                )
                select p.run_id, {sync_id}, p.record_key, p.operation, p.rejection_reason, current_timestamp
                {done} and p.rejection_reason is not null
                """
            )
            con.execute(
                f"""
                insert into {SCHEMA}.sync_erasures (run_id, sync_id, destination, record_key, removed_at)
                select p.run_id, {sync_id}, {_lit(job.sync.destination)}, p.record_key, current_timestamp
                {done} and p.operation = 'remove' and p.change_reason = 'erased'
                and p.rejection_reason is null
                """
            )
            # A refused row keeps what the destination last accepted (its payload and id: a later removal
            # needs them), with status rejected and no hash, so the next run sends it again.
            con.execute(
                f"""
                create or replace temp table _cdp_new_state as
                select
                    {sync_id} as sync_id,
                    p.record_key,
                    case when p.rejection_reason is null then p.payload_hash end as payload_hash,
                    case when p.rejection_reason is null then p.payload else old.payload end as payload,
                    case
                        when p.rejection_reason is null then p.destination_id else old.destination_id
                    end as destination_id,
                    case when p.rejection_reason is null then 'synced' else 'rejected' end as status,
                    p.rejection_reason as reason,
                    current_timestamp as synced_at,
                    p.run_id
                from {SCHEMA}.sync_plan as p
                inner join {SCHEMA}.sync_batches as b on b.run_id = p.run_id and b.batch_no = p.batch_no
                left join {SCHEMA}.sync_state as old
                    on old.sync_id = {sync_id} and old.record_key = p.record_key
                where p.run_id = {_lit(run_id)} and b.status = 'done' and p.operation != 'remove'
                """
            )
            con.execute(
                f"""
                delete from {SCHEMA}.sync_state
                where sync_id = {sync_id} and record_key in (
                    -- every row acknowledged, but a refused removal: the destination still holds it
                    select p.record_key {done}
                    and not (p.operation = 'remove' and p.rejection_reason is not null)
                )
                """
            )
            con.execute(
                f"""
                insert into {SCHEMA}.sync_state (
                    sync_id, record_key, payload_hash, payload, destination_id, status, reason, synced_at,
                    run_id
                )
                select * from _cdp_new_state
                """
            )
            con.execute("drop table _cdp_new_state")
            sent, rejected = con.execute(
                f"""
                select count(*), count(*) filter (where p.rejection_reason is not null) {done}
                """
            ).fetchall()[0]
            failed, pending = con.execute(
                f"""
                select count(*) filter (where status = 'failed'), count(*) filter (where status = 'pending')
                from {SCHEMA}.sync_batches where run_id = ?
                """,
                [run_id],
            ).fetchall()[0]
            status = "failed" if pending else ("partial" if failed or rejected else "succeeded")
            con.execute(
                f"""
                update {SCHEMA}.sync_runs
                set status = ?, finished_at = current_timestamp, sent_rows = ?, rejected_rows = ?,
                    failed_batches = ?
                where run_id = ?
                """,
                [status, sent, rejected, failed, run_id],
            )
            # The plan is kept only while a run can still be resumed; the batches stay as its log.
            con.execute(f"delete from {SCHEMA}.sync_plan where run_id = ?", [run_id])
            con.execute("commit")
        except BaseException:
            _rollback(con)
            raise
        planned = dict(
            con.execute(
                f"""
                select operation, sum(row_count) from {SCHEMA}.sync_batches where run_id = ? group by
                operation
                """,
                [run_id],
            ).fetchall()
        )
        unchanged, skipped = con.execute(
            f"select unchanged_rows, skipped_rows from {SCHEMA}.sync_runs where run_id = ?", [run_id]
        ).fetchall()[0]
        return RunSummary(
            run_id=run_id,
            sync_id=job.sync_id,
            status=status,
            planned={k: int(v) for k, v in planned.items()},
            unchanged=int(unchanged or 0),
            skipped=int(skipped or 0),
            sent=int(sent),
            rejected=int(rejected),
            failed_batches=int(failed),
            resumed=resumed,
        )
