"""Fixtures shared by the test suites."""

from __future__ import annotations

import duckdb
import pytest

from cdp.warehouse import Manifest
from tests.dbt_harness import DbtProject


@pytest.fixture(scope="session")
def duckdb_project(tmp_path_factory: pytest.TempPathFactory) -> DbtProject:
    """The project built on the demo seeds in a fresh DuckDB file (once per session)."""
    project = DbtProject("dev", tmp_path_factory.mktemp("duckdb"), {})
    project.build()
    return project


@pytest.fixture(scope="module")
def manifest(duckdb_project: DbtProject) -> Manifest:
    """The demo build's manifest."""
    return Manifest(duckdb_project.manifest())


@pytest.fixture(scope="module")
def connection(duckdb_project: DbtProject):
    """A read-only connection to the demo build, closed after the module (dbt may write the file again)."""
    con = duckdb.connect(str(duckdb_project.duckdb_path), read_only=True)
    yield con
    con.close()
