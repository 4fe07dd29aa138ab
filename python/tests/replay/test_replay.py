"""``cdp replay``: which rows "one more day of data" holds back, and that the copies lose nothing."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from cdp.cli import main as cdp_main
from cdp.replay import last_day_of_loads_start, write_loaded_until

NEWEST_FULL_DAY = datetime(2026, 10, 31)
ROWS_PER_DAY = 100
TRICKLE = (5, 3, 1)  # rows loaded on each of the three days after the last full day


def _write_table(raw: Path, table: str, loads: list[str]) -> None:
    (raw / table).mkdir(parents=True)
    with duckdb.connect() as connection:
        connection.execute("create table loads (event_id varchar, _loaded_at varchar)")
        rows = [(f"{table}-{i}", loaded_at) for i, loaded_at in enumerate(loads)]
        connection.executemany("insert into loads values (?, ?)", rows)
        connection.execute(f"copy loads to '{raw / table / 'part-0.parquet'}' (format parquet)")


@pytest.fixture
def raw(tmp_path: Path) -> Path:
    """Two tables sharing a typical day of ROWS_PER_DAY rows for 40 days, then a trickle of late loads, and a
    row whose load time does not parse."""
    raw = tmp_path / "raw"
    first_day = NEWEST_FULL_DAY - timedelta(days=39)
    web, orders = [], []
    for day in range(40):
        for i in range(ROWS_PER_DAY):
            loaded_at = first_day + timedelta(days=day, seconds=i * 800)
            (web if i % 4 else orders).append(loaded_at.isoformat() + "Z")
    for day, count in enumerate(TRICKLE, start=1):
        web += [(NEWEST_FULL_DAY + timedelta(days=day, hours=i)).isoformat() + "Z" for i in range(count)]
    web.append("not a time")
    _write_table(raw, "web_events", web)
    _write_table(raw, "shop_orders", orders)
    _write_table(raw, "_truth", ["2026-01-01T00:00:00Z"])  # the generator's truth is no raw table
    return raw


def _count(path: Path) -> int:
    with duckdb.connect() as connection:
        return connection.execute(f"select count(*) from read_parquet('{path}/*/*.parquet')").fetchone()[0]


def test_one_day_held_back_is_a_typical_days_volume_and_the_late_trickle(raw: Path, tmp_path: Path) -> None:
    start = last_day_of_loads_start(raw)
    # the trickle (9 rows) alone is far from a day; the newest ROWS_PER_DAY rows reach into the last full day
    assert NEWEST_FULL_DAY < start < NEWEST_FULL_DAY + timedelta(days=1)
    written = write_loaded_until(raw, tmp_path / "earlier", start)
    total = _count(raw) - 1  # less the truth row
    held_back = total - sum(written.values())
    assert held_back == ROWS_PER_DAY
    assert set(written) == {"web_events", "shop_orders"}


def test_rows_whose_load_time_does_not_parse_stay_in_every_copy(raw: Path, tmp_path: Path) -> None:
    written = write_loaded_until(raw, tmp_path / "long_ago", datetime(2000, 1, 1))
    assert written == {"shop_orders": 0, "web_events": 1}


def test_the_cli_holds_back_one_day(raw: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "earlier"
    assert cdp_main(["replay", "--raw", str(raw), "--out", str(out), "--hold-back-one-day"]) == 0
    assert _count(out) == _count(raw) - 1 - ROWS_PER_DAY
    assert "rows loaded until 2026-10-31" in capsys.readouterr().out
