"""`cdp sync` refuses an audience whose data contracts fail (the audience's great-expectations suite, or
those of the marts it reads): nothing reaches the destination, the refusal is in the run log, the exit code is
1, and the other audiences still sync. ``--skip-contracts`` overrides it."""

from __future__ import annotations

import json
import re
import shutil

import duckdb
import pytest

from cdp.cli import main
from cdp.sync.jobs import REFUSED
from tests.dbt_harness import DbtProject

BROKEN = "cart_abandoners"  # syncs to crm_webhook (mirror) and klaviyo
HEALTHY = "promoters_for_referrals"  # syncs to crm_webhook and mailchimp


@pytest.fixture
def warehouse_copy(duckdb_project: DbtProject, tmp_path, monkeypatch: pytest.MonkeyPatch):
    """A writable, never-synced copy of the demo build, with the demo's manifest."""
    path = tmp_path / "cdp.duckdb"
    shutil.copy(duckdb_project.duckdb_path, path)
    # Never synced: other tests may have run the sync engine on the shared demo build.
    with duckdb.connect(str(path)) as con:
        con.execute("drop schema if exists cdp_sync cascade")
    monkeypatch.setenv("CDP_DUCKDB_PATH", str(path))
    monkeypatch.setenv("DBT_TARGET_PATH", str(duckdb_project.target_path))
    monkeypatch.setenv("CDP_EXPORT_DIR", str(tmp_path / "exports"))
    return path


def _break_audience(path) -> str:
    """Duplicate one member of the audience and give another an invalid e-mail; the duplicated id."""
    with duckdb.connect(str(path)) as con:
        table = f"cdp_audiences.aud_{BROKEN}"
        [(duplicated,), (other,)] = con.execute(
            f"select customer_id from {table} where audience_group = 'treatment' order by customer_id limit 2"
        ).fetchall()
        con.execute(f"insert into {table} select * from {table} where customer_id = ?", [duplicated])
        con.execute(f"update {table} set email = 'not-an-email' where customer_id = ?", [other])
    return duplicated


def _holdings(out: str) -> dict[str, dict]:
    """What each emulator holds after the run, from the CLI's closing lines."""
    return {
        name: json.loads(state)
        for name, state in re.findall(r"^(\w+) \(\w+ emulator\) now holds: (.*)$", out, re.M)
    }


def test_a_broken_audience_is_refused_and_the_others_still_sync(warehouse_copy, capsys) -> None:
    duplicated = _break_audience(warehouse_copy)
    code = main(["sync", "--emulators", "--audience", BROKEN, "--audience", HEALTHY])
    captured = capsys.readouterr()
    assert code == 1
    assert f"audience {BROKEN}: data contracts fail, its syncs are refused" in captured.err
    assert f"aud_{BROKEN}: expect_column_values_to_be_unique(customer_id)" in captured.err
    assert duplicated in captured.err
    assert f"aud_{BROKEN}: expect_column_values_to_match_regex(email)" in captured.err and "not-an-email" in (
        captured.err
    )
    held = _holdings(captured.out)
    # Nothing of the broken audience reached its destinations; the healthy one was sent.
    assert held["klaviyo"]["profiles"] == 0 and held["klaviyo"]["stats"]["requests"] == 0
    assert BROKEN not in held["crm_webhook"]["records"]
    assert held["crm_webhook"]["records"][HEALTHY] > 0
    assert held["mailchimp"]["lists"] and all(
        v["subscribed"] > 0 for v in held["mailchimp"]["lists"].values()
    )
    with duckdb.connect(str(warehouse_copy), read_only=True) as con:
        runs = dict(
            con.execute(
                "select sync_id, status from cdp_sync.sync_runs where status != 'succeeded'"
            ).fetchall()
        )
        planned = con.execute(
            "select count(*) from cdp_sync.sync_plan p join cdp_sync.sync_runs r using (run_id) "
            "where r.audience_name = ?",
            [BROKEN],
        ).fetchall()[0][0]
    assert runs == {f"{BROKEN}__crm_webhook": REFUSED, f"{BROKEN}__klaviyo": REFUSED}
    assert planned == 0


def test_a_broken_mart_refuses_every_audience_reading_it_unless_skipped(warehouse_copy, capsys) -> None:
    with duckdb.connect(str(warehouse_copy)) as con:
        con.execute(
            "update cdp_marts.dim_customers set email = 'Broken@@example' "
            "where customer_id = "
            "(select min(customer_id) from cdp_marts.dim_customers where email is not null)"
        )
    assert main(["sync", "--emulators", "--audience", HEALTHY]) == 1
    captured = capsys.readouterr()
    assert "dim_customers: expect_column_values_to_match_regex(email)" in captured.err
    assert "Broken@@example" in captured.err
    assert _holdings(captured.out)["mailchimp"]["stats"]["requests"] == 0
    # The emergency override sends anyway, and says so.
    assert main(["sync", "--emulators", "--audience", HEALTHY, "--skip-contracts"]) == 0
    captured = capsys.readouterr()
    assert "--skip-contracts" in captured.err
    assert _holdings(captured.out)["mailchimp"]["stats"]["requests"] > 0
