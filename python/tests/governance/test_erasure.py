"""The right to be forgotten, end to end on a real build and real HTTP: people synced to every example
destination ask to be erased; the next `dbt build` empties their PII in every mart, the 360 and the
audiences and writes a tombstone; the next sync removes them from every destination that held them and keeps
nothing that names them; and when the requests are purged and they turn up again with the same e-mail, the
suppression list keeps them erased. The times from the request to each removal are printed (the figure of
docs/governance/erasure.md)."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from cdp.activation.spec import load_audiences, load_destinations
from cdp.destinations.local import point_at_emulators, start_emulators
from cdp.sync.engine import SyncEngine
from cdp.sync.jobs import build_jobs
from cdp.warehouse import Manifest
from tests.activation.destinations import (
    braze,
    google_ads_customer_match,
    hubspot,
    klaviyo,
    mailchimp,
    meta_custom_audiences,
)
from tests.activation.destinations.file_export import file_emails
from tests.dbt_harness import DbtProject

SALT = "erasure-test-salt"
INCREMENTAL = ("--exclude", "path:seeds/demo")


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _held(destination_type: str, app, export_dir: Path, audience: str) -> set[str]:
    """The e-mail addresses (or their SHA-256, for platforms that keep hashes) a destination holds now."""
    cases = {
        case.CASE.type: case.CASE
        for case in (braze, google_ads_customer_match, hubspot, klaviyo, mailchimp, meta_custom_audiences)
    }
    if destination_type in cases:
        return cases[destination_type].held(app, export_dir)
    if destination_type == "webhook":
        return {row.get("email") for rows in app.records.values() for row in rows.values()}
    if destination_type == "file_export":
        return file_emails(export_dir, audience)
    raise AssertionError(f"no reader for {destination_type}")


def _expect(destination_type: str, email: str) -> str:
    return (
        _sha256(email)
        if destination_type in ("meta_custom_audiences", "google_ads_customer_match")
        else email
    )


class Activation:
    """The example audiences' destinations as local emulators that outlive a sync, and a sync of them all."""

    def __init__(self, project: DbtProject, export_dir: Path, monkeypatch: pytest.MonkeyPatch):
        self.project, self.export_dir = project, export_dir
        monkeypatch.setenv("CDP_EXPORT_DIR", str(export_dir))
        monkeypatch.setenv("CDP_DUCKDB_PATH", str(project.duckdb_path))
        monkeypatch.setenv("DBT_TARGET_PATH", str(project.target_path))
        self.destinations = load_destinations()
        self.monkeypatch = monkeypatch

    def __enter__(self) -> Activation:
        self._servers = start_emulators(self.destinations)
        self.servers = self._servers.__enter__()
        point_at_emulators(self.destinations, self.servers, self.monkeypatch.setenv)
        return self

    def __exit__(self, *exc) -> None:
        self._servers.__exit__(*exc)

    def sync(self) -> list:
        jobs = build_jobs(
            load_audiences(destinations=self.destinations),
            self.destinations,
            Manifest(self.project.manifest()),
        )
        summaries = []
        with duckdb.connect(str(self.project.duckdb_path)) as con:
            engine = SyncEngine(con)
            for job in jobs:
                summaries += engine.run(job)
                job.destination.close()
        return summaries

    def holders(self, email: str) -> set[str]:
        """The syncs whose destination holds the e-mail."""
        found = set()
        for audience in load_audiences(destinations=self.destinations):
            for sync in audience.syncs:
                spec = self.destinations[sync.destination]
                server = self.servers.get(sync.destination)
                app = server.app if server else None
                if _expect(spec.type, email) in _held(spec.type, app, self.export_dir, audience.name):
                    found.add(f"{audience.name}__{sync.destination}")
        return found


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> DbtProject:
    built = DbtProject("dev", tmp_path_factory.mktemp("erasure"), {"CDP_PII_SALT": SALT})
    built.build()
    return built


@pytest.fixture(scope="module")
def monkeymodule() -> Iterator[pytest.MonkeyPatch]:
    with pytest.MonkeyPatch.context() as patch:
        yield patch


@pytest.fixture(scope="module")
def activation(project, tmp_path_factory, monkeymodule) -> Iterator[Activation]:
    with Activation(project, tmp_path_factory.mktemp("exports"), monkeymodule) as active:
        yield active


def _query(project: DbtProject, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(project.duckdb_path), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def _pick_people(project: DbtProject) -> list[tuple[str, str]]:
    """One synced member of each example audience (treated, consenting, not erased): (id, e-mail)."""
    people: dict[str, str] = {}
    for (table,) in _query(
        project,
        "select table_name from information_schema.tables "
        "where table_schema = 'cdp_audiences' and table_name like 'aud\\_%' escape '\\' order by 1",
    ):
        rows = _query(
            project,
            f"""
            select customer_id, email from cdp_audiences.{table}
            where audience_group != 'holdout' and not is_erasure_requested and email is not null
                and email_consent_status = 'granted'
                and coalesce(ads_personalisation_consent_status, 'granted') = 'granted'
            order by customer_id
            limit 1
            """,
        )
        people.update(rows)
    assert len(people) >= 3, people
    return sorted(people.items())


def _mart_tables(project: DbtProject) -> dict[str, list[str]]:
    """Every table and view of the published schemas (marts, masked marts, audiences) and its text columns."""
    tables: dict[str, list[str]] = {}
    for schema, table, column in _query(
        project,
        """
        select table_schema, table_name, column_name from information_schema.columns
        where table_schema in ('cdp_marts', 'cdp_marts_masked', 'cdp_audiences') and data_type = 'VARCHAR'
        order by all
        """,
    ):
        tables.setdefault(f"{schema}.{table}", []).append(column)
    return tables


def _tables_naming(project: DbtProject, tables: dict[str, list[str]], texts: list[str]) -> dict[str, int]:
    """Rows of each published table holding any of ``texts`` in a text column."""
    found = {}
    with duckdb.connect(str(project.duckdb_path), read_only=True) as con:
        for table, columns in tables.items():
            condition = " or ".join(f'"{c}" in (select unnest(?))' for c in columns)
            (count,) = con.execute(
                f"select count(*) from {table} where {condition}", [texts] * len(columns)
            ).fetchall()[0]
            if count:
                found[table] = count
    return found


def _request_erasure(project: DbtProject, people: list[tuple[str, str]]) -> None:
    """The privacy tool lands one erasure request per person in the raw table, loaded after the rest."""
    with duckdb.connect(str(project.duckdb_path)) as con:
        (loaded,) = con.execute("select max(_loaded_at) from cdp_raw.web_events").fetchall()[0]
        con.executemany(
            "insert into cdp_raw.privacy_erasure_requests "
            "(request_id, email, phone, account_id, requested_at, status, _loaded_at) "
            "values (?, ?, null, null, ?, 'received', ?)",
            [[f"ER-TEST-{i}", email, loaded, loaded] for i, (_, email) in enumerate(people)],
        )


def test_erasure_end_to_end(project: DbtProject, activation: Activation, capsys) -> None:
    # 1. Everyone is synced; each picked person is held by the destinations of their audience.
    first = activation.sync()
    assert all(s.status == "succeeded" for s in first), first
    people = _pick_people(project)
    held_before = {email: activation.holders(email) for _, email in people}
    assert all(held_before.values()), held_before
    ids = [customer_id for customer_id, _ in people]
    synced = set(
        _query(
            project,
            "select sync_id, record_key from cdp_sync.sync_state where record_key in (select unnest(?))",
            [ids],
        )
    )
    tables = _mart_tables(project)
    emails = [email for _, email in people]
    assert _tables_naming(project, tables, emails), "the people's e-mails should be in the marts before"

    # 2. They ask to be erased; the next (incremental) build empties their PII everywhere published.
    started = time.perf_counter()
    _request_erasure(project, people)
    project.dbt("build", *INCREMENTAL)
    marts_seconds = time.perf_counter() - started
    assert _tables_naming(project, tables, emails) == {}
    dim = _query(
        project,
        "select customer_id, first_name, email, phone_e164, city, is_erasure_requested, is_email_contactable "
        "from cdp_marts.dim_customers where customer_id in (select unnest(?))",
        [ids],
    )
    assert sorted(r[0] for r in dim) == sorted(ids), "the erased keep their (pseudonymous) row"
    assert all(r[1:5] == (None, None, None, None) and r[5] and not r[6] for r in dim), dim

    # The tombstone: hashed id, dates, what was erased; the suppression list holds hashes only.
    tombstones = _query(
        project,
        "select erasure_request_id, customer_id_hash, requested_at, erased_at, suppressed_identifier_count, "
        "erased_columns from cdp_marts.fct_erasure_tombstones where erasure_request_id like 'ER-TEST-%' "
        "order by 1",
    )
    assert len(tombstones) == len(people)
    by_email = dict(people)
    for (request_id, id_hash, requested_at, erased_at, suppressed, erased_columns), (customer_id, _) in zip(
        tombstones, people, strict=True
    ):
        assert id_hash == _sha256(SALT + customer_id), request_id
        assert requested_at is not None and erased_at is not None and suppressed >= 1
        assert {"dim_customers.email", "mart_customer_360.email", "fct_feedback_texts.feedback_text"} <= set(
            erased_columns.split(", ")
        )
    suppressed = {
        h for (h,) in _query(project, "select identifier_hash from cdp_intermediate.int_erasure_suppressions")
    }
    for email in by_email.values():
        assert _sha256(f"{SALT}email:{email}") in suppressed
    assert not _query(
        project,
        "select 1 from cdp_intermediate.int_erasure_suppressions where identifier_hash in (select unnest(?))",
        [[f"email:{e}" for e in emails] + emails],
    )

    # 3. The next sync removes them from every destination that held them, and keeps nothing naming them.
    started_sync = time.perf_counter()
    second = activation.sync()
    sync_seconds = time.perf_counter() - started_sync
    assert all(s.status == "succeeded" for s in second), second
    assert {email: activation.holders(email) for email in emails} == {email: set() for email in emails}
    audit = _query(project, "select sync_id, record_key from cdp_sync.sync_erasures")
    assert set(audit) == synced, "one audited removal per sync that had sent them"
    for table in ("sync_state", "sync_plan", "sync_rejections"):
        rows = _query(
            project,
            f"select count(*) from cdp_sync.{table} as t where regexp_matches(cast(t as varchar), ?)",
            ["|".join(e.replace(".", "\\.") for e in emails)],
        )
        assert rows == [(0,)], table

    # 4. The requests are purged; a full rebuild, and a new sign-up with the same e-mail, do not bring them
    # back: the suppression list (kept through --full-refresh) erases them again.
    with duckdb.connect(str(project.duckdb_path)) as con:
        con.execute("delete from cdp_raw.privacy_erasure_requests where request_id like 'ER-TEST-%'")
        con.executemany(
            "insert into cdp_raw.crm_contacts (contact_id, first_name, last_name, email, created_at, "
            "updated_at, _loaded_at) values (?, 'Recreated', 'Person', ?, ?, ?, ?)",
            [
                [
                    f"C-TEST-{i}",
                    email.upper(),
                    "2026-01-01T00:00:00Z",
                    "2026-01-01T00:00:00Z",
                    "2026-01-01T00:00:00Z",
                ]
                for i, email in enumerate(emails)
            ],
        )
    project.dbt("build", "--full-refresh", *INCREMENTAL)
    assert _tables_naming(project, tables, [*emails, "Recreated"]) == {}
    assert len(
        _query(
            project,
            "select 1 from cdp_marts.fct_erasure_tombstones where erasure_request_id like 'ER-TEST-%'",
        )
    ) == len(people)
    third = activation.sync()
    assert all(s.status == "succeeded" for s in third), third
    assert {email: activation.holders(email) for email in emails} == {email: set() for email in emails}

    with capsys.disabled():
        print(
            f"\nerasure of {len(people)} people: request -> marts {marts_seconds:.1f} s "
            "(incremental dbt build), "
            f"-> destinations {sync_seconds:.1f} s more ({len(synced)} removals over "
            f"{len({s for s, _ in synced})} syncs), total {marts_seconds + sync_seconds:.1f} s"
        )
    report = Path(project.workdir) / "erasure_figures.json"
    report.write_text(json.dumps({"marts_seconds": marts_seconds, "sync_seconds": sync_seconds}))
