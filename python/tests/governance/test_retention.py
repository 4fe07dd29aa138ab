"""Retention windows (docs/governance/retention.md) on the demo web and app events, built into a throw-away
DuckDB: with every window null nothing expires; with a window, no staged row is older than it, every raw row
is staged, quarantined or expired exactly once, `aggregate` keeps the daily counts per event type and subject
and `drop` only the daily counts, equal to the rows that left staging; later incremental runs, a full refresh
and a window set back to null neither count a row twice nor bring an expired row back. The dry run
(`cdp_retention_dry_run`) foretells what a window expires and never reaches behind a recorded cutoff."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, datetime, timedelta

import duckdb
import pytest

from tests.dbt_harness import DbtProject

SELECTION = (
    "+fct_retention_expired_daily",
    "stg_web__events_quarantine",
    "stg_app__events_quarantine",
    # int_as_of_date reads these too; the test works the as-of day out the same way, from the staged rows.
    "+stg_shop__orders",
    "+stg_esp__email_events",
)
WEB_DAYS, APP_DAYS = 60, 30
WINDOWS = (
    f"{{cdp__retention: {{web_events: {{days: {WEB_DAYS}, action: aggregate}}, "
    f"app_events: {{days: {APP_DAYS}, action: drop}}}}}}"
)
# The windows "switched off" again: both tables still listed, with a null window.
NULL_WINDOWS = "{cdp__retention: {web_events: {days: null}, app_events: {days: null, action: drop}}}"
TABLES = {"web_events": "web__events", "app_events": "app__events"}


def _build(project: DbtProject, *args: str) -> None:
    # cautious: only the tests whose every parent is built (not the marts' tests on the staged events).
    project.dbt("build", "-s", *SELECTION, "--indirect-selection", "cautious", *args)


def _dry_run(project: DbtProject, table: str, days: int, *args: str) -> tuple[date, int, dict[date, int]]:
    """``dbt run-operation cdp_retention_dry_run``: the cutoff it names, its total and its rows per month."""
    result = project.dbt(
        "run-operation", "cdp_retention_dry_run", "--args", f"{{source_table: {table}, days: {days}}}", *args
    )
    summary = re.search(
        rf"{table}: a {days}-day window expires the rows before (\S+): (\d+) staged rows", result.stdout
    )
    assert summary, result.stdout[-4000:]
    months = {
        date.fromisoformat(month): int(count)
        for month, count in re.findall(r"^\S*\s+(\d{4}-\d{2}-\d{2})  (\d+)$", result.stdout, re.MULTILINE)
    }
    return date.fromisoformat(summary.group(1)), int(summary.group(2)), months


def _snapshot(project: DbtProject) -> dict:
    """Staged, quarantined and raw rows of web and app events, the expired counts and the recorded cutoffs."""
    with duckdb.connect(str(project.duckdb_path), read_only=True) as con:
        listed = con.execute("select table_name from information_schema.tables").fetchall()
        tables = {name for (name,) in listed}
        snap: dict = {"staged": {}, "quarantined": {}, "raw": {}, "cutoffs": {}}
        for raw, model in TABLES.items():
            snap["raw"][raw] = con.execute(f"select count(*) from cdp_raw.{raw}").fetchall()[0][0]
            snap["quarantined"][raw] = con.execute(
                f"select count(*) from cdp_staging.stg_{model}_quarantine"
            ).fetchall()[0][0]
            subject = "account_id, anonymous_id" if raw == "web_events" else "account_id, device_id"
            snap["staged"][raw] = {
                row[0]: row[1:]
                for row in con.execute(
                    f"select event_id, occurred_at, event_type, {subject} from cdp_staging.stg_{model}"
                ).fetchall()
            }
            work_table = f"stg_{model}__retention_cutoff"
            snap["cutoffs"][raw] = (
                con.execute(f"select retention_cutoff from cdp_staging.{work_table}").fetchall()[0][0]
                if work_table in tables
                else None
            )
        snap["ledger"] = (
            con.execute(
                "select count(*) from cdp_marts.fct_retention_expired_daily__expired_keys"
            ).fetchall()[0][0]
            if "fct_retention_expired_daily__expired_keys" in tables
            else None
        )
        snap["expired"] = con.execute(
            """
            select source_table, event_date, event_type, subject_type, subject_id, retention_action,
                event_count, retention_cutoff, expired_at
            from cdp_marts.fct_retention_expired_daily
            """
        ).fetchall()
        newest_loads = " union all ".join(
            f"select max(loaded_at) as loaded_at from cdp_staging.{model}"
            for model in ("stg_web__events", "stg_shop__orders", "stg_app__events", "stg_esp__email_events")
        )
        as_of_sql = f"select cast(max(loaded_at) as date) from ({newest_loads})"
        snap["as_of"] = con.execute(as_of_sql).fetchall()[0][0]
    return snap


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    """One warehouse built five times: every window null (the default), the windows, the same again, a full
    refresh, and the windows set back to null."""
    project = DbtProject("dev", tmp_path_factory.mktemp("retention"), {})
    steps: dict[str, dict] = {}
    _build(project)
    steps["null"] = _snapshot(project)
    # Before any window: what the web window would expire. After it, neither a wider window nor a window
    # tried on a table whose var entry is null (the project default) reaches behind the recorded cutoff.
    steps["dry_run"] = {"before": _dry_run(project, "web_events", WEB_DAYS)}
    _build(project, "--vars", WINDOWS)
    steps["window"] = _snapshot(project)
    steps["dry_run"]["wider"] = _dry_run(project, "web_events", 3 * WEB_DAYS, "--vars", WINDOWS)
    steps["dry_run"]["null_window"] = _dry_run(project, "app_events", 3 * APP_DAYS)
    _build(project, "--vars", WINDOWS)
    steps["again"] = _snapshot(project)
    _build(project, "--vars", WINDOWS, "--full-refresh")
    steps["full_refresh"] = _snapshot(project)
    _build(project, "--vars", NULL_WINDOWS)
    steps["null_again"] = _snapshot(project)
    steps["late_rows"] = _land_late_rows(project, _expected_cutoffs(steps)["web_events"])
    _build(project, "--vars", WINDOWS, "--exclude", "resource_type:seed")
    steps["late"] = _snapshot(project)
    return steps


def _land_late_rows(project: DbtProject, cutoff: datetime) -> dict[str, tuple]:
    """Land three web events in the raw table with its newest load time (the as-of day does not move): a new
    event older than the window, a re-delivery of an expired event and one of a staged event."""
    with duckdb.connect(str(project.duckdb_path)) as con:
        newest_load = con.execute("select max(_loaded_at) from cdp_raw.web_events").fetchall()[0][0]
        expired_id = con.execute(
            f"""
            select min(raw.event_id) from cdp_raw.web_events as raw
            where raw._loaded_at < '{newest_load}' and trim(raw.event_id) = raw.event_id
                and epoch_ms(try_cast(raw.occurred_at as bigint)) < '{cutoff}'
                and not exists (
                    select 1 from cdp_staging.stg_web__events_quarantine as failed
                    where failed.event_id = raw.event_id
                )
                and nullif(trim(raw.user_id), '') is not null and raw.event_type is not null
                and (select count(*) from cdp_raw.web_events as other where other.event_id = raw.event_id) = 1
            """
        ).fetchall()[0][0]
        staged_id = con.execute(
            "select min(event_id) from cdp_raw.web_events"
            " where event_id in (select event_id from cdp_staging.stg_web__events)"
        ).fetchall()[0][0]
        new_id = "late-" + expired_id
        copy = "insert into cdp_raw.web_events select * replace ({} as event_id, '{}' as _loaded_at) " + (
            "from cdp_raw.web_events where event_id = '{}'"
        )
        for event_id, source_id in (
            (f"'{new_id}'", expired_id),
            ("event_id", expired_id),
            ("event_id", staged_id),
        ):
            con.execute(copy.format(event_id, newest_load, source_id))
        new_row = con.execute(
            f"""
            select cast(epoch_ms(cast(occurred_at as bigint)) as date), lower(trim(event_type)), trim(user_id)
            from cdp_raw.web_events where event_id = '{new_id}'
            """
        ).fetchall()[0]
    return {"new": new_row, "ids": (new_id, expired_id, staged_id)}


def _cutoff(as_of: date, days: int) -> datetime:
    return datetime.combine(as_of - timedelta(days=days), datetime.min.time())


def _expected_cutoffs(builds: dict[str, dict]) -> dict[str, datetime]:
    as_of = builds["null"]["as_of"]
    return {"web_events": _cutoff(as_of, WEB_DAYS), "app_events": _cutoff(as_of, APP_DAYS)}


def _expired_total(snap: dict, table: str) -> int:
    return sum(row[6] for row in snap["expired"] if row[0] == table)


def test_null_window_keeps_everything(builds: dict[str, dict]) -> None:
    baseline = builds["null"]
    assert baseline["expired"] == []
    assert baseline["cutoffs"] == {"web_events": None, "app_events": None}
    assert baseline["ledger"] is None, "no work table while every window is null"
    for table in TABLES:
        staged = baseline["staged"][table]
        assert staged, f"{table}: nothing staged, the test proves nothing"
        assert len(staged) + baseline["quarantined"][table] == baseline["raw"][table]
    # The window under test does expire rows of both tables, and keeps some.
    for table, cutoff in _expected_cutoffs(builds).items():
        occurred = [row[0] for row in baseline["staged"][table].values()]
        assert min(occurred) < cutoff <= max(occurred), table


def test_no_staged_row_is_older_than_the_window(builds: dict[str, dict]) -> None:
    cutoffs = _expected_cutoffs(builds)
    baseline = builds["null"]["staged"]
    for step in ("window", "again", "full_refresh", "null_again"):
        snap = builds[step]
        for table, cutoff in cutoffs.items():
            assert snap["cutoffs"][table] == cutoff, (step, table)
            kept = {key: row for key, row in baseline[table].items() if row[0] >= cutoff}
            # Exactly the baseline's rows on or after the cutoff, unchanged.
            assert snap["staged"][table] == kept, (step, table)


def test_rows_in_equal_staged_plus_quarantined_plus_expired(builds: dict[str, dict]) -> None:
    for step in ("null", "window", "again", "full_refresh", "null_again", "late"):
        snap = builds[step]
        for table in TABLES:
            if step != "late":  # test_late_and_redelivered_rows_expire_once checks the late rows
                assert snap["quarantined"][table] == builds["null"]["quarantined"][table], (step, table)
            total = len(snap["staged"][table]) + snap["quarantined"][table] + _expired_total(snap, table)
            assert total == snap["raw"][table], (step, table)


def test_aggregate_keeps_daily_counts_per_event_type_and_subject(builds: dict[str, dict]) -> None:
    cutoff = _expected_cutoffs(builds)["web_events"]
    expected = Counter(
        (occurred.date(), event_type, "account_id" if account else "anonymous_id", account or anonymous)
        for occurred, event_type, account, anonymous in builds["null"]["staged"]["web_events"].values()
        if occurred < cutoff
    )
    rows = [row for row in builds["window"]["expired"] if row[0] == "web_events"]
    assert {row[5] for row in rows} == {"aggregate"}
    assert {row[7] for row in rows} == {cutoff}
    actual = Counter({(row[1], row[2], row[3], row[4]): row[6] for row in rows})
    assert len(actual) == len(rows), "one row per day, event type and subject"
    assert actual == expected


def test_drop_keeps_only_daily_counts(builds: dict[str, dict]) -> None:
    cutoff = _expected_cutoffs(builds)["app_events"]
    staged = builds["null"]["staged"]["app_events"].values()
    expected = Counter(occurred.date() for occurred, *_ in staged if occurred < cutoff)
    rows = [row for row in builds["window"]["expired"] if row[0] == "app_events"]
    assert {(row[2], row[3], row[4], row[5]) for row in rows} == {(None, None, None, "drop")}
    assert Counter({row[1]: row[6] for row in rows}) == expected
    assert len(rows) == len(expected), "one row per day"


def test_later_runs_neither_recount_nor_lose_history(builds: dict[str, dict]) -> None:
    first = sorted(builds["window"]["expired"], key=repr)
    assert first
    # An incremental run with nothing new, a --full-refresh (full_refresh: false keeps the table) and the
    # windows set back to null (the recorded cutoffs still hold) add no row and drop none.
    for step in ("again", "full_refresh", "null_again"):
        assert sorted(builds[step]["expired"], key=repr) == first, step
    # The ledger holds one record key per counted row.
    for step in ("window", "again", "full_refresh", "null_again", "late"):
        snap = builds[step]
        assert snap["ledger"] == sum(row[6] for row in snap["expired"]), step


def test_late_and_redelivered_rows_expire_once(builds: dict[str, dict]) -> None:
    before, after = builds["null_again"], builds["late"]
    # Three raw rows more: the new old event expired, each re-delivery quarantines the earlier delivery.
    assert after["raw"]["web_events"] == before["raw"]["web_events"] + 3
    assert after["quarantined"]["web_events"] == before["quarantined"]["web_events"] + 2
    assert after["staged"] == before["staged"]
    added = sorted(set(after["expired"]) - set(before["expired"]), key=repr)
    assert set(before["expired"]) <= set(after["expired"])
    event_date, event_type, account_id = builds["late_rows"]["new"]
    # Only the new event is counted; the re-delivered expired event was counted by the first window build.
    assert [row[:7] for row in added] == [
        ("web_events", event_date, event_type, "account_id", account_id, "aggregate", 1)
    ]
    total = len(after["staged"]["web_events"]) + after["quarantined"]["web_events"]
    assert total + _expired_total(after, "web_events") == after["raw"]["web_events"]


def test_dry_run_foretells_the_window_and_respects_the_recorded_cutoff(builds: dict[str, dict]) -> None:
    cutoffs = _expected_cutoffs(builds)
    web_cutoff = cutoffs["web_events"]
    cutoff, total, months = builds["dry_run"]["before"]
    assert cutoff == web_cutoff.date()
    before = builds["null"]["staged"]["web_events"]
    expected = Counter(row[0].date().replace(day=1) for row in before.values() if row[0] < web_cutoff)
    assert total > 0 and total == sum(expected.values())
    assert months == dict(expected)
    # What it foretold is what the window then took out of staging.
    assert total == len(before) - len(builds["window"]["staged"]["web_events"])
    # A wider window after the build: the recorded cutoff holds, so nothing more would expire.
    assert builds["dry_run"]["wider"][:2] == (web_cutoff.date(), 0)
    # app_events under the project default (days: null): the window tried, held back by the recorded cutoff.
    assert builds["dry_run"]["null_window"][:2] == (cutoffs["app_events"].date(), 0)
