"""`cdp sync` on the demo build, as the main job runs it: every example audience goes to the local emulators,
nothing is sent twice, a dry run shows what would go, and a stale compile or an unknown name is refused."""

from __future__ import annotations

import duckdb
import pytest

from cdp.activation.spec import load_audiences
from cdp.cli import main
from tests.dbt_harness import DbtProject


@pytest.fixture
def demo_env(duckdb_project: DbtProject, monkeypatch: pytest.MonkeyPatch) -> DbtProject:
    monkeypatch.setenv("CDP_DUCKDB_PATH", str(duckdb_project.duckdb_path))
    monkeypatch.setenv("DBT_TARGET_PATH", str(duckdb_project.target_path))
    return duckdb_project


def _csv_rows(directory) -> int:
    """Data rows in the CSV part files of a directory (each has a header line)."""
    return sum(len(path.read_text().splitlines()) - 1 for path in directory.glob("*.csv"))


def test_main_job_syncs_every_example_audience(demo_env: DbtProject, capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("CDP_EXPORT_DIR", str(tmp_path / "exports"))
    assert main(["sync", "--emulators", "--full-resync"]) == 0
    out = capsys.readouterr().out
    with duckdb.connect(str(demo_env.duckdb_path), read_only=True) as con:
        runs = con.execute(
            """
            select sync_id, status, sent_rows, planned_rows from cdp_sync.sync_runs
            where status != 'dry_run' and finished_at = (
                select max(finished_at) from cdp_sync.sync_runs as later
                where later.sync_id = sync_runs.sync_id
            )
            """
        ).fetchall()
        eligible = con.execute(
            """
            select count(*) from cdp_audiences.aud_lapsed_subscribers
            -- the file export declares no consent channel: every treated member not asking to be erased
            where audience_group != 'holdout' and not is_erasure_requested
            """
        ).fetchall()[0][0]
    syncs = sum(len(audience.syncs) for audience in load_audiences())
    assert len(runs) == syncs and all(status == "succeeded" for _, status, *_ in runs), runs
    assert all(sent == planned and sent > 0 for *_, sent, planned in runs), runs
    assert "hubspot (hubspot emulator) now holds" in out and '"contacts": ' in out
    exported = _csv_rows(tmp_path / "exports" / "lapsed_subscribers")
    assert exported == eligible == dict((s, n) for s, _, n, _ in runs)["lapsed_subscribers__audience_files"]
    # Nothing changed since: a dry run plans nothing.
    assert main(["sync", "--dry-run"]) == 0
    assert "nothing to send" in capsys.readouterr().out


def test_unknown_names_are_refused(demo_env: DbtProject, capsys):
    assert main(["sync", "--audience", "nobody", "--dry-run"]) == 2
    assert "no audience named 'nobody'" in capsys.readouterr().err


def test_an_audience_not_built_since_its_yaml_changed_is_refused(demo_env: DbtProject, capsys):
    with duckdb.connect(str(demo_env.duckdb_path)) as con:
        con.execute("alter table cdp_audiences.aud_cart_abandoners rename to aud_cart_abandoners_old")
    try:
        assert main(["sync", "--audience", "cart_abandoners", "--dry-run"]) == 2
        assert (
            "aud_cart_abandoners is not built: run `dbt build -s aud_cart_abandoners`"
            in capsys.readouterr().err
        )
    finally:
        with duckdb.connect(str(demo_env.duckdb_path)) as con:
            con.execute("alter table cdp_audiences.aud_cart_abandoners_old rename to aud_cart_abandoners")
