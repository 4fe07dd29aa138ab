"""Replay raw data as it arrived: copies of the raw Parquet tables holding only the rows loaded up to a
moment, so incremental builds can run batch after batch (tests, benchmarks) and be compared with a full
refresh."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb

LOADED_AT = "_loaded_at"


def raw_tables(raw: Path) -> list[str]:
    """The raw tables under ``raw`` (one folder of Parquet files each, as ``cdp datagen`` writes them; the
    generator's hidden truth sits in ``_truth`` and is not a raw table)."""
    return sorted(
        path.name
        for path in raw.iterdir()
        if path.is_dir() and not path.name.startswith("_") and any(path.glob("*.parquet"))
    )


def _load_times_sql(raw: Path) -> str:
    """A query of every raw row's parsed load time (``loaded_at``, NULL where it does not parse), over every
    raw table of ``raw``."""
    return " union all ".join(
        f"select try_cast({LOADED_AT} as timestamp) as loaded_at from read_parquet('{raw / table}/*.parquet')"
        for table in raw_tables(raw)
    )


def newest_load(raw: Path) -> datetime:
    """The latest parseable ``_loaded_at`` in any raw table."""
    with duckdb.connect() as connection:
        return connection.execute(f"select max(loaded_at) from ({_load_times_sql(raw)})").fetchone()[0]


def last_day_of_loads_start(raw: Path) -> datetime:
    """The load time after which the newest rows amount to one day of data: as many rows, over every raw
    table, as the median day of the four weeks before the newest load carried. Keeping the rows loaded up to
    it (``write_loaded_until``) leaves one typical day for an incremental run to add. The newest calendar day
    alone would not do: after the window a generator (or a source system) covers, late loads trickle in for
    some days, and at 1M people the last of them holds a few dozen rows."""
    with duckdb.connect() as connection:
        connection.execute("set enable_progress_bar = false")
        (start,) = connection.execute(
            f"""
            with loads as (
                select loaded_at from ({_load_times_sql(raw)}) as all_loads where loaded_at is not null
            ),
            recent_days as (
                select count(*) as row_count
                from loads
                where loaded_at > (select max(loaded_at) from loads) - interval 28 day
                group by cast(loaded_at as date)
            ),
            newest_first as (
                select loaded_at, row_number() over (order by loaded_at desc) as newer_rows
                from loads
            )
            select max(loaded_at) from newest_first
            where newer_rows > (select median(row_count) from recent_days)
            """
        ).fetchone()
    return start


def write_loaded_until(raw: Path, out: Path, until: datetime) -> dict[str, int]:
    """Write to ``out`` every raw table of ``raw`` keeping the rows loaded at or before ``until``.

    Rows whose ``_loaded_at`` does not parse are kept in every copy: staging quarantines them either way, and
    dropping them would make the copies disagree with the raw data on what was delivered. Returns the rows
    written per table."""
    out.mkdir(parents=True, exist_ok=True)
    written: dict[str, int] = {}
    with duckdb.connect() as connection:
        for table in raw_tables(raw):
            (out / table).mkdir(exist_ok=True)
            target = out / table / "part-0.parquet"
            query = (
                f"select * from read_parquet('{raw / table}/*.parquet') "
                f"where try_cast({LOADED_AT} as timestamp) is null "
                f"or try_cast({LOADED_AT} as timestamp) <= timestamp '{until.isoformat(sep=' ')}'"
            )
            connection.execute(f"copy ({query}) to '{target}' (format parquet)")
            written[table] = connection.execute(f"select count(*) from read_parquet('{target}')").fetchone()[
                0
            ]
    return written
