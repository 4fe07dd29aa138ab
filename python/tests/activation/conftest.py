"""Fixtures for the activation tests: a small warehouse with one audience table and a profile table (what dbt
builds, with the columns the sync engine reads), vendor emulators on loopback, and jobs wiring them
together."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from cdp.activation.spec import Audience, DestinationSpec, Filter, SyncSpec
from cdp.destinations import registry
from cdp.destinations.emulator import EmulatorServer, VendorApp
from cdp.sync.engine import SyncEngine, SyncJob

AUDIENCE = "test_audience"
AUDIENCE_TABLE = "aud.aud_test_audience"
PROFILE_TABLE = "marts.dim_customers"


def customer(index: int, **overrides) -> dict:
    """One audience row: a valid, consenting, treated member unless overridden."""
    row = {
        "customer_id": f"cus_{index:06d}",
        "audience_group": "treatment",
        "email": f"person{index}@example.com",
        "first_name": f"Ann{index}",
        "last_name": "Lee",
        "phone_e164": f"+4477001{index:05d}",
        "country_code": "GB",
        "score": index,
        "email_consent_status": "granted",
        "ads_personalisation_consent_status": "granted",
        "is_erasure_requested": False,
    }
    row.update(overrides)
    return row


class Warehouse:
    """A DuckDB file holding the audience and profile tables; ``set_members`` rewrites both."""

    def __init__(self, path: Path):
        self.path = path
        self.con = duckdb.connect(str(path))
        self.con.execute("create schema if not exists aud; create schema if not exists marts")
        self.set_members([])

    def set_members(self, rows: list[dict], profile_only: list[dict] = ()) -> None:
        columns = list(customer(0))
        types = {"score": "integer", "is_erasure_requested": "boolean"}
        ddl = ", ".join(f"{c} {types.get(c, 'varchar')}" for c in columns)
        for table, data in ((AUDIENCE_TABLE, rows), (PROFILE_TABLE, [*rows, *profile_only])):
            self.con.execute(f"create or replace table {table} ({ddl})")
            if data:
                placeholders = ", ".join("?" for _ in columns)
                self.con.executemany(
                    f"insert into {table} values ({placeholders})", [[r[c] for c in columns] for r in data]
                )

    def scalar(self, sql: str, params: list | None = None):
        return self.con.execute(sql, params or []).fetchall()[0][0]


@pytest.fixture
def warehouse(tmp_path: Path) -> Iterator[Warehouse]:
    w = Warehouse(tmp_path / "warehouse.duckdb")
    yield w
    w.con.close()


@pytest.fixture
def serve():
    """Start an emulator app on loopback for the test: ``server = serve(App())``."""
    servers: list[EmulatorServer] = []

    def start(app: VendorApp) -> EmulatorServer:
        server = EmulatorServer(app).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


def make_job(
    dest_type: str,
    url: str,
    fields: dict[str, str],
    *,
    mode: str = "mirror",
    token_env: str = "CDP_TEST_TOKEN",
    holdout: int = 0,
    name: str | None = None,
    **spec_options,
) -> SyncJob:
    """A job syncing the test audience to a destination of type ``dest_type`` named ``name`` (or the type)."""
    options = spec_options.pop("options", {})
    name = name or dest_type
    spec = DestinationSpec(name=name, type=dest_type, url=url, token_env=token_env, options=options)
    spec = dataclasses.replace(spec, **spec_options)
    sync = SyncSpec(destination=name, mode=mode, fields=fields)
    audience = Audience(
        name=AUDIENCE,
        description="test",
        filter=Filter(),
        syncs=(sync,),
        holdout_percent=holdout,
    )
    destination = registry()[dest_type](spec, sync, AUDIENCE)
    return SyncJob(audience, sync, destination, AUDIENCE_TABLE, PROFILE_TABLE)


@pytest.fixture
def engine(warehouse: Warehouse, monkeypatch: pytest.MonkeyPatch) -> SyncEngine:
    monkeypatch.setenv("CDP_TEST_TOKEN", "test-token")
    return SyncEngine(warehouse.con, progress=False, commit_every_seconds=0.05)


# The session's PostgreSQL server (the postgres destination's contract case and tests ask for postgres_dsn).
from tests.activation.postgres_server import postgres_dsn_fixture, postgres_server_fixture  # noqa: E402, F401
